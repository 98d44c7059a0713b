"""Delivery state per digest, and one feedback row per clicked link.

``digests`` learns whether a digest is meant for delivery (``for_delivery``:
one shown on a screen is not) and how delivery went: ``attempts``, ``last_attempt``,
``last_error``, ``delivered`` (the targets that already took it, so a retry
sends only to the others) and ``given_up`` (set when a target refused the
digest for good too often). ``feedback.link`` holds the signature of the
link a reader followed; a unique index makes repeat clicks one row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the delivery columns and the feedback link."""
    op.add_column("digests", sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
    op.add_column(
        "digests",
        sa.Column("for_delivery", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("digests", sa.Column("last_attempt", UTC_TIME))
    op.add_column("digests", sa.Column("last_error", sa.Text))
    op.add_column("digests", sa.Column("delivered", sa.JSON(none_as_null=True)))
    op.add_column("digests", sa.Column("given_up", UTC_TIME))
    op.add_column("feedback", sa.Column("link", sa.Text))
    op.create_index("ix_feedback_link", "feedback", ["link"], unique=True)


def downgrade() -> None:
    """Not supported: restore a backup instead of dropping a user's news."""
    raise NotImplementedError("occasional does not downgrade its schema")
