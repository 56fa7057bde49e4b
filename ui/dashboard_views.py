"""The executive's dashboard, drawn: headline figures with their weekly change, the outlook chart (target,
forecast and its band, scope, the peak start) and the child units ranked, at risk first.

Data comes through cached loaders keyed on the change counter and the day asked, so every app server
sees fresh figures after any change, and a past day costs what today costs."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st

from admin import dashboard
from checklists.campaigns import CampaignView
from core.errors import Forbidden
from core.i18n import t
from org.models import Actor
from readiness.charts import from_spec, readiness_outlook
from readiness.directives import directive_progress
from readiness.outlook import Forecast, forecast, target_series
from readiness.standing import progress_by, rolled_to_children
from store.db import snapshot
from ui import loaders, state


@st.cache_data(max_entries=64, show_spinner=False)
def _headline(campaign_id: int, unit_id: int, as_of: date, key: int):
    tables = _week_standings(campaign_id, unit_id, as_of, key)
    with snapshot(state.engine()) as s:
        return dashboard.headline_and_week_before(campaign_id, unit_id, as_of, session=s, tables=tables)


@st.cache_data(max_entries=64, show_spinner=False)
def _ranking(campaign_id: int, unit_id: int, as_of: date, key: int) -> pd.DataFrame:
    table = _standing(campaign_id, unit_id, as_of, key)
    with snapshot(state.engine()) as s:
        return dashboard.child_ranking(campaign_id, unit_id, as_of, session=s, table=table)


def may_read(unit_id: int, readable: set[int]) -> None:
    """Refuse (Forbidden) unless the unit is one the user may read, as the page read their rights afresh for
    this run (loaders.scope): one look at the rights per run instead of one per figure."""
    if unit_id not in readable:
        raise Forbidden(action="unit.read", unit=str(unit_id))


@st.cache_data(max_entries=16, show_spinner=False)
def _week_standings(campaign_id: int, unit_id: int, as_of: date, key: int) -> dict[date, pd.DataFrame]:
    """The sub-tree's standing on the day and a week before, from one read of the log: the headline, the
    ranking and the views all start from it, so a cold page reads the log once."""
    with snapshot(state.engine()) as s:
        return dashboard.week_standings(campaign_id, unit_id, as_of, session=s)


def _standing(campaign_id: int, unit_id: int, as_of: date, key: int) -> pd.DataFrame:
    return _week_standings(campaign_id, unit_id, as_of, key)[as_of]


def standing(actor: Actor, campaign_id: int, unit_id: int, as_of: date, key: int, within: set[int]) -> pd.DataFrame:
    """Every obligation of the unit's sub-tree as it stood on the day (readiness.standing), of the units the
    user may read."""
    may_read(unit_id, within)
    table = _standing(campaign_id, unit_id, as_of, key)
    return table[table["unit_id"].isin(within)]


def ids_digest(ids: frozenset[int]) -> str:
    """A cache key for a set of unit ids: hashing a thousand ids one by one costs more than the cached call."""
    return hashlib.blake2b(np.array(sorted(ids), dtype=np.int64).tobytes(), digest_size=16).hexdigest()


BY_DIGEST = {frozenset: ids_digest}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_DIGEST)
def cached_progress(campaign_id: int, unit_id: int, as_of: date, key: int, within: frozenset[int],
                    columns: tuple[str, ...], template: str | None) -> pd.DataFrame:
    """readiness.standing.progress_by over the sub-tree's standing table, of the units in `within` (with
    "row_unit": each unit's rows on the child of `unit_id` holding it; `template`: that template's rows
    only), computed once per change. The caller checks the user may read `unit_id` (may_read)."""
    table = _standing(campaign_id, unit_id, as_of, key)
    table = table[table["unit_id"].isin(within)]
    if "row_unit" in columns:
        with snapshot(state.engine()) as s:
            paths = dashboard.paths(session=s)
        table = rolled_to_children(table, unit_id, paths)
    if template is not None:
        table = table[table["template_key"] == template]
    if columns == ("templates",):
        table = table.explode("templates")
    return progress_by(table, list(columns))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_DIGEST)
def _directives(campaign_id: int, unit_id: int, as_of: date, key: int, within: frozenset[int]) -> pd.DataFrame:
    table = _standing(campaign_id, unit_id, as_of, key)
    return directive_progress(table[table["unit_id"].isin(within)], as_of)


def directives(actor: Actor, campaign_id: int, unit_id: int, as_of: date, key: int, within: set[int]) -> pd.DataFrame:
    """readiness.directives.directive_progress of the sub-tree on the day, computed once per change."""
    may_read(unit_id, within)
    return _directives(campaign_id, unit_id, as_of, key, frozenset(within))


def headline(actor: Actor, campaign_id: int, unit_id: int, as_of: date, key: int, within: set[int]):
    """The figures of a unit's sub-tree on a day and a week before, for a user who may read the unit."""
    may_read(unit_id, within)
    return _headline(campaign_id, unit_id, as_of, key)


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _points(now: float | None, before: float | None) -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return f"{(now - before) * 100:+.1f} pp"


def _count(now: int, before: int | None) -> str | None:
    return None if before is None else f"{now - before:+d}"


def figures(now: dashboard.Headline, before: dashboard.Headline | None) -> None:
    """Seven figures, each with its change over the last week (a rise in a count of problems shows red)."""
    b = before
    row1 = st.columns(4)
    row1[0].metric(state.t("db.readiness_now"), _pct(now.readiness), delta=_points(now.readiness, b and b.readiness),
                   help=state.t("dash.readiness_help", target=_pct(now.target)))
    if now.days_to_peak >= 0:
        row1[1].metric(state.t("cl.days_to_peak"), state.t("cl.days", n=now.days_to_peak))
    else:
        row1[1].metric(state.t("dash.days_into_peak"), state.t("cl.days", n=-now.days_to_peak))
    row1[2].metric(state.t("dash.critical_open"), now.critical_open, delta=_count(now.critical_open, b and b.critical_open),
                   delta_color="inverse", help=state.t("dash.critical_open_help"))
    row1[3].metric(state.t("dash.overdue"), now.overdue, delta=_count(now.overdue, b and b.overdue),
                   delta_color="inverse", help=state.t("dash.overdue_help"))
    row2 = st.columns(4)
    row2[0].metric(state.t("dash.drills_missing"), now.drills_missing,
                   delta=_count(now.drills_missing, b and b.drills_missing), delta_color="inverse",
                   help=state.t("dash.drills_missing_help"))
    row2[1].metric(state.t("db.actions_open"), now.actions_open, delta=_count(now.actions_open, b and b.actions_open),
                   delta_color="inverse", help=state.t("db.actions_help"))
    row2[2].metric(state.t("dash.on_time"), _pct(now.on_time), delta=_points(now.on_time, b and b.on_time),
                   help=state.t("dash.on_time_help"))
    row2[3].metric(state.t("dash.scope"), now.scope, delta=_count(now.scope, b and b.scope),
                   delta_color="off", help=state.t("dash.scope_help"))


@st.cache_data(max_entries=64, show_spinner=False)
def _outlook(campaign_id: int, unit_id: int, as_of: date, key: int, campaign: CampaignView, labels: dict[str, str]
             ) -> tuple[dict, Forecast | None]:
    """The outlook chart's plotly spec and the forecast, built once per change, day and language."""
    series = loaders.cached_series(campaign_id, unit_id, campaign.starts_on, as_of, key)
    fc = forecast(series, as_of=as_of, peak_start=campaign.peak_start)
    days = pd.date_range(campaign.starts_on, max(campaign.peak_start, as_of) + timedelta(days=7)).date
    target = target_series(days, starts_on=campaign.starts_on, peak_start=campaign.peak_start,
                           shape=campaign.target_shape)
    fig = readiness_outlook(series, peak_start=campaign.peak_start, starts_on=campaign.starts_on, labels=labels,
                            target=target, forecast=fc, as_of=as_of)
    return fig.to_dict(), fc


def outlook(campaign: CampaignView, unit_id: int, as_of: date, key: int, within: set[int], title: str,
            today: date) -> None:
    """The readiness chart of the unit's sub-tree with the campaign's target, the forecast to the peak start
    and its sentence."""
    may_read(unit_id, within)
    with state.pinned_lang():
        labels = {k: state.t(f"outlook.{k}") for k in ("readiness", "target", "forecast", "scope", "peak", "y",
                                                         "scope_axis")}
        labels |= {"title": title, "band": state.t("outlook.band", level="80%"),
                   "today": state.t("db.today") if as_of == today else state.t("db.as_of")}
    spec, fc = _outlook(campaign.id, unit_id, as_of, key, campaign, labels)
    st.plotly_chart(from_spec(spec), width="stretch", key="readiness_chart")
    if as_of >= campaign.peak_start:
        st.caption(state.t("outlook.peak_started"))
    elif fc is None:
        st.caption(state.t("outlook.no_forecast"))
    else:
        st.markdown(state.t("outlook.sentence", window=fc.window_days, low=_pct(fc.low), high=_pct(fc.high),
                            day=campaign.peak_start.strftime("%m-%d")))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_DIGEST)
def _ranked(campaign_id: int, unit_id: int, as_of: date, key: int, within: frozenset[int], lang: str) -> pd.DataFrame:
    """The ranking as shown: only the children the user may read, named, with why each is at risk."""
    table = _ranking(campaign_id, unit_id, as_of, key)
    table = table[table["unit_id"].isin(within)]
    names = {u.id: getattr(u, f"name_{lang}") for u in loaders.all_units(key)}
    reasons = {"risk_forecast": "dash.risk_forecast", "risk_critical": "dash.risk_critical",
               "risk_drills": "dash.risk_drills"}
    sep = "、" if lang == "zh" else ", "
    shown = table.assign(
        unit=table["unit_id"].map(names),
        why=table.apply(lambda r: sep.join(t(v, lang) for k, v in reasons.items() if r[k]) or "—", axis=1),
        forecast=table.apply(lambda r: "—" if pd.isna(r["forecast_mid"]) else
                             f"{r['forecast_low']:.0%}–{r['forecast_high']:.0%}", axis=1),
    )
    return shown[["unit", "readiness", "gap", "forecast", "critical_overdue", "drills_missing", "why"]]


def ranked(campaign_id: int, unit_id: int, as_of: date, key: int, within: set[int]) -> None:
    """The unit's children (dashboard.child_ranking) the user may read, at risk first then by gap to target,
    with why each is at risk."""
    may_read(unit_id, within)
    st.dataframe(
        _ranked(campaign_id, unit_id, as_of, key, frozenset(within), state.lang()),
        hide_index=True, width="stretch",
        column_config={
            "unit": state.t("db.col_unit"),
            "readiness": st.column_config.ProgressColumn(state.t("db.col_readiness"), min_value=0, max_value=1,
                                                         format="percent"),
            "gap": st.column_config.NumberColumn(state.t("dash.col_gap"), format="percent",
                                                 help=state.t("dash.col_gap_help")),
            "forecast": state.t("dash.col_forecast"), "critical_overdue": state.t("dash.col_critical_overdue"),
            "drills_missing": state.t("dash.drills_missing"), "why": state.t("dash.col_why"),
        },
    )
