"""Readiness as of any date, per unit and rolled up the hierarchy, from the per-day deltas.

The per-day table (store.schema.ReadinessDaily) is written with every event, so
readiness over time is one grouped SUM in the database plus a cumulative sum
here, never a replay of the log per day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from readiness.formula import readiness
from store.schema import CampaignUnit, OrgUnit, ReadinessDaily

SERIES_COLUMNS = ["day", "done", "na", "total", "readiness"]


def _weight_sums() -> tuple:
    """SUMs of done / not-applicable / total weight deltas."""
    return (
        func.sum(ReadinessDaily.done_delta),
        func.sum(ReadinessDaily.na_delta),
        func.sum(ReadinessDaily.total_delta),
    )


def unit_readiness(campaign_id: int, as_of: date, *, session: Session) -> pd.DataFrame:
    """One row per unit taking part (and each ancestor), with its own and its sub-tree's readiness.

    Columns: unit_id, code, name_zh, name_en, kind, parent_id, depth, path,
    done, na, total, readiness, sub_done, sub_na, sub_total, sub_readiness.
    """
    own = {
        uid: (int(d or 0), int(n or 0), int(t or 0))
        for uid, d, n, t in session.execute(
            select(ReadinessDaily.unit_id, *_weight_sums())
            .where(ReadinessDaily.campaign_id == campaign_id, ReadinessDaily.day <= as_of)
            .group_by(ReadinessDaily.unit_id)
        )
    }
    members = set(session.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id)))
    units = session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en, OrgUnit.kind, OrgUnit.parent_id,
               OrgUnit.depth, OrgUnit.path).order_by(OrgUnit.path)
    ).all()
    return rollup(units, own, members)


def rollup(units: Iterable, own: dict[int, tuple[int, int, int]], members: set[int]) -> pd.DataFrame:
    """Add each unit's weights to all its ancestors (via the materialised path); keep the
    units taking part and their ancestors. Pure: rows in, DataFrame out."""
    units = list(units)
    sub: dict[int, list[int]] = {u.id: [0, 0, 0] for u in units}
    relevant: set[int] = set()
    for u in units:
        if u.id not in members:
            continue
        d, n, t = own.get(u.id, (0, 0, 0))
        for ancestor in (int(x) for x in u.path.strip("/").split("/")):
            if ancestor in sub:
                acc = sub[ancestor]
                acc[0] += d
                acc[1] += n
                acc[2] += t
                relevant.add(ancestor)
    rows = []
    for u in units:
        if u.id not in relevant:
            continue
        d, n, t = own.get(u.id, (0, 0, 0))
        sd, sn, st = sub[u.id]
        rows.append(
            {
                "unit_id": u.id, "code": u.code, "name_zh": u.name_zh, "name_en": u.name_en, "kind": u.kind,
                "parent_id": u.parent_id, "depth": u.depth, "path": u.path, "member": u.id in members,
                "done": d, "na": n, "total": t, "readiness": readiness(d, n, t),
                "sub_done": sd, "sub_na": sn, "sub_total": st, "sub_readiness": readiness(sd, sn, st),
            }
        )
    return pd.DataFrame(rows)


def readiness_series(
    campaign_id: int, *, start: date, end: date, session: Session, root_unit_id: int | None = None
) -> pd.DataFrame:
    """Daily readiness of a unit's sub-tree (or the whole campaign) from `start` to `end` inclusive."""
    q = (
        select(ReadinessDaily.day, *_weight_sums())
        .where(ReadinessDaily.campaign_id == campaign_id, ReadinessDaily.day <= end)
        .group_by(ReadinessDaily.day)
        .order_by(ReadinessDaily.day)
    )
    if root_unit_id is not None:
        root_path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == root_unit_id))
        q = q.join(OrgUnit, OrgUnit.id == ReadinessDaily.unit_id).where(OrgUnit.path.startswith(root_path or "-"))
    deltas = pd.DataFrame(session.execute(q).all(), columns=["day", "done", "na", "total"])
    return cumulative(deltas, start=start, end=end)


def cumulative(deltas: pd.DataFrame, *, start: date, end: date) -> pd.DataFrame:
    """Per-day deltas → running totals and readiness for every day from start to end."""
    days = pd.date_range(start, end, freq="D")
    if deltas.empty:
        out = pd.DataFrame({"day": days, "done": 0, "na": 0, "total": 0})
    else:
        d = deltas.copy()
        d["day"] = pd.to_datetime(d["day"])
        d = d.groupby("day")[["done", "na", "total"]].sum().astype("int64").cumsum()
        d = d.reindex(d.index.union(days)).ffill().fillna(0).astype("int64")
        out = d.loc[(d.index >= days[0]) & (d.index <= days[-1])].reset_index(names="day")
    out["readiness"] = readiness(out["done"], out["na"], out["total"])
    out["day"] = out["day"].dt.date
    return out[SERIES_COLUMNS]


def section_progress(rows: Iterable) -> pd.DataFrame:
    """Per section of a unit's checklist: items done / applicable and weighted readiness."""
    records = [
        {"section_key": r.section_key, "section_zh": r.section_zh, "section_en": r.section_en,
         "status": r.status, "weight": r.weight}
        for r in rows
    ]
    if not records:
        return pd.DataFrame(columns=["section_key", "section_zh", "section_en", "done", "applicable",
                                     "items", "readiness"])
    df = pd.DataFrame(records)
    df["is_done"] = df["status"] == "done"
    df["is_applicable"] = df["status"] != "na"
    df["w_done"] = df["weight"] * df["is_done"]
    df["w_na"] = df["weight"] * ~df["is_applicable"]
    g = df.groupby(["section_key", "section_zh", "section_en"], sort=False).agg(
        done=("is_done", "sum"), applicable=("is_applicable", "sum"), items=("status", "size"),
        w_done=("w_done", "sum"), w_na=("w_na", "sum"), w_total=("weight", "sum"),
    ).reset_index()
    g["readiness"] = readiness(g["w_done"], g["w_na"], g["w_total"])
    return g.drop(columns=["w_done", "w_na", "w_total"])


def template_progress(rows: Iterable, template_keys: Iterable[str]) -> pd.DataFrame:
    """Per template of the season, a unit's weighted readiness over the items the template has: an item
    two templates share counts in each of them (and once in the overall figure)."""
    rows = list(rows)
    records = []
    for key in template_keys:
        mine = [r for r in rows if key in (r.templates or (r.template_key,))]
        figures = checklist_summary(mine)
        records.append({"template": key, "items": len(mine), **figures})
    return pd.DataFrame(records, columns=["template", "items", "readiness", "done", "applicable"])


def checklist_summary(rows: Iterable) -> dict[str, float | int | None]:
    """A unit's checklist in figures: weighted readiness, items done and applicable."""
    rows = list(rows)
    weight = {s: sum(r.weight for r in rows if r.status == s) for s in ("done", "na")}
    return {
        "readiness": readiness(weight["done"], weight["na"], sum(r.weight for r in rows)),
        "done": sum(r.status == "done" for r in rows),
        "applicable": sum(r.status != "na" for r in rows),
    }


def series_by_child(campaign_id: int, parent_unit_id: int, *, start: date, end: date, session: Session) -> pd.DataFrame:
    """Daily readiness of each child unit's sub-tree under `parent_unit_id`, in one read of the per-day
    table: columns unit_id (the child), then SERIES_COLUMNS. A child with no row is left out."""
    parent = session.execute(select(OrgUnit.path, OrgUnit.depth).where(OrgUnit.id == parent_unit_id)).one_or_none()
    if parent is None:
        return pd.DataFrame(columns=["unit_id", *SERIES_COLUMNS])
    rows = session.execute(
        select(OrgUnit.path, ReadinessDaily.day, *_weight_sums())
        .join(OrgUnit, OrgUnit.id == ReadinessDaily.unit_id)
        .where(ReadinessDaily.campaign_id == campaign_id, ReadinessDaily.day <= end,
               OrgUnit.path.startswith(parent.path), OrgUnit.id != parent_unit_id)
        .group_by(OrgUnit.path, ReadinessDaily.day)).all()
    level = parent.path.strip("/").count("/") + 1  # the child's place in a descendant's path
    frames = []
    by_child: dict[int, list] = {}
    for path, day, done, na, total in rows:
        child = int(path.strip("/").split("/")[level])
        by_child.setdefault(child, []).append((day, done or 0, na or 0, total or 0))
    for child, deltas in by_child.items():
        frame = cumulative(pd.DataFrame(deltas, columns=["day", "done", "na", "total"]), start=start, end=end)
        frames.append(frame.assign(unit_id=child))
    if not frames:
        return pd.DataFrame(columns=["unit_id", *SERIES_COLUMNS])
    return pd.concat(frames, ignore_index=True)[["unit_id", *SERIES_COLUMNS]]
