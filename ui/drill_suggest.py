"""The suggested schedule in the planner's "plan" tab: the coordinator asks for slots for the required
drills still missing in their units (drills.suggest.propose: read only), sees each proposed drill with
the soft rules it could not avoid and why the others could not be placed, and accepts all of them, some
or none. Accepting plans the chosen ones in one transaction (drills.suggest.accept): a slot taken
meanwhile refuses the lot, with the clash shown, and nothing is planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.clock import format_local
from core.config import get_settings
from core.errors import DomainError
from drills import suggest
from drills.planning import DrillRefused
from drills.schedule import Finding
from drills.service import DrillTypeView
from org.queries import UnitView
from store.db import snapshot, transaction
from ui import state, widgets

PROPOSAL = "dpt_sg_proposal"  # session key: (campaign id, Proposal) until accepted or discarded
REFUSAL = "dpt_sg_refusal"  # session key: the findings of a refused acceptance, shown once
PICK = "dpt_sg_pick"


def section(campaign_id: int, units: Mapping[int, UnitView], drill_types: Sequence[DrillTypeView]) -> None:
    st.subheader(state.t("dpt.sg_heading"), divider="gray")
    st.caption(state.t("dpt.sg_intro"))
    st.button(state.t("dpt.sg_propose"), key="dpt_sg_propose", icon=":material/auto_awesome:", on_click=_on_propose,
              args=(campaign_id,))
    _show_refusal()
    held = st.session_state.get(PROPOSAL)
    if held is None or held[0] != campaign_id:
        return
    proposal: suggest.Proposal = held[1]
    placed, unplaced = proposal.placed, proposal.result.unplaced
    st.markdown(state.t("dpt.sg_summary", placed=len(placed), unplaced=len(unplaced)))
    types = {dt.key: state.name(dt) for dt in drill_types}
    lang = state.lang()
    if placed:
        st.dataframe(pd.DataFrame([{
            "unit": _units(s.missing.unit_ids, units),
            "type": types.get(s.missing.type_key, s.missing.type_key),
            "start": format_local(s.drill.start),
            "end": format_local(s.drill.end),
            "warnings": "；".join(f.message(lang) for f in s.findings),
        } for s in placed]), hide_index=True, width="stretch", column_config={
            "unit": state.t("dp.col_unit"), "type": state.t("dp.col_type"), "start": state.t("dpt.col_start"),
            "end": state.t("dpt.col_end"), "warnings": state.t("dpt.sg_col_warnings")})
    if unplaced:
        st.warning(state.t("dpt.sg_unplaced", n=len(unplaced)), icon=":material/event_busy:")
        st.dataframe(pd.DataFrame([{"unit": _units(u.missing.unit_ids, units), "reason": u.message(lang)}
                                   for u in unplaced]), hide_index=True, width="stretch",
                     column_config={"unit": state.t("dp.col_unit"), "reason": state.t("dp.col_reason")})
    if not placed:
        st.info(state.t("dpt.sg_nothing"))
    else:
        labels = {s.missing.key: f"{format_local(s.drill.start)} · {s.missing.label}" for s in placed}
        st.multiselect(state.t("dpt.sg_pick"), list(labels), format_func=labels.__getitem__,
                       key=widgets.lang_key(PICK), placeholder=state.t("dp.choose"))
    with st.container(horizontal=True):
        if placed:
            st.button(state.t("dpt.sg_accept_all", n=len(placed)), key="dpt_sg_accept_all", type="primary",
                      on_click=_on_accept, args=(campaign_id, True))
            st.button(state.t("dpt.sg_accept_some"), key="dpt_sg_accept_some", on_click=_on_accept,
                      args=(campaign_id, False))
        st.button(state.t("dpt.sg_discard"), key="dpt_sg_discard", on_click=_forget)


def _units(unit_ids: frozenset[int], units: Mapping[int, UnitView]) -> str:
    return "、".join(state.name(units[u]) if u in units else str(u) for u in sorted(unit_ids))


def _on_propose(campaign_id: int) -> None:
    """Propose slots as of today (read only: nothing is planned until accepted)."""
    try:
        with snapshot(state.engine()) as s:
            proposal = suggest.propose(campaign_id, session=s, actor=state.actor(), today=state.today(),
                                       peak_window_is_error=get_settings().peak_window_is_error)
    except DomainError as err:
        state.flash("error", state.error_text(err))
        return
    _forget()
    st.session_state[PROPOSAL] = (campaign_id, proposal)


def _forget() -> None:
    st.session_state.pop(PROPOSAL, None)
    for lang in ("zh", "en"):
        st.session_state.pop(f"{PICK}_{lang}", None)


def _on_accept(campaign_id: int, everything: bool) -> None:
    held = st.session_state.get(PROPOSAL)
    if held is None or held[0] != campaign_id:
        state.flash("error", state.t("dpt.sg_gone"))
        return
    proposal: suggest.Proposal = held[1]
    keys = [s.missing.key for s in proposal.placed] if everything else \
        list(st.session_state.get(widgets.lang_key(PICK)) or [])
    if not keys:
        state.flash("error", state.t("dpt.sg_choose"))
        return
    who = state.actor()
    try:
        with transaction(state.engine()) as s:
            saved = suggest.accept(proposal, keys, session=s, actor=who, now=state.utcnow(),
                                   peak_window_is_error=get_settings().peak_window_is_error)
    except DrillRefused as err:
        st.session_state[REFUSAL] = err.findings
        state.flash("error", state.t("dpt.sg_refused"))
        return
    except DomainError as err:
        state.flash("error", state.error_text(err))
        return
    _forget()
    state.flash("success", state.t("dpt.sg_accepted", n=len(saved)))


def _show_refusal() -> None:
    findings: tuple[Finding, ...] = st.session_state.pop(REFUSAL, ())
    if findings:
        st.dataframe(pd.DataFrame([{"code": f.code, "reason": f.message(state.lang())} for f in findings]),
                     hide_index=True, width="stretch", column_config={
                         "code": state.t("dp.col_code"), "reason": state.t("dp.col_reason")})
