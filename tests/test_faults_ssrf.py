"""Fault suite, SSRF: every way to reach a private address is refused by default.

Through every door a URL comes in by: a feed being polled, an article page, a
redirect from either, ``add`` (autodiscovery) and ``extract URL``. Canary
servers on 127.0.0.1 and [::1] count every request that gets through: none may.
The one server the reader is allowed to reach listens on 127.0.0.2 alone.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from faultweb import FaultWeb, article_page, item, rss
from occasional import make_engine
from occasional.cli import cli
from occasional.exceptions import BlockedAddressError, InvalidURLError

pytestmark = pytest.mark.faults

ALLOWED = "127.0.0.2"


@pytest.fixture(scope="module")
def canaries() -> Iterator[tuple[FaultWeb, FaultWeb]]:
    """Servers on 127.0.0.1 and ::1 that answer everything: a hit on one is a leak."""
    with FaultWeb("127.0.0.1") as v4, FaultWeb("::1") as v6:
        for web_ in (v4, v6):
            web_.route("/leak", web_.static(rss([item("Leaked", link="https://x.example/")])))
        yield v4, v6


@pytest.fixture(scope="module")
def private_targets(canaries: tuple[FaultWeb, FaultWeb]) -> dict[str, str]:
    v4, v6 = canaries
    port = v4.port
    return {
        "loopback": f"http://127.0.0.1:{port}/leak",
        "localhost": f"http://localhost:{port}/leak",
        "own host name": f"http://{socket.gethostname()}:{port}/leak",
        "IPv6 loopback": f"http://[::1]:{v6.port}/leak",
        "unspecified": f"http://0.0.0.0:{port}/leak",
        "decimal": f"http://2130706433:{port}/leak",
        "octal": f"http://0177.0.0.1:{port}/leak",
        "hex short": f"http://0x7f.1:{port}/leak",
        "IPv4-mapped IPv6": f"http://[::ffff:127.0.0.1]:{port}/leak",
        "link-local metadata": "http://169.254.169.254/latest/meta-data/",
        "private 10/8": "http://10.0.0.1/leak",
        "private 192.168/16": "http://192.168.1.1/leak",
        "private 172.16/12": "http://172.16.0.1/leak",
        "IPv6 link-local": "http://[fe80::1]/leak",
        "IPv6 unique local": "http://[fc00::1]/leak",
    }


SCHEMES = {
    "file": "file:///etc/passwd",
    "ftp": "ftp://127.0.0.1/pub/feed.xml",
    "data": "data:application/rss+xml,<rss/>",
}


@pytest.fixture(scope="module")
def site() -> Iterator[FaultWeb]:
    """The one reachable server: /to?u=X redirects to X; /feed-to?u=X is a feed linking there."""
    with FaultWeb(ALLOWED) as web_:

        async def redirect(request: web.Request) -> web.Response:
            return web.Response(status=302, headers={"Location": request.query["u"]})

        web_.route("/to", redirect)
        yield web_


def allowed_engine(home: Path):
    return make_engine(home=home, overrides={"fetch": {"allow_networks": [f"{ALLOWED}/32"]}})


def assert_no_leak(canaries: tuple[FaultWeb, FaultWeb]) -> None:
    assert [c.hits["/leak"] for c in canaries] == [0, 0]


def redirect_to(site: FaultWeb, target: str) -> str:
    from urllib.parse import quote

    return site.url("/to?u=" + quote(target, safe=""))


# --- refused by default: nothing allowed at all --------------------------------------


@pytest.mark.parametrize("kind", sorted(["loopback", "localhost", "own host name", "IPv6 loopback",
    "unspecified", "decimal", "octal", "hex short", "IPv4-mapped IPv6", "link-local metadata",
    "private 10/8", "private 192.168/16", "private 172.16/12", "IPv6 link-local",
    "IPv6 unique local"]))  # fmt: skip
def test_add_refuses_private_addresses_by_default(
    kind: str, private_targets: dict[str, str], canaries, tmp_path: Path
) -> None:
    with make_engine(home=tmp_path) as engine, pytest.raises(BlockedAddressError):
        engine.add_source(private_targets[kind])
    assert engine.sources() == []
    assert_no_leak(canaries)


# --- redirects, from a server the reader may reach ---------------------------------


def test_feed_redirects_to_private_addresses_are_refused(
    site: FaultWeb, private_targets: dict[str, str], canaries, tmp_path: Path
) -> None:
    with allowed_engine(tmp_path) as engine:
        sources = {
            kind: engine.add_source(redirect_to(site, target), discover=False).id
            for kind, target in {**private_targets, **SCHEMES}.items()
        }
        report = engine.poll(everything=True)
    results = {r.source_id: r for r in report.sources}
    for kind, source_id in sources.items():
        result = results[source_id]
        assert result.status == "error", kind
        expected = "not http" if kind in SCHEMES else "address"
        assert expected in (result.error or ""), (kind, result.error)
    assert_no_leak(canaries)


def test_page_redirects_to_private_addresses_are_refused(
    site: FaultWeb, private_targets: dict[str, str], canaries, tmp_path: Path
) -> None:
    targets = {**private_targets, **SCHEMES}
    items = [item(kind, link=redirect_to(site, target)) for kind, target in targets.items()]
    # Entry links straight to private addresses or other schemes, no redirect.
    items += [item(f"direct {kind}", link=target) for kind, target in targets.items()]
    site.route("/pages.xml", site.static(rss(items, link=site.url("/")), "application/rss+xml"))
    with allowed_engine(tmp_path) as engine:
        source = engine.add_source(site.url("/pages.xml"), discover=False)
        report = engine.poll(everything=True)
        articles = {a.title: a for a in engine.articles(source=source.id)}
    assert len(articles) == 2 * len(targets)
    pages = {p.article_id: p for p in report.pages}
    for kind in targets:
        for title in (kind, f"direct {kind}"):
            article = articles[title]
            assert article.text == f"A short summary of {title}"  # the feed's text, kept
            assert not article.url.startswith(("file:", "ftp:", "data:"))
            page = pages.get(article.id)
            if page is not None:  # asked for, and refused
                assert page.how == "feed" and page.error and article.page_attempts == 1
    assert_no_leak(canaries)


def test_add_and_extract_refuse_redirects_to_private_addresses(
    site: FaultWeb, private_targets: dict[str, str], canaries, tmp_path: Path
) -> None:
    with allowed_engine(tmp_path) as engine:
        for kind, target in {**private_targets, **SCHEMES}.items():
            wanted = InvalidURLError if kind in SCHEMES else BlockedAddressError
            with pytest.raises(wanted):
                engine.add_source(redirect_to(site, target))
            with pytest.raises(wanted):
                engine.extract(redirect_to(site, target))
        assert engine.sources() == []
    assert_no_leak(canaries)


# --- other schemes, from a user ---------------------------------------------------


@pytest.mark.parametrize("url", [*SCHEMES.values(), "javascript:alert(1)", "gopher://x/"])
def test_add_and_extract_refuse_other_schemes_in_one_line(url: str, tmp_path: Path) -> None:
    env = {"OCCASIONAL_HOME": str(tmp_path)}
    for command in (["add", url], ["extract", url]):
        result = CliRunner().invoke(cli, command, env=env, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "only http and https" in result.stderr and len(result.stderr.splitlines()) == 1


def test_pages_naming_other_schemes_keep_none_of_them(site: FaultWeb, tmp_path: Path) -> None:
    head = (
        '<link rel="canonical" href="javascript:alert(1)">'
        '<meta property="og:url" content="file:///etc/passwd">'
        '<meta property="og:image" content="data:image/png;base64,AAAA">'
    )
    page = article_page("Schemes").replace(b"</head>", head.encode() + b"</head>")
    page = page.replace(
        b"</article>",
        b'<p>Originally published at <a href="javascript:alert(2)">the wire</a>.</p></article>',
    )
    site.route("/schemes", site.static(page, "text/html"))
    site.route("/schemes.xml", site.static(rss([item("Schemes", link=site.url("/schemes"))])))
    with allowed_engine(tmp_path) as engine:
        source = engine.add_source(site.url("/schemes.xml"), discover=False)
        engine.poll(everything=True)
        (article,) = engine.articles(source=source.id)
    assert "Paragraph 7" in article.text
    assert article.canonical_url is None and article.image is None
    assert not any(
        link.startswith(("javascript:", "file:", "data:")) for link in article.source_links
    )
    exported = json.dumps([article.url, article.canonical_url, article.image, article.source_links])
    assert "javascript:" not in exported and "file:" not in exported and "data:" not in exported
