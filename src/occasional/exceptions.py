"""The exceptions occasional raises.

Every error a user can meet derives from :class:`OccasionalError`; library
errors (aiohttp, sqlite3, psycopg, lxml, …) are translated at the boundary that
calls the library and chained as ``__cause__``, so they never reach a user raw.

The tree::

    OccasionalError
    ├── ConfigError(ValueError)          bad setting, file or flag
    ├── InvalidURLError(ValueError)      not an http(s) URL we can fetch
    ├── SourceError                      about one source (carries ``url``)
    │   ├── SourceNotFoundError(LookupError)
    │   ├── SourceExistsError
    │   ├── AlreadyPolledError           a poll of a cycle that is already stored
    │   ├── DiscoveryError               no feed or sitemap found at a site
    │   └── FeedParseError(ValueError)   nothing usable in a response
    ├── FetchError                       a request failed (carries ``url``)
    │   ├── BlockedAddressError          the address guard refused it
    │   ├── RobotsDisallowedError        robots.txt forbids the page
    │   ├── ResponseTooLargeError        body (decompressed) over the cap
    │   ├── HTTPStatusError              non-success status (``status``)
    │   └── FetchTimeoutError(TimeoutError)
    ├── ExtractionError                  no article text in a page
    ├── OPMLError(ValueError)            an OPML file we cannot read
    ├── StorageError                     the database failed (cause chained)
    │   └── MigrationError
    ├── InputError(ValueError)           a bad input file or line (JSONL, …)
    ├── ProfileError(ValueError)         a bad profile (cron, renderer, …)
    ├── StoryNotFoundError(LookupError)
    ├── ArticleNotFoundError(LookupError)
    ├── DigestNotFoundError(LookupError)
    ├── RenderError                      unknown renderer, template failure
    ├── DeliveryError                    SMTP or file delivery failed
    ├── LLMError                         an LLM endpoint failed or lied
    ├── QueueError                       the task queue (broker, workers) failed or is refused
    └── UserError                        about a user of the web app and Reader API
        ├── UserNotFoundError(LookupError)
        ├── UserExistsError
        └── LoginError                   wrong name or password, or too many tries

Messages say what failed, for which thing, and what to do about it. Where an
error that is not ours is recorded (a source's or a page's error), :func:`describe`
words it.
"""

from __future__ import annotations

__all__ = [
    "AlreadyPolledError",
    "ArticleNotFoundError",
    "BlockedAddressError",
    "ConfigError",
    "DeliveryError",
    "DigestNotFoundError",
    "DiscoveryError",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "InputError",
    "InvalidURLError",
    "LLMError",
    "LoginError",
    "MigrationError",
    "OPMLError",
    "OccasionalError",
    "ProfileError",
    "QueueError",
    "RenderError",
    "ResponseTooLargeError",
    "RobotsDisallowedError",
    "SourceError",
    "SourceExistsError",
    "SourceNotFoundError",
    "StorageError",
    "StoryNotFoundError",
    "UserError",
    "UserExistsError",
    "UserNotFoundError",
    "describe",
]


class OccasionalError(Exception):
    """The root of every error occasional raises on purpose."""


class ConfigError(OccasionalError, ValueError):
    """A setting, config file or flag is invalid."""


class InvalidURLError(OccasionalError, ValueError):
    """A URL is malformed or uses a scheme other than http(s)."""


class SourceError(OccasionalError):
    """Something about one source; ``url`` names it."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class SourceNotFoundError(SourceError, LookupError):
    """No stored source has that id or URL."""


class SourceExistsError(SourceError):
    """A source with that URL is already stored."""


class AlreadyPolledError(SourceError):
    """A poll was not stored because its source was already polled in the same cycle."""

    #: In every message, so a report that kept only the text can still tell.
    MARK = "already polled in this cycle"


class DiscoveryError(SourceError):
    """A site offered no feed and no sitemap we could use."""


class FeedParseError(SourceError, ValueError):
    """A response held no feed we could parse (not even partially)."""


class FetchError(OccasionalError):
    """A request failed; ``url`` names it."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedAddressError(FetchError):
    """The address guard refused a destination (private, loopback, …)."""


class RobotsDisallowedError(FetchError):
    """robots.txt forbids fetching this page with our User-Agent.

    ``temporary`` is true when robots.txt could not be read (the site is left
    alone for a while) rather than when its rules forbid the page.
    """

    def __init__(self, message: str, url: str | None = None, *, temporary: bool = False) -> None:
        super().__init__(message, url)
        self.temporary = temporary


class ResponseTooLargeError(FetchError):
    """The (decompressed) body exceeded the configured size limit."""


class HTTPStatusError(FetchError):
    """The server answered with a status we treat as failure."""

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int = 0,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url)
        self.status = status
        self.retry_after = retry_after


class FetchTimeoutError(FetchError, TimeoutError):
    """Connecting or reading took longer than the configured timeout."""


class ExtractionError(OccasionalError):
    """A page held no article text we could extract."""


class OPMLError(OccasionalError, ValueError):
    """An OPML document could not be read at all."""


class StorageError(OccasionalError):
    """The database failed; the driver's exception is chained as the cause."""


class MigrationError(StorageError):
    """The schema could not be brought up to date."""


class InputError(OccasionalError, ValueError):
    """An input file or one of its lines is invalid."""


class ProfileError(OccasionalError, ValueError):
    """A reader profile is invalid (cron expression, renderer, budget, …)."""


class StoryNotFoundError(OccasionalError, LookupError):
    """No story has that id."""


class ArticleNotFoundError(OccasionalError, LookupError):
    """No stored article has that id."""


class DigestNotFoundError(OccasionalError, LookupError):
    """No stored digest has that id."""


class RenderError(OccasionalError):
    """A renderer is unknown or failed."""


class DeliveryError(OccasionalError):
    """A digest could not be delivered (SMTP refused, unreachable, …).

    ``permanent`` is true when trying again unchanged cannot help (a 5xx
    answer, a refused login, a file that cannot be written).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class LLMError(OccasionalError):
    """An LLM endpoint failed, timed out, or answered unfaithfully."""


class QueueError(OccasionalError):
    """The task queue cannot be used: no broker, no worker, or a database workers cannot share."""


class UserError(OccasionalError):
    """About a user of the web app and the Reader API."""


class UserNotFoundError(UserError, LookupError):
    """No user has that name (or id)."""


class UserExistsError(UserError):
    """A user with that name exists already."""


class LoginError(UserError):
    """A name and password did not match, or too many attempts were made."""


def describe(exc: BaseException) -> str:
    """An unexpected exception in words, for a source's or page's error: its type
    and message on one line, capped (the traceback goes to the debug log)."""
    message = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
