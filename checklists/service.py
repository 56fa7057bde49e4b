"""Checklist use-cases: load content, open campaigns, tick / N/A / reopen / note.

Every change appends one row to the event log and updates the two projections
(current status, per-day readiness deltas) in the same transaction. Callers own
the transaction (store.db.transaction); services only flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from checklists.content import Content, SyncReport, content_hash
from checklists.models import Template as TemplateModel
from checklists.rules import ACTION_TARGET, check_transition, weight_deltas
from core.clock import as_utc, local_day, to_local
from core.errors import InvalidInput, NotFound, StaleWrite
from drills.service import sync_drill_types
from org.models import Actor
from store.schema import (
    Campaign,
    CampaignUnit,
    ChecklistEvent,
    ChecklistStatus,
    Directive,
    OrgUnit,
    ReadinessDaily,
    Template,
    TemplateItem,
    TemplateSection,
    User,
)
from store.upsert import add_readiness_delta


def sync_content(content: Content, *, session: Session, now: datetime) -> SyncReport:
    """Load directives, templates and drill types into the database; running it twice changes nothing.

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
        pinned = session.scalar(select(func.count()).select_from(Campaign).where(Campaign.template_id == row.id))
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
                    due_days_before_peak=item.due_days_before_peak,
                    evidence_zh=item.evidence_zh,
                    evidence_en=item.evidence_en,
                )
            )
    session.flush()
    return report


# ── Campaigns ────────────────────────────────────────────────────────────────


def open_campaign(
    name: str,
    template_key: str,
    *,
    peak_start: date,
    starts_on: date,
    unit_codes: Iterable[str],
    session: Session,
    actor: Actor,
    now: datetime,
    template_version: int | None = None,
) -> Campaign:
    """Open a campaign pinning a template version (newest by default) for the given units."""
    name = name.strip()
    if not name:
        raise InvalidInput("error.campaign_name_required")
    if session.scalar(select(Campaign).where(Campaign.name == name)):
        raise InvalidInput("error.campaign_exists", name=name)
    if peak_start <= starts_on:
        raise InvalidInput("error.peak_before_start", peak=peak_start.isoformat(), start=starts_on.isoformat())
    q = select(Template).where(Template.key == template_key)
    q = q.where(Template.version == template_version) if template_version else q.order_by(Template.version.desc())
    template = session.scalars(q).first()
    if template is None:
        raise NotFound("error.template_not_found", template=template_key)
    campaign = Campaign(
        name=name,
        template_id=template.id,
        starts_on=starts_on,
        peak_start=peak_start,
        status="open",
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    add_units(campaign.id, unit_codes, session=session, joined_on=starts_on)
    return campaign


def add_units(campaign_id: int, unit_codes: Iterable[str], *, session: Session, joined_on: date) -> int:
    """Let more units take part: each gets every item open at version 0; returns how many joined."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        raise InvalidInput("error.no_units")
    units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))}
    missing = [c for c in codes if c not in units]
    if missing:
        raise NotFound("error.unit_not_found", code=", ".join(missing))
    already = set(
        session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id))
    )
    new_units = [units[c] for c in codes if units[c].id not in already]
    items = session.execute(
        select(TemplateItem.id, TemplateItem.weight).where(TemplateItem.template_id == campaign.template_id)
    ).all()
    total = sum(w for _, w in items)
    joined = max(joined_on, campaign.starts_on)
    for unit in new_units:
        session.add(CampaignUnit(campaign_id=campaign_id, unit_id=unit.id, joined_on=joined))
    session.flush()
    if new_units and items:
        session.execute(
            insert(ChecklistStatus),
            [
                {"campaign_id": campaign_id, "unit_id": u.id, "item_id": i, "status": "open", "version": 0}
                for u in new_units
                for i, _ in items
            ],
        )
        for unit in new_units:
            add_readiness_delta(session, campaign_id, unit.id, joined, total=total)
    return len(new_units)


def list_campaigns(*, session: Session, only_open: bool = True) -> list[Campaign]:
    q = select(Campaign).order_by(Campaign.peak_start.desc(), Campaign.id.desc())
    if only_open:
        q = q.where(Campaign.status == "open")
    return list(session.scalars(q))


def campaign_units(campaign_id: int, *, session: Session) -> list[OrgUnit]:
    return list(
        session.scalars(
            select(OrgUnit)
            .join(CampaignUnit, CampaignUnit.unit_id == OrgUnit.id)
            .where(CampaignUnit.campaign_id == campaign_id)
            .order_by(OrgUnit.path)
        )
    )


# ── Changes: every one is an appended event ──────────────────────────────────


@dataclass(frozen=True)
class ChangeResult:
    status: str
    version: int
    event_id: int


def mark_done(campaign_id: int, unit_id: int, item_id: int, *, expected_version: int, **kw) -> ChangeResult:
    """Tick an item done (from open or not-applicable)."""
    return change_item(campaign_id, unit_id, item_id, "done", expected_version=expected_version, **kw)


def mark_na(
    campaign_id: int, unit_id: int, item_id: int, *, expected_version: int, reason: str, **kw
) -> ChangeResult:
    """Mark an item not applicable to this unit; a reason is required."""
    return change_item(campaign_id, unit_id, item_id, "na", expected_version=expected_version, text=reason, **kw)


def reopen(campaign_id: int, unit_id: int, item_id: int, *, expected_version: int, **kw) -> ChangeResult:
    """Put a done or not-applicable item back to open."""
    return change_item(campaign_id, unit_id, item_id, "reopen", expected_version=expected_version, **kw)


def add_note(campaign_id: int, unit_id: int, item_id: int, *, expected_version: int, note: str, **kw) -> ChangeResult:
    """Attach a note to an item without changing its status."""
    return change_item(campaign_id, unit_id, item_id, "note", expected_version=expected_version, text=note, **kw)


MAX_TEXT = 2000


def change_item(
    campaign_id: int,
    unit_id: int,
    item_id: int,
    action: str,
    *,
    expected_version: int,
    session: Session,
    actor: Actor,
    now: datetime,
    text: str = "",
) -> ChangeResult:
    """Apply one action to one item if nobody changed it since `expected_version`."""
    text = (text or "").strip()
    if action not in ACTION_TARGET:
        raise InvalidInput("error.unknown_action", action=action)
    if action in ("na", "note") and not text:
        raise InvalidInput("error.reason_required" if action == "na" else "error.note_required")
    if len(text) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", max=MAX_TEXT)
    key = _status_key(campaign_id, unit_id, item_id)
    row = session.execute(
        select(ChecklistStatus, TemplateItem.weight, Campaign.status)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .join(Campaign, Campaign.id == ChecklistStatus.campaign_id)
        .where(*key)
    ).first()
    if row is None:
        raise NotFound("error.item_not_found")
    status, weight, campaign_status = row
    if campaign_status != "open":
        raise InvalidInput("error.campaign_closed")
    if status.version != expected_version:
        raise _stale(status, session)
    before = status.status
    after = ACTION_TARGET[action] or before
    check_transition(action, before)
    values: dict[str, object] = {
        "status": after,
        "version": status.version + 1,
        "updated_by": actor.user_id,
        "updated_at": now,
    }
    if action == "note":
        values["note"] = text
    if action == "na":
        values["na_reason"] = text
    elif after != "na":
        values["na_reason"] = ""
    # The version in the WHERE clause makes the write itself conditional: a writer
    # that slipped in after our read makes this update touch no row.
    updated = session.execute(
        update(ChecklistStatus).where(*key, ChecklistStatus.version == expected_version).values(**values)
    )
    if updated.rowcount != 1:
        session.expire(status)
        raise _stale(session.execute(select(ChecklistStatus).where(*key)).scalar_one(), session)
    day = local_day(now)
    event = ChecklistEvent(
        campaign_id=campaign_id,
        unit_id=unit_id,
        item_id=item_id,
        action=action,
        status_before=before,
        status_after=after,
        text=text,
        prev_version=expected_version,
        actor_id=actor.user_id,
        occurred_at=now,
        day=day,
    )
    session.add(event)
    done_d, na_d = weight_deltas(before, after, weight)
    if done_d or na_d:
        add_readiness_delta(session, campaign_id, unit_id, day, done=done_d, na=na_d)
    session.flush()
    session.expire(status)
    return ChangeResult(after, expected_version + 1, event.id)


def _status_key(campaign_id: int, unit_id: int, item_id: int) -> tuple:
    return (
        ChecklistStatus.campaign_id == campaign_id,
        ChecklistStatus.unit_id == unit_id,
        ChecklistStatus.item_id == item_id,
    )


def _stale(status: ChecklistStatus, session: Session) -> StaleWrite:
    who = session.get(User, status.updated_by) if status.updated_by else None
    when = to_local(as_utc(status.updated_at)).strftime("%Y-%m-%d %H:%M") if status.updated_at else "-"
    return StaleWrite(who=who.display_name if who else "-", when=when, status=status.status)


# ── Reading a unit's checklist ───────────────────────────────────────────────


@dataclass(frozen=True)
class ChecklistRow:
    item_id: int
    key: str
    section_key: str
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

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due < today


def unit_checklist(campaign_id: int, unit_id: int, *, session: Session) -> list[ChecklistRow]:
    """Every item of the campaign's template for a unit, with its current status and due date."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    rows = session.execute(
        select(ChecklistStatus, TemplateItem, TemplateSection, User.display_name)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .join(TemplateSection, TemplateSection.id == TemplateItem.section_id)
        .outerjoin(User, User.id == ChecklistStatus.updated_by)
        .where(ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == unit_id)
        .order_by(TemplateSection.position, TemplateItem.position)
    ).all()
    return [
        ChecklistRow(
            item_id=i.id,
            key=i.key,
            section_key=s.key,
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
            due=campaign.peak_start - timedelta(days=i.due_days_before_peak),
            status=st.status,
            version=st.version,
            note=st.note,
            na_reason=st.na_reason,
            updated_by=who or "",
            updated_at=as_utc(st.updated_at) if st.updated_at else None,
        )
        for st, i, s, who in rows
    ]


def item_history(campaign_id: int, unit_id: int, item_id: int, *, session: Session) -> list[tuple]:
    """The log of one item for one unit, oldest first: (when, who, action, before, after, text)."""
    return [
        tuple(r)
        for r in session.execute(
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
    ]


# ── Rebuilding the projections from the log ─────────────────────────────────


def rebuild_projections(campaign_id: int, *, session: Session) -> None:
    """Recompute current status and per-day readiness deltas of a campaign from the event log alone."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    weights = dict(
        session.execute(
            select(TemplateItem.id, TemplateItem.weight).where(TemplateItem.template_id == campaign.template_id)
        ).all()
    )
    session.execute(delete(ReadinessDaily).where(ReadinessDaily.campaign_id == campaign_id))
    session.execute(
        update(ChecklistStatus)
        .where(ChecklistStatus.campaign_id == campaign_id)
        .values(status="open", version=0, note="", na_reason="", updated_by=None, updated_at=None)
    )
    total = sum(weights.values())
    for unit_id, joined in session.execute(
        select(CampaignUnit.unit_id, CampaignUnit.joined_on).where(CampaignUnit.campaign_id == campaign_id)
    ):
        add_readiness_delta(session, campaign_id, unit_id, joined, total=total)
    latest: dict[tuple[int, int], dict[str, object]] = {}
    for ev in session.scalars(
        select(ChecklistEvent).where(ChecklistEvent.campaign_id == campaign_id).order_by(ChecklistEvent.id)
    ):
        k = (ev.unit_id, ev.item_id)
        state = latest.setdefault(k, {"status": "open", "version": 0, "note": "", "na_reason": ""})
        done_d, na_d = weight_deltas(ev.status_before, ev.status_after, weights[ev.item_id])
        if done_d or na_d:
            add_readiness_delta(session, campaign_id, ev.unit_id, ev.day, done=done_d, na=na_d)
        state.update(status=ev.status_after, version=int(state["version"]) + 1)  # type: ignore[call-overload]
        if ev.action == "note":
            state["note"] = ev.text
        state["na_reason"] = ev.text if ev.action == "na" else ("" if ev.status_after != "na" else state["na_reason"])
        state["updated_by"], state["updated_at"] = ev.actor_id, ev.occurred_at
    for (unit_id, item_id), state in latest.items():
        session.execute(update(ChecklistStatus).where(*_status_key(campaign_id, unit_id, item_id)).values(**state))
    session.flush()
