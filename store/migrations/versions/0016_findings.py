"""findings from inspections: corrective actions with a source, a hazard category and the day found

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25

- corrective_actions.source: "drill" (an area for improvement of a drill's review) or "inspection" (a hazard
  found in a safety inspection, 隐患); drill_id becomes NULL for an inspection's, and a CHECK keeps drill_id
  set exactly when the source is a drill. Every existing action: "drill".
- corrective_actions.category: the hazard register's category, from a fixed list (CHECK). Existing actions
  get the category of their drill's type (the mapping of drills.findings as it is at this revision), else
  "other".
- corrective_actions.found_on: the day the finding was made; for existing actions the local day (in the
  configured zone) of their created_at.

Nothing refers to corrective_actions, so SQLite may rebuild it (batch mode) to change drill_id's
nullability and add the CHECKs; PostgreSQL alters it in place. A downgrade is refused while the table holds
an inspection's finding: the earlier schema has no place for an action without a drill.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# As at this revision (store.schema.HAZARD_CATEGORIES, drills.findings.CATEGORY_OF_TYPE): migrations do not
# import the models.
CATEGORIES = ('equipment', 'fire', 'flood_typhoon', 'cable', 'dispatch', 'cyber', 'personal_safety', 'supply',
              'other')
CATEGORY_OF_TYPE = {
    'anti-accident': 'dispatch', 'black-start': 'dispatch', 'flood-typhoon': 'flood_typhoon',
    'cable-fire': 'cable', 'orderly-power-use': 'supply', 'summer-peak-joint': 'supply',
    'large-area-blackout': 'supply', 'onsite-response': 'personal_safety',
    'confined-space-rescue': 'personal_safety', 'cyber-incident': 'cyber', 'crowded-premises-fire': 'fire',
}
SOURCE_CHECK = "source IN ('drill','inspection')"
DRILL_CHECK = "(source = 'drill' AND drill_id IS NOT NULL) OR (source <> 'drill' AND drill_id IS NULL)"
CATEGORY_CHECK = "category IN ({})".format(",".join(f"'{c}'" for c in CATEGORIES))


def _zone() -> ZoneInfo:
    from core.config import get_settings  # the zone days are counted in (READINESS_TIMEZONE)

    return ZoneInfo(get_settings().timezone)


def _local_day(value, zone: ZoneInfo):
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).date()


def upgrade() -> None:
    with op.batch_alter_table('corrective_actions') as batch:  # new columns only: no table rebuild
        batch.add_column(sa.Column('source', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('category', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('found_on', sa.Date(), nullable=True))

    bind = op.get_bind()
    actions = sa.table('corrective_actions', sa.column('id', sa.Integer()), sa.column('source', sa.String()),
                       sa.column('category', sa.String()), sa.column('found_on', sa.Date()))
    zone = _zone()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.created_at, t.key FROM corrective_actions a "
        "JOIN drills d ON d.id = a.drill_id JOIN drill_types t ON t.id = d.drill_type_id")).all()
    for action_id, created_at, type_key in rows:
        bind.execute(actions.update().where(actions.c.id == action_id).values(
            source='drill', category=CATEGORY_OF_TYPE.get(type_key, 'other'),
            found_on=_local_day(created_at, zone)))

    with op.batch_alter_table('corrective_actions') as batch:  # SQLite: rebuilt here
        batch.alter_column('source', existing_type=sa.String(length=16), nullable=False)
        batch.alter_column('category', existing_type=sa.String(length=32), nullable=False)
        batch.alter_column('found_on', existing_type=sa.Date(), nullable=False)
        batch.alter_column('drill_id', existing_type=sa.Integer(), nullable=True)
        batch.create_check_constraint(op.f('ck_corrective_actions_source'), SOURCE_CHECK)
        batch.create_check_constraint(op.f('ck_corrective_actions_drill_source'), DRILL_CHECK)
        batch.create_check_constraint(op.f('ck_corrective_actions_category'), CATEGORY_CHECK)


def downgrade() -> None:
    kept = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM corrective_actions WHERE drill_id IS NULL")).scalar()
    if kept:
        raise RuntimeError(
            f"Cannot downgrade below 0016: {kept} finding(s) from inspections have no drill, which the earlier "
            "schema cannot record, and corrective actions are never deleted. "
            "/ 无法降级：隐患台账中有来自安全检查的发现（不属于任何演练），旧版数据结构无法保存它们。")
    with op.batch_alter_table('corrective_actions') as batch:  # SQLite: rebuilt here, without the CHECKs
        batch.drop_constraint(op.f('ck_corrective_actions_category'), type_='check')
        batch.drop_constraint(op.f('ck_corrective_actions_drill_source'), type_='check')
        batch.drop_constraint(op.f('ck_corrective_actions_source'), type_='check')
        batch.alter_column('drill_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_column('found_on')
        batch.drop_column('category')
        batch.drop_column('source')
