"""The dashboard's heatmap tab: the unit's children (each with its sub-tree) × checklist sections or
disciplines, as they stood on the day, and readiness per template of the season."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from checklists.campaigns import CampaignView
from core.i18n import t
from org.models import Actor
from org.queries import UnitView
from readiness.charts import from_spec, readiness_heatmap
from ui import dashboard_views, loaders, state, widgets


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=dashboard_views.BY_DIGEST)
def _heatmap(campaign_id: int, unit_id: int, as_of: date, key: int, within: frozenset[int], by: str,
             template: str | None, lang: str) -> tuple[dict, pd.DataFrame] | None:
    """The heatmap's plotly spec and readiness per template (None: nothing to show), built once per change,
    day, choice and language."""
    if by == "section":
        column, title = "section_key", f"section_{lang}"
        progress = dashboard_views.cached_progress(campaign_id, unit_id, as_of, key, within,
                                                   ("row_unit", column, title), template)
        names = dict(zip(progress[column], progress[title], strict=True))
    else:
        column = "discipline"
        progress = dashboard_views.cached_progress(campaign_id, unit_id, as_of, key, within, ("row_unit", column), None)
        names = {d: t(f"disc.{d}", lang) for d in progress[column].unique()}
    if progress.empty:
        return None
    units = {u.id: u for u in loaders.all_units(key)}
    order = list(dict.fromkeys(progress[column]))  # the checklist's own order
    matrix = progress.pivot(index="row_unit", columns=column, values="readiness").reindex(columns=order)
    still_open = progress.pivot(index="row_unit", columns=column, values="open_items").reindex(columns=order)
    labels = {i: getattr(units[i], f"name_{lang}") for i in matrix.index}
    matrix = matrix.rename(index=labels, columns=names)
    still_open = still_open.rename(index=labels, columns=names)
    spec = readiness_heatmap(matrix, x_title="", y_title="", hover_open=still_open,
                             open_label=t("dash.heat_open", lang)).to_dict()
    templates = {tp.key: getattr(tp, f"name_{lang}") for tp in loaders.templates_of(campaign_id, key)}
    per = dashboard_views.cached_progress(campaign_id, unit_id, as_of, key, within, ("templates",), None)
    per = per.set_index("templates").reindex([k for k in templates if k in set(per["templates"])])
    per.index = [templates[k] for k in per.index]
    return spec, per[["readiness", "open_items"]].rename_axis(t("dash.col_template", lang)).reset_index()


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    by = widgets.choice(state.t("dash.heat_by"), {"section": state.t("dash.heat_by_section"),
                                                  "discipline": state.t("dash.heat_by_discipline")}, key="dash_heat_by")
    lang = state.lang()
    templates = {tp.key: tp for tp in loaders.templates_of(campaign.id, key)}
    if by == "section":  # one template's sections at a time: a season has dozens of them
        shown = {k: state.name(tp) for k, tp in templates.items()}
        chosen = st.selectbox(state.t("dash.col_template"), list(shown), key=widgets.lang_key("dash_heat_template"),
                              format_func=shown.__getitem__)
    else:
        chosen = None
    dashboard_views.may_read(unit.id, in_scope)
    found = _heatmap(campaign.id, unit.id, as_of, key, frozenset(in_scope), by, chosen, lang)
    if found is None:
        st.info(state.t("dash.heat_empty"))
        return
    spec, per_template = found
    st.plotly_chart(from_spec(spec), width="stretch", key="dash_heatmap")

    st.markdown(f"**{state.t('dash.per_template')}**")
    st.dataframe(per_template, hide_index=True, width="stretch", column_config={
        "readiness": st.column_config.ProgressColumn(state.t("db.col_readiness"), min_value=0, max_value=1,
                                                     format="percent"),
        "open_items": state.t("dash.heat_open")})
