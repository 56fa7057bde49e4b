"""Changing an item: tick done, not applicable, reopen, note. Every change is one appended event
(attaching an evidence file too, through checklists.evidence).

Each change appends one row to the event log and updates the two projections
(current status, per-day readiness deltas) in the same transaction. Callers own
the transaction (store.db.transaction); services only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from checklists.occurrences import ONE_OFF, counts_before_peak
from checklists.rules import ACTION_TARGET, check_transition, weight_deltas
from core.clock import format_local, local_day
from core.errors import InvalidInput, NotFound, StaleWrite
from org.authz import CHANGE_ACTION, allowed, authorize
from org.models import Actor
from store.schema import Campaign, ChecklistEvent, ChecklistStatus, EvidenceFile, TemplateItem, User
from store.upsert import add_readiness_delta


@dataclass(frozen=True)
class ChangeResult:
    status: str
    version: int
    event_id: int
    note: str = ""  # the occurrence's note and N/A reason after the change (what a page shows)
    na_reason: str = ""


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
USER_ACTIONS = ("done", "na", "reopen", "note")  # what change_item takes; 'evidence' comes from attaching a file


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
    occurrence: str = ONE_OFF,
) -> ChangeResult:
    """Apply one action to one occurrence of an item (a one-off item: "") if nobody changed it since
    `expected_version`; refused (Forbidden) unless the user holds a role allowing it on the unit
    (done/note: member; N/A, reopen: lead). Only one-off obligations move pre-peak readiness;
    recurring and triggered occurrences count in the on-time rate (readiness.on_time), from the log.

    An item that requires evidence is ticked done only when the occurrence has a file attached
    (checklists.evidence), or with a written reason (`text`) from a user who may accept one (a lead:
    item.waive_evidence); that tick is logged with `evidence_waived`. Bulk ticking and imports come
    through here, so the rule holds for them too."""
    text = (text or "").strip()
    if action not in USER_ACTIONS:
        raise InvalidInput("error.unknown_action", action=action)
    authorize(actor, CHANGE_ACTION[action], unit_id, session=session)
    if action in ("na", "note") and not text:
        raise InvalidInput("error.reason_required" if action == "na" else "error.note_required")
    check_text(text)
    return append_change(campaign_id, unit_id, item_id, occurrence, action, expected_version=expected_version,
                         session=session, actor=actor, now=now, text=text)


def check_text(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", max=MAX_TEXT)


def append_change(campaign_id: int, unit_id: int, item_id: int, occurrence: str, action: str, *,
                  expected_version: int, session: Session, actor: Actor, now: datetime, text: str = "",
                  evidence_id: int | None = None, evidence_sha256: str | None = None) -> ChangeResult:
    """Append one event of an authorised action (its text checked) and keep both projections in step:
    the campaign must be open, the occurrence at `expected_version` (else StaleWrite), the transition
    allowed. For change_item and checklists.evidence (the action 'evidence': status unchanged)."""
    key = _status_key(campaign_id, unit_id, item_id, occurrence)
    row = session.execute(
        select(ChecklistStatus, TemplateItem, Campaign.status)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .join(Campaign, Campaign.id == ChecklistStatus.campaign_id)
        .where(*key)
    ).first()
    if row is None:
        raise NotFound("error.item_not_found")
    status, item, campaign_status = row
    if campaign_status != "open":
        raise InvalidInput("error.campaign_closed")
    if status.version != expected_version:
        raise _stale(status, session)
    before = status.status
    after = ACTION_TARGET.get(action) or before
    if action != "evidence":
        check_transition(action, before)
    waived = None
    if action == "done" and item.requires_evidence and not _has_evidence(session, campaign_id, unit_id, item_id,
                                                                          occurrence):
        waived = _waive_evidence(item, text, actor, unit_id, session)
    values: dict[str, object] = {
        "status": after,
        "version": status.version + 1,
        "updated_by": actor.user_id,
        "updated_at": now,
    }
    if action == "note" or (action == "done" and text):  # a tick may carry its note (bulk ticking)
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
        occurrence=occurrence,
        action=action,
        status_before=before,
        status_after=after,
        text=text,
        prev_version=expected_version,
        actor_id=actor.user_id,
        occurred_at=now,
        day=day,
        evidence_id=evidence_id,
        evidence_sha256=evidence_sha256,
        evidence_waived=waived,
    )
    session.add(event)
    done_d, na_d = weight_deltas(before, after, item.weight)
    if (done_d or na_d) and counts_before_peak(occurrence):
        add_readiness_delta(session, campaign_id, unit_id, day, done=done_d, na=na_d)
    note, na_reason = values.get("note", status.note), values.get("na_reason", status.na_reason)
    session.flush()
    session.expire(status)
    return ChangeResult(after, expected_version + 1, event.id, note, na_reason)


def _has_evidence(session: Session, campaign_id: int, unit_id: int, item_id: int, occurrence: str) -> bool:
    return session.scalar(select(EvidenceFile.id).where(
        EvidenceFile.campaign_id == campaign_id, EvidenceFile.unit_id == unit_id, EvidenceFile.item_id == item_id,
        EvidenceFile.occurrence == occurrence).limit(1)) is not None


def _waive_evidence(item: TemplateItem, text: str, actor: Actor, unit_id: int, session: Session) -> bool:
    """A tick without the file the item requires: allowed with a written reason from a lead only."""
    name = {"zh": item.text_zh[:60], "en": item.text_en[:60]}
    if not allowed(actor, "item.waive_evidence", unit_id, session=session):
        raise InvalidInput("error.evidence_required", item=name)
    if not text:
        raise InvalidInput("error.evidence_reason_required", item=name)
    return True


def _status_key(campaign_id: int, unit_id: int, item_id: int, occurrence: str) -> tuple:
    return (
        ChecklistStatus.campaign_id == campaign_id,
        ChecklistStatus.unit_id == unit_id,
        ChecklistStatus.item_id == item_id,
        ChecklistStatus.occurrence == occurrence,
    )


def _stale(status: ChecklistStatus, session: Session) -> StaleWrite:
    who = session.get(User, status.updated_by) if status.updated_by else None
    return StaleWrite(who=who.display_name if who else "-", when=format_local(status.updated_at),
                      status=status.status)


@dataclass(frozen=True)
class Tick:
    """One occurrence to tick in a bulk change, at the version the user saw."""

    item_id: int
    expected_version: int
    occurrence: str = ONE_OFF


def mark_many_done(campaign_id: int, unit_id: int, ticks: list[Tick], *, session: Session, actor: Actor,
                   now: datetime, note: str = "") -> list[ChangeResult]:
    """Mark several items of one unit done with one note: each becomes its own event carrying the note.
    All or nothing: the first refusal (stale, closed, not allowed, not open) raises, and the caller's
    transaction then rolls every tick of the batch back."""
    if not ticks:
        raise InvalidInput("error.nothing_selected")
    keys = [(t.item_id, t.occurrence) for t in ticks]
    if len(set(keys)) != len(keys):
        raise InvalidInput("error.duplicate_selection")
    return [change_item(campaign_id, unit_id, t.item_id, "done", expected_version=t.expected_version,
                        occurrence=t.occurrence, text=note, session=session, actor=actor, now=now)
            for t in ticks]
