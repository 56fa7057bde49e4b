"""The drill-type catalogue's pieces: the rules' cached loader and one drill type drawn in full.

Tables here are static (st.table), so long objectives and criteria wrap instead of being cut off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from drills.service import DrillRuleView, DrillTypeView, list_drill_rules
from store.db import snapshot
from ui import state


@st.cache_data(max_entries=8, show_spinner=False)
def drill_rules(key: int) -> list[DrillRuleView]:
    with snapshot(state.engine()) as s:
        return list_drill_rules(session=s)


def _labels(prefix: str, codes: tuple[str, ...] | list[str]) -> str:
    return " · ".join(state.t(f"{prefix}.{code}") for code in codes)


def show_drill_type(dt: DrillTypeView, titles: dict[str, dict[str, str]]) -> None:
    """Everything a drill of this type starts from: plan, forms, objectives with their criteria,
    scenario and injects, roles, outside parties and the safety plan of a live drill."""
    lang = state.lang()
    st.write(state.name(dt, "description"))
    forms = _labels("dt.form", dt.forms)
    if dt.unannounced_allowed:
        forms += f" · {state.t('dt.unannounced')}"
    st.markdown(f"**{state.t('dt.plan_level')}**: {state.t(f'dt.plan.{dt.plan_level}')}  \n"
                f"**{state.t('dt.forms')}**: {forms}  \n"
                f"{state.t('dt.duration', h=dt.typical_duration_hours)}  \n"
                f"**{state.t('dt.disciplines')}**: {_labels('disc', dt.disciplines)}")
    st.markdown(f"**{state.t('dt.sources')}**")
    for source in dt.sources:
        st.markdown(f"- `{source}` {titles.get(source, {}).get(lang, '')}")
    st.markdown(f"**{state.t('dt.objectives')}**")
    live = state.t("dt.live_only")
    st.table(pd.DataFrame({
        state.t("dt.col_objective"): [o[f"text_{lang}"] for o in dt.objectives],
        state.t("dt.col_live_only"): [live if o.get("live_only") else "" for o in dt.objectives],
        state.t("dt.col_criteria"): [o.get(f"criteria_{lang}", "") for o in dt.objectives],
    }), hide_index=True, border="horizontal")
    st.caption(state.t("dt.live_only_hint"))
    if state.name(dt, "scenario"):
        st.markdown(f"**{state.t('dt.scenario')}**")
        st.text(state.name(dt, "scenario"))
    if dt.injects:
        st.markdown(f"**{state.t('dt.injects')}**")
        st.table(pd.DataFrame({
            state.t("dt.col_minute"): [f"T+{i['minute']}" for i in dt.injects],
            state.t("dt.col_inject"): [i[f"text_{lang}"] for i in dt.injects],
        }), hide_index=True, border="horizontal")
    st.markdown(f"**{state.t('dt.roles')}**: {_labels('dt.role', dt.roles)}  \n"
                f"**{state.t('dt.external')}**: {_labels('dt.party', dt.external_participants) or state.t('dt.none')}")
    if state.name(dt, "safety_plan"):
        st.markdown(f"**{state.t('dt.safety_plan')}**")
        st.text(state.name(dt, "safety_plan"))


def rules_table(rules: list[DrillRuleView], names: dict[str, str]) -> pd.DataFrame:
    """One row per rule: what it asks, which drills count, how often, for which kinds of unit."""
    rows = []
    for r in rules:
        counting = [names.get(k, k) for k in r.drill_types] + [state.t(f"dt.plan.{p}") for p in r.plan_levels]
        if r.forms:
            counting.append(f"({_labels('dt.form', r.forms)})")
        when = [state.t("dt.every_months", n=r.interval_months)]
        if r.per_shift:
            when.append(state.t("dt.per_shift"))
        if r.before_peak:
            when.append(state.t("dt.before_peak"))
        if r.only_where_planned:
            when.append(state.t("dt.only_where_planned"))
        rows.append({
            state.t("dt.col_rule"): getattr(r, f"text_{state.lang()}"),
            state.t("dt.col_counting"): " · ".join(counting) + f" — {state.t(f'dt.counts.{r.counts}')}",
            state.t("dt.col_interval"): " · ".join(when),
            state.t("dt.col_applies_to"): _labels("kind", r.applies_to),
            state.t("dt.col_sources"): ", ".join(r.sources),
        })
    return pd.DataFrame(rows)
