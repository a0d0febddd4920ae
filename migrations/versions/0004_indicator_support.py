"""indicator support: units that support an indicator's lead (配合单位)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table: nothing to copy, so no batch needed (env.py still renders batch on SQLite).
    op.create_table(
        "indicator_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_support_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
            name=op.f("fk_indicator_support_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_support")),
        sa.UniqueConstraint(
            "indicator_id", "unit_id", name=op.f("uq_indicator_support_indicator_id_unit_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("indicator_support")
