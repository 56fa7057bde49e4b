"""Reading a unit's checklist and an item's history (read models for the pages)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklists.changes import ChangeResult
from checklists.occurrences import ONE_OFF, counts_before_peak, kind_of, period_first_day
from core.clock import as_utc, local_day
from core.errors import NotFound
from org.authz import authorize
from org.models import Actor
from store.schema import (
    Campaign,
    CampaignTemplate,
    ChecklistEvent,
    ChecklistStatus,
    CorrectiveAction,
    Directive,
    Drill,
    EvidenceFile,
    Obligation,
    SeasonEvent,
    Template,
    TemplateItem,
    TemplateSection,
    User,
)


@dataclass(frozen=True)
class ChecklistRow:
    item_id: int
    key: str
    section_key: str  # "<template key>/<section key>": unique within a season's templates
    section_zh: str
    section_en: str
    text_zh: str
    text_en: str
    evidence_zh: str
    evidence_en: str
    criticality: str
    weight: int
    discipline: str
    sources: list[str]
    due: date | None  # None: an after-event check while the event's end is not known
    status: str
    version: int
    note: str
    na_reason: str
    updated_by: str
    updated_at: datetime | None
    template_key: str = ""  # the template the item is listed under (the first of the season that has it)
    templates: tuple[str, ...] = ()  # every template of the season that has the item (a shared item: several)
    occurrence: str = ONE_OFF  # "" one-off; "2027-W27" / "2027-07" / "2027-Q3" recurring; "E<id>" an event's
    due_at: datetime | None = None  # recurring and event occurrences: the instant it falls due
    starts_on: date | None = None  # recurring: the period's first day; event: the event's start day
    event_id: int | None = None
    event_name: str = ""
    event_open: bool = False
    event_starts_at: datetime | None = None
    event_ends_at: datetime | None = None
    trigger_when: str | None = None  # an event check: before (landfall), during or after the event
    requires_evidence: bool = False  # ticked done only with a file, or with a reason a lead accepts
    evidence_count: int = 0  # evidence files attached to this occurrence
    drill_title: str = ""  # a corrective action: the drill that showed the need for it

    @property
    def counts_before_peak(self) -> bool:
        """Weighs in pre-peak readiness: a one-off item or a corrective action (until it is closed)."""
        return counts_before_peak(self.occurrence)

    @property
    def kind(self) -> str:
        """once, recurring, event or corrective."""
        return kind_of(self.occurrence)

    @property
    def row_key(self) -> str:
        """Unique within a unit's checklist (widget keys): the item and its occurrence."""
        return f"{self.item_id}{'_' + self.occurrence if self.occurrence else ''}"

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today

    def current(self, today: date) -> bool:
        """Shown in the season's working list: one-off items always; a recurring occurrence once its
        period has begun; an event's checks while the event is open or they are still open."""
        if self.kind in ("once", "corrective"):
            return True
        if self.kind == "recurring":
            return self.starts_on is not None and self.starts_on <= today
        return self.event_open or self.status == "open"


def unit_checklist(campaign_id: int, unit_id: int, *, session: Session, actor: Actor | None = None
                   ) -> list[ChecklistRow]:
    """Every obligation of a unit in a season (its items of the season's templates, a shared item
    once, listed under the first template that has it; its corrective actions from drills first, each
    with its own text), with its current status and due date.

    With an actor, refused (Forbidden) unless the unit is in the user's scope; without one, the
    caller is trusted code (the command line, set-up, the benchmark).
    """
    if actor is not None:
        authorize(actor, "unit.read", unit_id, session=session)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    files = (select(EvidenceFile.item_id, EvidenceFile.occurrence, func.count().label("n"))
             .where(EvidenceFile.campaign_id == campaign_id, EvidenceFile.unit_id == unit_id)
             .group_by(EvidenceFile.item_id, EvidenceFile.occurrence).subquery())
    rows = session.execute(
        select(ChecklistStatus, TemplateItem, TemplateSection, Template.key, CampaignTemplate.anchor_on,
               User.display_name, Obligation.due_at, SeasonEvent, files.c.n)
        .join(Obligation, (Obligation.campaign_id == ChecklistStatus.campaign_id)
              & (Obligation.unit_id == ChecklistStatus.unit_id) & (Obligation.item_id == ChecklistStatus.item_id)
              & (Obligation.occurrence == ChecklistStatus.occurrence))
        .outerjoin(SeasonEvent, SeasonEvent.id == Obligation.event_id)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .join(TemplateSection, TemplateSection.id == TemplateItem.section_id)
        .join(Template, Template.id == TemplateItem.template_id)
        # The corrective actions' system template is in no season's list: its rows come first (open
        # findings of drills are what a lead should see before the routine items).
        .outerjoin(CampaignTemplate, (CampaignTemplate.template_id == Template.id)
                   & (CampaignTemplate.campaign_id == campaign_id))
        .outerjoin(User, User.id == ChecklistStatus.updated_by)
        .outerjoin(files, (files.c.item_id == ChecklistStatus.item_id)
                   & (files.c.occurrence == ChecklistStatus.occurrence))
        .where(ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == unit_id)
        .order_by(func.coalesce(CampaignTemplate.position, -1), TemplateSection.position,
                  TemplateItem.position, ChecklistStatus.occurrence)
    ).all()
    having: dict[str, list[str]] = {}
    for key, template_key in session.execute(
            select(TemplateItem.key, Template.key)
            .join(Template, Template.id == TemplateItem.template_id)
            .join(CampaignTemplate, CampaignTemplate.template_id == Template.id)
            .where(CampaignTemplate.campaign_id == campaign_id)
            .order_by(CampaignTemplate.position)):
        having.setdefault(key, []).append(template_key)
    actions = {f"A{a.id}": (a, title or "") for a, title in session.execute(  # an inspection's finding: no drill
        select(CorrectiveAction, Drill.title).outerjoin(Drill, Drill.id == CorrectiveAction.drill_id)
        .where(CorrectiveAction.campaign_id == campaign_id, CorrectiveAction.unit_id == unit_id))}
    return [_corrective(row, actions[row.occurrence]) if row.occurrence in actions else row
            for row in _rows(campaign, rows, having)]


def _corrective(row: ChecklistRow, found: tuple[CorrectiveAction, str]) -> ChecklistRow:
    """A corrective action's row: its own text (as written, in one language), the directive it concerns."""
    action, drill_title = found
    return replace(row, text_zh=action.description, text_en=action.description, drill_title=drill_title,
                   sources=[action.directive_id] if action.directive_id else row.sources)


def _rows(campaign: Campaign, rows, having: dict[str, list[str]]) -> list[ChecklistRow]:
    return [
        ChecklistRow(
            item_id=i.id,
            key=i.key,
            section_key=f"{template_key}/{s.key}",
            section_zh=s.title_zh,
            section_en=s.title_en,
            text_zh=i.text_zh,
            text_en=i.text_en,
            evidence_zh=i.evidence_zh,
            evidence_en=i.evidence_en,
            criticality=i.criticality,
            weight=i.weight,
            discipline=i.discipline,
            sources=list(i.sources),
            due=due_day(st.occurrence, due_at, (anchor or campaign.peak_start) - timedelta(days=i.due_days_before_peak)),
            status=st.status,
            version=st.version,
            note=st.note,
            na_reason=st.na_reason,
            updated_by=who or "",
            updated_at=as_utc(st.updated_at) if st.updated_at else None,
            template_key=template_key,
            templates=tuple(having.get(i.key, (template_key,))),
            occurrence=st.occurrence,
            due_at=as_utc(due_at) if due_at else None,
            starts_on=(local_day(ev.starts_at) if ev is not None else
                       period_first_day(st.occurrence) if st.occurrence else None),
            event_id=ev.id if ev is not None else None,
            event_name=ev.name if ev is not None else "",
            event_open=ev is not None and ev.status == "open",
            event_starts_at=as_utc(ev.starts_at) if ev is not None else None,
            event_ends_at=as_utc(ev.ends_at) if ev is not None and ev.ends_at else None,
            trigger_when=i.trigger_when,
            requires_evidence=bool(i.requires_evidence),
            evidence_count=n_files or 0,
        )
        for st, i, s, template_key, anchor, who, due_at, ev, n_files in rows
    ]


def due_day(occurrence: str, due_at: datetime | None, one_off: date) -> date | None:
    """The day an obligation is due: a one-off item's by its template's rule; an occurrence due at
    an instant, the local day of that instant (a recurring one: the period's last day)."""
    if occurrence == ONE_OFF:
        return one_off
    if due_at is None:
        return None
    return local_day(as_utc(due_at) - timedelta(microseconds=1))


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an item's log, as the history table shows it."""

    occurred_at: datetime
    who: str
    action: str
    status_before: str
    status_after: str
    text: str  # an N/A reason, a note, or an evidence file's name
    evidence_sha256: str | None = None  # an 'evidence' event: the file's SHA-256 when it was attached
    evidence_waived: bool = False  # a 'done' without the evidence the item requires, on a reason a lead accepted


def item_history(campaign_id: int, unit_id: int, item_id: int, *, session: Session, actor: Actor | None = None,
                 occurrence: str = ONE_OFF) -> list[HistoryEntry]:
    """The log of one occurrence of an item for one unit, oldest first; with an actor, only for a unit
    in their scope."""
    if actor is not None:
        authorize(actor, "unit.read", unit_id, session=session)
    rows = session.execute(
        select(
            ChecklistEvent.occurred_at,
            User.display_name,
            ChecklistEvent.action,
            ChecklistEvent.status_before,
            ChecklistEvent.status_after,
            ChecklistEvent.text,
            ChecklistEvent.evidence_sha256,
            ChecklistEvent.evidence_waived,
        )
        .join(User, User.id == ChecklistEvent.actor_id)
        .where(
            ChecklistEvent.campaign_id == campaign_id,
            ChecklistEvent.unit_id == unit_id,
            ChecklistEvent.item_id == item_id,
            ChecklistEvent.occurrence == occurrence,
        )
        .order_by(ChecklistEvent.id)
    )
    return [HistoryEntry(as_utc(w), who, a, b, af, t, sha, bool(waived)) for w, who, a, b, af, t, sha, waived in rows]


def directive_titles(*, session: Session) -> dict[str, dict[str, str]]:
    """Each directive's short title in both languages, by ID."""
    return {d.id: {"zh": d.title_zh, "en": d.title_en} for d in session.scalars(select(Directive))}


def after_change(row: ChecklistRow, result: ChangeResult, who: str, when: datetime) -> ChecklistRow:
    """The row as `unit_checklist` reads it once the change that gave `result` (by `who`, at `when`) is
    committed: what a page shows after its own tick without reading the unit's checklist again."""
    return replace(row, status=result.status, version=result.version, note=result.note,
                   na_reason=result.na_reason, updated_by=who, updated_at=when)
