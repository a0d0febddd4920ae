"""templates handed out per indicator

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('telegram_file_id', sa.String(length=300), nullable=True),
        sa.Column('structure', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ['indicator_id'], ['indicator.id'],
            name=op.f('fk_template_indicator_id_indicator'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_template')),
        sa.UniqueConstraint('indicator_id', 'sha256', name=op.f('uq_template_indicator_id_sha256')),
    )
    with op.batch_alter_table('template', schema=None) as batch_op:
        batch_op.create_index('ix_template_sha256', ['sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('template', schema=None) as batch_op:
        batch_op.drop_index('ix_template_sha256')
    op.drop_table('template')
