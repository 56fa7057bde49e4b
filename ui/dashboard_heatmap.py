"""The dashboard's heatmap tab: the unit's children (each with its sub-tree) × checklist sections or
disciplines, as they stood on the day, and readiness per template of the season."""

from __future__ import annotations

from datetime import date

import streamlit as st

from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView
from readiness.charts import readiness_heatmap
from ui import dashboard_views, loaders, state, widgets


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
        column, title = "section_key", f"section_{lang}"
        progress = dashboard_views.progress(who, campaign.id, unit.id, as_of, key, in_scope,
                                            ("row_unit", column, title), chosen)
        names = dict(zip(progress[column], progress[title], strict=True))
    else:
        column = "discipline"
        progress = dashboard_views.progress(who, campaign.id, unit.id, as_of, key, in_scope, ("row_unit", column))
        names = {d: state.t(f"disc.{d}") for d in progress[column].unique()}
    if progress.empty:
        st.info(state.t("dash.heat_empty"))
        return
    units = {u.id: u for u in loaders.all_units(key)}
    order = list(dict.fromkeys(progress[column]))  # the checklist's own order
    matrix = progress.pivot(index="row_unit", columns=column, values="readiness").reindex(columns=order)
    still_open = progress.pivot(index="row_unit", columns=column, values="open_items").reindex(columns=order)
    labels = {i: state.name(units[i]) for i in matrix.index}
    matrix = matrix.rename(index=labels, columns=names)
    still_open = still_open.rename(index=labels, columns=names)
    st.plotly_chart(readiness_heatmap(matrix, x_title="", y_title="", hover_open=still_open,
                                      open_label=state.t("dash.heat_open")), width="stretch", key="dash_heatmap")

    st.markdown(f"**{state.t('dash.per_template')}**")
    per = dashboard_views.progress(who, campaign.id, unit.id, as_of, key, in_scope, ("templates",)).set_index(
        "templates")
    per = per.reindex([k for k in templates if k in per.index])
    per.index = [state.name(templates[k]) for k in per.index]
    st.dataframe(per[["readiness", "open_items"]].rename_axis(state.t("dash.col_template")).reset_index(),
                 hide_index=True, width="stretch", column_config={
                     "readiness": st.column_config.ProgressColumn(state.t("db.col_readiness"), min_value=0,
                                                                  max_value=1, format="percent"),
                     "open_items": state.t("dash.heat_open")})
