"""URL canonicalisation: one spelling per article, whatever link led to it.

Called by copy detection (:func:`occasional.stories.copies.find_copies`) to
spot the same article reached through different links, and by anyone who
stores or compares article URLs. courlan does the general normalisation
(case, percent-encoding, default ports, sorted query); the rules here add
what news links need on top: tracking parameters, AMP and mobile variants,
``www.``, ``http`` versus ``https`` and trailing slashes all collapse.

:func:`canonicalize_url` never raises: text that is not an http(s) URL comes
back stripped and otherwise unchanged, so callers can pass anything.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

__all__ = ["TRACKING_PARAMS", "canonicalize_url", "is_tracking_param"]

#: Query parameters that say who sent the reader, never which page it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ocid",
        "icid",
        "ito",
        "smid",
        "sr_share",
        "share",
        "spm",
        "_ga",
        "_gl",
        "mkt_tok",
        "hsctatracking",
        "__twitter_impression",
        "at_medium",
        "at_campaign",
        "s_cid",
        "xtor",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "amp",
        "outputtype",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "at_")
# Host labels that mark a mobile or AMP edition of the same site.
_EDITION_LABELS = ("www.", "m.", "mobile.", "amp.", "www2.")
_AMP_TAIL = re.compile(r"(?:/amp|\.amp|/amp\.html)$", re.IGNORECASE)
_DEFAULT_PORTS = {":80", ":443"}
_MAX_PASSES = 4


def canonicalize_url(url: str) -> str:
    """Return the canonical spelling of ``url`` (idempotent, never raises).

    ``http`` becomes ``https``; ``www.``, ``m.``, ``mobile.`` and ``amp.``
    host prefixes, default ports, fragments, tracking parameters, AMP path
    segments and ``?amp=1`` go; the query is sorted; a trailing slash goes
    except for the root path.
    """
    current = url.strip()
    # Rules interact (courlan re-encodes what we rebuilt), so apply them to a
    # fixed point; two passes settle every URL seen in practice.
    for _ in range(_MAX_PASSES):
        nxt = _one_pass(current)
        if nxt == current:
            break
        current = nxt
    return current


def _one_pass(url: str) -> str:
    parts = _split(url)
    if parts is None:
        return url
    host = _host(parts.netloc)
    if not host:
        return url
    path = _path(parts.path)
    query = _query(parts.query)
    return urlunsplit(("https", host, path, query, ""))


def _split(url: str) -> SplitResult | None:
    """Split an http(s) URL after courlan's normalisation; None for anything else."""
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return None
        return urlsplit(normalize_url(url))
    except (ValueError, TypeError, AttributeError):
        # Junk such as bad ports or brackets: the caller keeps the text as is.
        return None


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower().rstrip(".")
    for port in _DEFAULT_PORTS:
        if host.endswith(port):
            host = host[: -len(port)]
    stripped = True
    while stripped:
        stripped = False
        for label in _EDITION_LABELS:
            rest = host[len(label) :]
            # Keep at least a registrable-looking name ("m.com" stays).
            if host.startswith(label) and "." in rest:
                host, stripped = rest, True
    return host


def _path(path: str) -> str:
    segments = [seg for seg in path.split("/") if seg and seg.lower() != "amp"]
    joined = "/" + "/".join(segments)
    joined = _AMP_TAIL.sub("", joined) or "/"
    return joined


def is_tracking_param(key: str) -> bool:
    """Whether a query parameter only says who sent the reader (``utm_*``, ``fbclid``, …)."""
    low = key.lower()
    return low in TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def _query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    pairs = [(k, v) for k, v in pairs if not is_tracking_param(k)]
    return urlencode(sorted(pairs))
