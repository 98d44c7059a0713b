"""Pages become a durable to-do list: ``articles.page_due`` says when an article's
page should be fetched (next); NULL when there is nothing (left) to fetch.

Articles stored before this revision whose page was never fetched, from sources
that want full pages, are due at once: a poll that was killed between storing
entries and fetching their pages used to lose those pages for good. Articles
whose stored URL is not http(s) (a bare guid, a ``javascript:`` link) point to
their source's site from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
# After 0005 (users), which reached main first; numbers are per branch, the chain is the order.
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``page_due`` with its index, and make never-fetched pages due."""
    op.add_column("articles", sa.Column("page_due", sa.DateTime(timezone=True)))
    op.create_index("ix_articles_page_due", "articles", ["page_due"])
    articles = sa.table(
        "articles",
        sa.column("source_id", sa.Text),
        sa.column("url", sa.Text),
        sa.column("fetched", sa.DateTime(timezone=True)),
        sa.column("page_fetched", sa.DateTime(timezone=True)),
        sa.column("page_attempts", sa.Integer),
        sa.column("page_due", sa.DateTime(timezone=True)),
    )
    sources = sa.table(
        "sources",
        sa.column("id", sa.Text),
        sa.column("url", sa.Text),
        sa.column("site_url", sa.Text),
        sa.column("fetch_full", sa.Boolean),
    )
    url = sa.func.lower(articles.c.url)
    is_http = sa.or_(url.like("http://%"), url.like("https://%"))
    wanting_pages = sa.select(sources.c.id).where(sources.c.fetch_full.is_(True))
    op.execute(
        articles.update()
        .where(
            articles.c.page_fetched.is_(None),
            articles.c.page_attempts == 0,
            articles.c.source_id.in_(wanting_pages),
            is_http,
        )
        .values(page_due=articles.c.fetched)
    )
    # An entry's guid, or a javascript:/data:/mailto: link, was stored as its URL and shown
    # as a link: such an article points to its source's site instead (the guid stays its key).
    home = (
        sa.select(sa.func.coalesce(sources.c.site_url, sources.c.url))
        .where(sources.c.id == articles.c.source_id)
        .scalar_subquery()
    )
    op.execute(articles.update().where(sa.not_(is_http)).values(url=home))


def downgrade() -> None:
    """Not supported: restore a backup instead of dropping a user's news."""
    raise NotImplementedError("occasional does not downgrade its schema")
