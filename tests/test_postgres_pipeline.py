"""The whole job on the PostgreSQL backend: poll the sample web, stories, search, digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from occasional import make_engine
from occasional.demo import NewsWeb
from test_storage_contract import POSTGRES_URL, SKIP_POSTGRES, postgres_schema

pytestmark = pytest.mark.postgres


@pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)
def test_poll_stories_search_digest_on_postgres(news_web: NewsWeb, tmp_path: Path) -> None:
    with postgres_schema() as url:
        overrides = {"database_url": url, "fetch": {"allow_networks": ["127.0.0.0/8"]}}
        with make_engine(home=tmp_path, overrides=overrides) as engine:
            for outlet in news_web.outlets:
                if outlet.kind == "feed":
                    engine.add_source(outlet.feed_url or outlet.home_url)
            first = engine.poll(everything=True)
            again = engine.poll(everything=True)
            stored = engine.storage.count_articles()
            assert stored == len(first.new_articles) > 20
            assert again.new_articles == []
            assert any(len(s.article_ids) > 1 for s in engine.stories())
            assert engine.search("bridge")
            (tmp_path / "profiles").mkdir()
            (tmp_path / "profiles" / "default.toml").write_text("min_score = 0.0\n")
            digest = engine.digest()
            assert digest.items and digest.id
            assert engine.storage.last_shown("default").keys() >= {i.id for i in digest.items}
