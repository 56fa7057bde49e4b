"""Drill coverage for the executive's dashboard: for a campaign and a set of units, as of a day, the drills
required (drills.required), planned and conducted, per rule and per drill type and unit.

"As of" a day means as the drills stood on that day, judged from each drill's own day as drills.required
judges them (the per-rule table is made from required_drills, so the two use one clock):
  conducted  a drill held (conducted or reviewed) whose end falls on or before the day, with the unit
             recorded as attending, from the campaign's start on;
  planned    a drill the unit is down for that had not been held by the day, starting from the day up to
             (not including) the peak start; once the peak has begun nothing counts as planned.
Drills count for the campaign when they name it or name no campaign. Cancelled drills never count.

The approximation: a drill's status on a past day is taken from its day, not from when it was recorded.
A drill held on the 8th and recorded on the 10th counts as conducted as of the 9th; a drill held later
than the day counts as planned then, even if it was put on the calendar after that day; a drill cancelled
since counts nowhere, even on a day before it was cancelled. The drill log (kind "status") would tell when
each status was recorded, but required_drills judges by the day, and the tables must not disagree.
Where they still differ: required_drills offers only drills still planned or ready to close a gap (any day
from the one asked, after the peak start too), and counts drills held before the campaign began while
their interval lasts.

Per drill type, a requirement counts under the type of the drill that met it (met or due); else under the
type of the drill planned to close it; else under every type that could close it: its plan's type (a
rule checked per plan) when recorded, the types the rule names, or, for a rule naming only plan levels,
every type of those levels. So an open gap any of several types would close shows under each of them, and
the per-type figures may add up to more than the per-rule table's; a per-shift rule counts one
requirement per shift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import local_day
from drills.required import HELD, Requirement, required_drills
from drills.service import DrillRuleView, list_drill_rules
from store.schema import Campaign, CampaignUnit, Drill, DrillType, DrillUnit, EmergencyPlan, OrgUnit

RULE_COLUMNS = ["rule_key", "rule_zh", "rule_en", "required", "met", "planned", "missing", "overdue", "no_record"]
TYPE_COLUMNS = ["type_key", "type_zh", "type_en", "unit_id", "required", "planned", "conducted", "missing"]
TOTAL_COLUMNS = ["type_key", "type_zh", "type_en", "required", "conducted", "planned", "missing"]


def standing(req: Requirement) -> str:
    """Which column of rule_coverage a requirement falls in: met (held and still counting, state met or
    due), overdue, no_record (no plan or shift on record), planned (a drill on the calendar would close
    it) or missing (nothing planned)."""
    if req.state in ("met", "due"):
        return "met"
    if req.state == "overdue":
        return "overdue"
    if req.state in ("no-plan", "no-shift"):
        return "no_record"
    return "planned" if req.planned_drill_id is not None else "missing"


def rule_coverage(campaign_id: int, as_of: date, *, session: Session,
                  unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """One row per rule with a requirement among the units, in the rules' order: how many requirements
    (required_drills rows) and where they stand; met + planned + missing + overdue + no_record = required."""
    counts: dict[str, Counter] = {}
    for req in required_drills(campaign_id, session=session, as_of=as_of,
                               unit_ids=None if unit_ids is None else set(unit_ids)):
        counts.setdefault(req.rule_key, Counter())[standing(req)] += 1
    rows = [{"rule_key": r.key, "rule_zh": r.text_zh, "rule_en": r.text_en, "required": sum(c.values()),
             **{k: c[k] for k in RULE_COLUMNS[4:]}}
            for r in list_drill_rules(session=session) if (c := counts.get(r.key))]
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def type_unit_coverage(campaign_id: int, as_of: date, *, session: Session,
                       unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """One row per drill type and unit with a requirement or a drill (types in catalogue order, units in
    tree order): requirements counted under the type (see the module's note), drills planned and conducted
    as of the day, and `missing`: the requirements under the type overdue or missing with no drill planned
    (less the drills held since, which were still to come on the day)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return pd.DataFrame(columns=TYPE_COLUMNS)
    query = (select(OrgUnit.id).join(CampaignUnit, CampaignUnit.unit_id == OrgUnit.id)
             .where(CampaignUnit.campaign_id == campaign_id, OrgUnit.is_active).order_by(OrgUnit.path))
    units = [u for u in session.scalars(query) if unit_ids is None or u in unit_ids]
    types = {key: (zh, en, level) for key, zh, en, level in session.execute(
        select(DrillType.key, DrillType.name_zh, DrillType.name_en, DrillType.plan_level).order_by(DrillType.id))}
    reqs = required_drills(campaign_id, session=session, as_of=as_of, unit_ids=set(units))
    required, gaps, planned, conducted, later = Counter(), Counter(), Counter(), Counter(), Counter()
    closing = _ids_to_types(session, Drill, Drill.drill_type_id,
                            {i for r in reqs for i in (r.last_drill_id, r.planned_drill_id) if i is not None})
    plan_types = _ids_to_types(session, EmergencyPlan, EmergencyPlan.drill_type_id,
                               {r.plan_id for r in reqs if r.plan_id is not None})
    rules = {r.key: r for r in list_drill_rules(session=session)}
    for req in reqs:
        for key in _types_for(req, rules[req.rule_key], types, closing, plan_types):
            required[key, req.unit_id] += 1
            gaps[key, req.unit_id] += standing(req) in ("missing", "overdue") and req.planned_drill_id is None
    drills = session.execute(
        select(DrillUnit.unit_id, DrillUnit.attended, Drill.status, Drill.starts_at, Drill.ends_at, DrillType.key)
        .join(Drill, Drill.id == DrillUnit.drill_id).join(DrillType, DrillType.id == Drill.drill_type_id)
        .where(DrillUnit.unit_id.in_(units), Drill.status != "cancelled",
               or_(Drill.campaign_id == campaign_id, Drill.campaign_id.is_(None))))
    for unit_id, attended, status, starts_at, ends_at, key in drills:
        held_on = local_day(ends_at)
        if status in HELD and held_on <= as_of:
            conducted[key, unit_id] += bool(attended) and held_on >= campaign.starts_on
        elif as_of <= local_day(starts_at) < campaign.peak_start:
            planned[key, unit_id] += 1
            later[key, unit_id] += status in HELD  # planned then; required_drills offers only drills still planned
    rows = [{"type_key": key, "type_zh": zh, "type_en": en, "unit_id": unit_id, "required": required[key, unit_id],
             "planned": planned[key, unit_id], "conducted": conducted[key, unit_id],
             "missing": max(gaps[key, unit_id] - later[key, unit_id], 0)}
            for key, (zh, en, _) in types.items() for unit_id in units
            if required[key, unit_id] or planned[key, unit_id] or conducted[key, unit_id]]
    return pd.DataFrame(rows, columns=TYPE_COLUMNS)


def _ids_to_types(session: Session, table, column, ids: set[int]) -> dict[int, str]:
    """The drill-type key of each drill (or plan) among `ids` that names one."""
    if not ids:
        return {}
    rows = session.execute(select(table.id, DrillType.key).join(DrillType, DrillType.id == column)
                           .where(table.id.in_(ids)))
    return {row_id: key for row_id, key in rows}


def _types_for(req: Requirement, rule: DrillRuleView, types: dict[str, tuple[str, str, str]],
               closing: dict[int, str], plan_types: dict[int, str]) -> list[str]:
    held = req.last_drill_id if standing(req) == "met" else None
    for drill_id in (held, req.planned_drill_id):
        if drill_id in closing:
            return [closing[drill_id]]
    if req.plan_id in plan_types:
        return [plan_types[req.plan_id]]
    if rule.drill_types:
        return [k for k in rule.drill_types if k in types]
    return [k for k, (_, _, level) in types.items() if level in rule.plan_levels]


def type_totals(cells: pd.DataFrame) -> pd.DataFrame:
    """type_unit_coverage summed per drill type, in its order."""
    if cells.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    return cells.groupby(TOTAL_COLUMNS[:3], sort=False)[TOTAL_COLUMNS[3:]].sum().reset_index()


def coverage_chart(totals: pd.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    """Stacked bars per drill type: drills conducted, drills planned, and requirements neither covers.
    `labels` names the three series (keys conducted, planned, missing) and the axis (`y`)."""
    colours = {"conducted": "#2e7d32", "planned": "#1e88e5", "missing": "#e53935"}
    fig = go.Figure([go.Bar(name=labels[k], x=totals[f"type_{lang}"].tolist(), y=totals[k].tolist(),
                            marker_color=colour, meta=k)
                     for k, colour in colours.items()])
    fig.update_layout(barmode="stack", yaxis={"title": labels["y"], "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.25}, margin={"t": 10, "b": 10})
    return fig
