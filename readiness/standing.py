"""Where every obligation of a season stood at the end of a day, read from the event log (never from a
stored snapshot), and the dashboard's figures computed from that table.

    status(o, D) = status_after of o's latest event (by its version) whose local day is ≤ D, else "open"

over the obligations o created on or before D (a unit that joined late, an event's checks, a corrective
action: each exists from the day it was decided). One grouped read of the log and one join; the figures
are then plain pandas over the table, so any past day costs what today costs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from checklists.occurrences import counts_before_peak, kind_of
from checklists.queries import due_day
from readiness.formula import readiness
from store.schema import (
    Campaign,
    CampaignTemplate,
    ChecklistEvent,
    Obligation,
    Template,
    TemplateItem,
    TemplateSection,
)

COLUMNS = ["unit_id", "item_id", "item_key", "occurrence", "kind", "before_peak", "status", "weight", "criticality",
           "discipline", "sources", "template_key", "templates", "section_key", "section_zh", "section_en", "due",
           "created_on", "event_id"]


def standing(campaign_id: int, as_of: date, *, session: Session, unit_ids: Iterable[int] | None = None
             ) -> pd.DataFrame:
    """One row per obligation of the season that existed at the end of `as_of` (of `unit_ids` only, when
    given), with its state then. Columns: COLUMNS (`due` a date or None; `templates` every template of
    the season that has the item, as a tuple; `before_peak`: it weighs in pre-peak readiness)."""
    return standing_on(campaign_id, [as_of], session=session, unit_ids=unit_ids)[as_of]


def standing_on(campaign_id: int, days: Iterable[date], *, session: Session, unit_ids: Iterable[int] | None = None
                ) -> dict[date, pd.DataFrame]:
    """standing() on each of several days from one grouped read of the log (the latest version of each
    obligation on or before each day, side by side), e.g. today and a week before for the headline's change."""
    days = sorted(set(days))
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not days:
        return {d: pd.DataFrame(columns=COLUMNS) for d in days}
    ev, ob = ChecklistEvent, Obligation
    latest = days[-1]
    versions = (select(ev.unit_id, ev.item_id, ev.occurrence,
                       *(func.max(case((ev.day <= d, ev.prev_version))).label(f"v{i}") if d != latest else
                         func.max(ev.prev_version).label(f"v{i}") for i, d in enumerate(days)))
                .where(ev.campaign_id == campaign_id, ev.day <= latest)
                .group_by(ev.unit_id, ev.item_id, ev.occurrence).subquery())
    lasts = [aliased(ChecklistEvent, name=f"last_event_{i}") for i in range(len(days))]
    q = (select(ob.unit_id, ob.item_id, TemplateItem.key, ob.occurrence, TemplateItem.weight,
                TemplateItem.criticality, TemplateItem.discipline, TemplateItem.sources, Template.key,
                TemplateSection.key, TemplateSection.title_zh, TemplateSection.title_en,
                TemplateItem.due_days_before_peak, CampaignTemplate.anchor_on, ob.due_at, ob.created_on, ob.event_id,
                *(func.coalesce(last.status_after, "open") for last in lasts))
         .select_from(ob)
         .join(TemplateItem, TemplateItem.id == ob.item_id)
         .join(TemplateSection, TemplateSection.id == TemplateItem.section_id)
         .join(Template, Template.id == TemplateItem.template_id)
         .outerjoin(CampaignTemplate, (CampaignTemplate.template_id == Template.id)
                    & (CampaignTemplate.campaign_id == campaign_id))
         .outerjoin(versions, (versions.c.unit_id == ob.unit_id) & (versions.c.item_id == ob.item_id)
                    & (versions.c.occurrence == ob.occurrence)))
    for i, last in enumerate(lasts):
        q = q.outerjoin(last, (last.campaign_id == campaign_id) & (last.unit_id == ob.unit_id)
                        & (last.item_id == ob.item_id) & (last.occurrence == ob.occurrence)
                        & (last.prev_version == versions.c[f"v{i}"]))
    q = q.where(ob.campaign_id == campaign_id, ob.created_on <= latest)
    if unit_ids is not None:
        q = q.where(ob.unit_id.in_(sorted(set(unit_ids))))
    having: dict[str, list[str]] = {}
    for key, template_key in session.execute(
            select(TemplateItem.key, Template.key).join(Template, Template.id == TemplateItem.template_id)
            .join(CampaignTemplate, CampaignTemplate.template_id == Template.id)
            .where(CampaignTemplate.campaign_id == campaign_id).order_by(CampaignTemplate.position)):
        having.setdefault(key, []).append(template_key)
    rows, statuses = [], []
    for (unit_id, item_id, item_key, occurrence, weight, criticality, discipline, sources, template_key,
         section_key, section_zh, section_en, days_before, anchor, due_at, created_on, event_id, *states
         ) in session.execute(q):
        one_off = (anchor or campaign.peak_start) - timedelta(days=days_before)
        rows.append((unit_id, item_id, item_key, occurrence, kind_of(occurrence), counts_before_peak(occurrence),
                     None, weight, criticality, discipline, list(sources or ()), template_key,
                     tuple(having.get(item_key, (template_key,))), f"{template_key}/{section_key}", section_zh,
                     section_en, due_day(occurrence, due_at, one_off), created_on, event_id))
        statuses.append(states)
    base = pd.DataFrame(rows, columns=COLUMNS)
    out = {}
    for i, d in enumerate(days):
        table = base.assign(status=[s[i] for s in statuses])
        out[d] = table[table["created_on"] <= d].reset_index(drop=True) if d != latest else table
    return out


@dataclass(frozen=True)
class Figures:
    """A set of obligations in figures, as of one day."""

    readiness: float | None  # weighted, over the one-off items and corrective actions (readiness.formula)
    done_weight: int
    applicable_weight: int  # the scope: weight of the pre-peak obligations not marked N/A
    critical_open: int  # pre-peak obligations of criticality "critical" still open
    overdue: int  # open obligations of any kind whose due day has passed
    actions_open: int  # corrective actions from drills still open


def figures(table: pd.DataFrame, as_of: date) -> Figures:
    """The headline figures of a standing table (or any part of it, e.g. one unit's sub-tree)."""
    if table.empty:
        return Figures(None, 0, 0, 0, 0, 0)
    before = table[table["before_peak"]]
    weight = {s: int(before.loc[before["status"] == s, "weight"].sum()) for s in ("done", "na")}
    total = int(before["weight"].sum())
    is_open = table["status"] == "open"
    overdue = is_open & table["due"].map(lambda d: d is not None and d < as_of)
    return Figures(
        readiness=readiness(weight["done"], weight["na"], total),
        done_weight=weight["done"],
        applicable_weight=total - weight["na"],
        critical_open=int((is_open & table["before_peak"] & (table["criticality"] == "critical")).sum()),
        overdue=int(overdue.sum()),
        actions_open=int((is_open & (table["kind"] == "corrective")).sum()),
    )


def progress_by(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Weighted readiness of the pre-peak obligations grouped by `columns` (e.g. unit and section):
    the columns, then done, applicable (weights), open_items and readiness."""
    before = table[table["before_peak"]]
    if before.empty:
        return pd.DataFrame(columns=[*columns, "done", "applicable", "open_items", "readiness"])
    frame = before.assign(w_done=before["weight"].where(before["status"] == "done", 0),
                          w_app=before["weight"].where(before["status"] != "na", 0),
                          is_open=before["status"] == "open")
    out = frame.groupby(columns, sort=False).agg(done=("w_done", "sum"), applicable=("w_app", "sum"),
                                                 open_items=("is_open", "sum")).reset_index()
    out["readiness"] = readiness(out["done"], 0, out["applicable"])
    return out


def rolled_to_children(table: pd.DataFrame, parent_id: int, paths: dict[int, str]) -> pd.DataFrame:
    """The table with `row_unit`: the child of `parent_id` whose sub-tree holds each row's unit (the parent's
    own rows keep the parent), so a heatmap shows one row per child, as the drill-down does."""
    parent_path = paths[parent_id]
    depth = parent_path.strip("/").count("/") + 1

    def child(unit_id: int) -> int:
        path = paths.get(unit_id, "")
        if path == parent_path or not path.startswith(parent_path):
            return parent_id
        return int(path.strip("/").split("/")[depth])

    owners = {u: child(u) for u in table["unit_id"].unique()}
    return table.assign(row_unit=table["unit_id"].map(owners))
