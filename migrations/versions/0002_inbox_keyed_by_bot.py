"""inbox keyed by bot

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:54:20.955301
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op




revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Update ids are unique per bot only; the key becomes (bot_id, update_id). The inbox holds
    # transient rows (handled ones only guard against redelivery for a week), so the table is
    # recreated rather than converted; stop the bot before upgrading so nothing is in flight.
    op.drop_table("inbox_update")
    _create_inbox(with_bot=True)


def downgrade() -> None:
    op.drop_table("inbox_update")
    _create_inbox(with_bot=False)


def _create_inbox(*, with_bot: bool) -> None:
    key = ["bot_id", "update_id"] if with_bot else ["update_id"]
    bot_column = (
        [sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False)]
        if with_bot
        else []
    )
    op.create_table(
        "inbox_update",
        *bot_column,
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_inbox_update")),
    )
