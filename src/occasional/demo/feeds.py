"""Feed documents of the demo web, one renderer per format, registered by key.

Called by :mod:`.site` for every outlet with a feed. Each renderer takes a
:class:`FeedContext` and returns the document's bytes; :data:`RENDERERS`
maps the format name (as :attr:`Outlet.format` spells it) to its renderer
and :data:`MEDIA_TYPES` to the Content-Type a real server would send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape as html_escape
from xml.sax.saxutils import escape, quoteattr

from .model import DemoArticle, Outlet

__all__ = ["MEDIA_TYPES", "RENDERERS", "FeedContext", "article_html", "render_feed"]


@dataclass(frozen=True, slots=True)
class FeedContext:
    """One outlet's feed: who publishes it, what is in it, and when."""

    outlet: Outlet
    articles: Sequence[DemoArticle]
    updated: datetime
    description: str
    full_content: bool = False
    link_query: str = ""

    def link(self, article: DemoArticle) -> str:
        """The article's link as the feed gives it (with any tracking query)."""
        return f"{article.url}?{self.link_query}" if self.link_query else article.url

    @property
    def newest_first(self) -> list[DemoArticle]:
        return sorted(self.articles, key=lambda a: a.published, reverse=True)


def article_html(article: DemoArticle) -> str:
    """The article body as the HTML a feed's full-content field carries."""
    return "".join(f"<p>{html_escape(p, quote=False)}</p>" for p in article.body)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss2_item(ctx: FeedContext, article: DemoArticle) -> str:
    parts = [
        f"<title>{escape(article.headline)}</title>",
        f"<link>{escape(ctx.link(article))}</link>",
        f'<guid isPermaLink="true">{escape(article.url)}</guid>',
        f"<pubDate>{format_datetime(article.published)}</pubDate>",
        f"<dc:creator>{escape(article.author)}</dc:creator>",
        f"<category>{escape(article.section)}</category>",
        f"<description>{escape(article.summary)}</description>",
    ]
    if ctx.full_content:
        html = article_html(article)
        if article.copy_of:  # aggregators' feeds end the copied text as their pages do
            html += f'<p><a href="{html_escape(article.copy_of)}">Source link</a></p>'
        parts.append(f"<content:encoded><![CDATA[{html}]]></content:encoded>")
    return "<item>\n  " + "\n  ".join(parts) + "\n</item>"


def render_rss2(ctx: FeedContext) -> bytes:
    """RSS 2.0 with dc and content modules and an atom:link to itself."""
    items = "\n".join(_rss2_item(ctx, a) for a in ctx.newest_first)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        f"<title>{escape(ctx.outlet.name)}</title>\n"
        f"<link>{escape(ctx.outlet.home_url)}/</link>\n"
        f'<atom:link href={quoteattr(ctx.outlet.feed_url or "")} rel="self"'
        ' type="application/rss+xml"/>\n'
        f"<description>{escape(ctx.description)}</description>\n"
        f"<language>{ctx.outlet.language}</language>\n"
        f"<lastBuildDate>{format_datetime(ctx.updated)}</lastBuildDate>\n"
        "<ttl>30</ttl>\n"
    )
    return (head + items + "\n</channel>\n</rss>\n").encode()


def render_rss091(ctx: FeedContext) -> bytes:
    """RSS 0.91 (UserLand): title, link and description per item, no dates."""
    items = "\n".join(
        f"<item>\n  <title>{escape(a.headline)}</title>\n  <link>{escape(a.url)}</link>\n"
        f"  <description>{escape(a.summary)}</description>\n</item>"
        for a in ctx.newest_first
    )
    head = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="0.91">\n<channel>\n'
        f"<title>{escape(ctx.outlet.name)}</title>\n<link>{escape(ctx.outlet.home_url)}/</link>\n"
        f"<description>{escape(ctx.description)}</description>\n<language>en-gb</language>\n"
        f"<lastBuildDate>{format_datetime(ctx.updated)}</lastBuildDate>\n"
    )
    return (head + items + "\n</channel>\n</rss>\n").encode("iso-8859-1", "xmlcharrefreplace")


def render_rss10(ctx: FeedContext) -> bytes:
    """RSS 1.0 (RDF) with the dc, syndication and content modules."""
    articles = ctx.newest_first
    seq = "\n".join(f"    <rdf:li rdf:resource={quoteattr(a.url)}/>" for a in articles)
    items = "\n".join(
        f"<item rdf:about={quoteattr(a.url)}>\n  <title>{escape(a.headline)}</title>\n"
        f"  <link>{escape(a.url)}</link>\n  <description>{escape(a.summary)}</description>\n"
        f"  <dc:date>{_iso(a.published)}</dc:date>\n  <dc:creator>{escape(a.author)}</dc:creator>\n"
        f"  <dc:subject>{escape(a.section)}</dc:subject>\n"
        f"  <content:encoded><![CDATA[{article_html(a)}]]></content:encoded>\n</item>"
        for a in articles
    )
    home = ctx.outlet.home_url + "/"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"<channel rdf:about={quoteattr(ctx.outlet.feed_url or home)}>\n"
        f"  <title>{escape(ctx.outlet.name)}</title>\n  <link>{escape(home)}</link>\n"
        f"  <description>{escape(ctx.description)}</description>\n"
        f"  <dc:language>{ctx.outlet.language}</dc:language>\n"
        f"  <dc:date>{_iso(ctx.updated)}</dc:date>\n"
        "  <sy:updatePeriod>hourly</sy:updatePeriod>\n"
        "  <sy:updateFrequency>2</sy:updateFrequency>\n"
        f"  <items>\n   <rdf:Seq>\n{seq}\n   </rdf:Seq>\n  </items>\n</channel>\n"
        f"{items}\n</rdf:RDF>\n"
    ).encode()


def _atom_entry(ctx: FeedContext, a: DemoArticle) -> str:
    content = escape(article_html(a))
    return (
        f"<entry>\n  <id>{escape(a.url)}</id>\n  <title>{escape(a.headline)}</title>\n"
        f'  <link rel="alternate" type="text/html" href={quoteattr(a.url)}/>\n'
        f"  <published>{_iso(a.published)}</published>\n  <updated>{_iso(a.published)}</updated>\n"
        f"  <author><name>{escape(a.author)}</name></author>\n"
        f"  <category term={quoteattr(a.section)}/>\n"
        f"  <summary>{escape(a.summary)}</summary>\n"
        f'  <content type="html">{content}</content>\n</entry>'
    )


def render_atom(ctx: FeedContext) -> bytes:
    """Atom 1.0 with full HTML content and a summary per entry."""
    entries = "\n".join(_atom_entry(ctx, a) for a in ctx.newest_first)
    self_href = quoteattr(ctx.outlet.feed_url or "")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'
        f' xml:lang="{ctx.outlet.language}">\n'
        f"<id>{escape(ctx.outlet.home_url)}/</id>\n<title>{escape(ctx.outlet.name)}</title>\n"
        f"<subtitle>{escape(ctx.description)}</subtitle>\n<updated>{_iso(ctx.updated)}</updated>\n"
        f'<link rel="self" type="application/atom+xml" href={self_href}/>\n'
        f'<link rel="alternate" type="text/html" href={quoteattr(ctx.outlet.home_url + "/")}/>\n'
        f"<generator>Hand-rolled CMS</generator>\n{entries}\n</feed>\n"
    ).encode()


def render_json_feed(ctx: FeedContext) -> bytes:
    """JSON Feed 1.1 with HTML content, a summary and authors per item."""
    items = [
        {
            "id": a.url,
            "url": a.url,
            "title": a.headline,
            "summary": a.summary,
            "content_html": article_html(a),
            "date_published": a.published.isoformat(),
            "authors": [{"name": a.author}],
            "tags": [a.section],
            "language": ctx.outlet.language,
        }
        for a in ctx.newest_first
    ]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ctx.outlet.name,
        "home_page_url": ctx.outlet.home_url + "/",
        "feed_url": ctx.outlet.feed_url,
        "description": ctx.description,
        "language": ctx.outlet.language,
        "items": items,
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


RENDERERS: dict[str, Callable[[FeedContext], bytes]] = {
    "rss2.0": render_rss2,
    "rss0.91": render_rss091,
    "rss1.0": render_rss10,
    "atom1.0": render_atom,
    "json1.1": render_json_feed,
}

MEDIA_TYPES: dict[str, str] = {
    "rss2.0": "application/rss+xml; charset=utf-8",
    "rss0.91": "text/xml; charset=iso-8859-1",
    "rss1.0": "application/rdf+xml; charset=utf-8",
    "atom1.0": "application/atom+xml; charset=utf-8",
    "json1.1": "application/feed+json; charset=utf-8",
}


def render_feed(fmt: str, ctx: FeedContext) -> bytes:
    """The feed document in ``fmt``; raises ``KeyError`` for an unknown format."""
    return RENDERERS[fmt](ctx)
