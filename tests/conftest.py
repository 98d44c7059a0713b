"""Shared fixtures: one sample news web per session and one home polled from it.

Polling the sample web is the slow part of the end-to-end tests, so it is
done once; a test that changes stored state copies the polled home first.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from occasional import make_engine
from occasional.core import Engine
from occasional.demo import NewsWeb, run_news_web

ALLOW = {"fetch": {"allow_networks": ["127.0.0.0/8"], "read_timeout": 10.0}}


@pytest.fixture(scope="session")
def news_web() -> Iterator[NewsWeb]:
    with run_news_web(slow_delay=0.2) as web:
        yield web


@pytest.fixture(scope="session")
def polled_home(news_web: NewsWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding every healthy outlet of the sample web, polled once."""
    home = tmp_path_factory.mktemp("polled-home")
    with make_engine(home=home, overrides=ALLOW) as engine:
        for outlet in news_web.outlets:
            if outlet.kind != "trouble":
                engine.add_source(outlet.feed_url or outlet.home_url)
        engine.poll(everything=True)
    return home


@pytest.fixture
def polled_engine(polled_home: Path, tmp_path: Path) -> Iterator[Engine]:
    """An engine over a private copy of the polled home."""
    home = tmp_path / "home"
    shutil.copytree(polled_home, home)
    with make_engine(home=home, overrides=ALLOW) as engine:
        yield engine


@pytest.fixture
def web_engine(polled_engine: Engine) -> Engine:
    """A polled home with a user, alice (its owner), and a stored digest."""
    from webclient import PASSWORD

    polled_engine.add_user("alice", PASSWORD)
    polled_engine.digest()
    return polled_engine


@pytest.fixture
def client(web_engine: Engine) -> Iterator[object]:
    """An in-process client of the web app over ``web_engine``, logged out."""
    from webclient import Client

    browser = Client(web_engine)
    yield browser
    browser.close()
