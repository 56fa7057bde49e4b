"""Campaign use-cases: open a season for a set of units running several templates, let more units
join, change the shape of its target trajectory, close it, list them. A unit that joins gets its
obligations: the items that apply to it.

Opening, joining, reshaping and closing are an administrator's (`admin.campaigns` on the whole organisation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from checklists.corrective import CORRECTIVE_TEMPLATE
from checklists.occurrences import ONE_OFF, end_of_day, periods, recurrence_window
from content.models import applies
from core.errors import InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor
from org.queries import UnitView, units_by_code, units_where
from store.schema import (  # TARGET_SHAPES also for the pages, which do not import the store
    TARGET_SHAPES,
    Campaign,
    CampaignTemplate,
    CampaignUnit,
    ChecklistStatus,
    Obligation,
    Template,
    TemplateItem,
)
from store.upsert import add_readiness_delta


def open_campaign(
    name: str,
    template_keys: str | Sequence[str],
    *,
    peak_start: date,
    starts_on: date,
    unit_codes: Iterable[str],
    session: Session,
    actor: Actor,
    now: datetime,
    template_version: int | None = None,
    peak_end: date | None = None,
    anchors: Mapping[str, date] | None = None,
    target_shape: str = "linear",
) -> Campaign:
    """Open a season for a set of units, running the newest version of each template named (or, for a
    single template, `template_version`). Each unit gets the items that apply to it (one obligation
    per item key, however many of the templates share it). `anchors` gives, per template key, the day
    its due days count back from when that is not the peak start (the flood season's start).
    `target_shape` is the shape of its target trajectory (one of TARGET_SHAPES)."""
    authorize(actor, "admin.campaigns", None, session=session)
    keys = [template_keys] if isinstance(template_keys, str) else list(dict.fromkeys(template_keys))
    name = name.strip()
    if not name:
        raise InvalidInput("error.campaign_name_required")
    if not keys:
        raise InvalidInput("error.no_templates")
    if template_version is not None and len(keys) != 1:
        raise InvalidInput("error.version_with_one_template")
    if session.scalar(select(Campaign).where(Campaign.name == name)):
        raise InvalidInput("error.campaign_exists", name=name)
    if peak_start <= starts_on:
        raise InvalidInput("error.peak_before_start", peak=peak_start.isoformat(), start=starts_on.isoformat())
    if peak_end is not None and peak_end <= peak_start:
        raise InvalidInput("error.peak_end_before_start", end=peak_end.isoformat(), peak=peak_start.isoformat())
    _check_shape(target_shape)
    unit_codes = list(dict.fromkeys(unit_codes))
    if not unit_codes:
        raise InvalidInput("error.no_units")
    anchors = dict(anchors or {})
    stray = [k for k in anchors if k not in keys]
    if stray:
        raise InvalidInput("error.anchor_without_template", template=", ".join(stray))
    templates = []
    for key in keys:
        q = select(Template).where(Template.key == key, Template.key != CORRECTIVE_TEMPLATE)
        q = q.where(Template.version == template_version) if template_version else q.order_by(Template.version.desc())
        template = session.scalars(q).first()
        if template is None:
            raise NotFound("error.template_not_found", template=key)
        templates.append(template)
    unanchored = [t.key for t in templates if t.counts_from and t.key not in anchors]
    if unanchored:
        raise InvalidInput("error.anchor_required", template=", ".join(unanchored))
    if peak_end is None:
        recurring = session.scalars(select(Template.key).join(TemplateItem, TemplateItem.template_id == Template.id)
                                    .where(Template.id.in_([t.id for t in templates]), TemplateItem.recurs.is_not(None))
                                    .distinct()).all()
        if recurring:
            raise InvalidInput("error.peak_end_required", template=", ".join(sorted(recurring)))
    campaign = Campaign(
        name=name,
        template_id=templates[0].id,
        starts_on=starts_on,
        peak_start=peak_start,
        peak_end=peak_end,
        status="open",
        created_by=actor.user_id,
        created_at=now,
        target_shape=target_shape,
    )
    session.add(campaign)
    session.flush()
    session.add_all(CampaignTemplate(campaign_id=campaign.id, template_id=t.id, position=i, anchor_on=anchors.get(t.key))
                    for i, t in enumerate(templates))
    session.flush()
    _add_units(campaign.id, unit_codes, session=session, joined_on=starts_on)
    audit.record("campaign.open", "campaign", name, before=None,
                 after={"templates": [f"{t.key} v{t.version}" for t in templates],
                        **({"anchors": {k: v.isoformat() for k, v in anchors.items()}} if anchors else {}),
                        "starts_on": starts_on.isoformat(),
                        "peak_start": peak_start.isoformat(), "peak_end": peak_end.isoformat() if peak_end else None,
                        "units": unit_codes,
                        **({"target_shape": target_shape} if target_shape != "linear" else {})},  # not the default
                 session=session, actor=actor, now=now)
    return campaign


def add_units(campaign_id: int, unit_codes: Iterable[str], *, session: Session, actor: Actor, joined_on: date,
              now: datetime) -> int:
    """Let more units take part: each gets the items that apply to it, open at version 0; returns how many joined."""
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


def set_target_shape(campaign_id: int, shape: str, *, session: Session, actor: Actor, now: datetime) -> CampaignView:
    """Change the shape of an open campaign's target trajectory (one of TARGET_SHAPES)."""
    authorize(actor, "admin.campaigns", None, session=session)
    _check_shape(shape)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if campaign.status != "open":
        raise InvalidInput("error.campaign_already_closed", name=campaign.name)
    if campaign.target_shape == shape:
        raise InvalidInput("error.nothing_changed")
    before = campaign.target_shape
    campaign.target_shape = shape
    audit.record("campaign.target_shape", "campaign", campaign.name, before={"target_shape": before},
                 after={"target_shape": shape}, session=session, actor=actor, now=now)
    session.flush()
    return _view(campaign)


def _check_shape(shape: str) -> None:
    if shape not in TARGET_SHAPES:
        raise InvalidInput("error.unknown_target_shape", shape=str(shape), shapes=", ".join(TARGET_SHAPES))


@dataclass(frozen=True)
class CampaignItem:
    id: int
    key: str
    weight: int
    applies_to: list[str] | None
    functions: list[str] | None
    recurs: str | None = None
    recurs_within: str | None = None
    trigger_events: list[str] | None = None
    trigger_when: str | None = None
    trigger_hours: int | None = None
    anchor_on: date | None = None  # the day its template counts from, when not the peak start

    def applies(self, kind: str, function: str | None) -> bool:
        return applies(self.applies_to, self.functions, kind, function)


def campaign_items(campaign_id: int, *, session: Session) -> list[CampaignItem]:
    """The items of the campaign's templates in their order, an item key two templates share once
    (the first template's)."""
    rows = session.execute(
        select(TemplateItem.id, TemplateItem.key, TemplateItem.weight, TemplateItem.applies_to, TemplateItem.functions,
               TemplateItem.recurs, TemplateItem.recurs_within, TemplateItem.trigger_events,
               TemplateItem.trigger_when, TemplateItem.trigger_hours, CampaignTemplate.anchor_on)
        .join(CampaignTemplate, CampaignTemplate.template_id == TemplateItem.template_id)
        .where(CampaignTemplate.campaign_id == campaign_id)
        .order_by(CampaignTemplate.position, TemplateItem.position)
    ).all()
    seen: set[str] = set()
    items = []
    for row in rows:
        if row.key not in seen:
            seen.add(row.key)
            items.append(CampaignItem(*row))
    return items


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
    items = campaign_items(campaign_id, session=session)
    joined = max(joined_on, campaign.starts_on)
    for unit in new_units:
        session.add(CampaignUnit(campaign_id=campaign_id, unit_id=unit.id, joined_on=joined))
    session.flush()
    for unit in new_units:
        mine = [i for i in items if i.applies(unit.kind, unit.function) and not i.trigger_events]
        rows = [{"campaign_id": campaign_id, "unit_id": unit.id, "item_id": i.id, "occurrence": ONE_OFF,
                 "created_on": joined, "due_at": None} for i in mine if not i.recurs]
        for i in mine:
            # "within the peak" means from the template's own start (the flood season for typhoon-flood)
            window = recurrence_window(i.recurs_within, starts_on=campaign.starts_on,
                                       peak_start=i.anchor_on or campaign.peak_start,
                                       peak_end=campaign.peak_end) if i.recurs else None
            if window is not None:
                # A unit joining mid-season owes the periods from the one it joins in.
                rows += [{"campaign_id": campaign_id, "unit_id": unit.id, "item_id": i.id, "occurrence": p.key,
                          "created_on": joined, "due_at": end_of_day(p.last)}
                         for p in periods(i.recurs, *window) if p.last >= joined]
        if not rows:
            continue
        session.execute(insert(Obligation), rows)
        session.execute(insert(ChecklistStatus), [
            {"campaign_id": campaign_id, "unit_id": unit.id, "item_id": r["item_id"], "occurrence": r["occurrence"],
             "status": "open", "version": 0} for r in rows])
        once = sum(i.weight for i in mine if not i.recurs)
        if once:
            add_readiness_delta(session, campaign_id, unit.id, joined, total=once)
    return len(new_units)


@dataclass(frozen=True)
class CampaignView:
    """A campaign as the pages show it (a read model, not a database row)."""

    id: int
    name: str
    starts_on: date
    peak_start: date
    status: str
    peak_end: date | None = None
    target_shape: str = "linear"  # the shape of its target trajectory (TARGET_SHAPES)


def list_campaigns(*, session: Session, only_open: bool = True) -> list[CampaignView]:
    """Campaigns, the latest peak first."""
    q = select(Campaign).order_by(Campaign.peak_start.desc(), Campaign.id.desc())
    if only_open:
        q = q.where(Campaign.status == "open")
    return [_view(c) for c in session.scalars(q)]


def _view(c: Campaign) -> CampaignView:
    return CampaignView(c.id, c.name, c.starts_on, c.peak_start, c.status, c.peak_end, c.target_shape)


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
    counts_from: str | None = None  # None: its due days count back from the peak start


def template_choices(*, session: Session) -> list[TemplateChoice]:
    """Every loaded template version, by key and the newest version first."""
    q = (select(Template.id, Template.key, Template.version, Template.name_zh, Template.name_en, Template.counts_from)
         .where(Template.key != CORRECTIVE_TEMPLATE))  # the system template carries drills' corrective actions
    return [TemplateChoice(*row) for row in session.execute(q.order_by(Template.key, Template.version.desc()))]


def season_templates(campaign_id: int, *, session: Session) -> list[TemplateChoice]:
    """The template versions a season runs, in its order."""
    q = (select(Template.id, Template.key, Template.version, Template.name_zh, Template.name_en, Template.counts_from)
         .join(CampaignTemplate, CampaignTemplate.template_id == Template.id)
         .where(CampaignTemplate.campaign_id == campaign_id).order_by(CampaignTemplate.position))
    return [TemplateChoice(*row) for row in session.execute(q)]
