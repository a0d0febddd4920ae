"""campaign source fingerprint

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:22:15.688744
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op




revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing campaigns get "": their next import applies the table once and records it.
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_fingerprint', sa.String(length=64), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('source_fingerprint')

