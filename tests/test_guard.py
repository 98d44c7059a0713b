"""The address guard: the pure checker on IP literals, and the Fetcher enforcing it on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from loopback import serve_app
from occasional.config import FetchSettings
from occasional.exceptions import BlockedAddressError, RobotsDisallowedError
from occasional.fetch import AddressGuard, Fetcher

REFUSED = {
    "127.0.0.1": "loopback",
    "127.255.0.9": "loopback",
    "::1": "loopback",
    "10.0.0.1": "private",
    "172.16.5.4": "private",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "fe80::1%eth0": "link-local",
    "::ffff:10.0.0.1": "private",
    "::ffff:127.0.0.1": "loopback",
    "2002:a00:1::": "private",  # 6to4 wrapping 10.0.0.1
    "64:ff9b::a9fe:a9fe": "link-local",  # NAT64 wrapping 169.254.169.254
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
    "100.64.0.1": "non-public",
}
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"]


@pytest.mark.parametrize(("ip", "kind"), REFUSED.items())
def test_non_public_addresses_are_refused(ip: str, kind: str) -> None:
    reason = AddressGuard().refusal(ip)
    assert reason == f"a {kind} address" or reason == f"an {kind} address"


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_pass(ip: str) -> None:
    assert AddressGuard().refusal(ip) is None


def test_allowed_networks_open_exactly_their_range() -> None:
    guard = AddressGuard(["127.0.0.0/8", "fd00::/8"])
    assert guard.refusal("127.0.0.1") is None
    assert guard.refusal("::ffff:127.0.0.1") is None  # the mapped form is the same host
    assert guard.refusal("fd12::1") is None
    assert guard.refusal("10.0.0.1") == "a private address"
    assert guard.refusal("::1") == "a loopback address"


def test_check_ip_message_names_host_address_and_remedy() -> None:
    with pytest.raises(BlockedAddressError) as caught:
        AddressGuard().check_ip("10.0.0.1", "http://intranet.example/feed")
    message = str(caught.value)
    assert "intranet.example resolves to 10.0.0.1, a private address" in message
    assert "fetch.allow_networks" in message and "OCCASIONAL_ALLOW_NETWORKS" in message
    assert caught.value.url == "http://intranet.example/feed"


def test_check_url_checks_ip_literals_and_leaves_names_to_the_resolver() -> None:
    guard = AddressGuard()
    with pytest.raises(BlockedAddressError):
        guard.check_url("http://[::1]:8080/")
    with pytest.raises(BlockedAddressError):
        guard.check_url("http://169.254.169.254/latest/meta-data/")
    guard.check_url("http://news.example/feed")  # a name: checked after resolution
    guard.check_url("https://93.184.216.34/")


def test_garbage_is_not_an_address() -> None:
    assert AddressGuard().refusal("not-an-ip") == "not an IP address"


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.1", "loopback"),
        ("2130706433", "loopback"),
        ("0177.0.0.1", "loopback"),
        ("0x7f.0.0.1", "loopback"),
        ("0x7f000001", "loopback"),
        ("10.1", "private"),
        ("0", "unspecified"),
        ("169.254.43518", "link-local"),
    ],
)
def test_numeric_hosts_browsers_read_as_addresses_are_judged_as_such(host: str, kind: str) -> None:
    # Short, decimal, octal and hex IPv4 forms: what the resolver would connect to.
    with pytest.raises(BlockedAddressError, match=f"resolves to [0-9.]+, an? {kind} address"):
        AddressGuard().check_url(f"http://{host}/")
    AddressGuard(["0.0.0.0/0"]).check_url(f"http://{host}/")  # allowed when asked
    AddressGuard().check_url("http://1e100.net/")  # a name that only looks numeric-ish


# --- enforced by the Fetcher (traffic only to 127.0.0.1) --------------------------


def hits_app(hits: list[str]) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        hits.append(request.path)
        if request.path == "/hop":
            port = request.url.port
            return web.Response(status=302, headers={"Location": f"http://127.0.0.2:{port}/"})
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    return app


def get(url_template: str, allow: tuple[str, ...], hits: list[str], **kwargs: bool) -> str:
    async def run() -> str:
        async with serve_app(hits_app(hits)) as port:
            fetch_settings = FetchSettings(allow_networks=allow)  # type: ignore[call-arg]
            async with Fetcher(fetch_settings) as fetcher:
                response = await fetcher.get(url_template.format(port=port), **kwargs)
                return response.text()

    return asyncio.run(run())


def test_loopback_is_refused_by_default() -> None:
    hits: list[str] = []
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1, a loopback address"):
        get("http://127.0.0.1:{port}/feed", (), hits)
    assert hits == []  # refused before any byte was sent


def test_loopback_is_allowed_when_listed() -> None:
    hits: list[str] = []
    assert get("http://127.0.0.1:{port}/feed", ("127.0.0.0/8",), hits) == "ok"
    assert hits == ["/feed"]


def test_host_names_are_checked_after_resolution() -> None:
    hits: list[str] = []
    with pytest.raises(BlockedAddressError, match=r"localhost resolves to .*loopback") as caught:
        get("http://localhost:{port}/feed", (), hits)
    assert hits == []
    assert caught.value.__cause__ is not None  # raised inside aiohttp's connector, chained


def test_redirect_from_allowed_to_blocked_address_is_refused() -> None:
    hits: list[str] = []
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.2, a loopback address"):
        get("http://127.0.0.1:{port}/hop", ("127.0.0.1/32",), hits)
    assert hits == ["/hop"]


def test_robots_fetch_is_guarded_too() -> None:
    hits: list[str] = []
    with pytest.raises(BlockedAddressError):
        get("http://127.0.0.1:{port}/page", (), hits, check_robots=True)
    assert hits == []
    assert not issubclass(BlockedAddressError, RobotsDisallowedError)
