"""Users of the web app and the Reader API: logins, sessions, per-user subscriptions,
and read and starred state. Additive: nothing stored before is changed."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE")


def upgrade() -> None:
    """Create the users, sessions, subscriptions and item_state tables."""
    op.create_table(
        "users",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("owner", sa.Boolean, nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, _fk("users.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("csrf", sa.Text, nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        sa.Column("expires", UTC_TIME, nullable=False),
    )
    op.create_index("ix_sessions_user", "sessions", ["user_id"])
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.Text, _fk("users.id"), nullable=False),
        sa.Column("source_id", sa.Text, _fk("sources.id"), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("tags", sa.JSON(none_as_null=True)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("added", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "source_id"),
    )
    op.create_index("ix_subscriptions_source", "subscriptions", ["source_id"])
    op.create_table(
        "item_state",
        sa.Column("user_id", sa.Text, _fk("users.id"), nullable=False),
        sa.Column("article_id", sa.Text, _fk("articles.id"), nullable=False),
        sa.Column("read_at", UTC_TIME),
        sa.Column("starred_at", UTC_TIME),
        sa.PrimaryKeyConstraint("user_id", "article_id"),
    )
    op.create_index("ix_item_state_article", "item_state", ["article_id"])
    # Read and starred state is shared by a copy group: finding a group's copies
    # from its original must not scan every copy decision.
    op.create_index("ix_copies_copy_of", "copies", ["copy_of"])


def downgrade() -> None:
    """Not supported: restore a backup instead of dropping a user's data."""
    raise NotImplementedError("occasional does not downgrade its schema")
