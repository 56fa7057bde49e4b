"""Open corrective actions from drills, as the dashboard shows them for a unit and its sub-units: each
counts in its owner's readiness until it is closed with evidence on the owner's checklist."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from drills.review import ActionView, corrective_actions
from store.db import snapshot
from ui import state


@st.cache_data(max_entries=64, show_spinner=False)
def _open_actions(campaign_id: int, key: int) -> list[ActionView]:
    with snapshot(state.engine()) as s:
        return corrective_actions(session=s, campaign_id=campaign_id, open_only=True)


def open_actions(campaign_id: int, unit_ids: Iterable[int], key: int) -> list[ActionView]:
    """The season's open corrective actions owned by these units, by due day."""
    wanted = set(unit_ids)
    return [a for a in _open_actions(campaign_id, key) if a.unit_id in wanted]


def table(actions: list[ActionView]) -> None:
    """The open actions, overdue ones flagged, with the drill each came from."""
    today = state.today()
    lang = state.lang()
    st.dataframe(pd.DataFrame([{
        "unit": f"{a.unit_name_zh if lang == 'zh' else a.unit_name_en} ({a.unit_code})",
        "description": a.description,
        "drill": a.drill_title,
        "criticality": state.t(f"crit.{a.criticality}"),
        "due": a.due_on,
        "overdue": a.overdue(today),
    } for a in actions]), hide_index=True, width="stretch", column_config={
        "unit": state.t("rv.col_unit"), "description": state.t("rv.col_description"),
        "drill": state.t("db.col_drill"), "criticality": state.t("rv.col_criticality"),
        "due": state.t("rv.col_due"), "overdue": st.column_config.CheckboxColumn(state.t("rv.overdue"))})
