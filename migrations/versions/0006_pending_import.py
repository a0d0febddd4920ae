"""pending import: a task table sent in chat, previewed, waiting for 确认导入 or 取消; the
fingerprints of the tables a campaign was given before its current one

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing campaigns start with no history: only their current table is known.
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('past_fingerprints', sa.JSON(), server_default='[]', nullable=False)
        )
    op.create_table(
        'pending_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('requested_by', sa.BigInteger(), nullable=False),
        sa.Column('requester_name', sa.String(length=200), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('campaign_code', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolution', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_import')),
    )


def downgrade() -> None:
    op.drop_table('pending_import')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('past_fingerprints')
