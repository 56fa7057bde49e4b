"""drill type details and the required-drill rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

- drill_types: the plan a type exercises (`plan_level`: comprehensive / special / onsite) and its
  `forms` (tabletop / functional / full_scale) replace `scopes` (comprehensive / single_subject) and
  `modes` (live / tabletop); `unannounced_allowed`; the defaults a drill of the type starts from:
  `scenario_zh/en`, `injects`, `roles`, `external_participants`, `safety_plan_zh/en`. Objectives
  (JSON) gain `live_only` and `criteria_zh/en` with the next content load.
- drill_rules: which drills each kind of unit must hold and how often (seeds/drill_types.yaml `rules`).

Existing rows are carried over by reading their old columns: a type only 'comprehensive' exercises
the comprehensive plan, any other a special plan; 'live' becomes a full-scale form, 'tabletop' stays.
Every other new field starts empty (roles: controller and evaluator), and the content hash is
cleared, so the next `python manage.py init` replaces each row with the seed file's full content.

Downgrading maps back the same way (a functional or full-scale form is 'live'; an on-site plan is
'single_subject'), drops the rules and the new fields, and clears the content hash likewise (an
upgrade after it must not take the thinned rows for the file's content).
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FORM_ORDER = ('tabletop', 'functional', 'full_scale')
NEW_JSON = ('forms', 'injects', 'roles', 'external_participants')
PLAN_CHECK = "plan_level IN ('comprehensive','special','onsite')"


def _drill_types(*columns: str) -> sa.TableClause:
    """A lightweight view of drill_types with the JSON columns typed, so both engines (de)serialise them."""
    json = {'scopes', 'modes', *NEW_JSON}
    return sa.table('drill_types', sa.column('id', sa.Integer()), sa.column('content_hash', sa.String()),
                    *(sa.column(c, sa.JSON() if c in json else sa.String()) for c in columns))


def upgrade() -> None:
    with op.batch_alter_table('drill_types') as batch:  # new columns only: no table rebuild yet
        batch.add_column(sa.Column('plan_level', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('forms', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('unannounced_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('scenario_zh', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('scenario_en', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('injects', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('roles', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('external_participants', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('safety_plan_zh', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('safety_plan_en', sa.Text(), server_default='', nullable=False))

    bind = op.get_bind()
    old = _drill_types('scopes', 'modes')
    new = _drill_types('plan_level', *NEW_JSON)
    for row in bind.execute(sa.select(old.c.id, old.c.scopes, old.c.modes)).all():
        scopes, modes = list(row.scopes or []), list(row.modes or [])
        plan_level = 'comprehensive' if scopes == ['comprehensive'] else 'special'
        wanted = {'tabletop' if m == 'tabletop' else 'full_scale' for m in modes}
        forms = [f for f in FORM_ORDER if f in wanted] or ['tabletop']
        bind.execute(sa.update(new).where(new.c.id == row.id).values(
            plan_level=plan_level, forms=forms, injects=[], roles=['controller', 'evaluator'],
            external_participants=[], content_hash=''))

    with op.batch_alter_table('drill_types') as batch:  # SQLite: one rebuild for all of it
        batch.alter_column('plan_level', existing_type=sa.String(length=16), nullable=False)
        for column in NEW_JSON:
            batch.alter_column(column, existing_type=sa.JSON(), nullable=False)
        batch.drop_column('modes')
        batch.drop_column('scopes')
        batch.create_check_constraint(op.f('ck_drill_types_plan_level'), PLAN_CHECK)

    op.create_table('drill_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('drill_types', sa.JSON(), nullable=False),
    sa.Column('plan_levels', sa.JSON(), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('counts', sa.String(length=8), nullable=False),
    sa.Column('interval_months', sa.Integer(), nullable=False),
    sa.Column('per_shift', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('before_peak', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('applies_to', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("counts IN ('any','each')", name=op.f('ck_drill_rules_counts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_rules')),
    sa.UniqueConstraint('key', name=op.f('uq_drill_rules_key'))
    )


def downgrade() -> None:
    op.drop_table('drill_rules')
    with op.batch_alter_table('drill_types') as batch:
        batch.add_column(sa.Column('scopes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('modes', sa.JSON(), nullable=True))

    bind = op.get_bind()
    new = _drill_types('plan_level', 'forms')
    old = _drill_types('scopes', 'modes')
    for row in bind.execute(sa.select(new.c.id, new.c.plan_level, new.c.forms)).all():
        forms = list(row.forms or [])
        modes = (['live'] if any(f != 'tabletop' for f in forms) else []) + (['tabletop'] if 'tabletop' in forms else [])
        scopes = ['comprehensive'] if row.plan_level == 'comprehensive' else ['single_subject']
        bind.execute(sa.update(old).where(old.c.id == row.id).values(scopes=scopes, modes=modes or ['tabletop'],
                                                                      content_hash=''))

    with op.batch_alter_table('drill_types') as batch:
        batch.drop_constraint(op.f('ck_drill_types_plan_level'), type_='check')
        batch.alter_column('scopes', existing_type=sa.JSON(), nullable=False)
        batch.alter_column('modes', existing_type=sa.JSON(), nullable=False)
        for column in ('safety_plan_en', 'safety_plan_zh', 'external_participants', 'roles', 'injects',
                       'scenario_en', 'scenario_zh', 'unannounced_allowed', 'forms', 'plan_level'):
            batch.drop_column(column)
