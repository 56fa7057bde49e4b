"""evidence files: attachments of item occurrences, an 'evidence' action in the log

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

- evidence_files: photos, PDFs, spreadsheets and Word files attached to one occurrence of an item of a
  unit, append-only like the log (triggers refuse UPDATE and DELETE). The bytes are in the row, or in
  the configured evidence directory under their SHA-256.
- template_items.requires_evidence: an item that is ticked done only with a file, or with a written
  reason a lead accepts. Every existing item: false.
- checklist_events: the action 'evidence' (a file attached: status unchanged, version + 1), the file
  and its SHA-256 on that event, and `evidence_waived` on a tick a lead accepted without a file.
  PostgreSQL alters the CHECK constraint in place. SQLite cannot alter a CHECK, so its log is rebuilt
  once, here: a new table, every row copied as it is (same ids), the old table dropped (SQLite drops
  a table's triggers before its implicit delete, so the append-only triggers do not refuse it), the
  new one renamed, and its indexes and append-only triggers created again.

Downgrading is refused while the log holds an 'evidence' event or an accepted reason: the earlier
schema cannot say what they were, and the log is never rewritten.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KEY = ['campaign_id', 'unit_id', 'item_id', 'occurrence']
LOG_MESSAGE = "checklist_events is append-only"  # as in 0001
FILES_MESSAGE = "evidence_files is append-only"
OLD_ACTIONS = "action IN ('done','na','reopen','note')"
NEW_ACTIONS = "action IN ('done','na','reopen','note','evidence')"
LOG_COLUMNS = ['id', 'campaign_id', 'unit_id', 'item_id', 'action', 'status_before', 'status_after', 'text',
               'prev_version', 'actor_id', 'occurred_at', 'day', 'occurrence']
NEW_LOG_COLUMNS = ['evidence_id', 'evidence_sha256', 'evidence_waived']


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    op.add_column('template_items', sa.Column('requires_evidence', sa.Boolean(), server_default=sa.false(),
                                              nullable=False))
    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.String(length=32), server_default='', nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage', sa.String(length=8), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("storage IN ('db','dir')", name=op.f('ck_evidence_files_storage')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_evidence_files_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_evidence_files_item_id_template_items')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_evidence_files_unit_id_org_units')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    op.create_index('ix_evidence_files_item', 'evidence_files', KEY, unique=False)
    _append_only('evidence_files', FILES_MESSAGE)

    if _sqlite():
        _rebuild_sqlite_log(NEW_ACTIONS, with_evidence=True)
    else:
        op.add_column('checklist_events', sa.Column('evidence_id', sa.Integer(), nullable=True))
        op.add_column('checklist_events', sa.Column('evidence_sha256', sa.String(length=64), nullable=True))
        op.add_column('checklist_events', sa.Column('evidence_waived', sa.Boolean(), nullable=True))
        op.create_foreign_key(op.f('fk_checklist_events_evidence_id_evidence_files'), 'checklist_events',
                              'evidence_files', ['evidence_id'], ['id'])
        op.drop_constraint(op.f('ck_checklist_events_action'), 'checklist_events', type_='check')
        op.create_check_constraint(op.f('ck_checklist_events_action'), 'checklist_events', NEW_ACTIONS)


def downgrade() -> None:
    bind = op.get_bind()
    kept = bind.execute(sa.text("SELECT COUNT(*) FROM checklist_events WHERE action = 'evidence' "
                                "OR evidence_waived IS NOT NULL")).scalar()
    if kept:
        raise RuntimeError(
            f"Cannot downgrade below 0008: the event log holds {kept} evidence event(s) or accepted reason(s), "
            "which the earlier schema cannot record, and the log is never rewritten. "
            "/ 无法降级：检查记录中有佐证事件或已接受的书面理由，旧版数据结构无法保存它们。")
    if _sqlite():
        _rebuild_sqlite_log(OLD_ACTIONS, with_evidence=False)
    else:
        op.drop_constraint(op.f('ck_checklist_events_action'), 'checklist_events', type_='check')
        op.create_check_constraint(op.f('ck_checklist_events_action'), 'checklist_events', OLD_ACTIONS)
        op.drop_constraint(op.f('fk_checklist_events_evidence_id_evidence_files'), 'checklist_events',
                           type_='foreignkey')
        for column in reversed(NEW_LOG_COLUMNS):
            op.drop_column('checklist_events', column)
    _drop_append_only('evidence_files')
    op.drop_index('ix_evidence_files_item', table_name='evidence_files')
    op.drop_table('evidence_files')
    if _sqlite():
        op.execute("ALTER TABLE template_items DROP COLUMN requires_evidence")  # SQLite 3.35+: no rebuild
    else:
        op.drop_column('template_items', 'requires_evidence')


def _rebuild_sqlite_log(check: str, *, with_evidence: bool) -> None:
    """Rebuild SQLite's checklist_events with another CHECK on `action`: every row copied as it is."""
    columns = [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('status_before', sa.String(length=8), nullable=False),
        sa.Column('status_after', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('prev_version', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('occurrence', sa.String(length=32), server_default='', nullable=False),
    ]
    constraints = [
        sa.CheckConstraint(check, name=op.f('ck_checklist_events_action')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_checklist_events_actor_id_users')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_checklist_events_campaign_id_campaigns')),
        sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_checklist_events_item_id_template_items')),
        sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_checklist_events_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_events')),
    ]
    if with_evidence:
        columns += [
            sa.Column('evidence_id', sa.Integer(), nullable=True),
            sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
            sa.Column('evidence_waived', sa.Boolean(), nullable=True),
        ]
        constraints.append(sa.ForeignKeyConstraint(['evidence_id'], ['evidence_files.id'],
                                                   name=op.f('fk_checklist_events_evidence_id_evidence_files')))
    bind = op.get_bind()
    before = bind.execute(sa.text("SELECT COUNT(*) FROM checklist_events")).scalar()
    op.create_table('checklist_events_rebuilt', *columns, *constraints)
    copied = ", ".join(LOG_COLUMNS)
    op.execute(f"INSERT INTO checklist_events_rebuilt ({copied}) SELECT {copied} FROM checklist_events")
    # DROP TABLE drops the table's triggers (and indexes) first, then deletes its rows: nothing refuses it.
    op.execute("DROP TABLE checklist_events")
    op.execute("ALTER TABLE checklist_events_rebuilt RENAME TO checklist_events")
    after = bind.execute(sa.text("SELECT COUNT(*) FROM checklist_events")).scalar()
    if after != before:  # cannot happen; the migration's transaction then rolls everything back
        raise RuntimeError(f"checklist_events rebuild kept {after} of {before} events")
    op.create_index('ix_checklist_events_item', 'checklist_events', [*KEY, 'id'], unique=False)
    op.create_index('ux_checklist_events_successor', 'checklist_events', [*KEY, 'prev_version'], unique=True)
    _append_only('checklist_events', LOG_MESSAGE, sqlite_only=True)


def _append_only(table: str, message: str, *, sqlite_only: bool = False) -> None:
    """Refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) on `table` inside the database itself, as
    0001 does for the log (same trigger names for checklist_events)."""
    if _sqlite():
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    elif not sqlite_only:
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
