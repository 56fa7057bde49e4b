"""unit shifts and drill shifts

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25

- unit_shifts: the shifts (值) of a dispatch centre; the per-shift drill rules are checked for each;
- drill_shifts: which shifts take part in a drill, and which attended once it is held.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_unit_shifts_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_shifts')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_unit_shifts_unit_id'))
    )
    with op.batch_alter_table('unit_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_shifts_unit_id'), ['unit_id'], unique=False)

    op.create_table('drill_shifts',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_shifts_drill_id_drills')),
    sa.ForeignKeyConstraint(['shift_id'], ['unit_shifts.id'], name=op.f('fk_drill_shifts_shift_id_unit_shifts')),
    sa.PrimaryKeyConstraint('drill_id', 'shift_id', name=op.f('pk_drill_shifts'))
    )
    with op.batch_alter_table('drill_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_shifts_shift_id'), ['shift_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('drill_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_shifts_shift_id'))

    op.drop_table('drill_shifts')
    with op.batch_alter_table('unit_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_shifts_unit_id'))

    op.drop_table('unit_shifts')
