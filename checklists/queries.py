"""Reading a unit's checklist and an item's history (read models for the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.errors import NotFound
from org.authz import authorize
from org.models import Actor
from store.schema import (
    Campaign,
    CampaignTemplate,
    ChecklistEvent,
    ChecklistStatus,
    Directive,
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
    due: date
    status: str
    version: int
    note: str
    na_reason: str
    updated_by: str
    updated_at: datetime | None
    template_key: str = ""  # the template the item is listed under (the first of the season that has it)
    templates: tuple[str, ...] = ()  # every template of the season that has the item (a shared item: several)

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due < today


def unit_checklist(campaign_id: int, unit_id: int, *, session: Session, actor: Actor | None = None
                   ) -> list[ChecklistRow]:
    """Every obligation of a unit in a season (its items of the season's templates, a shared item
    once, listed under the first template that has it), with its current status and due date.

    With an actor, refused (Forbidden) unless the unit is in the user's scope; without one, the
    caller is trusted code (the command line, set-up, the benchmark).
    """
    if actor is not None:
        authorize(actor, "unit.read", unit_id, session=session)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    rows = session.execute(
        select(ChecklistStatus, TemplateItem, TemplateSection, Template.key, CampaignTemplate.anchor_on,
               User.display_name)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .join(TemplateSection, TemplateSection.id == TemplateItem.section_id)
        .join(Template, Template.id == TemplateItem.template_id)
        .join(CampaignTemplate, (CampaignTemplate.template_id == Template.id)
              & (CampaignTemplate.campaign_id == campaign_id))
        .outerjoin(User, User.id == ChecklistStatus.updated_by)
        .where(ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == unit_id)
        .order_by(CampaignTemplate.position, TemplateSection.position, TemplateItem.position)
    ).all()
    having: dict[str, list[str]] = {}
    for key, template_key in session.execute(
            select(TemplateItem.key, Template.key)
            .join(Template, Template.id == TemplateItem.template_id)
            .join(CampaignTemplate, CampaignTemplate.template_id == Template.id)
            .where(CampaignTemplate.campaign_id == campaign_id)
            .order_by(CampaignTemplate.position)):
        having.setdefault(key, []).append(template_key)
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
            due=(anchor or campaign.peak_start) - timedelta(days=i.due_days_before_peak),
            status=st.status,
            version=st.version,
            note=st.note,
            na_reason=st.na_reason,
            updated_by=who or "",
            updated_at=as_utc(st.updated_at) if st.updated_at else None,
            template_key=template_key,
            templates=tuple(having.get(i.key, (template_key,))),
        )
        for st, i, s, template_key, anchor, who in rows
    ]


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an item's log, as the history table shows it."""

    occurred_at: datetime
    who: str
    action: str
    status_before: str
    status_after: str
    text: str


def item_history(campaign_id: int, unit_id: int, item_id: int, *, session: Session, actor: Actor | None = None
                 ) -> list[HistoryEntry]:
    """The log of one item for one unit, oldest first; with an actor, only for a unit in their scope."""
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
        )
        .join(User, User.id == ChecklistEvent.actor_id)
        .where(
            ChecklistEvent.campaign_id == campaign_id,
            ChecklistEvent.unit_id == unit_id,
            ChecklistEvent.item_id == item_id,
        )
        .order_by(ChecklistEvent.id)
    )
    return [HistoryEntry(as_utc(w), who, a, b, af, t) for w, who, a, b, af, t in rows]


def directive_titles(*, session: Session) -> dict[str, dict[str, str]]:
    """Each directive's short title in both languages, by ID."""
    return {d.id: {"zh": d.title_zh, "en": d.title_en} for d in session.scalars(select(Directive))}
