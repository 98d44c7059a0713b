"""The "leave this field as it is" marker of the storage's change intents."""

from __future__ import annotations

from enum import Enum
from typing import Final

__all__ = ["LEAVE", "Leave"]


class Leave(Enum):
    """The type of :data:`LEAVE`: "do not change this field"."""

    LEAVE = "leave"


#: A change field (:class:`~occasional.storage.base.SourceChange`, …) left at
#: ``LEAVE`` keeps its stored value; ``None`` clears it.
LEAVE: Final = Leave.LEAVE
