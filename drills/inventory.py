"""Each unit's inventory of emergency plans (应急预案: comprehensive, special, on-site response), the
annual drill plan built from the drills on the calendar, and the multi-year view of which plans were
exercised in which year.

Plans are recorded, revised and withdrawn (never deleted: the drills that exercised them keep pointing
at them) by coordinators whose scope covers the unit (`drill.plan`); each change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import local_day
from core.errors import InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor
from store.schema import Drill, DrillType, DrillUnit, EmergencyPlan, OrgUnit

LEVELS = ("comprehensive", "special", "onsite")
MAX_CODE, MAX_TITLE = 64, 300


@dataclass(frozen=True)
class PlanView:
    id: int
    unit_id: int
    unit_code: str
    code: str
    title: str
    level: str
    drill_type_key: str | None
    issued_on: date
    revised_on: date | None
    is_active: bool
    last_exercised: date | None  # the last drill held that exercised it


def _validate(code: str, title: str, level: str, issued_on: date, revised_on: date | None) -> tuple[str, str]:
    code, title = code.strip().upper(), title.strip()
    if not code or len(code) > MAX_CODE:
        raise InvalidInput("drl.plan_bad_code", max=MAX_CODE)
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput("drl.plan_bad_title", max=MAX_TITLE)
    if level not in LEVELS:
        raise InvalidInput("drl.plan_bad_level", level=level)
    if revised_on is not None and revised_on < issued_on:
        raise InvalidInput("drl.plan_revised_before_issued")
    return code, title


def add_plan(unit_id: int, code: str, title: str, level: str, *, issued_on: date, revised_on: date | None = None,
             drill_type_key: str | None = None, session: Session, actor: Actor | None, now: datetime) -> int:
    """Record a plan of a unit; its code is unique within the unit."""
    if actor is not None:
        authorize(actor, "drill.plan", unit_id, session=session)
    code, title = _validate(code, title, level, issued_on, revised_on)
    type_id = None
    if drill_type_key:
        type_id = session.scalar(select(DrillType.id).where(DrillType.key == drill_type_key))
        if type_id is None:
            raise NotFound("drl.unknown_type", type=drill_type_key)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("drl.unknown_unit", unit=unit_id)
    plan = EmergencyPlan(unit_id=unit_id, code=code, title=title, level=level, drill_type_id=type_id,
                         issued_on=issued_on, revised_on=revised_on)
    try:
        with session.begin_nested():
            session.add(plan)
            session.flush()
    except IntegrityError:
        raise InvalidInput("drl.plan_code_taken", code=code, unit=unit.code) from None
    audit.record("plan.add", "emergency_plan", f"{unit.code} {code}", before=None,
                 after={"title": title, "level": level, "issued_on": issued_on.isoformat()},
                 session=session, actor=actor, now=now)
    return plan.id


def revise_plan(plan_id: int, *, revised_on: date, title: str | None = None, session: Session,
                actor: Actor | None, now: datetime) -> None:
    plan = session.get(EmergencyPlan, plan_id)
    if plan is None:
        raise NotFound("drl.unknown_plan", plan=plan_id)
    if actor is not None:
        authorize(actor, "drill.plan", plan.unit_id, session=session)
    _, new_title = _validate(plan.code, title if title is not None else plan.title, plan.level, plan.issued_on,
                             revised_on)
    before = {"title": plan.title, "revised_on": plan.revised_on.isoformat() if plan.revised_on else None}
    plan.title, plan.revised_on = new_title, revised_on
    audit.record("plan.revise", "emergency_plan", plan.code, before=before,
                 after={"title": new_title, "revised_on": revised_on.isoformat()}, session=session, actor=actor,
                 now=now)


def withdraw_plan(plan_id: int, *, session: Session, actor: Actor | None, now: datetime) -> None:
    """Withdraw a plan: it no longer needs drills; its past drills keep their link to it."""
    plan = session.get(EmergencyPlan, plan_id)
    if plan is None:
        raise NotFound("drl.unknown_plan", plan=plan_id)
    if actor is not None:
        authorize(actor, "drill.plan", plan.unit_id, session=session)
    if not plan.is_active:
        return
    plan.is_active = False
    audit.record("plan.withdraw", "emergency_plan", plan.code, before={"is_active": True},
                 after={"is_active": False}, session=session, actor=actor, now=now)


def list_plans(unit_ids: Iterable[int], *, session: Session, include_withdrawn: bool = False) -> list[PlanView]:
    ids = list(unit_ids)
    query = (select(EmergencyPlan, OrgUnit.code, DrillType.key).join(OrgUnit, OrgUnit.id == EmergencyPlan.unit_id)
             .outerjoin(DrillType, DrillType.id == EmergencyPlan.drill_type_id)
             .where(EmergencyPlan.unit_id.in_(ids)).order_by(OrgUnit.path, EmergencyPlan.code))
    if not include_withdrawn:
        query = query.where(EmergencyPlan.is_active)
    last: dict[int, date] = {}
    for plan_id, ends_at in session.execute(
            select(Drill.emergency_plan_id, Drill.ends_at).where(Drill.emergency_plan_id.is_not(None),
                                                                Drill.status.in_(("conducted", "reviewed")))):
        day = local_day(ends_at)
        last[plan_id] = max(last.get(plan_id, day), day)
    return [PlanView(p.id, p.unit_id, code, p.code, p.title, p.level, type_key, p.issued_on, p.revised_on, p.is_active,
                     last.get(p.id)) for p, code, type_key in session.execute(query)]


@dataclass(frozen=True)
class AnnualEntry:
    """A drill of a year's plan for one unit."""

    unit_id: int
    unit_code: str
    month: int
    drill_id: int
    title: str
    type_key: str
    plan_level: str
    form: str
    status: str
    starts_on: date


def annual_plan(year: int, unit_ids: Iterable[int], *, session: Session) -> list[AnnualEntry]:
    """The year's drills of the units (planned, ready, held, reviewed; not cancelled), by unit and month."""
    ids = list(unit_ids)
    rows = session.execute(
        select(DrillUnit.unit_id, OrgUnit.code, OrgUnit.path, Drill, DrillType.key)
        .join(Drill, Drill.id == DrillUnit.drill_id).join(OrgUnit, OrgUnit.id == DrillUnit.unit_id)
        .join(DrillType, DrillType.id == Drill.drill_type_id)
        .where(DrillUnit.unit_id.in_(ids), Drill.status != "cancelled"))
    out = []
    for unit_id, code, path, d, type_key in rows:
        day = local_day(d.starts_at)
        if day.year == year:
            out.append((path, day, AnnualEntry(unit_id, code, day.month, d.id, d.title, type_key, d.plan_level,
                                               d.form, d.status, day)))
    return [e for _, _, e in sorted(out, key=lambda x: (x[0], x[1], x[2].drill_id))]


def exercised_by_year(unit_ids: Iterable[int], years: Iterable[int], *, session: Session) -> dict[int, dict[int, int]]:
    """Per plan, per year: how many drills held exercised it (the multi-year view); plans never drilled
    in those years appear with zeros."""
    wanted = sorted(set(years))
    plans = list_plans(unit_ids, session=session)
    matrix = {p.id: dict.fromkeys(wanted, 0) for p in plans}
    for plan_id, ends_at in session.execute(
            select(Drill.emergency_plan_id, Drill.ends_at).where(Drill.emergency_plan_id.in_(list(matrix)),
                                                                Drill.status.in_(("conducted", "reviewed")))):
        year = local_day(ends_at).year
        if year in matrix[plan_id]:
            matrix[plan_id][year] += 1
    return matrix
