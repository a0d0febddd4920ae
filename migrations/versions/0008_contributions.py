"""contributions: a supporting unit's file filed to the lead's obligation, and its adoption

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every submission so far is the obligation's own unit's: all three stay NULL.
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contributed_by_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("adopted_by", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_contributed_by_unit_id_unit"),
            "unit",
            ["contributed_by_unit_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_submission_contributed_by_unit_id_unit"), type_="foreignkey"
        )
        batch_op.drop_column("adopted_by")
        batch_op.drop_column("adopted_at")
        batch_op.drop_column("contributed_by_unit_id")
