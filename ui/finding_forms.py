"""On the checklist page: record a hazard found in a safety inspection (隐患) of the unit. It becomes a
corrective action on the unit's checklist (drills.findings.raise_finding), shown to users with
`finding.raise` on the unit; the service checks the right again."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from checklists.campaigns import CampaignView
from drills import findings
from drills.review import MAX_TEXT
from org.queries import UnitView
from store.db import transaction
from ui import loaders, state, widgets

CRITICALITIES = ("critical", "major", "normal")


def finding_form(campaign: CampaignView, unit: UnitView, key: int) -> None:
    """The form in a closed expander, for a user who may record findings on the unit."""
    who = state.actor()
    if who is None or "finding.raise" not in loaders.actions_on(who, unit.id):
        return
    today = state.today()
    lang = state.lang()
    categories = {c: state.t(f"hazard.cat.{c}") for c in findings.CATEGORIES}  # fixed now, for format_func
    criticalities = {c: state.t(f"crit.{c}") for c in CRITICALITIES}
    directives = {None: "—", **{d: f"{d} {t[lang]}" for d, t in loaders.directives(key).items()}}
    with st.expander(state.t("hz.form_title"), expanded=False), st.form(f"hz_form_{unit.id}"):
        st.caption(state.t("hz.form_help"))
        st.text_area(state.t("hz.description"), key="hz_desc", max_chars=MAX_TEXT)
        a, b = st.columns(2)
        a.selectbox(state.t("hz.category"), list(categories), format_func=categories.__getitem__,
                    key=widgets.lang_key("hz_category"))
        b.selectbox(state.t("hz.criticality"), CRITICALITIES, index=1, format_func=criticalities.__getitem__,
                    key=widgets.lang_key("hz_crit"))
        c, d = st.columns(2)
        c.date_input(state.t("hz.found_on"), value=today, max_value=today, key="hz_found")
        d.date_input(state.t("hz.due_on"), value=today + timedelta(days=30), key="hz_due")
        st.selectbox(state.t("hz.directive"), list(directives), format_func=directives.__getitem__,
                     key=widgets.lang_key("hz_dir"))
        submitted = st.form_submit_button(state.t("hz.submit"), key="hz_submit", type="primary")
    if submitted:
        _record(campaign.id, unit)
        st.rerun()


def _record(campaign_id: int, unit: UnitView) -> None:
    """Record what the form holds, in one transaction; on success the description box starts empty."""
    values = st.session_state
    found, due = values.get("hz_found"), values.get("hz_due")
    if found is None or due is None:
        state.flash("error", state.t("hz.dates_required"))
        return
    who = state.actor()

    def act() -> str:
        with transaction(state.engine()) as s:
            findings.raise_finding(
                campaign_id, unit.id, description=values.get("hz_desc", ""),
                category=values.get(widgets.lang_key("hz_category")) or "other",
                criticality=values.get(widgets.lang_key("hz_crit")) or "major", due_on=due, found_on=found,
                directive_id=values.get(widgets.lang_key("hz_dir")), session=s, actor=who, now=state.utcnow())
        return state.t("hz.recorded", unit=state.name(unit))

    state.run_action(act)
    if values.get(state.FLASH, ("",))[0] == "success":
        values.pop("hz_desc", None)
