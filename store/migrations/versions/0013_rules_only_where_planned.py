"""drill rules that bind only units with such a plan

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25

- drill_rules.only_where_planned: an `each` rule (every plan of the kind needs its drill) that binds only
  units with such a plan in their inventory, such as the crowded premises a unit runs; a unit with none
  owes nothing instead of showing a missing plan.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('drill_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('only_where_planned', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('drill_rules', schema=None) as batch_op:
        batch_op.drop_column('only_where_planned')
