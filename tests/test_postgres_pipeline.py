"""The whole job on the PostgreSQL backend: poll the sample web, stories, search, digest.

Also: the same feed gives the same stories on SQLite and on PostgreSQL, whenever
each was polled (an entry with no time of its own once took the poll's time,
so a later poll on the other backend grouped it differently).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from occasional import make_engine
from occasional.demo import NewsWeb
from test_storage_contract import POSTGRES_URL, SKIP_POSTGRES, postgres_schema

pytestmark = pytest.mark.postgres

ALLOW = {"fetch": {"allow_networks": ["127.0.0.0/8"]}}
# The feed's dated reports were published the day before the first poll.
FIRST_POLL = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
# A second poll of the same feed, days later (still within the stories' window).
LATER = timedelta(days=5)
ITEM = """<item><title>{title}</title><link>{base}/{key}</link><guid>{key}</guid>{extra}</item>"""
REPORTS = [
    (
        "a1",
        "Harbour bridge closed after cracks found in its main span",
        8,
        "Engineers closed the Harbour bridge on Thursday after inspectors found cracks in its "
        "main span, the city transport department said. Traffic was diverted to the tunnel.",
    ),
    (
        "a2",
        "City shuts Harbour bridge over cracked span; traffic diverted",
        9,
        "The Harbour bridge was shut on Thursday when inspectors discovered cracks in the main "
        "span. The transport department sent traffic to the tunnel and added ferries.",
    ),
    (
        "b1",
        "Council approves budget with cuts to library hours",
        7,
        "The council approved next year's budget late on Wednesday, with shorter library hours "
        "and a freeze on parks spending.",
    ),
]


@pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)
def test_poll_stories_search_digest_on_postgres(news_web: NewsWeb, tmp_path: Path) -> None:
    with postgres_schema() as url:
        overrides = {"database_url": url, **ALLOW}
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="module")
def feed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback feed: two dated reports of one event, a title-only entry on it, another event."""
    folder = tmp_path_factory.mktemp("feed")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    day = FIRST_POLL - timedelta(days=1)
    items = [
        ITEM.format(
            title=title,
            base=base,
            key=key,
            extra=f"<pubDate>{(day.replace(hour=hour)).strftime('%a, %d %b %Y %H:%M:%S GMT')}"
            f"</pubDate><description>{text}</description>",
        )
        for key, title, hour, text in REPORTS
    ]
    # No time, no text: the feed gives its title only and its page is missing.
    items.append(
        ITEM.format(
            title="Harbour bridge closed after inspectors find cracks",
            base=base,
            key="t1",
            extra="",
        )
    )
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>{base}/</link><description>news</description>{''.join(items)}</channel></rss>"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/feed.xml"
    server.shutdown()
    server.server_close()
    thread.join()


def _stories_of_feed(
    url: str, home: Path, polled_at: datetime, database: str | None
) -> set[frozenset[str]]:
    """Poll ``url`` once at ``polled_at`` into a new home; the stories as sets of entry keys."""
    overrides: dict[str, object] = dict(ALLOW)
    if database:
        overrides["database_url"] = database
    with make_engine(home=home, overrides=overrides, clock=lambda: polled_at) as engine:
        engine.add_source(url)
        engine.poll(everything=True)
        keys = {a.id: a.url.rsplit("/", 1)[-1] for a in engine.storage.iter_articles()}
        assert len(keys) == 4
        return {frozenset(keys[i] for i in s.article_ids) for s in engine.stories()}


def test_an_untimed_entry_groups_the_same_whenever_it_is_polled(
    feed_url: str, tmp_path: Path
) -> None:
    first = _stories_of_feed(feed_url, tmp_path / "a", FIRST_POLL, None)
    later = _stories_of_feed(feed_url, tmp_path / "b", FIRST_POLL + LATER, None)
    assert frozenset({"a1", "a2", "t1"}) in first
    assert later == first


@pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)
def test_sqlite_and_postgres_give_the_same_stories(feed_url: str, tmp_path: Path) -> None:
    on_sqlite = _stories_of_feed(feed_url, tmp_path / "sqlite", FIRST_POLL, None)
    with postgres_schema() as url:
        later = FIRST_POLL + LATER
        on_postgres = _stories_of_feed(feed_url, tmp_path / "postgres", later, url)
    assert on_postgres == on_sqlite
    assert frozenset({"a1", "a2", "t1"}) in on_postgres
