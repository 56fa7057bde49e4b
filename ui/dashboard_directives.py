"""The dashboard's directives tab: how far each directive of the safety speech is carried out in the unit's
sub-tree on the day (readiness.directives), the one furthest behind first, with the units lagging on it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView
from ui import dashboard_views, loaders, state


def show(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """Draw the tab for the unit's sub-tree on the day, for the units the user may read."""
    progress = dashboard_views.directives(who, campaign.id, unit.id, as_of, key, in_scope)
    if progress.empty:
        st.info(state.t("dashdi.none"))
        return
    lang = state.lang()
    titles = loaders.directives(key)
    names = {u.id: state.name(u) for u in loaders.all_units(key)}
    sep = "、" if lang == "zh" else ", "
    shown = progress.assign(
        title=progress["directive_id"].map(lambda d: titles.get(d, {}).get(lang, "")),
        lagging=progress["lagging_units"].map(lambda ids: sep.join(names.get(i, str(i)) for i in ids) or "—"),
    )
    worst = shown.iloc[0]
    if pd.notna(worst["readiness"]) and worst["readiness"] < 1:
        st.markdown(state.t("dashdi.worst", id=worst["directive_id"],
                            title=state.escape_markdown(worst["title"] or "—"), share=f"{worst['readiness']:.1%}",
                            overdue=int(worst["overdue_items"])))
    else:
        st.markdown(state.t("dashdi.all_done"))
    st.caption(state.t("dashdi.how"))
    st.dataframe(
        shown[["directive_id", "title", "readiness", "open_items", "overdue_items", "lagging"]],
        hide_index=True, width="stretch",
        column_config={
            "directive_id": state.t("dashdi.col_id"), "title": state.t("dashdi.col_title"),
            "readiness": st.column_config.ProgressColumn(state.t("dashdi.col_readiness"), min_value=0, max_value=1,
                                                         format="percent"),
            "open_items": state.t("dashdi.col_open"), "overdue_items": state.t("dashdi.col_overdue"),
            "lagging": st.column_config.TextColumn(state.t("dashdi.col_lagging"),
                                                   help=state.t("dashdi.col_lagging_help")),
        },
    )
