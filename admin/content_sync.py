"""Load every kind of seed content into the database: directives, templates, drill types and drill rules.

Crosses the domains on purpose (it is the set-up use-case), so it lives in admin/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from content.bundle import Content, content_hash
from content.models import DrillRule as DrillRuleModel
from content.models import DrillType as DrillTypeModel
from content.models import Template as TemplateModel
from core.errors import InvalidInput
from store.schema import (
    CampaignTemplate,
    Directive,
    DrillRule,
    DrillType,
    Template,
    TemplateItem,
    TemplateSection,
)


@dataclass
class SyncReport:
    """What a content load changed; all zeros but `unchanged` means nothing changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def merge(self, other: SyncReport) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed


def sync_content(content: Content, *, session: Session, now: datetime) -> SyncReport:
    """Load directives, templates, drill types and drill rules into the database; running it twice changes nothing.

    A template version that a campaign already pins is frozen: changing its file
    without raising `version` is refused. An unpinned version is replaced in place.
    """
    report = SyncReport()
    for d in content.directives.values():
        row = session.get(Directive, d.id)
        values = {"tags": "".join(d.tags), "title_zh": d.title_zh, "title_en": d.title_en}
        if row is None:
            session.add(Directive(id=d.id, **values))
            report.added.append(f"directive {d.id}")
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.updated.append(f"directive {d.id}")
    session.flush()
    for template in content.templates.values():
        report.merge(_sync_template(template, session=session, now=now))
    report.merge(sync_drill_types(content.drill_types, session=session))
    report.merge(sync_drill_rules(content.drill_rules, session=session))
    return report


def _sync_template(t: TemplateModel, *, session: Session, now: datetime) -> SyncReport:
    report = SyncReport()
    label = f"template {t.key} v{t.version}"
    digest = content_hash(t)
    row = session.scalar(select(Template).where(Template.key == t.key, Template.version == t.version))
    if row is not None and row.content_hash == digest:
        report.unchanged.append(label)
        return report
    if row is not None:
        pinned = session.scalar(select(func.count()).select_from(CampaignTemplate)
                                .where(CampaignTemplate.template_id == row.id))
        if pinned:
            raise InvalidInput("error.template_frozen", template=t.key, version=t.version)
        session.execute(delete(TemplateItem).where(TemplateItem.template_id == row.id))
        session.execute(delete(TemplateSection).where(TemplateSection.template_id == row.id))
        report.updated.append(label)
    else:
        row = Template(key=t.key, version=t.version)
        session.add(row)
        report.added.append(label)
    row.name_zh, row.name_en = t.name_zh, t.name_en
    row.counts_from = None if t.counts_from == "peak_start" else t.counts_from
    row.description_zh, row.description_en = t.description_zh, t.description_en
    row.content_hash, row.loaded_at = digest, now
    session.flush()
    position = 0
    for s_pos, section in enumerate(t.sections):
        srow = TemplateSection(
            template_id=row.id, key=section.key, position=s_pos, title_zh=section.title_zh, title_en=section.title_en
        )
        session.add(srow)
        session.flush()
        for item in section.items:
            position += 1
            session.add(
                TemplateItem(
                    template_id=row.id,
                    section_id=srow.id,
                    key=item.key,
                    position=position,
                    text_zh=item.text_zh,
                    text_en=item.text_en,
                    sources=list(item.sources),
                    criticality=item.criticality,
                    weight=item.weight,
                    discipline=item.discipline,
                    due_days_before_peak=item.due_days_before_peak or 0,
                    recurs=item.recurs,
                    recurs_within=item.recurs_within if item.recurs else None,
                    trigger_events=list(item.trigger.events) if item.trigger else None,
                    trigger_when=item.trigger.when if item.trigger else None,
                    trigger_hours=item.trigger.hours if item.trigger else None,
                    evidence_zh=item.evidence_zh,
                    evidence_en=item.evidence_en,
                    applies_to=list(item.applies_to) or None,
                    functions=list(item.functions) or None,
                    requires_evidence=item.requires_evidence,
                )
            )
    session.flush()
    return report


def sync_drill_types(drill_types: dict[str, DrillTypeModel], *, session: Session) -> SyncReport:
    """Insert or update drill types by key; unchanged ones are left alone."""
    report = SyncReport()
    for dt in drill_types.values():
        digest = content_hash(dt)
        row = session.scalar(select(DrillType).where(DrillType.key == dt.key))
        label = f"drill type {dt.key}"
        if row is not None and row.content_hash == digest:
            report.unchanged.append(label)
            continue
        if row is None:
            row = DrillType(key=dt.key)
            session.add(row)
            report.added.append(label)
        else:
            report.updated.append(label)
        data = dt.model_dump(mode="json")
        for name in DRILL_TYPE_FIELDS:
            setattr(row, name, data[name])
        row.content_hash = digest
    session.flush()
    return report


DRILL_TYPE_FIELDS = (
    "name_zh", "name_en", "description_zh", "description_en", "sources", "plan_level", "forms",
    "unannounced_allowed", "frequency_months", "typical_duration_hours", "disciplines", "objectives",
    "scenario_zh", "scenario_en", "injects", "roles", "external_participants", "safety_plan_zh", "safety_plan_en",
)
DRILL_RULE_FIELDS = (
    "text_zh", "text_en", "sources", "drill_types", "plan_levels", "forms", "counts", "interval_months",
    "per_shift", "before_peak", "only_where_planned", "applies_to",
)


def sync_drill_rules(rules: dict[str, DrillRuleModel], *, session: Session) -> SyncReport:
    """Make the drill_rules table say what the file says, in its order: insert, update, and remove a
    rule the file no longer has (nothing refers to a rule row; the planner reads them afresh)."""
    report = SyncReport()
    rows = {row.key: row for row in session.scalars(select(DrillRule))}
    for position, rule in enumerate(rules.values()):
        label = f"drill rule {rule.key}"
        digest = content_hash(rule)
        row = rows.pop(rule.key, None)
        if row is not None and row.content_hash == digest and row.position == position:
            report.unchanged.append(label)
            continue
        if row is None:
            row = DrillRule(key=rule.key)
            session.add(row)
            report.added.append(label)
        else:
            report.updated.append(label)
        data = rule.model_dump(mode="json")
        for name in DRILL_RULE_FIELDS:
            setattr(row, name, data[name])
        row.position, row.content_hash = position, digest
    for key, row in sorted(rows.items()):
        session.delete(row)
        report.removed.append(f"drill rule {key}")
    session.flush()
    return report
