"""The address guard: refuse destinations inside private networks.

A news reader fetches URLs that strangers write (feeds, links in articles,
redirects), so without a guard anyone could make it read a router's admin page
or a cloud metadata service. :class:`AddressGuard` holds the policy;
:class:`GuardedResolver` applies it *after* DNS resolution inside aiohttp's
connector, so the address checked is the address connected to (no window for
DNS rebinding). aiohttp skips the resolver for IP-literal hosts, so the
:class:`~occasional.fetch.client.Fetcher` also calls :meth:`AddressGuard.check_host`
(the parsed-host form of :meth:`AddressGuard.check_url`) on every hop, redirects included.

Raises :class:`~occasional.exceptions.BlockedAddressError`.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from ..exceptions import BlockedAddressError

__all__ = ["AddressGuard", "GuardedResolver", "ResolutionBlockedError"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Checked in order; the first that matches names the refusal. Whatever else
# is not globally routable (shared address space 100.64/10, documentation
# ranges, …) is refused by the final ``is_global`` test.
_KINDS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
    ("is_site_local", "a site-local"),
)

_MAX_VERDICTS = 4096
_NOT_IP = "not an IP address"
_HINT = "allow it with fetch.allow_networks or OCCASIONAL_ALLOW_NETWORKS"


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _unmap(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), else itself.

    Such an address can be routed to the IPv4 inside it, so that is the one
    the policy must judge.
    """
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a short, decimal, octal or hex host means ("127.1",
    "2130706433", "0177.0.0.1", "0x7f.1"), as the C resolver reads it; else None."""
    if not _NUMERIC_HOST.match(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


class AddressGuard:
    """Decides whether an IP address may be fetched from.

    Built by the Fetcher from ``fetch.allow_networks``; pure (no I/O). Public
    unicast addresses pass; loopback, private, link-local, multicast,
    reserved and unspecified ones (IPv4 and IPv6, IPv4-mapped IPv6 included,
    and the short, decimal, octal and hex IPv4 forms such as ``127.1`` or
    ``2130706433``) are refused unless inside an allowed network.
    """

    def __init__(self, allow_networks: Iterable[str] = ()) -> None:
        self.allowed: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(net, strict=False) for net in allow_networks
        )
        self._verdicts: dict[str, str | None] = {}

    def refusal(self, ip: str) -> str | None:
        """Why ``ip`` is refused ("a private address"), or ``None`` if it may be used."""
        if ip not in self._verdicts:
            # Parsing addresses costs more than the request bookkeeping around
            # it; a crawl sees few distinct addresses, so remember verdicts.
            if len(self._verdicts) >= _MAX_VERDICTS:
                self._verdicts.clear()
            self._verdicts[ip] = self._judge(ip)
        return self._verdicts[ip]

    def _judge(self, ip: str) -> str | None:
        try:
            address = _unmap(ipaddress.ip_address(ip.split("%", 1)[0]))
        except ValueError:
            numeric = _numeric_ipv4(ip)
            if numeric is None:
                return _NOT_IP
            address = numeric
        if any(address in net for net in self.allowed):
            return None
        for prop, kind in _KINDS:
            if getattr(address, prop, False):
                return f"{kind} address"
        return None if address.is_global else "a non-public address"

    def check_ip(self, ip: str, url: str) -> None:
        """Raise BlockedAddressError if ``url``'s resolved address ``ip`` is refused."""
        reason = self.refusal(ip)
        if reason is not None:
            self._refuse(ip, reason, url)

    def check_url(self, url: str) -> None:
        """Check a URL whose host is an IP literal (names are checked by the resolver)."""
        self.check_host(URL(url).host or "", url)

    def check_host(self, host: str, url: str) -> None:
        """:meth:`check_url` for a host already parsed out of ``url`` (the Fetcher's hot path)."""
        reason = self.refusal(host) if host else _NOT_IP
        if reason is not None and reason != _NOT_IP:
            self._refuse(str(_numeric_ipv4(host) or host), reason, url)

    @staticmethod
    def _refuse(ip: str, reason: str, url: str) -> None:
        host = URL(url).host or url
        raise BlockedAddressError(f"{host} resolves to {ip}, {reason}; {_HINT}", url)


class ResolutionBlockedError(OSError):
    """Raised inside aiohttp's connector; the Fetcher turns it into BlockedAddressError.

    It is an OSError so aiohttp wraps it like any DNS failure (keeping its
    connection bookkeeping intact) and chains it where the Fetcher finds it.
    """

    def __init__(self, host: str, ip: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {ip}, {reason}; {_HINT}")
        self.host = host
        self.ip = ip


class GuardedResolver(AbstractResolver):
    """aiohttp's threaded resolver, with every answer passed through the guard.

    Addresses the guard refuses are dropped; if none is left the lookup fails
    with :class:`ResolutionBlockedError`, so aiohttp never connects to them.
    """

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` and keep only the addresses the guard allows."""
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if self._guard.refusal(r["host"]) is None]
        if results and not allowed:
            first = results[0]["host"]
            raise ResolutionBlockedError(host, first, self._guard.refusal(first) or "")
        return allowed

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()
