"""Sitemaps for the demo web's feedless site: an index, a sitemap, a news sitemap.

Called by :mod:`.site` for outlets of kind ``"sitemap"``; robots.txt names
the index, which names the other two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from .model import DemoArticle, Outlet

__all__ = ["NEWS_SITEMAP", "SITEMAP", "SITEMAP_INDEX", "news_sitemap", "sitemap", "sitemap_index"]

SITEMAP_INDEX = "/sitemap_index.xml"
SITEMAP = "/sitemap-posts.xml"
NEWS_SITEMAP = "/news-sitemap.xml"

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def sitemap_index(outlet: Outlet, updated: datetime) -> bytes:
    """The index robots.txt points at, naming the two sitemaps."""
    entries = "".join(
        f"  <sitemap><loc>{escape(outlet.home_url + path)}</loc>"
        f"<lastmod>{_iso(updated)}</lastmod></sitemap>\n"
        for path in (SITEMAP, NEWS_SITEMAP)
    )
    return f"{_XML}<sitemapindex {_NS}>\n{entries}</sitemapindex>\n".encode()


def sitemap(outlet: Outlet, articles: Sequence[DemoArticle], pages: Sequence[str]) -> bytes:
    """Every article with its lastmod, plus the site's other pages (no lastmod)."""
    rows = [
        f"  <url><loc>{escape(a.url)}</loc><lastmod>{_iso(a.published)}</lastmod>"
        "<changefreq>never</changefreq></url>"
        for a in sorted(articles, key=lambda a: a.published, reverse=True)
    ]
    rows += [
        f"  <url><loc>{escape(outlet.home_url + p)}</loc><changefreq>hourly</changefreq></url>"
        for p in pages
    ]
    return (f"{_XML}<urlset {_NS}>\n" + "\n".join(rows) + "\n</urlset>\n").encode()


def news_sitemap(outlet: Outlet, articles: Sequence[DemoArticle], now: datetime) -> bytes:
    """Google News sitemap: articles of the last two days with title and date."""
    recent = [a for a in articles if now - a.published <= timedelta(days=2)]
    rows = [
        f"  <url>\n    <loc>{escape(a.url)}</loc>\n    <news:news>\n"
        f"      <news:publication><news:name>{escape(outlet.name)}</news:name>"
        f"<news:language>{outlet.language}</news:language></news:publication>\n"
        f"      <news:publication_date>{_iso(a.published)}</news:publication_date>\n"
        f"      <news:title>{escape(a.headline)}</news:title>\n    </news:news>\n  </url>"
        for a in sorted(recent, key=lambda a: a.published, reverse=True)
    ]
    return (
        f'{_XML}<urlset {_NS}\n        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    ).encode()
