"""The HTML e-mail: Jinja2 (autoescaped) → css-inline → nh3 → a fixed document shell.

:class:`HtmlRenderer` is registered as ``html``; the archive and the Atom
renderer reuse :func:`html_fragment` and :func:`html_document`. The layout
is tables with inlined styles because that is what mail clients render
reliably; nothing in the result points at a remote image, font or
stylesheet, so a reader sees it whole without loading anything.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

import css_inline
import jinja2

from ..exceptions import RenderError
from ..types import Digest
from .base import RenderOptions
from .sanitize import sanitize_html, stylesheet
from .view import digest_view

__all__ = ["HtmlRenderer", "html_document", "html_fragment"]

_SHELL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{title}</title>
</head>
<body style="margin: 0; padding: 0; background-color: #f4f1ea;">
{body}
</body>
</html>
"""


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("occasional.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _inliner() -> css_inline.CSSInliner:
    # Never fetch: a digest must render the same offline as online.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def html_fragment(template: str, **context: Any) -> str:
    """Render ``template`` with ``context``, inline the stylesheet, sanitise.

    Raises :class:`RenderError` when the template or the inliner fails.
    """
    try:
        raw = _environment().get_template(template).render(**context)
        inlined = _inliner().inline_fragment(raw, stylesheet())
    except (jinja2.TemplateError, ValueError) as exc:
        raise RenderError(f"template {template!r} failed: {exc}") from exc
    return sanitize_html(inlined)


def html_document(title: str, body: str) -> str:
    """Wrap an already sanitised ``body`` in our document shell; ``title`` is escaped."""
    return _SHELL.format(title=escape(title), body=body)


class HtmlRenderer:
    """``html``: the digest as a self-contained HTML e-mail (also the archive's pages)."""

    name = "html"
    media_type = "text/html"
    extension = "html"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The whole HTML document; raises :class:`RenderError` on a template failure."""
        view = digest_view(digest, options)
        return html_document(view.title, html_fragment("email.html.j2", view=view))
