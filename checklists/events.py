"""Season events: dispatch declares a heat wave, a typhoon or rainstorm warning, or an orderly-power-use
order for some units of a season; the items it triggers become their obligations, due relative to
the event (before its landfall, during it, after it). Events are closed when they are over.

Declaring needs `event.declare` on every unit named (a unit lead or a drill coordinator whose grant
covers it); the command line is trusted (actor None). Each declaration and closing is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from checklists.campaigns import campaign_items
from checklists.occurrences import event_due, event_occurrence
from content.models import EVENT_KINDS
from core.clock import as_utc, format_local, local_day
from core.errors import InvalidInput, NotFound
from core.i18n import t
from org import audit
from org.authz import authorize
from org.models import Actor
from org.queries import units_by_code
from store.schema import (
    Campaign,
    CampaignUnit,
    ChecklistStatus,
    Obligation,
    OrgUnit,
    SeasonEvent,
    SeasonEventUnit,
    TemplateItem,
)

LEVELS = ("blue", "yellow", "orange", "red")  # 蓝色 / 黄色 / 橙色 / 红色 warnings
MAX_NAME = 128


@dataclass(frozen=True)
class CreatedObligation:
    unit_code: str
    item_key: str
    occurrence: str
    due_at: datetime | None  # None: after the event, once its end is known


@dataclass(frozen=True)
class EventView:
    id: int
    campaign_id: int
    kind: str
    name: str
    level: str | None
    starts_at: datetime
    landfall_at: datetime | None
    ends_at: datetime | None
    status: str
    unit_codes: tuple[str, ...]
    unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Declared:
    event: EventView
    created: list[CreatedObligation]


def declare_event(
    campaign_id: int,
    kind: str,
    *,
    starts_at: datetime,
    unit_codes: Iterable[str],
    session: Session,
    actor: Actor | None,
    now: datetime,
    name: str = "",
    level: str | None = None,
    landfall_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Declared:
    """Declare an event for units of an open season; each unit gets the season's items triggered by
    this kind of event that apply to it, one obligation each, due relative to the event."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if campaign.status != "open":
        raise InvalidInput("error.campaign_closed")
    if kind not in EVENT_KINDS:
        raise InvalidInput("error.event_kind", kind=kind, kinds=", ".join(EVENT_KINDS))
    level = (level or "").strip().lower() or None
    if level is not None and level not in LEVELS:
        raise InvalidInput("error.event_level", level=level, levels=", ".join(LEVELS))
    if landfall_at is not None and kind != "typhoon":
        raise InvalidInput("error.landfall_only_typhoon")
    starts_at, landfall_at, ends_at = as_utc(starts_at), landfall_at and as_utc(landfall_at), ends_at and as_utc(ends_at)
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput("error.event_end_before_start")
    if landfall_at is not None and landfall_at < starts_at:
        raise InvalidInput("error.landfall_before_start")
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise InvalidInput("error.text_too_long", max=MAX_NAME)
    codes = list(dict.fromkeys(c.strip() for c in unit_codes if c.strip()))
    if not codes:
        raise InvalidInput("error.no_units")
    units = units_by_code(codes, session=session)
    for code in codes:
        if actor is not None:
            authorize(actor, "event.declare", units[code].id, session=session)
    members = set(session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)))
    outside = [c for c in codes if units[c].id not in members]
    if outside:
        raise InvalidInput("error.event_unit_not_in_season", unit=", ".join(outside))
    inactive = [c for c in codes if not units[c].is_active]
    if inactive:
        raise InvalidInput("error.unit_inactive", unit=", ".join(inactive))

    event = SeasonEvent(campaign_id=campaign_id, kind=kind, name=name or _default_name(kind, starts_at),
                        level=level, starts_at=starts_at, landfall_at=landfall_at, ends_at=ends_at, status="open",
                        declared_by=actor.user_id if actor else None, declared_at=now)
    session.add(event)
    session.flush()
    session.execute(insert(SeasonEventUnit), [{"event_id": event.id, "unit_id": units[c].id} for c in codes])
    triggered = [i for i in campaign_items(campaign_id, session=session) if kind in (i.trigger_events or ())]
    occurrence = event_occurrence(event.id)
    created: list[CreatedObligation] = []
    rows = []
    for code in codes:
        unit = units[code]
        for item in triggered:
            if not item.applies(unit.kind, unit.function):
                continue
            due = event_due(item.trigger_when, item.trigger_hours, starts_at=starts_at, landfall_at=landfall_at,
                            ends_at=ends_at)
            rows.append({"campaign_id": campaign_id, "unit_id": unit.id, "item_id": item.id,
                         "occurrence": occurrence, "created_on": local_day(now), "due_at": due, "event_id": event.id})
            created.append(CreatedObligation(code, item.key, occurrence, due))
    if rows:
        session.execute(insert(Obligation), rows)
        session.execute(insert(ChecklistStatus), [
            {"campaign_id": campaign_id, "unit_id": r["unit_id"], "item_id": r["item_id"], "occurrence": occurrence,
             "status": "open", "version": 0} for r in rows])
    audit.record("event.declare", "event", f"{event.name} (#{event.id})", before=None,
                 after={"campaign": campaign.name, "kind": kind, "level": level, "starts_at": starts_at.isoformat(),
                        "landfall_at": landfall_at.isoformat() if landfall_at else None,
                        "ends_at": ends_at.isoformat() if ends_at else None, "units": codes,
                        "obligations": len(rows)},
                 session=session, actor=actor, now=now)
    session.flush()
    return Declared(_view(event, session), created)


def close_event(event_id: int, *, session: Session, actor: Actor | None, now: datetime,
                ends_at: datetime | None = None) -> EventView:
    """Close an event: it ended at `ends_at` (or the end it was declared with, or now); its checks
    due after the end fall due that many hours after it. Its obligations stay until done."""
    event = session.get(SeasonEvent, event_id)
    if event is None:
        raise NotFound("error.event_not_found", event=event_id)
    if actor is not None:
        for unit_id in session.scalars(select(SeasonEventUnit.unit_id).where(SeasonEventUnit.event_id == event_id)):
            authorize(actor, "event.declare", unit_id, session=session)
    if event.status != "open":
        raise InvalidInput("error.event_closed", name=event.name)
    end = as_utc(ends_at) if ends_at else (as_utc(event.ends_at) if event.ends_at else now)
    if end <= as_utc(event.starts_at):
        raise InvalidInput("error.event_end_before_start")
    before = {"status": "open", "ends_at": as_utc(event.ends_at).isoformat() if event.ends_at else None}
    event.status, event.ends_at, event.closed_at = "closed", end, now
    for item_id, when, hours in session.execute(
            select(TemplateItem.id, TemplateItem.trigger_when, TemplateItem.trigger_hours)
            .join(Obligation, Obligation.item_id == TemplateItem.id)
            .where(Obligation.event_id == event_id, TemplateItem.trigger_when == "after").distinct()):
        session.execute(update(Obligation).where(Obligation.event_id == event_id, Obligation.item_id == item_id)
                        .values(due_at=event_due(when, hours, starts_at=as_utc(event.starts_at), landfall_at=None,
                                                 ends_at=end)))
    audit.record("event.close", "event", f"{event.name} (#{event.id})", before=before,
                 after={"status": "closed", "ends_at": end.isoformat()}, session=session, actor=actor, now=now)
    session.flush()
    return _view(event, session)


@dataclass(frozen=True)
class EventProgress:
    """An event's checks for one unit (unit_code None: all its units)."""

    unit_code: str | None
    done: int
    na: int
    total: int

    @property
    def share(self) -> float | None:
        applicable = self.total - self.na
        return self.done / applicable if applicable > 0 else None


def list_events(campaign_id: int, *, session: Session, only_open: bool = False) -> list[EventView]:
    """A season's events, the latest first."""
    q = select(SeasonEvent).where(SeasonEvent.campaign_id == campaign_id)
    if only_open:
        q = q.where(SeasonEvent.status == "open")
    events = list(session.scalars(q.order_by(SeasonEvent.starts_at.desc(), SeasonEvent.id.desc())))
    return [_view(e, session) for e in events]


def event_progress(event_id: int, *, session: Session) -> list[EventProgress]:
    """Per unit of the event (in tree order) and in total, how many of its checks are done / N/A / in all."""
    rows = session.execute(
        select(OrgUnit.code, ChecklistStatus.status, func.count())
        .join(Obligation, (Obligation.campaign_id == ChecklistStatus.campaign_id)
              & (Obligation.unit_id == ChecklistStatus.unit_id) & (Obligation.item_id == ChecklistStatus.item_id)
              & (Obligation.occurrence == ChecklistStatus.occurrence))
        .join(OrgUnit, OrgUnit.id == ChecklistStatus.unit_id)
        .where(Obligation.event_id == event_id)
        .group_by(OrgUnit.code, OrgUnit.path, ChecklistStatus.status).order_by(OrgUnit.path)).all()
    per: dict[str, dict[str, int]] = {code: {} for code, _ in _units(event_id, session)}
    for code, status, n in rows:
        per.setdefault(code, {})[status] = n
    out = [EventProgress(code, c.get("done", 0), c.get("na", 0), sum(c.values())) for code, c in per.items()]
    out.append(EventProgress(None, sum(p.done for p in out), sum(p.na for p in out), sum(p.total for p in out)))
    return out


def _units(event_id: int, session: Session) -> list[tuple[str, int]]:
    """(code, id) of the event's units, in tree order."""
    return [(code, uid) for code, uid in session.execute(
        select(OrgUnit.code, OrgUnit.id).join(SeasonEventUnit, SeasonEventUnit.unit_id == OrgUnit.id)
        .where(SeasonEventUnit.event_id == event_id).order_by(OrgUnit.path))]


def _default_name(kind: str, starts_at: datetime) -> str:
    """A declared event's default name: its kind in Chinese (the working language) and its start."""
    return f"{t(f'event.kind.{kind}', 'zh')} {format_local(starts_at)}"


def _view(e: SeasonEvent, session: Session) -> EventView:
    units = _units(e.id, session)
    return EventView(e.id, e.campaign_id, e.kind, e.name, e.level, as_utc(e.starts_at),
                     as_utc(e.landfall_at) if e.landfall_at else None, as_utc(e.ends_at) if e.ends_at else None,
                     e.status, tuple(c for c, _ in units), tuple(i for _, i in units))


def events_active_on(campaign_id: int, day: date, *, session: Session) -> list[EventView]:
    """A season's events under way on a local day, the latest first: begun on or before it and not closed
    before it (one closed that day still counts; one past its planned end stays under way until closed)."""
    return [_view(e, session) for e in session.scalars(
        select(SeasonEvent).where(SeasonEvent.campaign_id == campaign_id)
        .order_by(SeasonEvent.starts_at.desc(), SeasonEvent.id.desc()))
        if local_day(as_utc(e.starts_at)) <= day
        and (e.status == "open" or local_day(as_utc(e.closed_at or e.ends_at or e.starts_at)) >= day)]
