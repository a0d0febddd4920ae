"""file flags: password-protected submissions and pending uploads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Files received before the content check were never looked at: not flagged.
    for table in ('submission', 'pending_upload'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('password_protected', sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade() -> None:
    for table in ('pending_upload', 'submission'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('password_protected')
