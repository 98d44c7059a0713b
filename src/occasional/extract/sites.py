"""Which site a URL belongs to, for telling "this site" from "another site".

Called by :mod:`occasional.extract.provenance`. A site is the registered
domain (``news.example.co.uk`` → ``example.co.uk``, by the public suffix
list courlan uses), except that for an IP address or ``localhost`` it is
``host:port``: there, distinct ports are distinct sites (the bundled demo
web serves each outlet from its own port on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from courlan import extract_domain

__all__ = ["site_of", "site_of_host"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return True


@lru_cache(maxsize=4096)
def site_of_host(scheme: str, host: str, port: int | None) -> str:
    """The site of a lower-case ``host`` reached by ``scheme`` on ``port`` (None: default)."""
    if _is_address(host):
        return f"{host}:{port or _DEFAULT_PORTS.get(scheme, 0)}"
    return extract_domain(f"http://{host}/") or host


def site_of(url: str | None) -> str | None:
    """The site of an absolute http(s) URL, or None when it has no host."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.scheme not in _DEFAULT_PORTS:
        return None
    return site_of_host(parts.scheme, host, port)
