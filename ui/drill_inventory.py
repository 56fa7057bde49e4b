"""The planner's "plans and annual plan" tab (drills.inventory): the emergency plans of the user's units,
those still needing a drill this season flagged (drills.required); recording, revising and withdrawing a
plan for coordinators of its unit (`drill.plan`, the service checks it); the annual drill plan of a year
by unit and month, as a table and an .xlsx workbook; and which plans were exercised in each of the last
three years.

Plan codes and titles are typed by users: they go to dataframes and pickers, never to Markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from admin.annual_plan_workbook import annual_plan_file_name
from core.errors import DomainError
from drills.inventory import LEVELS, MAX_CODE, MAX_TITLE, PlanView, add_plan, revise_plan, withdraw_plan
from drills.required import Requirement
from drills.service import DrillTypeView
from org.queries import UnitView
from store.db import transaction
from ui import drill_loaders, state, widgets

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEEDS_DRILL = ("overdue", "missing", "due")
YEARS_BACK = 3


def tab(readable: set[int], plan_scope: set[int], units: Mapping[int, UnitView], requirements: Sequence[Requirement],
        drill_types: Sequence[DrillTypeView], key: int) -> None:
    mine = sorted((u for u in readable if u in units), key=lambda u: units[u].path)
    _plans_section(mine, units, requirements, drill_types, key)
    plannable = [units[u] for u in mine if u in plan_scope and units[u].is_active]
    if plannable:
        _forms(plannable, drill_types, key)
    _annual_section(mine, units, drill_types, key)
    _years_section(mine, units, key)


def _unit(unit_id: int, units: Mapping[int, UnitView], fallback: str = "") -> str:
    return state.name(units[unit_id]) if unit_id in units else fallback


# ── The inventory ───────────────────────────────────────────────────────────


def _plans_section(unit_ids: Sequence[int], units: Mapping[int, UnitView], requirements: Sequence[Requirement],
                   drill_types: Sequence[DrillTypeView], key: int) -> None:
    st.subheader(state.t("dpt.pl_heading"), divider="gray")
    withdrawn = st.toggle(state.t("dpt.pl_show_withdrawn"), key="dpt_pl_withdrawn")
    plans = drill_loaders.plans(unit_ids, key, include_withdrawn=withdrawn)
    if not plans:
        st.info(state.t("dpt.pl_none"))
        return
    # A plan whose own drill (an `each` rule of drills.required) is overdue, missing or due this season.
    flags: dict[int, list[str]] = {}
    for r in requirements:
        if r.plan_id is not None and r.state in NEEDS_DRILL:
            flags.setdefault(r.plan_id, []).append(state.t(f"dp.state.{r.state}"))
    types = {dt.key: state.name(dt) for dt in drill_types}
    frame = pd.DataFrame([{
        "flag": "；".join(dict.fromkeys(flags.get(p.id, []))),
        "unit": _unit(p.unit_id, units, p.unit_code), "code": p.code, "title": p.title,
        "level": state.t(f"dt.plan.{p.level}"), "type": types.get(p.drill_type_key or "", p.drill_type_key or ""),
        "issued": p.issued_on.isoformat(), "revised": p.revised_on.isoformat() if p.revised_on else "",
        "last": p.last_exercised.isoformat() if p.last_exercised else "",
        "active": state.t("dpt.pl_active" if p.is_active else "dpt.pl_withdrawn"),
    } for p in plans])
    flagged = sum(bool(f) for f in frame["flag"])
    if flagged:
        st.warning(state.t("dpt.pl_flagged", n=flagged), icon=":material/flag:")
    styled = frame.style.map(lambda v: "background-color: #fde6b8" if v else "", subset=["flag"])
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        "flag": state.t("dpt.pl_col_flag"), "unit": state.t("dp.col_unit"), "code": state.t("dpt.pl_col_code"),
        "title": state.t("dpt.pl_col_title"), "level": state.t("dt.plan_level"), "type": state.t("dp.col_type"),
        "issued": state.t("dpt.pl_col_issued"), "revised": state.t("dpt.pl_col_revised"),
        "last": state.t("dpt.pl_col_last"), "active": state.t("dp.col_status")})


# ── Recording, revising, withdrawing ────────────────────────────────────────


def _act(call: Callable[[], str]) -> None:
    try:
        state.flash("success", call())
    except DomainError as err:
        state.flash("error", state.error_text(err))


def _plan_label(p: PlanView) -> str:
    return f"{p.unit_code} · {p.code} · {p.title}"


def _forms(plannable: Sequence[UnitView], drill_types: Sequence[DrillTypeView], key: int) -> None:
    ids = {u.id for u in plannable}
    plans = [p for p in drill_loaders.plans(ids, key) if p.unit_id in ids]
    with st.expander(state.t("dpt.pl_add_heading"), icon=":material/add:"):
        _add_form(plannable, drill_types)
    with st.expander(state.t("dpt.pl_revise_heading"), icon=":material/edit:"):
        if plans:
            _revise_form(plans)
        else:
            st.info(state.t("dpt.pl_none_to_change"))
    with st.expander(state.t("dpt.pl_withdraw_heading"), icon=":material/archive:"):
        if plans:
            _withdraw_form(plans)
        else:
            st.info(state.t("dpt.pl_none_to_change"))


ADD = {"unit": "dpt_pl_unit", "code": "dpt_pl_code", "title": "dpt_pl_title", "level": "dpt_pl_level",
       "type": "dpt_pl_type", "issued": "dpt_pl_issued", "revised": "dpt_pl_revised"}


def _add_form(plannable: Sequence[UnitView], drill_types: Sequence[DrillTypeView]) -> None:
    units = {u.id: f"{widgets.unit_label(u).strip()} ({u.code})" for u in plannable}
    levels = {lv: state.t(f"dt.plan.{lv}") for lv in LEVELS}
    types = {"": state.t("dpt.pl_no_type"), **{dt.key: state.name(dt) for dt in drill_types}}
    with st.form("dpt_pl_add_form"):
        a, b = st.columns([2, 1])
        a.selectbox(state.t("dp.col_unit"), list(units), format_func=units.__getitem__,
                    key=widgets.lang_key(ADD["unit"]))
        b.text_input(state.t("dpt.pl_col_code"), max_chars=MAX_CODE, key=ADD["code"], placeholder="XC-03")
        st.text_input(state.t("dpt.pl_col_title"), max_chars=MAX_TITLE, key=ADD["title"])
        c, d = st.columns(2)
        c.selectbox(state.t("dt.plan_level"), list(levels), format_func=levels.__getitem__,
                    key=widgets.lang_key(ADD["level"]))
        d.selectbox(state.t("dpt.pl_type"), list(types), format_func=types.__getitem__,
                    key=widgets.lang_key(ADD["type"]), help=state.t("dpt.pl_type_help"))
        e, f = st.columns(2)
        e.date_input(state.t("dpt.pl_col_issued"), value=state.today(), min_value=date(2000, 1, 1),
                     key=ADD["issued"])
        f.date_input(state.t("dpt.pl_col_revised"), value=None, min_value=date(2000, 1, 1), key=ADD["revised"])
        st.form_submit_button(state.t("dpt.pl_add"), key="dpt_pl_add_btn", type="primary", on_click=_on_add)


def _on_add() -> None:
    values = st.session_state
    unit = values.get(widgets.lang_key(ADD["unit"]))
    issued = values.get(ADD["issued"])
    if unit is None or not isinstance(issued, date):
        state.flash("error", state.t("dpt.pl_unit_and_issued"))
        return
    revised = values.get(ADD["revised"])
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            add_plan(unit, values.get(ADD["code"]) or "", values.get(ADD["title"]) or "",
                     values.get(widgets.lang_key(ADD["level"])) or "", issued_on=issued,
                     revised_on=revised if isinstance(revised, date) else None,
                     drill_type_key=values.get(widgets.lang_key(ADD["type"])) or None, session=s, actor=who,
                     now=state.utcnow())
        code = (values.get(ADD["code"]) or "").strip().upper()
        for k in ("code", "title"):
            values[ADD[k]] = ""
        return state.t("dpt.pl_added", code=state.escape_markdown(code))

    _act(call)


def _revise_form(plans: Sequence[PlanView]) -> None:
    labels = {p.id: _plan_label(p) for p in plans}
    with st.form("dpt_pl_revise_form"):
        st.selectbox(state.t("dpt.pl_pick"), list(labels), format_func=labels.__getitem__, key="dpt_pl_rev_plan")
        a, b = st.columns([1, 2])
        a.date_input(state.t("dpt.pl_col_revised"), value=state.today(), min_value=date(2000, 1, 1),
                     key="dpt_pl_rev_on")
        b.text_input(state.t("dpt.pl_new_title"), max_chars=MAX_TITLE, key="dpt_pl_rev_title",
                     help=state.t("dpt.pl_new_title_help"))
        st.form_submit_button(state.t("dpt.pl_revise"), key="dpt_pl_revise_btn", on_click=_on_revise)


def _on_revise() -> None:
    values = st.session_state
    plan_id, revised = values.get("dpt_pl_rev_plan"), values.get("dpt_pl_rev_on")
    if plan_id is None or not isinstance(revised, date):
        state.flash("error", state.t("dpt.pl_pick_and_date"))
        return
    title = (values.get("dpt_pl_rev_title") or "").strip() or None
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            revise_plan(plan_id, revised_on=revised, title=title, session=s, actor=who, now=state.utcnow())
        values["dpt_pl_rev_title"] = ""
        return state.t("dpt.pl_revised", day=revised.isoformat())

    _act(call)


def _withdraw_form(plans: Sequence[PlanView]) -> None:
    labels = {p.id: _plan_label(p) for p in plans}
    with st.form("dpt_pl_withdraw_form"):
        st.selectbox(state.t("dpt.pl_pick"), list(labels), format_func=labels.__getitem__, key="dpt_pl_wd_plan")
        st.checkbox(state.t("dpt.pl_confirm"), key="dpt_pl_wd_confirm", help=state.t("dpt.pl_withdraw_help"))
        st.form_submit_button(state.t("dpt.pl_withdraw"), key="dpt_pl_withdraw_btn", on_click=_on_withdraw)


def _on_withdraw() -> None:
    values = st.session_state
    plan_id = values.get("dpt_pl_wd_plan")
    if plan_id is None:
        state.flash("error", state.t("dpt.pl_pick_first"))
        return
    if not values.get("dpt_pl_wd_confirm"):
        state.flash("error", state.t("dpt.pl_confirm_first"))
        return
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            withdraw_plan(plan_id, session=s, actor=who, now=state.utcnow())
        values["dpt_pl_wd_confirm"] = False
        return state.t("dpt.pl_withdrawn_done")

    _act(call)


# ── The annual plan and the years ───────────────────────────────────────────


def _annual_section(unit_ids: Sequence[int], units: Mapping[int, UnitView], drill_types: Sequence[DrillTypeView],
                    key: int) -> None:
    st.subheader(state.t("dpt.ap_heading"), divider="gray")
    this_year = state.today().year
    years = [this_year + 1, this_year, this_year - 1, this_year - 2]
    a, b = st.columns([1, 2], vertical_alignment="bottom")
    year = a.selectbox(state.t("dpt.ap_year"), years, index=1, key="dpt_ap_year")
    lang = state.lang()
    with b:
        st.download_button(state.t("dpt.ap_download"), data=drill_loaders.annual_workbook(year, frozenset(unit_ids),
                                                                                           lang, key),
                           file_name=annual_plan_file_name(year), mime=XLSX_MIME, key="dpt_ap_download",
                           icon=":material/download:", on_click="ignore")
    entries = drill_loaders.annual(year, unit_ids, key)
    if not entries:
        st.info(state.t("dpt.ap_none", year=year))
        return
    types = {dt.key: state.name(dt) for dt in drill_types}
    rows: dict[int, dict[str, object]] = {}
    for e in entries:
        row = rows.setdefault(e.unit_id, {"unit": _unit(e.unit_id, units, e.unit_code),
                                          **{str(m): "" for m in range(1, 13)}, "total": 0})
        cell = f"{e.starts_on.day}日 {e.title}" if lang == "zh" else f"{e.starts_on.day}: {e.title}"
        row[str(e.month)] = "\n".join(filter(None, [str(row[str(e.month)]), cell]))
        row["total"] = int(row["total"]) + 1
    st.caption(state.t("dpt.ap_count", n=len(entries), units=len(rows), year=year))
    st.dataframe(pd.DataFrame(list(rows.values())), hide_index=True, width="stretch", column_config={
        "unit": st.column_config.TextColumn(state.t("dp.col_unit"), pinned=True),
        **{str(m): state.t("dpt.ap_month", month=m) for m in range(1, 13)},
        "total": st.column_config.NumberColumn(state.t("dpt.ap_total"), format="%d")})
    with st.expander(state.t("dpt.ap_list")):
        st.dataframe(pd.DataFrame([{
            "day": e.starts_on.isoformat(), "unit": _unit(e.unit_id, units, e.unit_code), "title": e.title,
            "type": types.get(e.type_key, e.type_key), "form": state.t(f"dt.form.{e.form}"),
            "status": state.t(f"drl.status.{e.status}")} for e in entries]), hide_index=True, width="stretch",
            column_config={"day": state.t("dpt.ap_col.day"), "unit": state.t("dp.col_unit"),
                           "title": state.t("dp.col_title"), "type": state.t("dp.col_type"),
                           "form": state.t("dp.col_form"), "status": state.t("dp.col_status")})


def _years_section(unit_ids: Sequence[int], units: Mapping[int, UnitView], key: int) -> None:
    st.subheader(state.t("dpt.yr_heading"), divider="gray")
    this_year = state.today().year
    years = list(range(this_year - YEARS_BACK + 1, this_year + 1))
    matrix = drill_loaders.exercised(unit_ids, years, key)
    plans = [p for p in drill_loaders.plans(unit_ids, key) if p.id in matrix]
    if not plans:
        st.info(state.t("dpt.pl_none"))
        return
    st.caption(state.t("dpt.yr_intro", first=years[0], last=years[-1]))
    frame = pd.DataFrame([{"unit": _unit(p.unit_id, units, p.unit_code), "code": p.code, "title": p.title,
                           **{str(y): matrix[p.id][y] for y in years}} for p in plans])
    never = frame[[str(y) for y in years]].sum(axis=1) == 0
    styled = frame.style.map(lambda v: "background-color: #f8d0d0" if v == 0 else "", subset=[str(y) for y in years])
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        "unit": state.t("dp.col_unit"), "code": state.t("dpt.pl_col_code"), "title": state.t("dpt.pl_col_title"),
        **{str(y): st.column_config.NumberColumn(str(y), format="%d") for y in years}})
    if never.any():
        st.caption(state.t("dpt.yr_never", n=int(never.sum()), years=len(years)))
