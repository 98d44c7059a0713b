"""The outlets of the demo web: who they are and how their sites look.

Read by :mod:`.content` (URL patterns), :mod:`.pages` (layout, boilerplate)
and :mod:`.server` (which behaviour wraps the feed). Adding an outlet is one
more :class:`OutletSpec` in :data:`OUTLET_SPECS`; its articles go in
``site/articles/<key>/``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MOVED_FEED_PATH", "OUTLET_SPECS", "OutletSpec", "spec_for"]


@dataclass(frozen=True, slots=True)
class OutletSpec:
    """The static description of an outlet; ports are added at start.

    ``url_pattern`` formats an article path from ``slug``, ``section``,
    ``y``, ``m``, ``d`` and ``n`` (a stable number). ``feed_path`` is
    ``None`` for a site without a feed. ``layout`` picks the page template.
    ``jsonld`` adds a NewsArticle JSON-LD block to article pages.
    ``disallow`` lists robots.txt Disallow paths. ``feed_link_query`` is
    appended to article links in the feed (tracking parameters, as many
    publishers add; the pages' canonical URLs stay clean). ``charset`` is
    the encoding of the HTML pages.
    """

    key: str
    name: str
    kind: str
    format: str | None
    behaviour: str
    feed_path: str | None
    url_pattern: str
    layout: str = "classic"
    tagline: str = ""
    jsonld: bool = False
    language: str = "en"
    nav: tuple[str, ...] = ("News", "Business", "Politics", "Sport", "Weather", "Opinion")
    disallow: tuple[str, ...] = ()
    feed_link_query: str = ""
    charset: str = "utf-8"


def _trouble(key: str, name: str, fmt: str, feed_path: str, tagline: str) -> OutletSpec:
    return OutletSpec(
        key=key,
        name=name,
        kind="trouble",
        format=fmt,
        behaviour=key,
        feed_path=feed_path,
        url_pattern="/posts/{slug}",
        layout="modern",
        tagline=tagline,
        nav=("Home", "Latest", "About", "Contact"),
    )


OUTLET_SPECS: tuple[OutletSpec, ...] = (
    OutletSpec(
        "daily",
        "The Ledger Daily",
        "feed",
        "rss2.0",
        "ok",
        "/rss.xml",
        "/{y}/{m}/{d}/{slug}/",
        layout="classic",
        jsonld=True,
        tagline="Independent journalism since 1881",
        feed_link_query="utm_source=rss&utm_medium=feed&utm_campaign=daily",
    ),
    OutletSpec(
        "review",
        "Northgate Review",
        "feed",
        "atom1.0",
        "ok",
        "/feeds/all.atom",
        "/news/{section}/{slug}",
        layout="modern",
        jsonld=True,
        tagline="Clear reporting, considered views",
    ),
    OutletSpec(
        "wire",
        "Metro Wire",
        "feed",
        "json1.1",
        "ok",
        "/feed.json",
        "/article/{slug}-idMW{n}",
        layout="wire",
        tagline="Fast, accurate, impartial",
        nav=("World", "Business", "Markets", "Sport", "Health", "Press releases"),
    ),
    OutletSpec(
        "gazette",
        "Carrow Valley Gazette",
        "feed",
        "rss0.91",
        "ok",
        "/rss091.xml",
        "/news/local/{slug}.html",
        layout="classic",
        tagline="Your valley, your news",
        disallow=("/private/", "/admin/"),
        nav=("Local", "Council", "Schools", "Sport", "Weather", "Notices"),
        charset="windows-1252",
    ),
    OutletSpec(
        "observer",
        "The Civic Observer",
        "feed",
        "rss1.0",
        "ok",
        "/index.rdf",
        "/{section}/{y}{m}{d}-{slug}",
        layout="modern",
        tagline="Public affairs, plainly told",
    ),
    OutletSpec(
        "business",
        "Pressline Business",
        "sitemap",
        None,
        "ok",
        None,
        "/{section}/{slug}-{n}",
        layout="modern",
        jsonld=True,
        tagline="Markets, companies, money",
        nav=("Markets", "Companies", "Economy", "Tech", "Health", "Opinion"),
    ),
    OutletSpec(
        "morning",
        "Morning Digest",
        "feed",
        "rss2.0",
        "ok",
        "/feed/",
        "/{y}/{m}/{d}/{slug}/",
        layout="aggregator",
        tagline="Morning Digest - a story for you",
        nav=("Home", "World", "Business", "Sports", "Health", "Tech"),
    ),
    _trouble("flaky", "Bytes & Pieces", "rss2.0", "/feed.xml", "Technology, mostly"),
    _trouble("rate-limited", "Hillcrest Herald", "atom1.0", "/atom.xml", "News for Hillcrest"),
    _trouble("moved", "Terrace Talk", "rss2.0", "/feed.xml", "Football from the stands"),
    _trouble("slow", "The Weather Desk", "json1.1", "/feed.json", "Forecasts and climate"),
    _trouble("oversized", "Everything Archive", "rss2.0", "/feed.xml", "Every post, ever"),
    _trouble("malformed", "Riverside Community News", "rss2.0", "/feed.xml", "By neighbours"),
    _trouble("not-modified", "Quiet Harbour Post", "atom1.0", "/atom.xml", "Harbour life"),
    _trouble("gone", "The Late Bulletin", "rss2.0", "/feed.xml", "Closed"),
    _trouble("hostile", "Free Lunch Feeds", "rss2.0", "/feed.xml", "Too good to be true"),
)

# Where the moved outlet's feed lives now; the old path answers 301.
MOVED_FEED_PATH = "/news/feed.xml"


def spec_for(key: str) -> OutletSpec:
    """The spec with this key; raises ``KeyError`` for an unknown outlet."""
    for spec in OUTLET_SPECS:
        if spec.key == key:
            return spec
    raise KeyError(key)
