"""occasional: a self-hosted news digest engine.

The public API: :func:`make_engine` builds an :class:`Engine` (the facade
the CLI and plugins use), the data types it returns, and the exception
tree. Everything else is internal to a stage and may change.
"""

from .config import Config, load_config
from .core import Engine, ImportReport, make_engine
from .exceptions import (
    BlockedAddressError,
    ConfigError,
    DeliveryError,
    DiscoveryError,
    ExtractionError,
    FeedParseError,
    FetchError,
    InputError,
    InvalidURLError,
    OccasionalError,
    OPMLError,
    ProfileError,
    SourceExistsError,
    SourceNotFoundError,
    StorageError,
    StoryNotFoundError,
)
from .types import (
    Article,
    Digest,
    DigestItem,
    ExtractedPage,
    Source,
    SourceSettings,
    Story,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "BlockedAddressError",
    "Config",
    "ConfigError",
    "DeliveryError",
    "Digest",
    "DigestItem",
    "DiscoveryError",
    "Engine",
    "ExtractedPage",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "ImportReport",
    "InputError",
    "InvalidURLError",
    "OPMLError",
    "OccasionalError",
    "ProfileError",
    "Source",
    "SourceExistsError",
    "SourceNotFoundError",
    "SourceSettings",
    "StorageError",
    "Story",
    "StoryNotFoundError",
    "__version__",
    "load_config",
    "make_engine",
]
