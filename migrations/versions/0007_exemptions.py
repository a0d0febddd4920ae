"""exemptions (不适用/豁免) and a unit's own deadline on an obligation (/extend)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=True),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decider_name", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["obligation.id"],
            name=op.f("fk_exemption_obligation_id_obligation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption")),
    )
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exemption_obligation_id"), ["obligation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exemption_obligation_id"))
    op.drop_table("exemption")
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.drop_column("deadline")
