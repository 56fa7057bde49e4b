"""a campaign runs several templates; each unit's obligations are stored

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

- campaigns.peak_end: the last day of the season (NULL: not set).
- templates.counts_from: what a template's due days count back from when it is not the peak start
  (typhoon-flood: the flood season's start).
- campaign_templates: the template versions a campaign runs (backfilled from campaigns.template_id,
  which stays as the campaign's first template), each with the day its due days count back from
  (anchor_on; NULL: the peak start — the flood season may start before the summer peak).
- obligations: which items each unit of a campaign must do, decided when the unit joins (the items
  of the campaign's templates that apply to its kind, an item shared by two templates once) and
  kept as source data: a later change of a unit's kind or of an item's applicability does not
  rewrite history. Backfilled one-to-one from checklist_status, with the day the unit joined.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns') as batch:
        batch.add_column(sa.Column('peak_end', sa.Date(), nullable=True))
    with op.batch_alter_table('templates') as batch:
        batch.add_column(sa.Column('counts_from', sa.String(length=32), nullable=True))
    op.create_table('campaign_templates',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('anchor_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_templates_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['template_id'], ['templates.id'], name=op.f('fk_campaign_templates_template_id_templates')),
    sa.PrimaryKeyConstraint('campaign_id', 'template_id', name=op.f('pk_campaign_templates'))
    )
    op.create_table('obligations',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_obligations_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_obligations_unit_id_org_units')),
    sa.ForeignKeyConstraint(['item_id'], ['template_items.id'], name=op.f('fk_obligations_item_id_template_items')),
    sa.PrimaryKeyConstraint('campaign_id', 'unit_id', 'item_id', name=op.f('pk_obligations'))
    )
    op.execute("INSERT INTO campaign_templates (campaign_id, template_id, position) SELECT id, template_id, 0 FROM campaigns")
    op.execute(
        "INSERT INTO obligations (campaign_id, unit_id, item_id, created_on) "
        "SELECT s.campaign_id, s.unit_id, s.item_id, cu.joined_on FROM checklist_status s "
        "JOIN campaign_units cu ON cu.campaign_id = s.campaign_id AND cu.unit_id = s.unit_id"
    )


def downgrade() -> None:
    op.drop_table('obligations')
    op.drop_table('campaign_templates')
    with op.batch_alter_table('templates') as batch:
        batch.drop_column('counts_from')
    with op.batch_alter_table('campaigns') as batch:
        batch.drop_column('peak_end')
