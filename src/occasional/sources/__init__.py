"""Sources: feed parsing, autodiscovery, sitemaps and OPML.

Everything here is pure (bytes or text in, values out, no network). The
fetcher gets the bytes; the pipeline calls these:

- :func:`parse_feed` — RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1
  to :class:`~occasional.types.FeedData`, :func:`newest_entries` to cap
  one; :func:`looks_like_html` after a
  :class:`~occasional.exceptions.FeedParseError` says whether to try
  autodiscovery;
- :func:`discover_feed_links`, :func:`common_feed_urls`,
  :func:`sitemap_urls_from_robots` — where a site's feeds and sitemaps are;
- :func:`parse_sitemap`, :func:`sitemap_as_feed` — sites without a feed;
- :func:`parse_opml`, :func:`write_opml` — subscription lists.
"""

from occasional.sources.discover import (
    COMMON_FEED_PATHS,
    DEFAULT_SITEMAP_PATHS,
    FEED_MEDIA_TYPES,
    common_feed_urls,
    discover_feed_links,
    sitemap_urls_from_robots,
)
from occasional.sources.feeds import (
    PARSERS,
    FeedParser,
    looks_like_html,
    newest_entries,
    parse_feed,
)
from occasional.sources.opml import OPMLDocument, OPMLOutline, parse_opml, write_opml
from occasional.sources.sitemaps import (
    MAX_UNCOMPRESSED,
    Sitemap,
    parse_sitemap,
    sitemap_as_feed,
)

__all__ = [
    "COMMON_FEED_PATHS",
    "DEFAULT_SITEMAP_PATHS",
    "FEED_MEDIA_TYPES",
    "MAX_UNCOMPRESSED",
    "PARSERS",
    "FeedParser",
    "OPMLDocument",
    "OPMLOutline",
    "Sitemap",
    "common_feed_urls",
    "discover_feed_links",
    "looks_like_html",
    "newest_entries",
    "parse_feed",
    "parse_opml",
    "parse_sitemap",
    "sitemap_as_feed",
    "sitemap_urls_from_robots",
    "write_opml",
]
