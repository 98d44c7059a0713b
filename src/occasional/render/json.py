"""JSON: the ``json`` format, exactly the shape ``occasional digest --format json`` promises.

The shape itself belongs to :func:`occasional.digest.digest_to_json`; this
module only serialises it, so the CLI and a delivered ``.json`` file agree.
"""

from __future__ import annotations

import json

from ..digest import digest_to_json
from ..types import Digest
from .base import RenderOptions

__all__ = ["JsonRenderer"]


class JsonRenderer:
    """``json``: the contract's digest object, UTF-8, indented."""

    name = "json"
    media_type = "application/json"
    extension = "json"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The JSON text, ending with a newline; ``options`` do not change it."""
        return json.dumps(digest_to_json(digest), ensure_ascii=False, indent=2) + "\n"
