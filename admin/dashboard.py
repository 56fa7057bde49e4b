"""The executive's dashboard in figures, for a unit's sub-tree as of any day: the headline figures (with
their change over the last week), and its child units ranked with the ones at risk first.

It joins the two domains (readiness from the checklist log, drills from the drill records), so it sits
above both. Every figure is recomputed for the day asked, never read from a stored snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from drills.required import required_drills
from readiness.on_time import on_time_rate
from readiness.outlook import forecast, target_on
from readiness.series import readiness_series, series_by_child
from readiness.standing import figures, standing, standing_on
from store.schema import Campaign, CampaignUnit, OrgUnit, Template

DRILL_GAPS = ("overdue", "missing", "no-plan", "no-shift")  # a required drill not held (no "due": it was held)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Headline:
    as_of: date
    days_to_peak: int
    readiness: float | None
    scope: int  # applicable weight of the pre-peak obligations
    critical_open: int
    overdue: int
    drills_missing: int
    actions_open: int
    on_time: float | None  # the in-season on-time rate, once the peak has started and something fell due
    target: float  # where the campaign's target trajectory stands on the day


def top_unit(campaign_id: int, *, session: Session) -> int:
    """The campaign's top unit: the one of its units whose parent is not among them (with several such,
    the deepest unit above them all). NotFound for an unknown campaign or one without units."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.path)
                           .join(CampaignUnit, CampaignUnit.unit_id == OrgUnit.id)
                           .where(CampaignUnit.campaign_id == campaign_id)).all()
    if not rows:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    ids = {r.id for r in rows}
    roots = [r for r in rows if r.parent_id not in ids]
    if len(roots) == 1:
        return roots[0].id
    parts = [r.path.strip("/").split("/") for r in roots]
    common = [p[0] for p in zip(*parts, strict=False) if len(set(p)) == 1]
    if not common:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    return int(common[-1])


def subtree(unit_id: int, *, session: Session) -> set[int]:
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    return set(session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(path)))) if path else set()


def paths(*, session: Session) -> dict[int, str]:
    """Every unit's materialised path, by id."""
    return dict(session.execute(select(OrgUnit.id, OrgUnit.path)).all())


def subtree_standing(campaign_id: int, unit_id: int, as_of: date, *, session: Session) -> pd.DataFrame:
    """readiness.standing for a unit's sub-tree."""
    return standing(campaign_id, as_of, session=session, unit_ids=subtree(unit_id, session=session))


def headline(campaign_id: int, unit_id: int, as_of: date, *, session: Session, table: pd.DataFrame | None = None
             ) -> Headline:
    """The headline figures of a unit's sub-tree on a day (`table`: its standing that day, when already read)."""
    campaign = session.get(Campaign, campaign_id)
    units = subtree(unit_id, session=session)
    if table is None:
        table = standing(campaign_id, as_of, session=session, unit_ids=units)
    f = figures(table, as_of)
    gaps = [r for r in required_drills(campaign_id, session=session, as_of=as_of, unit_ids=units)
            if r.state in DRILL_GAPS]
    on_time = on_time_rate(campaign_id, as_of, session=session, root_unit_id=unit_id).rate \
        if as_of >= campaign.peak_start else None
    return Headline(as_of=as_of, days_to_peak=(campaign.peak_start - as_of).days, readiness=f.readiness,
                    scope=f.applicable_weight, critical_open=f.critical_open, overdue=f.overdue,
                    drills_missing=len(gaps), actions_open=f.actions_open, on_time=on_time,
                    target=target_on(as_of, starts_on=campaign.starts_on, peak_start=campaign.peak_start,
                                     shape=campaign.target_shape))


def headline_and_week_before(campaign_id: int, unit_id: int, as_of: date, *, session: Session,
                             tables: dict[date, pd.DataFrame] | None = None) -> tuple[Headline, Headline | None]:
    """The figures on the day and a week earlier (None when the week before is before the season began),
    from one read of the log (`tables`: week_standings(), when already read)."""
    campaign = session.get(Campaign, campaign_id)
    earlier = as_of - WEEK
    if tables is None:
        tables = week_standings(campaign_id, unit_id, as_of, session=session)
    now = headline(campaign_id, unit_id, as_of, session=session, table=tables[as_of])
    before = headline(campaign_id, unit_id, earlier, session=session, table=tables[earlier]) \
        if earlier >= campaign.starts_on else None
    return now, before


def week_standings(campaign_id: int, unit_id: int, as_of: date, *, session: Session) -> dict[date, pd.DataFrame]:
    """The sub-tree's standing on the day and a week before it, from one read of the log."""
    return standing_on(campaign_id, [as_of, as_of - WEEK], session=session, unit_ids=subtree(unit_id, session=session))


RANK_COLUMNS = ["unit_id", "readiness", "target", "gap", "forecast_low", "forecast_mid", "forecast_high",
                "critical_overdue", "drills_missing", "at_risk", "risk_forecast", "risk_critical", "risk_drills"]


def child_ranking(campaign_id: int, unit_id: int, as_of: date, *, session: Session,
                  within: Iterable[int] | None = None, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The unit's children (each with its sub-tree), ranked: at risk first, then by gap to the target.

    A child is at risk when its forecast at the peak start is below 100 % (once the peak has begun: when it
    is not at 100 %), when it has critical items overdue, or when a required drill is not held. `within`: only
    these children (the user's scope); `table`: the sub-tree's standing on the day, when already read.
    Columns: RANK_COLUMNS.
    """
    campaign = session.get(Campaign, campaign_id)
    children = [c for c in session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == unit_id))
                if within is None or c in set(within)]
    series = series_by_child(campaign_id, unit_id, start=campaign.starts_on, end=as_of, session=session)
    units = subtree(unit_id, session=session)
    if table is None:
        table = standing(campaign_id, as_of, session=session, unit_ids=units)
    paths = dict(session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(units))).all())
    gaps = [r for r in required_drills(campaign_id, session=session, as_of=as_of, unit_ids=units)
            if r.state in DRILL_GAPS]
    target = target_on(as_of, starts_on=campaign.starts_on, peak_start=campaign.peak_start, shape=campaign.target_shape)
    rows = []
    for child in children:
        mine = {u for u, p in paths.items() if p.startswith(paths[child])}
        own = series[series["unit_id"] == child]
        if own.empty:
            continue  # takes no part in the season
        f = figures(table[table["unit_id"].isin(mine)], as_of)
        late = table[table["unit_id"].isin(mine) & (table["status"] == "open") & (table["criticality"] == "critical")
                     & table["due"].map(lambda d: d is not None and d < as_of)]
        outlook = forecast(own, as_of=as_of, peak_start=campaign.peak_start)
        missing = sum(g.unit_id in mine for g in gaps)
        readiness = f.readiness
        if as_of >= campaign.peak_start:  # the peak has begun: what is not done now was not done in time
            risk_forecast = readiness is not None and readiness < 1
        else:
            risk_forecast = outlook is not None and outlook.mid < 1
        rows.append({
            "unit_id": child, "readiness": readiness, "target": target,
            "gap": None if readiness is None else target - readiness,
            "forecast_low": outlook.low if outlook else None, "forecast_mid": outlook.mid if outlook else None,
            "forecast_high": outlook.high if outlook else None,
            "critical_overdue": len(late), "drills_missing": missing,
            "risk_forecast": risk_forecast, "risk_critical": len(late) > 0, "risk_drills": missing > 0,
            "at_risk": risk_forecast or len(late) > 0 or missing > 0,
        })
    out = pd.DataFrame(rows, columns=RANK_COLUMNS)
    return out.sort_values(["at_risk", "gap"], ascending=[False, False], na_position="last", kind="stable",
                           ignore_index=True)


def unit_series(campaign_id: int, unit_id: int, as_of: date, *, session: Session) -> pd.DataFrame:
    campaign = session.get(Campaign, campaign_id)
    return readiness_series(campaign_id, start=campaign.starts_on, end=as_of, session=session, root_unit_id=unit_id)


@dataclass(frozen=True)
class YearOverYear:
    """This season's readiness and the season before's (same first template), each day keyed by its days
    to its own peak start (`offset`: negative before the peak), for one unit's sub-tree."""

    this: pd.DataFrame  # SERIES_COLUMNS + offset, from this season's start to the day asked
    last: pd.DataFrame | None  # the whole season before, to its peak start and a month after; None: there is none
    last_name: str | None
    same_day_last: float | None  # last season's readiness as many days before its peak as the day asked is


def previous_season(campaign_id: int, *, session: Session) -> Campaign | None:
    """The latest season before this one that ran the same first template (last year's summer peak)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    return session.scalars(
        select(Campaign).where(Campaign.template_id.in_(
            select(Template.id).where(Template.key == select(Template.key).where(
                Template.id == campaign.template_id).scalar_subquery())),
            Campaign.peak_start < campaign.peak_start).order_by(Campaign.peak_start.desc())).first()


def year_over_year(campaign_id: int, unit_id: int, as_of: date, *, session: Session) -> YearOverYear:
    campaign = session.get(Campaign, campaign_id)
    this = readiness_series(campaign_id, start=campaign.starts_on, end=as_of, session=session, root_unit_id=unit_id)
    this = this.assign(offset=[(d - campaign.peak_start).days for d in this["day"]])
    before = previous_season(campaign_id, session=session)
    if before is None:
        return YearOverYear(this, None, None, None)
    last = readiness_series(before.id, start=before.starts_on, end=before.peak_start + timedelta(days=30),
                            session=session, root_unit_id=unit_id)
    last = last.assign(offset=[(d - before.peak_start).days for d in last["day"]])
    same = last.loc[last["offset"] == (as_of - campaign.peak_start).days, "readiness"]
    same_day = None if same.empty or pd.isna(same.iloc[0]) else float(same.iloc[0])
    return YearOverYear(this, last, before.name, same_day)
