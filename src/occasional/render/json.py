"""JSON: the ``json`` format, exactly the shape ``occasional digest --format json`` promises.

The shape itself belongs to :func:`occasional.digest.digest_to_json`; this
module only serialises it, so the CLI and a delivered ``.json`` file agree.
The text is HTML-safe: ``<``, ``>``, ``&`` and the two JavaScript line
separators are written as ``\\uXXXX`` escapes, so a page that embeds the
document in a ``<script>`` element cannot be broken out of by a headline.
Parsed, the values are exactly the same.
"""

from __future__ import annotations

import json

from ..digest import digest_to_json
from ..types import Digest
from .base import RenderOptions

__all__ = ["JsonRenderer"]

# Each is replaced by its JSON escape; str.replace runs in C, a translate table does not.
_HTML_SAFE = (
    ("&", "\\u0026"),
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


class JsonRenderer:
    """``json``: the contract's digest object, UTF-8, indented."""

    name = "json"
    media_type = "application/json"
    extension = "json"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The JSON text, ending with a newline; ``options`` do not change it."""
        text = json.dumps(digest_to_json(digest), ensure_ascii=False, indent=2)
        # Outside strings JSON has none of these characters, so this only touches strings.
        for character, escape in _HTML_SAFE:
            if character in text:
                text = text.replace(character, escape)
        return text + "\n"
