"""Seasonal readiness declarations, signed off in tiers: a unit's lead signs it off once every sub-unit taking
part has been signed off, each level in turn, and the company's executive signs the company's last.

A declaration freezes the sub-tree's figures (admin.dashboard.headline) and its open pre-peak items as they
were when it was signed; it is never changed (the table is append-only). What happened since is read from
the log against it (`drift`): items done then and not now, work added since, readiness then and now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.dashboard import headline, subtree, subtree_standing, top_unit
from core.clock import as_utc, local_day
from core.errors import InvalidInput, NotFound
from org.authz import authorize
from org.models import Actor
from store.schema import Campaign, CampaignUnit, ChecklistEvent, Declaration, OrgUnit, TemplateItem, User

STATEMENT_MAX = 2000


@dataclass(frozen=True)
class DeclarationView:
    id: int
    campaign_id: int
    unit_id: int
    signer: str
    signed_at: datetime
    as_of: date
    statement: str
    readiness: float | None
    applicable_weight: int
    critical_open: int
    overdue: int
    drills_missing: int
    actions_open: int
    open_items: list[dict]


def _view(d: Declaration, signer: str) -> DeclarationView:
    return DeclarationView(d.id, d.campaign_id, d.unit_id, signer, as_utc(d.signed_at), d.as_of, d.statement, d.readiness,
                           d.applicable_weight, d.critical_open, d.overdue, d.drills_missing, d.actions_open,
                           list(d.open_items))


def taking_part_children(campaign_id: int, unit_id: int, *, session: Session) -> list[int]:
    """The unit's sub-units whose sub-trees hold a unit of the campaign: each must be signed off first."""
    members = set(session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)))
    out = []
    for child in session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == unit_id).order_by(OrgUnit.path)):
        if subtree(child, session=session) & members:
            out.append(child)
    return out


def latest(campaign_id: int, unit_ids, *, session: Session, as_of: date | None = None) -> dict[int, DeclarationView]:
    """Each unit's latest declaration in the season (a unit signed off twice: the newer); with `as_of`, the
    latest signed on or before that day (as things stood then)."""
    newest = (select(func.max(Declaration.id)).where(Declaration.campaign_id == campaign_id,
                                                     Declaration.unit_id.in_(sorted(set(unit_ids))))
              .group_by(Declaration.unit_id))
    if as_of is not None:
        newest = newest.where(Declaration.as_of <= as_of)
    rows = session.execute(select(Declaration, User.display_name).join(User, User.id == Declaration.signed_by)
                           .where(Declaration.id.in_(newest))).all()
    return {d.unit_id: _view(d, name) for d, name in rows}


def missing_below(campaign_id: int, unit_id: int, *, session: Session) -> list[int]:
    """The sub-units taking part not yet signed off: the unit's own sign-off waits for them."""
    children = taking_part_children(campaign_id, unit_id, session=session)
    signed = latest(campaign_id, children, session=session)
    return [c for c in children if c not in signed]


def sign(campaign_id: int, unit_id: int, *, session: Session, actor: Actor, now: datetime, statement: str = ""
         ) -> DeclarationView:
    """Sign off a unit's readiness for the season: refused (nothing stored) unless the user may (a lead of the
    unit; the company's: its executive), the season is open, the unit takes part and every sub-unit taking
    part has been signed off."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    company = top_unit(campaign_id, session=session)
    authorize(actor, "declaration.sign_company" if unit_id == company else "declaration.sign", unit_id,
              session=session)
    if campaign.status != "open":
        raise InvalidInput("error.campaign_already_closed", name=campaign.name)
    unit = session.get(OrgUnit, unit_id)
    members = set(session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)))
    if unit is None or not subtree(unit_id, session=session) & members:
        raise InvalidInput("error.declaration_not_in_season", unit=unit.code if unit else unit_id)
    statement = statement.strip()
    if len(statement) > STATEMENT_MAX:
        raise InvalidInput("error.text_too_long", max=STATEMENT_MAX)
    waiting = missing_below(campaign_id, unit_id, session=session)
    if waiting:
        names = session.scalars(select(OrgUnit.code).where(OrgUnit.id.in_(waiting)).order_by(OrgUnit.path))
        raise InvalidInput("error.declaration_waits", unit=unit.code, units=", ".join(names))
    day = local_day(now)
    figures = headline(campaign_id, unit_id, day, session=session)
    table = subtree_standing(campaign_id, unit_id, day, session=session)
    still_open = table[table["before_peak"] & (table["status"] == "open")]
    texts = dict((i, (zh, en)) for i, zh, en in session.execute(
        select(TemplateItem.id, TemplateItem.text_zh, TemplateItem.text_en)
        .where(TemplateItem.id.in_(sorted(set(still_open["item_id"].tolist()))))))
    open_items = [{"unit_id": int(r.unit_id), "item_id": int(r.item_id), "occurrence": r.occurrence,
                   "item_key": r.item_key, "text_zh": texts[r.item_id][0], "text_en": texts[r.item_id][1],
                   "criticality": r.criticality, "due": r.due.isoformat() if r.due else None}
                  for r in still_open.itertuples(index=False)]
    children = latest(campaign_id, taking_part_children(campaign_id, unit_id, session=session), session=session)
    row = Declaration(campaign_id=campaign_id, unit_id=unit_id, signed_by=actor.user_id, signed_at=now, as_of=day,
                      statement=statement, readiness=figures.readiness,
                      done_weight=int(table.loc[table["before_peak"] & (table["status"] == "done"), "weight"].sum()),
                      applicable_weight=figures.scope, critical_open=figures.critical_open, overdue=figures.overdue,
                      drills_missing=figures.drills_missing, actions_open=figures.actions_open, open_items=open_items,
                      children=sorted(d.id for d in children.values()))
    session.add(row)
    session.flush()
    return _view(row, actor.display_name)


@dataclass(frozen=True)
class Drift:
    """What changed in a signed-off sub-tree since its declaration, as of a day."""

    readiness_then: float | None
    readiness_now: float | None
    undone: int  # items done when it was signed and not done now (reopened or marked N/A since)
    added: int  # obligations added since (an event's checks, a corrective action, a unit joining)
    closed: int  # items open when it was signed and done now

    @property
    def flagged(self) -> bool:
        return self.undone > 0 or self.added > 0


def drift(declaration: DeclarationView, as_of: date, *, session: Session) -> Drift:
    """The sub-tree as of `as_of` against what its declaration froze."""
    table = subtree_standing(declaration.campaign_id, declaration.unit_id, as_of, session=session)
    before = table[table["before_peak"]]
    units = subtree(declaration.unit_id, session=session)
    ev = ChecklistEvent
    undone_keys = {(u, i, o) for u, i, o in session.execute(
        select(ev.unit_id, ev.item_id, ev.occurrence).where(
            ev.campaign_id == declaration.campaign_id, ev.unit_id.in_(sorted(units)), ev.occurred_at > declaration.signed_at,
            ev.day <= as_of, ev.status_before == "done", ev.status_after != "done"))}
    now_status = {(r.unit_id, r.item_id, r.occurrence): r.status for r in before.itertuples(index=False)}
    undone = sum(now_status.get(k) not in (None, "done") for k in undone_keys)
    was_open = {(o["unit_id"], o["item_id"], o["occurrence"]) for o in declaration.open_items}
    closed = sum(now_status.get(k) == "done" for k in was_open)
    added = int((before["created_on"] > declaration.as_of).sum())
    done = before.loc[before["status"] == "done", "weight"].sum()
    applicable = before.loc[before["status"] != "na", "weight"].sum()
    return Drift(declaration.readiness, float(done / applicable) if applicable else None, undone, added, closed)
