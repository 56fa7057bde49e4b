"""drill evaluations, after-action reports and corrective actions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

- drill_evaluations: each objective of a held drill rated P / S / M / U, with strengths and areas
  for improvement;
- after_action_reports: a drill's report, due within a set number of days, draft until issued;
- corrective_actions: areas for improvement turned into work for an owner unit; each is an
  obligation of that unit in a season (occurrence "A<id>" of a system item), so it is ticked, logged
  and counted in readiness like any other item.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('after_action_reports',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('written_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft','issued')", name=op.f('ck_after_action_reports_status')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_after_action_reports_drill_id_drills')),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_after_action_reports_issued_by_users')),
    sa.ForeignKeyConstraint(['written_by'], ['users.id'], name=op.f('fk_after_action_reports_written_by_users')),
    sa.PrimaryKeyConstraint('drill_id', name=op.f('pk_after_action_reports'))
    )
    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('objective_key', sa.String(length=96), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('directive_id', sa.String(length=32), nullable=True),
    sa.Column('concerns_item', sa.String(length=96), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_corrective_actions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_corrective_actions_created_by_users')),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_corrective_actions_directive_id_directives')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_corrective_actions_drill_id_drills')),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_corrective_actions_item_id_template_items')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_corrective_actions_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_drill_id'), ['drill_id'], unique=False)
        batch_op.create_index('ix_corrective_actions_owner', ['campaign_id', 'unit_id'], unique=False)

    op.create_table('drill_evaluations',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('objective_key', sa.String(length=96), nullable=False),
    sa.Column('rating', sa.String(length=1), nullable=False),
    sa.Column('strengths', sa.Text(), server_default='', nullable=False),
    sa.Column('improvements', sa.Text(), server_default='', nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rating IN ('P','S','M','U')", name=op.f('ck_drill_evaluations_rating')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_evaluations_drill_id_drills')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_drill_evaluations_evaluator_id_users')),
    sa.PrimaryKeyConstraint('drill_id', 'objective_key', name=op.f('pk_drill_evaluations'))
    )


def downgrade() -> None:
    op.drop_table('drill_evaluations')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_owner')
        batch_op.drop_index(batch_op.f('ix_corrective_actions_drill_id'))

    op.drop_table('corrective_actions')
    op.drop_table('after_action_reports')
