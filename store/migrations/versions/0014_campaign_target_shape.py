"""campaign target shape

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26

- campaigns.target_shape: the shape of the season's target trajectory, from 0 % on its start to 100 % on
  its peak start (linear, front_loaded, back_loaded or s_curve), chosen when it is opened and changeable
  by an administrator. Every existing campaign: linear.

The column is added with its CHECK in the same ALTER TABLE … ADD COLUMN, on both engines: SQLite cannot
add a CHECK to an existing table without rebuilding it, and the campaigns table cannot be rebuilt in a
migration (the rows of the log and of the projections refer to it, and foreign keys are on). The shapes
are written out here as they were at this revision (store.schema.TARGET_SHAPES), as migrations do not
import the models.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SHAPES = ('linear', 'front_loaded', 'back_loaded', 's_curve')
CHECK = "target_shape IN ({})".format(",".join(f"'{s}'" for s in SHAPES))


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_shape', sa.String(length=16),
                                      sa.CheckConstraint(CHECK, name=op.f('ck_campaigns_target_shape')),
                                      server_default='linear', nullable=False))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE campaigns DROP COLUMN target_shape")  # SQLite 3.35+: no rebuild; its CHECK goes too
    else:
        with op.batch_alter_table('campaigns', schema=None) as batch_op:
            batch_op.drop_column('target_shape')  # its CHECK goes with it
