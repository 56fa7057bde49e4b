"""recurring and event-triggered obligations: occurrences, season events

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

- template_items: each item's due rule besides days before the peak — recurs (weekly / monthly /
  quarterly) within the peak or the season, or the events that trigger it and when (before, during,
  after, so many hours). Existing items are one-off: every new column NULL.
- season_events (+ season_event_units): heat waves, typhoon and rainstorm warnings, orderly-power-use
  orders declared for some units of a campaign.
- obligations, checklist_status, checklist_events: an `occurrence` in the key ("" for a one-off
  item, so every existing row keeps its meaning), and the due time of a recurring or triggered
  occurrence and its event on the obligation. The successor index of the log now counts versions per
  occurrence. Nothing is rewritten: the log only gains a column whose value for every past event is "".
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

KEY = ['campaign_id', 'unit_id', 'item_id']


def upgrade() -> None:
    with op.batch_alter_table('template_items') as batch:  # new columns only: no table rebuild
        batch.add_column(sa.Column('recurs', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('recurs_within', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('trigger_events', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('trigger_when', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('trigger_hours', sa.Integer(), nullable=True))

    op.create_table('season_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('landfall_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('declared_by', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('heat_wave','typhoon','rainstorm','orderly_power')", name=op.f('ck_season_events_kind')),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_season_events_status')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_season_events_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['declared_by'], ['users.id'], name=op.f('fk_season_events_declared_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_season_events'))
    )
    op.create_index(op.f('ix_season_events_campaign_id'), 'season_events', ['campaign_id'], unique=False)
    op.create_table('season_event_units',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['season_events.id'], name=op.f('fk_season_event_units_event_id_season_events')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_season_event_units_unit_id_org_units')),
    sa.PrimaryKeyConstraint('event_id', 'unit_id', name=op.f('pk_season_event_units'))
    )

    # Nothing refers to these two tables, so SQLite may rebuild them to widen their primary keys.
    with op.batch_alter_table('obligations') as batch:
        batch.add_column(sa.Column('occurrence', sa.String(length=32), server_default='', nullable=False))
        batch.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch.drop_constraint('pk_obligations', type_='primary')
        batch.create_primary_key('pk_obligations', [*KEY, 'occurrence'])
        batch.create_foreign_key(op.f('fk_obligations_event_id_season_events'), 'season_events', ['event_id'], ['id'])
        batch.create_index(op.f('ix_obligations_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('checklist_status') as batch:
        batch.add_column(sa.Column('occurrence', sa.String(length=32), server_default='', nullable=False))
        batch.drop_constraint('pk_checklist_status', type_='primary')
        batch.create_primary_key('pk_checklist_status', [*KEY, 'occurrence'])

    # The log is never rebuilt (that would drop its append-only triggers): a plain ADD COLUMN.
    op.add_column('checklist_events', sa.Column('occurrence', sa.String(length=32), server_default='', nullable=False))
    op.drop_index('ux_checklist_events_successor', table_name='checklist_events')
    op.drop_index('ix_checklist_events_item', table_name='checklist_events')
    op.create_index('ix_checklist_events_item', 'checklist_events', [*KEY, 'occurrence', 'id'], unique=False)
    op.create_index('ux_checklist_events_successor', 'checklist_events', [*KEY, 'occurrence', 'prev_version'],
                    unique=True)


def downgrade() -> None:
    op.drop_index('ux_checklist_events_successor', table_name='checklist_events')
    op.drop_index('ix_checklist_events_item', table_name='checklist_events')
    op.create_index('ix_checklist_events_item', 'checklist_events', [*KEY, 'id'], unique=False)
    op.create_index('ux_checklist_events_successor', 'checklist_events', [*KEY, 'prev_version'], unique=True)
    op.drop_column('checklist_events', 'occurrence')
    with op.batch_alter_table('checklist_status') as batch:
        batch.drop_constraint('pk_checklist_status', type_='primary')
        batch.create_primary_key('pk_checklist_status', KEY)
        batch.drop_column('occurrence')
    with op.batch_alter_table('obligations') as batch:
        batch.drop_index(op.f('ix_obligations_event_id'))
        batch.drop_constraint(op.f('fk_obligations_event_id_season_events'), type_='foreignkey')
        batch.drop_constraint('pk_obligations', type_='primary')
        batch.create_primary_key('pk_obligations', KEY)
        batch.drop_column('event_id')
        batch.drop_column('due_at')
        batch.drop_column('occurrence')
    op.drop_table('season_event_units')
    op.drop_index(op.f('ix_season_events_campaign_id'), table_name='season_events')
    op.drop_table('season_events')
    with op.batch_alter_table('template_items') as batch:
        for column in ('trigger_hours', 'trigger_when', 'trigger_events', 'recurs_within', 'recurs'):
            batch.drop_column(column)
