"""After a drill: each objective evaluated, the after-action report, and corrective actions.

- An evaluator (or a coordinator with `drill.review` on the lead unit) rates each objective of a held
  drill with the four levels of exercise evaluation — P performed without challenges, S with some, M
  with major challenges, U unable to be performed — and writes the strengths seen and the areas for
  improvement (required for M and U).
- The after-action report is due within `aar_due_days` of the drill's end. It is saved as a draft and
  issued once every objective is rated; issuing it marks the drill reviewed.
- Each area for improvement can become a corrective action: an owner unit, a due day, what to do, its
  hazard category (by default the drill type's), the directive or checklist item it concerns. It goes on
  the owner's checklist in the season (checklists.corrective) and counts in its readiness until it is
  closed with evidence. A hazard found in a safety inspection becomes one the same way (drills.findings).

Every save is appended to the drill log with what it replaced. The command line is trusted (actor None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session

from checklists.corrective import add_obligation, corrective_items
from checklists.occurrences import CORRECTIVE, corrective_occurrence
from content.models import WEIGHTS
from core.clock import as_utc, local_day
from core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, StaleWrite
from org.authz import allowed
from org.models import Actor
from store.schema import (
    EVALUATION_RATINGS,
    HAZARD_CATEGORIES,
    AfterActionReport,
    Campaign,
    CampaignTemplate,
    CampaignUnit,
    ChecklistStatus,
    CorrectiveAction,
    Directive,
    Drill,
    DrillEvaluation,
    DrillLogEntry,
    DrillPerson,
    DrillType,
    DrillUnit,
    EvidenceFile,
    OrgUnit,
    TemplateItem,
    User,
)

MAX_TEXT = 4000
NEEDS_IMPROVEMENT = ("M", "U")  # a rating that must say what to improve
HELD = ("conducted", "reviewed")


# ── Read models ──────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Evaluation:
    """One objective of a drill with its evaluation, if any yet."""

    objective_key: str
    text_zh: str
    text_en: str
    criteria_zh: str
    criteria_en: str
    live_only: bool
    rating: str | None = None
    strengths: str = ""
    improvements: str = ""
    evaluator: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class ActionView:
    """A corrective action with the state of its checklist occurrence (a finding of an inspection has no
    drill: drill_id None, drill_title "")."""

    id: int
    drill_id: int | None
    drill_title: str
    objective_key: str | None
    campaign_id: int
    unit_id: int
    unit_code: str
    unit_name_zh: str
    unit_name_en: str
    description: str
    criticality: str
    directive_id: str | None
    concerns_item: str | None
    due_on: date
    status: str  # open / done / na: the occurrence's
    evidence_count: int
    item_id: int
    occurrence: str
    created_at: datetime
    source: str = "drill"  # drill / inspection
    category: str = "other"  # store.schema.HAZARD_CATEGORIES
    found_on: date | None = None

    @property
    def closed(self) -> bool:
        return self.status != "open"

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today


@dataclass(frozen=True)
class Report:
    """A drill's after-action report (a draft with version 0 until first saved) and its improvement plan."""

    drill_id: int
    summary: str
    due_on: date
    status: str  # draft / issued
    version: int
    issued_by: str
    issued_at: datetime | None
    evaluations: tuple[Evaluation, ...]
    actions: tuple[ActionView, ...]

    def overdue(self, today: date) -> bool:
        return self.status != "issued" and self.due_on < today

    @property
    def rated(self) -> int:
        return sum(e.rating is not None for e in self.evaluations)


# ── Who may ──────────────────────────────────────────────────────────────────


def _drill(drill_id: int, session: Session, *, lock: bool = False) -> Drill:
    drill = session.get(Drill, drill_id, with_for_update=lock)
    if drill is None:
        raise NotFound("drl.unknown_drill", drill=drill_id)
    return drill


def may_review(drill: Drill, actor: Actor | None, session: Session) -> bool:
    """The drill's evaluators, and coordinators with drill.review on its lead unit."""
    if actor is None or allowed(actor, "drill.review", drill.lead_unit_id, session=session):
        return True
    return session.scalar(select(DrillPerson.user_id).where(
        DrillPerson.drill_id == drill.id, DrillPerson.user_id == actor.user_id,
        DrillPerson.role == "evaluator").limit(1)) is not None


def may_review_drill(drill_id: int, actor: Actor | None, *, session: Session) -> bool:
    """Whether the user may evaluate and review this drill (what a page shows the forms for)."""
    return may_review(_drill(drill_id, session), actor, session)


def _authorize(drill: Drill, actor: Actor | None, session: Session) -> None:
    if not may_review(drill, actor, session):
        raise Forbidden("rev.not_an_evaluator")


def _held(drill: Drill, *, still_open: bool = False) -> None:
    allowed_states = ("conducted",) if still_open else HELD
    if drill.status not in allowed_states:
        raise InvalidTransition("rev.issued" if drill.status == "reviewed" else "rev.not_held", status=drill.status)


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput("rev.text_too_long", field=field, max=MAX_TEXT)
    return value


def _log(session: Session, drill_id: int, kind: str, actor: Actor | None, now: datetime, data: dict,
         text: str = "") -> None:
    session.add(DrillLogEntry(drill_id=drill_id, kind=kind, text=text, data=data,
                              actor_id=actor.user_id if actor else None, occurred_at=now))


# ── Evaluation ───────────────────────────────────────────────────────────────


def evaluate(drill_id: int, objective_key: str, rating: str, *, strengths: str = "", improvements: str = "",
             session: Session, actor: Actor | None, now: datetime) -> None:
    """Rate one objective of a held drill (again: the new rating replaces the old, both in the log).
    Refused once the report is issued."""
    drill = _drill(drill_id, session, lock=True)
    _authorize(drill, actor, session)
    _held(drill, still_open=True)
    if objective_key not in {o["key"] for o in drill.objectives}:
        raise NotFound("rev.unknown_objective", objective=objective_key)
    if rating not in EVALUATION_RATINGS:
        raise InvalidInput("rev.bad_rating", rating=rating)
    strengths, improvements = _text(strengths, "strengths"), _text(improvements, "improvements")
    if rating in NEEDS_IMPROVEMENT and not improvements:
        raise InvalidInput("rev.improvement_required", objective=objective_key)
    row = session.get(DrillEvaluation, (drill_id, objective_key))
    before = None if row is None else {"rating": row.rating, "strengths": row.strengths,
                                       "improvements": row.improvements}
    if row is None:
        row = DrillEvaluation(drill_id=drill_id, objective_key=objective_key)
        session.add(row)
    row.rating, row.strengths, row.improvements = rating, strengths, improvements
    row.evaluator_id = actor.user_id if actor else None
    row.recorded_at = now
    _log(session, drill_id, "evaluation", actor, now,
         {"objective": objective_key, "before": before,
          "after": {"rating": rating, "strengths": strengths, "improvements": improvements}})


def evaluations(drill_id: int, *, session: Session) -> list[Evaluation]:
    """Every objective of the drill in its order, with its evaluation where there is one."""
    drill = _drill(drill_id, session)
    rows = {e.objective_key: (e, name) for e, name in session.execute(
        select(DrillEvaluation, User.display_name).outerjoin(User, User.id == DrillEvaluation.evaluator_id)
        .where(DrillEvaluation.drill_id == drill_id))}
    out = []
    for o in drill.objectives:
        e, name = rows.get(o["key"], (None, None))
        out.append(Evaluation(
            o["key"], o.get("text_zh", ""), o.get("text_en", ""), o.get("criteria_zh", ""), o.get("criteria_en", ""),
            bool(o.get("live_only")), rating=e.rating if e else None, strengths=e.strengths if e else "",
            improvements=e.improvements if e else "", evaluator=name or "",
            recorded_at=as_utc(e.recorded_at) if e else None))
    return out


# ── The after-action report ──────────────────────────────────────────────────


def report_due(drill: Drill, aar_due_days: int) -> date:
    return local_day(as_utc(drill.ends_at)) + timedelta(days=aar_due_days)


def report(drill_id: int, *, session: Session, aar_due_days: int) -> Report:
    """The drill's report as it stands, with its evaluations and its improvement plan."""
    drill = _drill(drill_id, session)
    row = session.get(AfterActionReport, drill_id)
    issuer = session.get(User, row.issued_by) if row is not None and row.issued_by else None
    return Report(
        drill_id=drill_id, summary=row.summary if row else "",
        due_on=row.due_on if row else report_due(drill, aar_due_days),
        status=row.status if row else "draft", version=row.version if row else 0,
        issued_by=issuer.display_name if issuer else "",
        issued_at=as_utc(row.issued_at) if row is not None and row.issued_at else None,
        evaluations=tuple(evaluations(drill_id, session=session)),
        actions=tuple(corrective_actions(session=session, drill_id=drill_id)))


def save_report(drill_id: int, summary: str, *, expected_version: int, session: Session, actor: Actor | None,
                now: datetime, aar_due_days: int) -> int:
    """Save the report's summary as a draft, if nobody saved it since `expected_version` (0: never saved).
    Returns the new version."""
    drill = _drill(drill_id, session, lock=True)
    _authorize(drill, actor, session)
    _held(drill, still_open=True)
    summary = _text(summary, "summary")
    row = session.get(AfterActionReport, drill_id)
    current = row.version if row else 0
    if current != expected_version:
        raise StaleWrite("rev.stale_report", drill=drill.title)
    if row is None:
        row = AfterActionReport(drill_id=drill_id, due_on=report_due(drill, aar_due_days), status="draft",
                                version=0)
        session.add(row)
    before = row.summary
    row.summary, row.version = summary, current + 1
    row.written_by, row.updated_at = (actor.user_id if actor else None), now
    _log(session, drill_id, "report", actor, now, {"before": before, "after": summary})
    session.flush()
    return row.version


def issue_report(drill_id: int, *, expected_version: int, session: Session, actor: Actor | None,
                 now: datetime) -> None:
    """Issue the saved report: every objective rated and a summary written; the drill becomes reviewed.
    An issued report is final (its evaluations can no longer change); corrective actions may still be added."""
    drill = _drill(drill_id, session, lock=True)
    _authorize(drill, actor, session)
    _held(drill, still_open=True)
    row = session.get(AfterActionReport, drill_id)
    if row is None or not row.summary:
        raise InvalidInput("rev.summary_required")
    if row.version != expected_version:
        raise StaleWrite("rev.stale_report", drill=drill.title)
    unrated = [e.objective_key for e in evaluations(drill_id, session=session) if e.rating is None]
    if unrated:
        raise InvalidInput("rev.unrated", objectives=", ".join(unrated))
    row.status, row.issued_by, row.issued_at = "issued", (actor.user_id if actor else None), now
    row.version += 1
    drill.status = "reviewed"
    drill.version += 1
    drill.updated_at = now
    _log(session, drill_id, "status", actor, now, {"before": "conducted", "after": "reviewed"})


# ── Corrective actions ───────────────────────────────────────────────────────


def raise_action(drill_id: int, *, unit_id: int, description: str, due_on: date, criticality: str = "major",
                 objective_key: str | None = None, directive_id: str | None = None, concerns_item: str | None = None,
                 campaign_id: int | None = None, category: str | None = None, session: Session,
                 actor: Actor | None, now: datetime) -> int:
    """Turn an area for improvement of a held drill into a corrective action of `unit_id` (a unit of the
    drill, or one the reviewer may review), on its checklist in the drill's season (or `campaign_id`, an
    open season the unit takes part in). Its hazard category is `category`, else the drill type's
    (drills.findings.category_of); it was found on the day the drill ended. Returns the action's id."""
    from drills.findings import category_of  # the mapping lives with the hazard register, which imports this

    drill = _drill(drill_id, session)
    _authorize(drill, actor, session)
    _held(drill)
    if category is None:
        category = category_of(session.get(DrillType, drill.drill_type_id).key)
    description = _checked(description, criticality, category, directive_id, session)
    if due_on < local_day(now):
        raise InvalidInput("rev.due_in_past", due=due_on.isoformat())
    if objective_key is not None and objective_key not in {o["key"] for o in drill.objectives}:
        raise NotFound("rev.unknown_objective", objective=objective_key)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("error.unit_not_found", code=unit_id)
    in_drill = session.get(DrillUnit, (drill_id, unit_id)) is not None
    if not in_drill and actor is not None and not allowed(actor, "drill.review", unit_id, session=session):
        raise Forbidden("rev.owner_out_of_scope", unit=unit.code)
    season = _season(campaign_id if campaign_id is not None else drill.campaign_id, unit, session)
    if concerns_item is not None and not _item_in_season(concerns_item, season.id, session):
        raise NotFound("rev.unknown_item", item=concerns_item)
    action_id, occurrence = _add_action(
        season, unit, source="drill", drill_id=drill_id, objective_key=objective_key, description=description,
        criticality=criticality, category=category, found_on=local_day(as_utc(drill.ends_at)), due_on=due_on,
        directive_id=directive_id, concerns_item=concerns_item, session=session, actor=actor, now=now)
    _log(session, drill_id, "action", actor, now,
         {"action": action_id, "unit": unit.code, "campaign": season.id, "occurrence": occurrence,
          "criticality": criticality, "category": category, "due_on": due_on.isoformat(),
          "objective": objective_key, "directive": directive_id, "item": concerns_item}, text=description)
    return action_id


def _checked(description: str, criticality: str, category: str, directive_id: str | None, session: Session) -> str:
    """A finding's fields every source shares, checked: returns the description, trimmed."""
    description = _text(description, "description")
    if not description:
        raise InvalidInput("rev.description_required")
    if criticality not in WEIGHTS:
        raise InvalidInput("rev.bad_criticality", criticality=criticality)
    if category not in HAZARD_CATEGORIES:
        raise InvalidInput("error.bad_hazard_category", category=category)
    if directive_id is not None and session.get(Directive, directive_id) is None:
        raise NotFound("rev.unknown_directive", directive=directive_id)
    return description


def _add_action(season: Campaign, unit: OrgUnit, *, source: str, description: str, criticality: str, category: str,
                found_on: date, due_on: date, drill_id: int | None = None, objective_key: str | None = None,
                directive_id: str | None = None, concerns_item: str | None = None, session: Session,
                actor: Actor | None, now: datetime) -> tuple[int, str]:
    """Store a checked finding as a corrective action of the unit and put it on the unit's checklist in the
    season, open, counted in its readiness from today. Returns (action id, occurrence key)."""
    item = corrective_items(session=session, now=now)[criticality]
    action = CorrectiveAction(source=source, drill_id=drill_id, objective_key=objective_key, campaign_id=season.id,
                              unit_id=unit.id, item_id=item.id, description=description, category=category,
                              found_on=found_on, directive_id=directive_id, concerns_item=concerns_item,
                              due_on=due_on, created_by=actor.user_id if actor else None, created_at=now)
    session.add(action)
    session.flush()
    occurrence = add_obligation(season.id, unit.id, action.id, item, due_on=due_on, raised_on=local_day(now),
                                session=session)
    return action.id, occurrence


def _season(campaign_id: int | None, unit: OrgUnit, session: Session) -> Campaign:
    if campaign_id is None:
        raise InvalidInput("rev.season_required")
    season = session.get(Campaign, campaign_id)
    if season is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if season.status != "open":
        raise InvalidInput("rev.season_closed", campaign=season.name)
    if session.get(CampaignUnit, (campaign_id, unit.id)) is None:
        raise InvalidInput("rev.unit_not_in_season", unit=unit.code, campaign=season.name)
    return season


def _item_in_season(key: str, campaign_id: int, session: Session) -> bool:
    return session.scalar(select(TemplateItem.id).join(CampaignTemplate, CampaignTemplate.template_id
                                                       == TemplateItem.template_id)
                          .where(CampaignTemplate.campaign_id == campaign_id, TemplateItem.key == key)
                          .limit(1)) is not None


def season_items(campaign_id: int, *, session: Session) -> dict[str, tuple[str, str]]:
    """The checklist items of a season's templates a corrective action may concern: key → (text zh, en)."""
    rows = session.execute(select(TemplateItem.key, TemplateItem.text_zh, TemplateItem.text_en)
                           .join(CampaignTemplate, CampaignTemplate.template_id == TemplateItem.template_id)
                           .where(CampaignTemplate.campaign_id == campaign_id)
                           .order_by(CampaignTemplate.position, TemplateItem.position))
    out: dict[str, tuple[str, str]] = {}
    for key, zh, en in rows:
        out.setdefault(key, (zh, en))
    return out


def corrective_actions(*, session: Session, campaign_id: int | None = None, unit_ids: Iterable[int] | None = None,
                       drill_id: int | None = None, open_only: bool = False) -> list[ActionView]:
    """Corrective actions (from drills and from inspections) with their checklist state, by due day; filtered
    by season, owner units, drill."""
    st = ChecklistStatus
    files = (select(EvidenceFile.campaign_id, EvidenceFile.unit_id, EvidenceFile.item_id, EvidenceFile.occurrence,
                    func.count().label("n"))
             .where(EvidenceFile.occurrence.like(f"{CORRECTIVE}%"))
             .group_by(EvidenceFile.campaign_id, EvidenceFile.unit_id, EvidenceFile.item_id, EvidenceFile.occurrence)
             .subquery())
    a = CorrectiveAction
    q = (select(a, Drill.title, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en, TemplateItem.criticality, st.status,
                files.c.n)
         .outerjoin(Drill, Drill.id == a.drill_id).join(OrgUnit, OrgUnit.id == a.unit_id)
         .join(TemplateItem, TemplateItem.id == a.item_id)
         .join(st, (st.campaign_id == a.campaign_id) & (st.unit_id == a.unit_id) & (st.item_id == a.item_id)
               & (st.occurrence == literal(CORRECTIVE) + cast(a.id, String)))
         .outerjoin(files, (files.c.campaign_id == a.campaign_id) & (files.c.unit_id == a.unit_id)
                    & (files.c.item_id == a.item_id) & (files.c.occurrence == st.occurrence))
         .order_by(a.due_on, a.id))
    if campaign_id is not None:
        q = q.where(a.campaign_id == campaign_id)
    if unit_ids is not None:
        q = q.where(a.unit_id.in_(list(unit_ids)))
    if drill_id is not None:
        q = q.where(a.drill_id == drill_id)
    if open_only:
        q = q.where(st.status == "open")
    return [ActionView(
        id=x.id, drill_id=x.drill_id, drill_title=title or "", objective_key=x.objective_key, campaign_id=x.campaign_id,
        unit_id=x.unit_id, unit_code=code, unit_name_zh=name_zh, unit_name_en=name_en, description=x.description,
        criticality=criticality, directive_id=x.directive_id, concerns_item=x.concerns_item, due_on=x.due_on,
        status=status, evidence_count=n or 0, item_id=x.item_id, occurrence=corrective_occurrence(x.id),
        created_at=as_utc(x.created_at), source=x.source, category=x.category, found_on=x.found_on)
        for x, title, code, name_zh, name_en, criticality, status, n in session.execute(q)]
