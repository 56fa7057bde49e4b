"""Planning drills: plan, change, move, cancel, mark ready, record who took part; list the drills a user
may see. Every save runs the clash rules (drills.schedule) against the other drills, the season's heat,
typhoon and rainstorm events and the campaign's peak start: errors refuse the save, warnings come back
with it for the coordinator to see. Every change is appended to the drill log.

Coordinators act on drills whose lead unit and participating units are all in their scope
(`drill.plan`, `drill.change`, `drill.cancel`); anyone who may read one of a drill's units sees it.
The command line is trusted (actor None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.errors import DomainError, InvalidInput, InvalidTransition, NotFound, StaleWrite
from drills import schedule
from drills.schedule import Finding, PeakWindow, PlannedDrill
from org.authz import authorize, scope_unit_ids
from org.models import Actor
from store.schema import (
    Campaign,
    Drill,
    DrillLogEntry,
    DrillPerson,
    DrillRule,
    DrillShift,
    DrillType,
    DrillUnit,
    OrgUnit,
    SeasonEvent,
    SeasonEventUnit,
    UnitShift,
    User,
)

MAX_TITLE = 200
MAX_HOURS = 72
ACTIVE = ("planned", "ready", "conducted", "reviewed")
# Which status may follow which (cancelling is its own use-case, with a reason).
NEXT = {"planned": ("ready",), "ready": ("planned", "conducted"), "conducted": ("reviewed",)}
ROLE_FIELDS = {"controller": "controller_ids", "evaluator": "evaluator_ids",
               "safety_officer": "safety_officer_ids", "participant": "participant_ids"}


class DrillRefused(DomainError):
    """The drill breaks a hard rule (a clash): nothing was saved. `findings` says which and why."""

    code = "drl.refused"

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(self.code, count=len(findings))
        self.findings = tuple(findings)


class DrillDraft(BaseModel):
    """A drill as a coordinator enters it (or a plan row imports it), before the rules have run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type_key: str
    form: str
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    starts_at: datetime
    ends_at: datetime
    lead_unit_id: int
    unit_ids: frozenset[int] = frozenset()
    coordinator_id: int | None = None  # None: the coordinator entering it
    evaluator_ids: frozenset[int] = frozenset()
    controller_ids: frozenset[int] = frozenset()
    safety_officer_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()
    shift_ids: frozenset[int] = frozenset()  # shifts of participating dispatch centres (org.shifts)
    unannounced: bool = False
    location: str = Field(default="", max_length=500)
    scenario: str | None = Field(default=None, max_length=20_000)  # None: the type's outline
    campaign_id: int | None = None
    emergency_plan_id: int | None = None

    @field_validator("title", "location")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone")
        return as_utc(value)

    @model_validator(mode="after")
    def _units_include_lead(self) -> DrillDraft:
        if not self.title:
            raise ValueError("title is empty")
        object.__setattr__(self, "unit_ids", frozenset(self.unit_ids) | {self.lead_unit_id})
        return self


@dataclass(frozen=True)
class DrillView:
    """A drill as pages, exports and checks see it."""

    id: int
    campaign_id: int | None
    type_key: str
    type_name_zh: str
    type_name_en: str
    plan_level: str
    form: str
    unannounced: bool
    title: str
    scenario: str
    objectives: tuple[dict, ...]
    injects: tuple[dict, ...]
    starts_at: datetime
    ends_at: datetime
    location: str
    lead_unit_id: int
    lead_unit_code: str
    coordinator_id: int
    coordinator_name: str
    status: str
    cancel_reason: str
    version: int
    updated_at: datetime
    unit_ids: tuple[int, ...]
    unit_codes: tuple[str, ...]
    people: tuple[tuple[int, str, str], ...]  # (user id, display name, role)
    attended_unit_ids: tuple[int, ...] = ()
    attended_person_ids: tuple[int, ...] = ()
    shifts: tuple[tuple[int, int, str, str], ...] = ()  # (shift id, unit id, name zh, name en)
    attended_shift_ids: tuple[int, ...] = ()

    @property
    def shift_ids(self) -> tuple[int, ...]:
        return tuple(s[0] for s in self.shifts)

    def ids_in(self, role: str) -> frozenset[int]:
        return frozenset(uid for uid, _, r in self.people if r == role)


@dataclass(frozen=True)
class Saved:
    """A saved drill and the warnings it was saved with."""

    drill_id: int
    version: int
    warnings: tuple[Finding, ...] = field(default_factory=tuple)


# ── Checks ─────────────────────────────────────────────────────────────────


def check_draft(draft: DrillDraft, *, session: Session, actor: Actor | None, drill_id: int | None = None,
                peak_window_is_error: bool = False) -> list[Finding]:
    """Every finding of the clash rules for this draft (errors first), as a save would see them."""
    drill_type = _type(draft.type_key, session)
    _validate(draft, drill_type, session)
    coordinator = draft.coordinator_id if draft.coordinator_id is not None else (actor.user_id if actor else None)
    planned = PlannedDrill(
        id=drill_id, type_key=draft.type_key, start=draft.starts_at, end=draft.ends_at, unit_ids=draft.unit_ids,
        coordinator_id=coordinator, evaluator_ids=draft.evaluator_ids,
        participant_ids=draft.controller_ids | draft.safety_officer_ids | draft.participant_ids,
        must_precede_peak=_must_precede_peak(draft, drill_type, session), title=draft.title)
    others = [d for d in drills_between(draft.starts_at, draft.ends_at, session=session) if d.id != drill_id]
    windows = event_windows(draft.unit_ids, draft.starts_at, draft.ends_at, session=session)
    peak_start = _peak_start(draft.campaign_id, session)
    return schedule.check(planned, others, windows=windows, peak_start=peak_start,
                          peak_window_is_error=peak_window_is_error,
                          unit_names=_unit_names(session), person_names=_person_names(session))


def _validate(draft: DrillDraft, drill_type: DrillType, session: Session) -> None:
    if draft.form not in drill_type.forms:
        raise InvalidInput("drl.form_not_allowed", form=draft.form, type=drill_type.key)
    if draft.unannounced and not drill_type.unannounced_allowed:
        raise InvalidInput("drl.unannounced_not_allowed", type=drill_type.key)
    if draft.ends_at - draft.starts_at > timedelta(hours=MAX_HOURS):
        raise InvalidInput("drl.too_long", hours=MAX_HOURS)
    known = set(session.scalars(select(OrgUnit.id).where(OrgUnit.id.in_(draft.unit_ids), OrgUnit.is_active)))
    if missing := sorted(draft.unit_ids - known):
        raise NotFound("drl.unknown_unit", unit=missing[0])
    people = draft.evaluator_ids | draft.controller_ids | draft.safety_officer_ids | draft.participant_ids
    if draft.coordinator_id is not None:
        people |= {draft.coordinator_id}
    found = set(session.scalars(select(User.id).where(User.id.in_(people), User.is_active)))
    if missing := sorted(people - found):
        raise NotFound("drl.unknown_person", person=missing[0])
    if draft.campaign_id is not None and session.get(Campaign, draft.campaign_id) is None:
        raise NotFound("drl.unknown_campaign", campaign=draft.campaign_id)
    if draft.shift_ids:
        shifts = {s.id: s for s in session.scalars(select(UnitShift).where(UnitShift.id.in_(draft.shift_ids)))}
        for shift_id in sorted(draft.shift_ids):
            shift = shifts.get(shift_id)
            if shift is None:  # a shift deactivated since stays on the drills that name it (a move keeps it)
                raise NotFound("shift.unknown", shift=shift_id)
            if shift.unit_id not in draft.unit_ids:
                raise InvalidInput("shift.not_in_drill", shift=shift.name_zh)


def _must_precede_peak(draft: DrillDraft, drill_type: DrillType, session: Session) -> bool:
    """A drill of a campaign whose type some rule requires must be held before the peak starts."""
    if draft.campaign_id is None:
        return False
    for rule in session.scalars(select(DrillRule)):
        if drill_type.key in rule.drill_types or drill_type.plan_level in rule.plan_levels:
            return True
    return False


def drills_between(start: datetime, end: datetime, *, session: Session) -> list[PlannedDrill]:
    """The drills (not cancelled) that overlap [start, end), as the rules see them."""
    rows = session.scalars(select(Drill).where(Drill.status != "cancelled", Drill.starts_at < end,
                                               Drill.ends_at > start).order_by(Drill.starts_at, Drill.id))
    out = []
    for d in rows:
        units = frozenset(session.scalars(select(DrillUnit.unit_id).where(DrillUnit.drill_id == d.id)))
        people = session.execute(select(DrillPerson.user_id, DrillPerson.role).where(DrillPerson.drill_id == d.id))
        evaluators, others = set(), set()
        for uid, role in people:
            (evaluators if role == "evaluator" else others).add(uid)
        out.append(PlannedDrill(id=d.id, type_key="", start=as_utc(d.starts_at), end=as_utc(d.ends_at),
                                unit_ids=units, coordinator_id=d.coordinator_id, evaluator_ids=evaluators,
                                participant_ids=others, status=d.status, title=d.title))
    return out


def event_windows(unit_ids: Iterable[int], start: datetime, end: datetime, *, session: Session) -> list[PeakWindow]:
    """The season's heat-wave, typhoon, rainstorm and orderly-power events for these units that overlap
    [start, end). An open event with no end yet is taken to last at least until `end`."""
    rows = session.execute(
        select(SeasonEvent, SeasonEventUnit.unit_id)
        .join(SeasonEventUnit, SeasonEventUnit.event_id == SeasonEvent.id)
        .where(SeasonEventUnit.unit_id.in_(list(unit_ids)), SeasonEvent.starts_at < end,
               or_(SeasonEvent.ends_at.is_(None), SeasonEvent.ends_at > start)))
    units: dict[int, set[int]] = {}
    events: dict[int, SeasonEvent] = {}
    for event, unit_id in rows:
        events[event.id] = event
        units.setdefault(event.id, set()).add(unit_id)
    far = end + timedelta(days=1)
    return [PeakWindow(start=as_utc(e.starts_at), end=as_utc(e.ends_at) if e.ends_at else far, kind=e.kind,
                       name=e.name, unit_ids=frozenset(units[e.id])) for e in events.values()]


def _peak_start(campaign_id: int | None, session: Session) -> date | None:
    if campaign_id is None:
        return None
    campaign = session.get(Campaign, campaign_id)
    return campaign.peak_start if campaign else None


def _unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(OrgUnit.id, OrgUnit.code)).all())


def _person_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.display_name)).all())


def _type(key: str, session: Session) -> DrillType:
    drill_type = session.scalar(select(DrillType).where(DrillType.key == key))
    if drill_type is None:
        raise NotFound("drl.unknown_type", type=key)
    return drill_type


# ── Writing ────────────────────────────────────────────────────────────────


def _authorize_units(actor: Actor | None, action: str, unit_ids: Iterable[int], session: Session) -> None:
    if actor is None:
        return
    for unit_id in sorted(set(unit_ids)):
        authorize(actor, action, unit_id, session=session)


def _refuse_errors(findings: list[Finding]) -> tuple[Finding, ...]:
    errors = [f for f in findings if f.is_error]
    if errors:
        raise DrillRefused(errors)
    return tuple(findings)


def _log(session: Session, drill_id: int, kind: str, actor: Actor | None, now: datetime, data: dict,
         text: str = "") -> None:
    session.add(DrillLogEntry(drill_id=drill_id, kind=kind, text=text, data=data,
                              actor_id=actor.user_id if actor else None, occurred_at=now))


def plan_drill(draft: DrillDraft, *, session: Session, actor: Actor | None, now: datetime,
               peak_window_is_error: bool = False) -> Saved:
    """Save a new drill after the clash rules: refused (DrillRefused) on any error; warnings returned."""
    _authorize_units(actor, "drill.plan", draft.unit_ids, session)
    warnings = _refuse_errors(check_draft(draft, session=session, actor=actor,
                                          peak_window_is_error=peak_window_is_error))
    drill_type = _type(draft.type_key, session)
    coordinator = draft.coordinator_id if draft.coordinator_id is not None else (actor.user_id if actor else None)
    if coordinator is None:
        raise InvalidInput("drl.no_coordinator")
    objectives = [o for o in drill_type.objectives if draft.form != "tabletop" or not o.get("live_only")]
    drill = Drill(
        campaign_id=draft.campaign_id, drill_type_id=drill_type.id, emergency_plan_id=draft.emergency_plan_id,
        plan_level=drill_type.plan_level, form=draft.form, unannounced=draft.unannounced, title=draft.title,
        scenario=draft.scenario if draft.scenario is not None else drill_type.scenario_zh,
        objectives=objectives, injects=list(drill_type.injects), starts_at=draft.starts_at, ends_at=draft.ends_at,
        location=draft.location, lead_unit_id=draft.lead_unit_id, coordinator_id=coordinator, status="planned",
        version=1, created_by=actor.user_id if actor else None, created_at=now, updated_at=now)
    session.add(drill)
    session.flush()
    _write_participants(session, drill.id, draft)
    _log(session, drill.id, "planned", actor, now, _snapshot(draft, coordinator),
         text=" ".join(f.code for f in warnings))
    return Saved(drill.id, drill.version, warnings)


def _write_participants(session: Session, drill_id: int, draft: DrillDraft) -> None:
    session.execute(delete(DrillUnit).where(DrillUnit.drill_id == drill_id))
    session.execute(delete(DrillPerson).where(DrillPerson.drill_id == drill_id))
    session.execute(delete(DrillShift).where(DrillShift.drill_id == drill_id))
    session.add_all(DrillUnit(drill_id=drill_id, unit_id=u) for u in sorted(draft.unit_ids))
    session.add_all(DrillShift(drill_id=drill_id, shift_id=s) for s in sorted(draft.shift_ids))
    for role, name in ROLE_FIELDS.items():
        session.add_all(DrillPerson(drill_id=drill_id, user_id=uid, role=role) for uid in sorted(getattr(draft, name)))


def _snapshot(draft: DrillDraft, coordinator: int) -> dict:
    data = draft.model_dump(mode="json")
    data["coordinator_id"] = coordinator
    for key in ("unit_ids", "shift_ids", *ROLE_FIELDS.values()):
        data[key] = sorted(data[key])
    return data


def _load(drill_id: int, session: Session, expected_version: int | None) -> Drill:
    drill = session.get(Drill, drill_id, with_for_update=True)
    if drill is None:
        raise NotFound("drl.unknown_drill", drill=drill_id)
    if expected_version is not None and drill.version != expected_version:
        raise StaleWrite("drl.stale", drill=drill.title)
    return drill


def draft_of(drill_id: int, *, session: Session) -> DrillDraft:
    """The drill as a draft (to change it, or to check it again)."""
    view = get_drill(drill_id, session=session)
    return DrillDraft(
        type_key=view.type_key, form=view.form, title=view.title, starts_at=view.starts_at, ends_at=view.ends_at,
        lead_unit_id=view.lead_unit_id, unit_ids=frozenset(view.unit_ids), coordinator_id=view.coordinator_id,
        evaluator_ids=view.ids_in("evaluator"), controller_ids=view.ids_in("controller"),
        safety_officer_ids=view.ids_in("safety_officer"), participant_ids=view.ids_in("participant"),
        shift_ids=frozenset(view.shift_ids), unannounced=view.unannounced, location=view.location, scenario=view.scenario, campaign_id=view.campaign_id)


def change_drill(drill_id: int, draft: DrillDraft, *, expected_version: int, session: Session, actor: Actor | None,
                 now: datetime, peak_window_is_error: bool = False) -> Saved:
    """Change a planned or ready drill (its time, units, people, texts) after the clash rules."""
    drill = _load(drill_id, session, expected_version)
    if drill.status not in ("planned", "ready"):
        raise InvalidTransition("drl.not_changeable", status=drill.status)
    before = draft_of(drill_id, session=session)
    _authorize_units(actor, "drill.change", before.unit_ids | draft.unit_ids, session)
    warnings = _refuse_errors(check_draft(draft, session=session, actor=actor, drill_id=drill_id,
                                          peak_window_is_error=peak_window_is_error))
    drill_type = _type(draft.type_key, session)
    moved = (draft.starts_at, draft.ends_at) != (before.starts_at, before.ends_at)
    drill.drill_type_id, drill.plan_level, drill.form = drill_type.id, drill_type.plan_level, draft.form
    drill.title, drill.location, drill.unannounced = draft.title, draft.location, draft.unannounced
    if draft.scenario is not None:
        drill.scenario = draft.scenario
    drill.starts_at, drill.ends_at, drill.lead_unit_id = draft.starts_at, draft.ends_at, draft.lead_unit_id
    drill.campaign_id = draft.campaign_id
    if draft.coordinator_id is not None:
        drill.coordinator_id = draft.coordinator_id
    drill.version += 1
    drill.updated_at = now
    _write_participants(session, drill_id, draft)
    _log(session, drill_id, "moved" if moved else "changed", actor, now,
         {"before": _snapshot(before, before.coordinator_id or 0),
          "after": _snapshot(draft, drill.coordinator_id)}, text=" ".join(f.code for f in warnings))
    return Saved(drill_id, drill.version, warnings)


def move_drill(drill_id: int, starts_at: datetime, ends_at: datetime, *, expected_version: int, session: Session,
               actor: Actor | None, now: datetime, peak_window_is_error: bool = False) -> Saved:
    """Move a drill to a new time, after the clash rules."""
    draft = draft_of(drill_id, session=session).model_copy(update={"starts_at": as_utc(starts_at),
                                                                    "ends_at": as_utc(ends_at)})
    try:
        draft = DrillDraft.model_validate(draft.model_dump())
    except ValidationError as err:
        raise InvalidInput("drl.bad_time") from err
    return change_drill(drill_id, draft, expected_version=expected_version, session=session, actor=actor, now=now,
                        peak_window_is_error=peak_window_is_error)


def cancel_drill(drill_id: int, reason: str, *, expected_version: int, session: Session, actor: Actor | None,
                 now: datetime) -> None:
    """Cancel a drill not yet held, with a reason (kept on the drill and in its log)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("drl.cancel_needs_reason")
    drill = _load(drill_id, session, expected_version)
    if drill.status not in ("planned", "ready"):
        raise InvalidTransition("drl.not_cancellable", status=drill.status)
    _authorize_units(actor, "drill.cancel", _unit_ids(drill_id, session), session)
    before = drill.status
    drill.status, drill.cancel_reason = "cancelled", reason
    drill.version += 1
    drill.updated_at = now
    _log(session, drill_id, "status", actor, now, {"before": before, "after": "cancelled"}, text=reason)


def set_status(drill_id: int, status: str, *, expected_version: int, session: Session, actor: Actor | None,
               now: datetime) -> None:
    """planned → ready, ready → planned (not ready after all). Conducting and reviewing have their own use-cases."""
    drill = _load(drill_id, session, expected_version)
    if status not in NEXT.get(drill.status, ()) or status in ("conducted", "reviewed"):
        raise InvalidTransition("drl.bad_transition", before=drill.status, after=status)
    _authorize_units(actor, "drill.change", _unit_ids(drill_id, session), session)
    before = drill.status
    drill.status = status
    drill.version += 1
    drill.updated_at = now
    _log(session, drill_id, "status", actor, now, {"before": before, "after": status})


def record_conducted(drill_id: int, *, attended_unit_ids: Iterable[int], attended_person_ids: Iterable[int],
                     expected_version: int, session: Session, actor: Actor | None, now: datetime,
                     attended_shift_ids: Iterable[int] = ()) -> None:
    """Mark a ready drill as held, with the units, shifts and people who took part (this, not the plan, is
    what counts for the required drills). A drill is held only once it has begun."""
    drill = _load(drill_id, session, expected_version)
    if drill.status != "ready":
        raise InvalidTransition("drl.bad_transition", before=drill.status, after="conducted")
    if as_utc(drill.starts_at) > now:
        raise InvalidInput("drl.not_begun")
    units = set(_unit_ids(drill_id, session))
    _authorize_units(actor, "drill.change", units, session)
    attended_units = set(attended_unit_ids)
    if not attended_units:
        raise InvalidInput("drl.no_attendance")
    if stray := sorted(attended_units - units):
        raise InvalidInput("drl.not_a_participant", unit=stray[0])
    people = set(session.scalars(select(DrillPerson.user_id).where(DrillPerson.drill_id == drill_id)))
    attended_people = set(attended_person_ids)
    if stray := sorted(attended_people - people - {drill.coordinator_id}):
        raise InvalidInput("drl.not_a_participant", unit=stray[0])
    planned_shifts = {row.shift_id: row for row in session.scalars(select(DrillShift).where(DrillShift.drill_id == drill_id))}
    attended_shifts = set(attended_shift_ids)
    if stray := sorted(attended_shifts - set(planned_shifts)):
        shift = session.get(UnitShift, stray[0])
        raise InvalidInput("shift.not_planned", shift=shift.name_zh if shift else str(stray[0]))
    named = {s.id: s for s in session.scalars(select(UnitShift).where(UnitShift.id.in_(attended_shifts)))}
    if absent := sorted(s for s in attended_shifts if named[s].unit_id not in attended_units):
        raise InvalidInput("shift.unit_absent", shift=named[absent[0]].name_zh)
    for row in session.scalars(select(DrillUnit).where(DrillUnit.drill_id == drill_id)):
        row.attended = row.unit_id in attended_units
    for row in session.scalars(select(DrillPerson).where(DrillPerson.drill_id == drill_id)):
        row.attended = row.user_id in attended_people
    for shift_id, row in planned_shifts.items():
        row.attended = shift_id in attended_shifts
    drill.status = "conducted"
    drill.version += 1
    drill.updated_at = now
    _log(session, drill_id, "status", actor, now,
         {"before": "ready", "after": "conducted", "units": sorted(attended_units), "people": sorted(attended_people),
          "shifts": sorted(attended_shifts)})


def _unit_ids(drill_id: int, session: Session) -> list[int]:
    return list(session.scalars(select(DrillUnit.unit_id).where(DrillUnit.drill_id == drill_id)))


# ── Reading ────────────────────────────────────────────────────────────────


def get_drill(drill_id: int, *, session: Session, actor: Actor | None = None) -> DrillView:
    """One drill; a user must be able to read one of its units."""
    views = _views(session, [drill_id])
    if not views:
        raise NotFound("drl.unknown_drill", drill=drill_id)
    view = views[0]
    if actor is not None:
        readable = scope_unit_ids(actor, "unit.read", session=session)
        if readable.isdisjoint(view.unit_ids):
            authorize(actor, "unit.read", view.lead_unit_id, session=session)  # raises Forbidden
    return view


def list_drills(*, session: Session, actor: Actor | None, campaign_id: int | None = None,
                unit_id: int | None = None, start: datetime | None = None, end: datetime | None = None,
                include_cancelled: bool = True) -> list[DrillView]:
    """The drills a user may see (one of their units takes part), in time order, optionally filtered."""
    query = select(Drill.id).order_by(Drill.starts_at, Drill.id)
    if campaign_id is not None:
        query = query.where(Drill.campaign_id == campaign_id)
    if start is not None:
        query = query.where(Drill.ends_at > start)
    if end is not None:
        query = query.where(Drill.starts_at < end)
    if not include_cancelled:
        query = query.where(Drill.status != "cancelled")
    if unit_id is not None:
        query = query.where(Drill.id.in_(select(DrillUnit.drill_id).where(DrillUnit.unit_id == unit_id)))
    if actor is not None:
        readable = scope_unit_ids(actor, "unit.read", session=session)
        query = query.where(Drill.id.in_(select(DrillUnit.drill_id).where(DrillUnit.unit_id.in_(readable))))
    return _views(session, list(session.scalars(query)))


def _views(session: Session, ids: list[int]) -> list[DrillView]:
    if not ids:
        return []
    units: dict[int, list[tuple[int, str, bool | None]]] = {}
    for drill_id, unit_id, code, attended in session.execute(
            select(DrillUnit.drill_id, DrillUnit.unit_id, OrgUnit.code, DrillUnit.attended)
            .join(OrgUnit, OrgUnit.id == DrillUnit.unit_id).where(DrillUnit.drill_id.in_(ids))
            .order_by(OrgUnit.path)):
        units.setdefault(drill_id, []).append((unit_id, code, attended))
    people: dict[int, list[tuple[int, str, str, bool | None]]] = {}
    for drill_id, user_id, name, role, attended in session.execute(
            select(DrillPerson.drill_id, DrillPerson.user_id, User.display_name, DrillPerson.role,
                   DrillPerson.attended)
            .join(User, User.id == DrillPerson.user_id).where(DrillPerson.drill_id.in_(ids))
            .order_by(DrillPerson.role, User.display_name)):
        people.setdefault(drill_id, []).append((user_id, name, role, attended))
    shifts: dict[int, list[tuple[int, int, str, str, bool | None]]] = {}
    for drill_id, shift_id, unit_id, name_zh, name_en, attended in session.execute(
            select(DrillShift.drill_id, UnitShift.id, UnitShift.unit_id, UnitShift.name_zh, UnitShift.name_en,
                   DrillShift.attended)
            .join(UnitShift, UnitShift.id == DrillShift.shift_id).where(DrillShift.drill_id.in_(ids))
            .order_by(UnitShift.unit_id, UnitShift.position, UnitShift.id)):
        shifts.setdefault(drill_id, []).append((shift_id, unit_id, name_zh, name_en, attended))
    rows = session.execute(
        select(Drill, DrillType.key, DrillType.name_zh, DrillType.name_en, OrgUnit.code, User.display_name)
        .join(DrillType, DrillType.id == Drill.drill_type_id).join(OrgUnit, OrgUnit.id == Drill.lead_unit_id)
        .join(User, User.id == Drill.coordinator_id).where(Drill.id.in_(ids)))
    by_id = {}
    for d, type_key, name_zh, name_en, lead_code, coordinator in rows:
        u = units.get(d.id, [])
        p = people.get(d.id, [])
        by_id[d.id] = DrillView(
            id=d.id, campaign_id=d.campaign_id, type_key=type_key, type_name_zh=name_zh, type_name_en=name_en,
            plan_level=d.plan_level, form=d.form, unannounced=d.unannounced, title=d.title, scenario=d.scenario,
            objectives=tuple(d.objectives), injects=tuple(d.injects), starts_at=as_utc(d.starts_at),
            ends_at=as_utc(d.ends_at), location=d.location, lead_unit_id=d.lead_unit_id, lead_unit_code=lead_code,
            coordinator_id=d.coordinator_id, coordinator_name=coordinator, status=d.status,
            cancel_reason=d.cancel_reason, version=d.version, updated_at=as_utc(d.updated_at),
            unit_ids=tuple(x[0] for x in u), unit_codes=tuple(x[1] for x in u),
            people=tuple((x[0], x[1], x[2]) for x in p),
            attended_unit_ids=tuple(x[0] for x in u if x[2]), attended_person_ids=tuple(x[0] for x in p if x[3]),
            shifts=tuple(x[:4] for x in shifts.get(d.id, [])),
            attended_shift_ids=tuple(x[0] for x in shifts.get(d.id, []) if x[4]))
    return [by_id[i] for i in ids if i in by_id]


def drill_log(drill_id: int, *, session: Session) -> list[DrillLogEntry]:
    return list(session.scalars(select(DrillLogEntry).where(DrillLogEntry.drill_id == drill_id)
                                .order_by(DrillLogEntry.id)))
