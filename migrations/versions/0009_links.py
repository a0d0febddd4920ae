"""links: one stored file for several obligations; values kept from chat; extra working days

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_link_of_submission"),
            "submission",
            ["link_of"],
            ["id"],
            ondelete="SET NULL",
        )
    # Campaigns imported before: no record of the last import's values, so their next
    # import applies the table as before and records what it read.
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extra_workdays", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("imported_values", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("imported_values")
        batch_op.drop_column("extra_workdays")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_submission_link_of_submission"), type_="foreignkey")
        batch_op.drop_column("link_of")
