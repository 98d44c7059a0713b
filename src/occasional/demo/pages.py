"""HTML pages of the demo web: articles, home and section pages, robots.txt.

Called by :mod:`.site` when it builds each outlet's resources. Templates live
in ``site/templates`` and are autoescaped; every article page carries the
boilerplate real news pages have (cookie banner, navigation, advertising,
newsletter box, related links, comments, footer) around the text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .model import DemoArticle, Outlet
from .outlets import OutletSpec

__all__ = [
    "FeedLink",
    "PageKit",
    "aggregator_date_line",
    "render_article",
    "render_listing",
    "robots_txt",
]

_ENV = Environment(
    loader=PackageLoader("occasional.demo", "site/templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)

_ADS = (
    "Switch your energy plan and save up to $340 a year",
    "The sofa sale ends Sunday: up to 50% off",
    "Retire with confidence: book a free pension review",
    "Learn a language in 15 minutes a day",
    "New: the hybrid estate with 7 years' warranty",
)

_COMMENTS = (
    ("Maggie_R", "Thanks for the clear write-up. Would be good to see a follow-up in a month."),
    ("northern_lad", "Same story every time. Nobody is ever held responsible."),
    ("Dr. K. Osei", "The figures quoted here match what I have seen locally."),
    ("tom.b", "Can anyone explain what this means for ordinary people?"),
    ("Verity", "Excellent reporting as always. Subscribed last year and never regretted it."),
    ("realist1970", "I'll believe it when I see it."),
    ("JP", "A balanced piece, though I would have liked more on the other side's case."),
)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """What a home page's ``<link rel="alternate">`` advertises."""

    href: str
    type: str


@dataclass(frozen=True, slots=True)
class PageKit:
    """Everything page rendering needs about one outlet."""

    spec: OutletSpec
    outlet: Outlet
    feed_link: FeedLink | None
    year: int


def aggregator_date_line(when: datetime) -> str:
    """The date header aggregators print: ``Sat. Nov 2nd, 2024``."""
    day = when.day
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{when:%a}. {when:%b} {day}{suffix}, {when.year}"


def _human(when: datetime) -> str:
    return f"{when.day} {when:%B %Y}, {when:%H:%M} UTC"


def _jsonld(kit: PageKit, article: DemoArticle) -> dict[str, Any] | None:
    if not kit.spec.jsonld:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "datePublished": article.published.isoformat(),
        "dateModified": article.published.isoformat(),
        "author": [{"@type": "Person", "name": article.author}],
        "publisher": {"@type": "Organization", "name": kit.outlet.name},
        "mainEntityOfPage": article.url,
        "articleSection": article.section,
        "inLanguage": kit.outlet.language,
    }


def _extras(rng: random.Random, kit: PageKit) -> dict[str, Any]:
    ad_index = rng.randrange(len(_ADS))
    ad = {"id": f"{kit.spec.key}-{ad_index}", "text": _ADS[ad_index]}
    wants_comments = kit.spec.layout not in {"wire"}
    chosen = rng.sample(_COMMENTS, k=rng.randint(2, 4)) if wants_comments else []
    comments = [{"name": name, "text": text} for name, text in chosen]
    return {"ad": ad, "comments": comments}


def render_article(
    kit: PageKit,
    article: DemoArticle,
    related: Sequence[DemoArticle],
    rng: random.Random,
) -> str:
    """One article page. Aggregator pages end with a "Source link" to the original."""
    slug = article.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    return _ENV.get_template("article.html").render(
        spec=kit.spec,
        outlet=kit.outlet,
        feed_link=kit.feed_link,
        year=kit.year,
        article=article,
        slug=slug,
        related=list(related),
        published_iso=article.published.isoformat(),
        published_human=_human(article.published),
        date_line=aggregator_date_line(article.published),
        source_link=article.copy_of,
        jsonld=_jsonld(kit, article),
        **_extras(rng, kit),
    )


def render_listing(
    kit: PageKit, heading: str, articles: Sequence[DemoArticle], rng: random.Random
) -> str:
    """A home or section page: newest articles first, with the feed advertised."""
    ordered = sorted(articles, key=lambda a: a.published, reverse=True)
    return _ENV.get_template("home.html").render(
        spec=kit.spec,
        outlet=kit.outlet,
        feed_link=kit.feed_link,
        year=kit.year,
        heading=heading,
        articles=ordered,
        **_extras(rng, kit),
    )


def robots_txt(spec: OutletSpec, sitemaps: Sequence[str] = ()) -> str:
    """The site's robots.txt: its Disallow lines and any Sitemap lines."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in spec.disallow] or ["Disallow:"]
    lines += ["", "User-agent: GPTBot", "Disallow: /"]
    lines += [""] + [f"Sitemap: {url}" for url in sitemaps] if sitemaps else []
    return "\n".join(lines) + "\n"
