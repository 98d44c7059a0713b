"""Rendering digests: HTML e-mail, plain text, Markdown, JSON, Atom, and a static archive.

Formats are registered by name (see :mod:`.base`); importing this package
registers ours, and a plugin adds one with :func:`register_renderer`::

    renderer = get_renderer("html")            # RenderError if unknown
    html = renderer.render(digest, options=RenderOptions(feedback_signer=signer))

Renderers are pure; only :func:`write_archive` writes files.
"""

from __future__ import annotations

from .archive import archive_name, write_archive
from .atom import ATOM_NS, AtomRenderer, story_entry_id
from .base import (
    FeedbackLinker,
    Renderer,
    RenderOptions,
    get_renderer,
    register_renderer,
    render,
    renderer_names,
)
from .feedback import FEEDBACK_ACTIONS, FeedbackAction, FeedbackSigner
from .html import HtmlRenderer
from .json import JsonRenderer
from .markdown import MarkdownRenderer
from .sanitize import sanitize_html
from .text import TextRenderer

__all__ = [
    "ATOM_NS",
    "FEEDBACK_ACTIONS",
    "AtomRenderer",
    "FeedbackAction",
    "FeedbackLinker",
    "FeedbackSigner",
    "HtmlRenderer",
    "JsonRenderer",
    "MarkdownRenderer",
    "RenderOptions",
    "Renderer",
    "TextRenderer",
    "archive_name",
    "get_renderer",
    "register_renderer",
    "render",
    "renderer_names",
    "sanitize_html",
    "story_entry_id",
    "write_archive",
]

for _renderer in (
    HtmlRenderer(),
    TextRenderer(),
    MarkdownRenderer(),
    JsonRenderer(),
    AtomRenderer(),
):
    register_renderer(_renderer, replace=True)
