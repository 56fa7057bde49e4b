"""A suggested schedule for the required drills still missing in a campaign: dates and times that pass
every hard rule and as many soft ones as can be, balanced over the weeks before the peak start, at most
so many drills per unit per week (drills.schedule.suggest does the placing). The coordinator accepts
all, some or none: the accepted ones are planned through the planning service, all in one transaction,
so a slot someone else has taken meanwhile refuses the lot and nothing is half-planned.

Which gaps: the requirements (drills.required) that are overdue, missing or due before the peak and have
no drill on the calendar yet, of units the coordinator may plan for. Which drill: the rule's own type,
or the first type in the catalogue of a plan level the rule names (preferring the forms it asks for);
an `each` rule drills the plan's own type. The coordinator can change a planned drill afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import local_zone
from core.errors import NotFound
from drills import planning, required, schedule
from drills.planning import DrillDraft, Saved
from org.authz import scope_unit_ids
from org.models import Actor
from store.schema import Campaign, DrillRule, DrillType, EmergencyPlan, OrgUnit

OPEN_STATES = ("overdue", "missing", "due")


@dataclass(frozen=True)
class Proposal:
    """What the planner proposes: placed suggestions, the gaps it could not place, and per suggestion
    key what the drill would be (type, form, unit, plan, shift)."""

    result: schedule.SuggestionResult
    details: dict[str, tuple[str, str, int, int | None, int | None]]  # key → (type key, form, unit, plan, shift)
    campaign_id: int

    @property
    def placed(self) -> tuple[schedule.Suggestion, ...]:
        return self.result.placed


def propose(campaign_id: int, *, session: Session, actor: Actor | None, today: date,
            max_per_unit_per_week: int = 1, unit_ids: set[int] | None = None,
            peak_window_is_error: bool = False) -> Proposal:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("drl.unknown_campaign", campaign=campaign_id)
    scope = scope_unit_ids(actor, "drill.plan", session=session) if actor is not None else None
    if unit_ids is not None:
        scope = unit_ids if scope is None else scope & unit_ids
    gaps = [r for r in required.required_drills(campaign_id, session=session, as_of=today, unit_ids=scope)
            if r.state in OPEN_STATES and r.planned_drill_id is None]
    rules = {r.key: r for r in session.scalars(select(DrillRule))}
    types = list(session.scalars(select(DrillType).order_by(DrillType.id)))
    plan_types = dict(session.execute(
        select(EmergencyPlan.id, DrillType.key).join(DrillType, DrillType.id == EmergencyPlan.drill_type_id)).all())
    names = dict(session.execute(select(OrgUnit.id, OrgUnit.name_zh)).all())
    by_key = {t.key: t for t in types}
    missing, details = [], {}
    for gap in gaps:
        choice = _drill_for(rules[gap.rule_key], types, plan_types.get(gap.plan_id) if gap.plan_id else None)
        if choice is None:
            continue
        type_key, form = choice
        key = f"{gap.rule_key}:{gap.unit_id}:{gap.plan_id or ''}" + (f":{gap.shift_id}" if gap.shift_id else "")
        if key in details:
            continue
        drill_type = by_key[type_key]
        missing.append(schedule.MissingDrill(
            key=key, type_key=type_key, unit_ids=frozenset({gap.unit_id}),
            duration=timedelta(hours=drill_type.typical_duration_hours),
            title=f"{drill_type.name_zh}（{names.get(gap.unit_id, gap.unit_code)}{gap.shift_zh or ''}）",
            coordinator_id=actor.user_id if actor else None, must_precede_peak=True))
        details[key] = (type_key, form, gap.unit_id, gap.plan_id, gap.shift_id)
    start = datetime.combine(today, time(0), tzinfo=local_zone())
    end = datetime.combine(campaign.peak_start, time(0), tzinfo=local_zone())
    unit_set = {m for d in missing for m in d.unit_ids}
    result = schedule.suggest(
        missing, planning.drills_between(start, end, session=session),
        planning.event_windows(unit_set, start, end, session=session), peak_start=campaign.peak_start,
        today=today, max_per_unit_per_week=max_per_unit_per_week, peak_window_is_error=peak_window_is_error,
        unit_names=dict(session.execute(select(OrgUnit.id, OrgUnit.code)).all()))
    return Proposal(result, details, campaign_id)


def _drill_for(rule: DrillRule, types: list[DrillType], plan_type: str | None) -> tuple[str, str] | None:
    """The drill type and form that would meet the rule."""
    if plan_type is not None:
        candidates = [t for t in types if t.key == plan_type]
    elif rule.drill_types:
        candidates = [t for t in types if t.key in rule.drill_types]
    else:
        candidates = [t for t in types if t.plan_level in rule.plan_levels]
    for t in candidates:
        forms = [f for f in t.forms if not rule.forms or f in rule.forms]
        if forms:
            return t.key, ("tabletop" if "tabletop" in forms else forms[0])
    return None


def accept(proposal: Proposal, keys: Iterable[str], *, session: Session, actor: Actor | None,
           now: datetime, peak_window_is_error: bool = False) -> list[Saved]:
    """Plan the chosen suggestions (by key), each through the planning service's rules; any refusal
    (DrillRefused) rolls the whole acceptance back with the caller's transaction."""
    chosen = set(keys)
    saved = []
    for suggestion in proposal.placed:
        key = suggestion.missing.key
        if key not in chosen:
            continue
        type_key, form, unit_id, plan_id, shift_id = proposal.details[key]
        draft = DrillDraft(type_key=type_key, form=form, title=suggestion.missing.title,
                           starts_at=suggestion.drill.start, ends_at=suggestion.drill.end, lead_unit_id=unit_id,
                           unit_ids=frozenset({unit_id}), campaign_id=proposal.campaign_id, emergency_plan_id=plan_id,
                           shift_ids=frozenset({shift_id} if shift_id else ()))
        saved.append(planning.plan_drill(draft, session=session, actor=actor, now=now,
                                         peak_window_is_error=peak_window_is_error))
    return saved
