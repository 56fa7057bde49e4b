"""Rebuilding the projections (current status, per-day readiness) from the event log alone."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from checklists.rules import weight_deltas
from core.errors import NotFound
from store.schema import Campaign, CampaignUnit, ChecklistEvent, ChecklistStatus, ReadinessDaily, TemplateItem
from store.upsert import add_readiness_delta


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
        session.execute(update(ChecklistStatus).where(ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == unit_id,
                                                       ChecklistStatus.item_id == item_id).values(**state))
    session.flush()
