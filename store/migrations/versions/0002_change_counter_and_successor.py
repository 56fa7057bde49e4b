"""change counter; one successor per item version in the event log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

- change_counter: one row, bumped by every writing transaction; the pages' cache key
  (MAX(event id) missed changes that PostgreSQL commits out of id order, and every
  write that adds no event).
- ux_checklist_events_successor: no two events may claim the same previous version of
  the same item for the same unit and campaign.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )
    op.execute("INSERT INTO change_counter (id, value) VALUES (1, 0)")
    # A unique index, not a table constraint: on SQLite adding a constraint rebuilds the table,
    # which would drop the append-only triggers.
    op.create_index('ux_checklist_events_successor', 'checklist_events',
                    ['campaign_id', 'unit_id', 'item_id', 'prev_version'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_checklist_events_successor', table_name='checklist_events')
    op.drop_table('change_counter')
