"""Campaign use-cases: open a season for a set of units, let more units join, close it, list them.

Opening, joining and closing are an administrator's (`admin.campaigns` on the whole organisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor
from org.queries import UnitView, units_by_code, units_where
from store.schema import Campaign, CampaignUnit, ChecklistStatus, Template, TemplateItem
from store.upsert import add_readiness_delta


def open_campaign(
    name: str,
    template_key: str,
    *,
    peak_start: date,
    starts_on: date,
    unit_codes: Iterable[str],
    session: Session,
    actor: Actor,
    now: datetime,
    template_version: int | None = None,
) -> Campaign:
    """Open a campaign pinning a template version (newest by default) for the given units."""
    authorize(actor, "admin.campaigns", None, session=session)
    name = name.strip()
    if not name:
        raise InvalidInput("error.campaign_name_required")
    if session.scalar(select(Campaign).where(Campaign.name == name)):
        raise InvalidInput("error.campaign_exists", name=name)
    if peak_start <= starts_on:
        raise InvalidInput("error.peak_before_start", peak=peak_start.isoformat(), start=starts_on.isoformat())
    q = select(Template).where(Template.key == template_key)
    q = q.where(Template.version == template_version) if template_version else q.order_by(Template.version.desc())
    template = session.scalars(q).first()
    if template is None:
        raise NotFound("error.template_not_found", template=template_key)
    unit_codes = list(dict.fromkeys(unit_codes))
    if not unit_codes:
        raise InvalidInput("error.no_units")
    campaign = Campaign(
        name=name,
        template_id=template.id,
        starts_on=starts_on,
        peak_start=peak_start,
        status="open",
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    _add_units(campaign.id, unit_codes, session=session, joined_on=starts_on)
    audit.record("campaign.open", "campaign", name, before=None,
                 after={"template": f"{template.key} v{template.version}", "starts_on": starts_on.isoformat(),
                        "peak_start": peak_start.isoformat(), "units": unit_codes},
                 session=session, actor=actor, now=now)
    return campaign


def add_units(campaign_id: int, unit_codes: Iterable[str], *, session: Session, actor: Actor, joined_on: date,
              now: datetime) -> int:
    """Let more units take part: each gets every item open at version 0; returns how many joined."""
    authorize(actor, "admin.campaigns", None, session=session)
    codes = list(dict.fromkeys(unit_codes))
    joined = _add_units(campaign_id, codes, session=session, joined_on=joined_on)
    campaign = session.get(Campaign, campaign_id)
    audit.record("campaign.add_units", "campaign", campaign.name, before=None,
                 after={"units": codes, "joined_on": joined_on.isoformat()}, session=session, actor=actor, now=now)
    return joined


def close_campaign(campaign_id: int, *, session: Session, actor: Actor, now: datetime) -> CampaignView:
    """Close a campaign: its checklists take no more changes (history and readiness stay as they are)."""
    authorize(actor, "admin.campaigns", None, session=session)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if campaign.status != "open":
        raise InvalidInput("error.campaign_already_closed", name=campaign.name)
    campaign.status = "closed"
    audit.record("campaign.close", "campaign", campaign.name, before={"status": "open"}, after={"status": "closed"},
                 session=session, actor=actor, now=now)
    session.flush()
    return _view(campaign)


def _add_units(campaign_id: int, unit_codes: Iterable[str], *, session: Session, joined_on: date) -> int:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if campaign.status != "open":
        raise InvalidInput("error.campaign_already_closed", name=campaign.name)
    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        raise InvalidInput("error.no_units")
    units = units_by_code(codes, session=session)
    inactive = [c for c in codes if not units[c].is_active]
    if inactive:
        raise InvalidInput("error.unit_inactive", unit=", ".join(inactive))
    already = set(
        session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id))
    )
    new_units = [units[c] for c in codes if units[c].id not in already]
    items = session.execute(
        select(TemplateItem.id, TemplateItem.weight).where(TemplateItem.template_id == campaign.template_id)
    ).all()
    total = sum(w for _, w in items)
    joined = max(joined_on, campaign.starts_on)
    for unit in new_units:
        session.add(CampaignUnit(campaign_id=campaign_id, unit_id=unit.id, joined_on=joined))
    session.flush()
    if new_units and items:
        session.execute(
            insert(ChecklistStatus),
            [
                {"campaign_id": campaign_id, "unit_id": u.id, "item_id": i, "status": "open", "version": 0}
                for u in new_units
                for i, _ in items
            ],
        )
        for unit in new_units:
            add_readiness_delta(session, campaign_id, unit.id, joined, total=total)
    return len(new_units)


@dataclass(frozen=True)
class CampaignView:
    """A campaign as the pages show it (a read model, not a database row)."""

    id: int
    name: str
    starts_on: date
    peak_start: date
    status: str


def list_campaigns(*, session: Session, only_open: bool = True) -> list[CampaignView]:
    """Campaigns, the latest peak first."""
    q = select(Campaign).order_by(Campaign.peak_start.desc(), Campaign.id.desc())
    if only_open:
        q = q.where(Campaign.status == "open")
    return [_view(c) for c in session.scalars(q)]


def _view(c: Campaign) -> CampaignView:
    return CampaignView(c.id, c.name, c.starts_on, c.peak_start, c.status)


def campaign_units(campaign_id: int, *, session: Session) -> list[UnitView]:
    """The units taking part in a campaign, in tree order."""
    return units_where(CampaignUnit.campaign_id == campaign_id, join=CampaignUnit, on=CampaignUnit.unit_id,
                       session=session)


@dataclass(frozen=True)
class TemplateChoice:
    """A loaded template version a campaign can pin."""

    id: int
    key: str
    version: int
    name_zh: str
    name_en: str


def template_choices(*, session: Session) -> list[TemplateChoice]:
    """Every loaded template version, by key and the newest version first."""
    q = select(Template.id, Template.key, Template.version, Template.name_zh, Template.name_en)
    return [TemplateChoice(*row) for row in session.execute(q.order_by(Template.key, Template.version.desc()))]
