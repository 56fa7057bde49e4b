"""Required drills: for a campaign, which drills each unit must still hold before the peak starts, and
which are overdue by their rule (seeds/drill_types.yaml `rules`).

Only drills actually held count: a conducted (or reviewed) drill in which the unit is recorded as having
taken part. A drill merely planned is shown beside the gap it would close, and closes nothing.

For a rule and a unit (of a kind the rule applies to), `due_by` is the day the next drill is due: the
last matching drill held plus the rule's interval, or, with none held, the peak start. Then
  overdue   due_by has passed (as of the day asked);
  missing   none held yet, due by the peak start;
  due       held, and it still counts today, but lapses before the peak starts: another is due by
            `due_by` (a monthly drill is always in this state in the run-up);
  met       held recently enough to still count on the peak's first day (or, once the peak has begun,
            on the day asked).
A rule that must be met before the peak (`before_peak`) counts only drills held in the interval before
the peak start. A rule that counts `each` plan is checked per emergency plan in the unit's inventory
(a drill counts for the plan it exercises); a unit with no such plan recorded shows `no-plan`, unless
the rule binds only units that have such a plan (`only_where_planned`: the premises a unit runs).
A rule `per_shift` is checked for each active shift of the dispatch centre (org.shifts): a drill counts
for a shift that was down for it or, once held, attended it; a centre with no shift recorded shows
`no-shift`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import local_day
from org.shifts import Shift, shifts_of
from store.schema import (
    Campaign,
    CampaignUnit,
    Drill,
    DrillRule,
    DrillShift,
    DrillType,
    DrillUnit,
    EmergencyPlan,
    OrgUnit,
)

STATES = ("overdue", "missing", "no-plan", "no-shift", "due", "met")
HELD = ("conducted", "reviewed")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Requirement:
    """One rule for one unit (and, for an `each` rule, one of its plans), and where it stands."""

    unit_id: int
    unit_code: str
    rule_key: str
    rule_zh: str
    rule_en: str
    state: str
    due_by: date | None
    last_held: date | None = None
    last_drill_id: int | None = None
    plan_id: int | None = None
    plan_title: str | None = None
    planned_drill_id: int | None = None  # a drill on the calendar that would close the gap (counts only once held)
    planned_on: date | None = None
    per_shift: bool = False
    shift_id: int | None = None
    shift_zh: str | None = None
    shift_en: str | None = None


@dataclass(frozen=True)
class _Held:
    drill_id: int
    day: date
    type_key: str
    plan_level: str
    form: str
    plan_id: int | None
    status: str


def required_drills(campaign_id: int, *, session: Session, as_of: date,
                    unit_ids: set[int] | None = None) -> list[Requirement]:
    """Every requirement of every unit of the campaign (or of `unit_ids` among them), worst first."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return []
    peak = campaign.peak_start
    units = session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.kind).join(CampaignUnit, CampaignUnit.unit_id == OrgUnit.id)
        .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.is_active).order_by(OrgUnit.path)).all()
    if unit_ids is not None:
        units = [u for u in units if u.id in unit_ids]
    rules = list(session.scalars(select(DrillRule).order_by(DrillRule.position)))
    drills = _drills_by_unit(session, [u.id for u in units])
    plans = _plans_by_unit(session, [u.id for u in units])
    shifts = shifts_of([u.id for u in units], session=session)
    by_shift = _drills_by_shift(session, [s.id for unit_shifts in shifts.values() for s in unit_shifts])
    out: list[Requirement] = []
    for unit in units:
        for rule in rules:
            if unit.kind not in rule.applies_to:
                continue
            matching = [d for d in drills.get(unit.id, []) if _counts_for(rule, d)]
            if rule.per_shift:
                own_shifts = shifts.get(unit.id, [])
                if not own_shifts:
                    out.append(Requirement(unit.id, unit.code, rule.key, rule.text_zh, rule.text_en, "no-shift",
                                           None, per_shift=True))
                for shift in own_shifts:
                    out.append(_assess(unit, rule, [d for d in by_shift.get(shift.id, []) if _counts_for(rule, d)],
                                       peak, as_of, shift=shift))
            elif rule.counts == "each":
                own = [p for p in plans.get(unit.id, []) if _plan_in(rule, p)]
                if not own and not rule.only_where_planned:
                    out.append(Requirement(unit.id, unit.code, rule.key, rule.text_zh, rule.text_en, "no-plan",
                                           None, per_shift=rule.per_shift))
                for plan in own:
                    out.append(_assess(unit, rule, [d for d in matching if d.plan_id == plan.id], peak, as_of,
                                       plan=plan))
            else:
                out.append(_assess(unit, rule, matching, peak, as_of))
    order = {s: i for i, s in enumerate(STATES)}
    return sorted(out, key=lambda r: (order[r.state], r.due_by or date.max, r.unit_code, r.rule_key))


def _assess(unit, rule: DrillRule, matching: list[_Held], peak: date, as_of: date,
            plan: _Plan | None = None, shift: Shift | None = None) -> Requirement:
    held = [d for d in matching if d.status in HELD and d.day <= as_of]
    if rule.before_peak:
        held = [d for d in held if add_months(peak, -rule.interval_months) <= d.day < peak]
    last = max(held, key=lambda d: (d.day, d.drill_id), default=None)
    if rule.before_peak:
        due_by = None if last else peak
    else:
        due_by = add_months(last.day, rule.interval_months) if last else peak
    horizon = max(as_of, peak)
    if due_by is None or due_by > horizon:
        state = "met"
    elif due_by <= as_of:
        state = "overdue"
    else:
        state = "due" if last else "missing"
    upcoming = None
    if state != "met":
        upcoming = min((d for d in matching if d.status in ("planned", "ready") and d.day >= as_of),
                       key=lambda d: (d.day, d.drill_id), default=None)
    return Requirement(
        unit.id, unit.code, rule.key, rule.text_zh, rule.text_en, state, due_by,
        last_held=last.day if last else None, last_drill_id=last.drill_id if last else None,
        plan_id=plan.id if plan else None, plan_title=plan.title if plan else None,
        planned_drill_id=upcoming.drill_id if upcoming else None, planned_on=upcoming.day if upcoming else None,
        per_shift=rule.per_shift, shift_id=shift.id if shift else None, shift_zh=shift.name_zh if shift else None,
        shift_en=shift.name_en if shift else None)


def _counts_for(rule: DrillRule, d: _Held) -> bool:
    if rule.drill_types and d.type_key not in rule.drill_types:
        return False
    if rule.plan_levels and not rule.drill_types and d.plan_level not in rule.plan_levels:
        return False
    return not rule.forms or d.form in rule.forms


@dataclass(frozen=True)
class _Plan:
    id: int
    title: str
    level: str
    type_key: str | None  # the drill type that exercises it, when recorded


def _plan_in(rule: DrillRule, plan: _Plan) -> bool:
    if rule.drill_types:
        return plan.type_key in rule.drill_types
    return plan.level in rule.plan_levels


def _drills_by_unit(session: Session, unit_ids: list[int]) -> dict[int, list[_Held]]:
    """Per unit, the drills it attended (held ones) or is down for (planned or ready ones)."""
    return _drills_by(session, DrillUnit, DrillUnit.unit_id, unit_ids)


def _drills_by_shift(session: Session, shift_ids: list[int]) -> dict[int, list[_Held]]:
    """Per shift, the same."""
    return _drills_by(session, DrillShift, DrillShift.shift_id, shift_ids)


def _drills_by(session: Session, table, column, ids: list[int]) -> dict[int, list[_Held]]:
    if not ids:
        return {}
    rows = session.execute(
        select(column, table.attended, Drill.id, Drill.ends_at, Drill.starts_at, Drill.plan_level,
               Drill.form, Drill.emergency_plan_id, Drill.status, DrillType.key)
        .join(Drill, Drill.id == table.drill_id).join(DrillType, DrillType.id == Drill.drill_type_id)
        .where(column.in_(ids), Drill.status != "cancelled"))
    out: dict[int, list[_Held]] = {}
    for key, attended, drill_id, ends_at, starts_at, level, form, plan_id, status, type_key in rows:
        if status in HELD and not attended:
            continue  # held without this unit (shift): it does not count for it
        day = local_day(ends_at if status in HELD else starts_at)
        out.setdefault(key, []).append(_Held(drill_id, day, type_key, level, form, plan_id, status))
    return out


def _plans_by_unit(session: Session, unit_ids: list[int]) -> dict[int, list[_Plan]]:
    out: dict[int, list[_Plan]] = {}
    rows = session.execute(
        select(EmergencyPlan, DrillType.key).outerjoin(DrillType, DrillType.id == EmergencyPlan.drill_type_id)
        .where(EmergencyPlan.unit_id.in_(unit_ids), EmergencyPlan.is_active).order_by(EmergencyPlan.code))
    for plan, type_key in rows:
        out.setdefault(plan.unit_id, []).append(_Plan(plan.id, plan.title, plan.level, type_key))
    return out
