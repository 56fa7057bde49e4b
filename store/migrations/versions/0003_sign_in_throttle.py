"""sign-in throttle: failed sign-ins and locks per account and per client address

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

- sign_in_throttle: one row per account name or client address with recent failed
  sign-ins, and its lock; in the database so that every app server shares it
  (org.accounts.sign_in). Rows quiet for a whole window are deleted by the service.
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_level', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("scope IN ('account','client')", name=op.f('ck_sign_in_throttle_scope')),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_sign_in_throttle'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_throttle')
