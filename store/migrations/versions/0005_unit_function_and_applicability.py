"""unit function and item applicability: which units an item applies to

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

- org_units.function: what a department does (dispatch, marketing …), NULL for other units.
- template_items.applies_to / functions: the unit kinds (and department functions) an item
  applies to; NULL or empty = every unit, as before. Nothing existing changes meaning: the new
  unit kinds (prov_dispatch, city_dispatch) are new values of the same column.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('org_units') as batch:
        batch.add_column(sa.Column('function', sa.String(length=32), nullable=True))
    with op.batch_alter_table('template_items') as batch:
        batch.add_column(sa.Column('applies_to', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('functions', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('template_items') as batch:
        batch.drop_column('functions')
        batch.drop_column('applies_to')
    with op.batch_alter_table('org_units') as batch:
        batch.drop_column('function')
