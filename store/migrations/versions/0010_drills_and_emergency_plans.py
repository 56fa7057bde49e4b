"""drills and emergency plans

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

- emergency_plans: each unit's inventory of plans (comprehensive / special / on-site response);
- drills: a planned or held exercise, with drill_units and drill_people (who takes part, and whether
  they did once it is held);
- drill_log: every change to a drill, append-only (triggers refuse UPDATE and DELETE, and on
  PostgreSQL TRUNCATE, as for the checklist log).
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

LOG_MESSAGE = "drill_log is append-only"


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def _append_only(table: str, message: str) -> None:
    """Refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) on `table` inside the database itself."""
    if _sqlite():
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    else:
        op.execute(f"CREATE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{message}'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse()")


def _drop_append_only(table: str) -> None:
    if _sqlite():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse()")


def upgrade() -> None:
    op.create_table('emergency_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('drill_type_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('revised_on', sa.Date(), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint("level IN ('comprehensive','special','onsite')", name=op.f('ck_emergency_plans_level')),
    sa.ForeignKeyConstraint(['drill_type_id'], ['drill_types.id'], name=op.f('fk_emergency_plans_drill_type_id_drill_types')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_emergency_plans_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_plans')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_emergency_plans_unit_id'))
    )
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_plans_unit_id'), ['unit_id'], unique=False)

    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('drill_type_id', sa.Integer(), nullable=False),
    sa.Column('emergency_plan_id', sa.Integer(), nullable=True),
    sa.Column('plan_level', sa.String(length=16), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('unannounced', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('scenario', sa.Text(), server_default='', nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('injects', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.Text(), server_default='', nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancel_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("form IN ('tabletop','functional','full_scale')", name=op.f('ck_drills_form')),
    sa.CheckConstraint("plan_level IN ('comprehensive','special','onsite')", name=op.f('ck_drills_plan_level')),
    sa.CheckConstraint("status IN ('planned','ready','conducted','reviewed','cancelled')", name=op.f('ck_drills_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_drills_time_order')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_drills_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_drills_coordinator_id_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_drills_created_by_users')),
    sa.ForeignKeyConstraint(['drill_type_id'], ['drill_types.id'], name=op.f('fk_drills_drill_type_id_drill_types')),
    sa.ForeignKeyConstraint(['emergency_plan_id'], ['emergency_plans.id'], name=op.f('fk_drills_emergency_plan_id_emergency_plans')),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['org_units.id'], name=op.f('fk_drills_lead_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills'))
    )
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drills_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drills_lead_unit_id'), ['lead_unit_id'], unique=False)
        batch_op.create_index('ix_drills_time', ['starts_at', 'ends_at'], unique=False)

    op.create_table('drill_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), server_default='', nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_drill_log_actor_id_users')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_log_drill_id_drills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_log'))
    )
    with op.batch_alter_table('drill_log', schema=None) as batch_op:
        batch_op.create_index('ix_drill_log_drill', ['drill_id', 'id'], unique=False)

    op.create_table('drill_people',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.CheckConstraint("role IN ('controller','evaluator','safety_officer','participant')", name=op.f('ck_drill_people_role')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_people_drill_id_drills')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drill_people_user_id_users')),
    sa.PrimaryKeyConstraint('drill_id', 'user_id', 'role', name=op.f('pk_drill_people'))
    )
    with op.batch_alter_table('drill_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_people_user_id'), ['user_id'], unique=False)

    op.create_table('drill_units',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_units_drill_id_drills')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_drill_units_unit_id_org_units')),
    sa.PrimaryKeyConstraint('drill_id', 'unit_id', name=op.f('pk_drill_units'))
    )
    with op.batch_alter_table('drill_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_units_unit_id'), ['unit_id'], unique=False)
    _append_only('drill_log', LOG_MESSAGE)



def downgrade() -> None:
    _drop_append_only('drill_log')
    with op.batch_alter_table('drill_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_units_unit_id'))

    op.drop_table('drill_units')
    with op.batch_alter_table('drill_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_people_user_id'))

    op.drop_table('drill_people')
    with op.batch_alter_table('drill_log', schema=None) as batch_op:
        batch_op.drop_index('ix_drill_log_drill')

    op.drop_table('drill_log')
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.drop_index('ix_drills_time')
        batch_op.drop_index(batch_op.f('ix_drills_lead_unit_id'))
        batch_op.drop_index(batch_op.f('ix_drills_campaign_id'))

    op.drop_table('drills')
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_plans_unit_id'))

    op.drop_table('emergency_plans')
