"""The last step of every HTML output: nh3 keeps only what our templates use.

Called by the HTML renderer, the Atom renderer (entry content) and the
archive. The allow-list is the template's own vocabulary: a tag or
attribute the templates do not write cannot reach a reader, links may only
be http, https or mailto (relative links pass for the archive's index), and
inline styles keep only the properties our stylesheet sets — so nothing can
make a mail client fetch a remote resource or run a script.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "sanitize_html", "stylesheet"]

ALLOWED_TAGS = frozenset(
    {"a", "blockquote", "br", "h1", "h2", "h3", "li", "p", "span", "strong", "table", "td",
     "tr", "ul"}
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"style"},
    "a": {"href", "title"},
    "table": {"role", "width", "cellpadding", "cellspacing", "border", "align"},
    "td": {"align", "valign", "width"},
}

_SCHEMES = {"http", "https", "mailto"}
_PROPERTY = re.compile(r"([a-z-]+)\s*:", re.IGNORECASE)


@cache
def stylesheet() -> str:
    """The e-mail stylesheet shipped beside the templates."""
    return (files(__package__) / "templates" / "email.css").read_text(encoding="utf-8")


@cache
def _style_properties() -> frozenset[str]:
    # Derived from the stylesheet so the allow-list cannot drift from it.
    body = " ".join(re.findall(r"\{([^}]*)\}", stylesheet()))
    return frozenset(name.lower() for name in _PROPERTY.findall(body))


def sanitize_html(fragment: str) -> str:
    """``fragment`` with everything outside the allow-list removed (never raises on input)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=_SCHEMES,
        filter_style_properties=set(_style_properties()),
        strip_comments=True,
    )
