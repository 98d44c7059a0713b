"""occasional: a self-hosted news digest engine."""

from .exceptions import OccasionalError

__version__ = "0.1.0"

__all__ = ["OccasionalError", "__version__"]
