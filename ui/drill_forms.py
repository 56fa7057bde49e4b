"""The drill planner's forms: plan a drill (check it first or save it), and a drill's actions — move it,
mark it ready or back to planned, record who took part once it has begun, cancel it with a reason.

Each action is one use-case of drills.planning in one transaction (a refusal rolls everything back);
the service checks the user's rights on every unit itself. Buttons act in callbacks, before the rerun,
so the page draws the data as it is after the change. The clash findings of a check, of a refused save
and the warnings of a save are kept for the next draw, beside the form they came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from core.clock import local_zone, to_local
from core.config import get_settings
from core.errors import DomainError
from drills.planning import (
    MAX_TITLE,
    DrillDraft,
    DrillRefused,
    DrillView,
    cancel_drill,
    check_draft,
    move_drill,
    plan_drill,
    record_conducted,
    set_status,
)
from drills.schedule import Finding
from drills.service import DrillTypeView
from org.queries import PersonView, UnitView
from org.shifts import Shift
from store.db import snapshot, transaction
from ui import drill_loaders, drill_views, state, widgets

FINDINGS = "dp_findings"  # session key: {context: (outcome, findings)} to show once beside their form
SELECTED = "dp_drill"  # session key of the list's drill picker (a new drill becomes the chosen one)
DEFAULT_START = time(9, 0)
MAX_REASON = 500


def _moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=local_zone())


def _keep(context: str, outcome: str, findings: Sequence[Finding]) -> None:
    st.session_state.setdefault(FINDINGS, {})[context] = (outcome, tuple(findings))


def show_findings(context: str) -> None:
    """The findings of the last check or save of this form, once: errors first, each with its severity,
    rule code and reason in the user's language."""
    outcome, findings = st.session_state.get(FINDINGS, {}).pop(context, (None, ()))
    if outcome is None:
        return
    if not findings:
        if outcome == "checked":
            st.success(state.t("dp.check_clean"), icon=":material/check_circle:")
        return
    heading = {"checked": "dp.findings_checked", "refused": "dp.findings_refused", "saved": "dp.findings_saved"}
    errors = any(f.is_error for f in findings)
    (st.error if errors else st.warning)(state.t(heading[outcome]), icon=":material/block:" if errors else
                                         ":material/warning:")
    # A reason names drills, units and people as users typed them: a dataframe shows it as plain text.
    st.dataframe(pd.DataFrame([{"severity": state.t(f"drl.severity.{f.severity}"), "code": f.code,
                                "reason": f.message(state.lang())} for f in findings]),
                 hide_index=True, width="stretch", column_config={
                     "severity": st.column_config.TextColumn(state.t("dp.col_severity"), width="small"),
                     "code": st.column_config.TextColumn(state.t("dp.col_code"), width="small"),
                     "reason": state.t("dp.col_reason")})


def _act(context: str, change: Callable[[object], str]) -> None:
    """Run a change in one transaction; flash its outcome; keep the findings of a refusal for its form."""
    def call() -> str:
        with transaction(state.engine()) as s:
            return change(s)

    try:
        state.flash("success", call())
    except DrillRefused as err:
        _keep(context, "refused", err.findings)
        state.flash("error", state.error_text(err))
    except DomainError as err:
        state.flash("error", state.error_text(err))


# ── Planning ──────────────────────────────────────────────────────────────


def _keys(dt: DrillTypeView) -> dict[str, str]:
    """The plan form's widget keys; those whose options depend on the type are kept per type, and those
    whose labels are translated per language (widgets.lang_key)."""
    return {"form": widgets.lang_key(f"dp_form_{dt.key}"), "title": f"dp_title_{dt.key}", "day": "dp_day",
            "start": "dp_start", "end": f"dp_end_{dt.key}", "location": "dp_location",
            "lead": widgets.lang_key("dp_lead"), "units": widgets.lang_key("dp_units"),
            "evaluators": "dp_evaluators", "unannounced": f"dp_unannounced_{dt.key}", "shifts": "dp_shifts"}


def plan_form(campaign_id: int, drill_types: Sequence[DrillTypeView], units: Sequence[UnitView],
              people: Sequence[PersonView], shifts: Mapping[int, Sequence[Shift]]) -> None:
    """Plan a drill of the campaign for the units the user may plan for: the type first (it decides the
    forms, the default title and length, whether it may be unannounced), then the rest in one form."""
    names = {dt.key: state.name(dt) for dt in drill_types}
    chosen = st.selectbox(state.t("dp.type"), list(names), format_func=names.__getitem__,
                          key=widgets.lang_key("dp_type"))
    dt = next(d for d in drill_types if d.key == chosen)
    keys = _keys(dt)
    unit_labels = {u.id: f"{widgets.unit_label(u).strip()} ({u.code})" for u in units}
    person_labels = {p.id: f"{p.display_name} ({p.username})" for p in people}
    by_id = {u.id: u for u in units}
    shift_labels = {s.id: f"{state.name(by_id[u]) if u in by_id else u} · {state.name(s)}"
                    for u, unit_shifts in shifts.items() for s in unit_shifts}
    start = DEFAULT_START
    end = (datetime.combine(date.min, start) + timedelta(hours=dt.typical_duration_hours)).time()
    if end <= start:  # a typical length past midnight: the coordinator sets the end
        end = time(23, 45)
    today = state.today()
    with st.form("dp_plan", clear_on_submit=False):
        a, b = st.columns([2, 1])
        a.text_input(state.t("dp.title"), value=state.name(dt), max_chars=MAX_TITLE, key=keys["title"])
        forms = {f: state.t(f"dt.form.{f}") for f in dt.forms}
        b.selectbox(state.t("dp.form"), list(forms), format_func=forms.__getitem__, key=keys["form"])
        c, d, e = st.columns(3)
        c.date_input(state.t("dp.day"), value=today + timedelta(days=7), min_value=today - timedelta(days=366),
                     key=keys["day"])
        d.time_input(state.t("dp.start"), value=start, step=timedelta(minutes=15), key=keys["start"])
        e.time_input(state.t("dp.end"), value=end, step=timedelta(minutes=15), key=keys["end"])
        st.text_input(state.t("dp.location"), max_chars=500, key=keys["location"])
        f, g = st.columns(2)
        f.selectbox(state.t("dp.lead"), list(unit_labels), format_func=unit_labels.__getitem__, key=keys["lead"])
        g.multiselect(state.t("dp.units"), list(unit_labels), format_func=unit_labels.__getitem__, key=keys["units"],
                      help=state.t("dp.units_help"), placeholder=state.t("dp.choose"))
        st.multiselect(state.t("dp.evaluators"), list(person_labels), format_func=person_labels.__getitem__,
                       key=keys["evaluators"], placeholder=state.t("dp.choose"))
        if shift_labels:  # dispatch centres among the units: which of their shifts take part (per-shift rules)
            st.multiselect(state.t("shift.in_drill"), list(shift_labels), format_func=shift_labels.__getitem__,
                           key=keys["shifts"], help=state.t("shift.in_drill_help"), placeholder=state.t("dp.choose"))
        if dt.unannounced_allowed:
            st.checkbox(state.t("dp.unannounced"), key=keys["unannounced"], help=state.t("dp.unannounced_help"))
        check, save = st.columns(2)
        check.form_submit_button(state.t("dp.check"), key="dp_check", on_click=_on_plan,
                                 args=("check", campaign_id, dt.key, keys), width="stretch")
        save.form_submit_button(state.t("dp.save"), key="dp_save", type="primary", on_click=_on_plan,
                                args=("save", campaign_id, dt.key, keys), width="stretch")
    show_findings("plan")


def _draft(campaign_id: int, type_key: str, keys: Mapping[str, str]) -> DrillDraft | None:
    """The plan form's values as a draft, or None after telling the user what is wrong with them."""
    values = st.session_state
    title = (values.get(keys["title"]) or "").strip()
    if not title:
        state.flash("error", state.t("dp.title_required"))
        return None
    day, start, end = values.get(keys["day"]), values.get(keys["start"]), values.get(keys["end"])
    if not isinstance(day, date) or not isinstance(start, time) or not isinstance(end, time):
        state.flash("error", state.t("dp.time_required"))
        return None
    lead = values.get(keys["lead"])
    if lead is None:
        state.flash("error", state.t("dp.lead_required"))
        return None
    try:
        return DrillDraft(
            type_key=type_key, form=values.get(keys["form"]) or "", title=title, starts_at=_moment(day, start),
            ends_at=_moment(day, end), lead_unit_id=lead, unit_ids=frozenset(values.get(keys["units"]) or ()),
            evaluator_ids=frozenset(values.get(keys["evaluators"]) or ()),
            shift_ids=frozenset(values.get(keys["shifts"]) or ()),
            unannounced=bool(values.get(keys["unannounced"], False)),
            location=values.get(keys["location"]) or "", campaign_id=campaign_id)
    except ValidationError:
        state.flash("error", state.t("dp.bad_input"))
        return None


def _on_plan(action: str, campaign_id: int, type_key: str, keys: Mapping[str, str]) -> None:
    """Check (read only) or save the plan form's drill."""
    draft = _draft(campaign_id, type_key, keys)
    if draft is None:
        return
    who = state.actor()
    as_error = get_settings().peak_window_is_error
    if action == "check":
        try:
            with snapshot(state.engine()) as s:
                findings = check_draft(draft, session=s, actor=who, peak_window_is_error=as_error)
        except DomainError as err:
            state.flash("error", state.error_text(err))
            return
        _keep("plan", "checked", findings)
        return

    def change(s) -> str:
        saved = plan_drill(draft, session=s, actor=who, now=state.utcnow(), peak_window_is_error=as_error)
        _keep("plan", "saved", saved.warnings)
        st.session_state[SELECTED] = st.session_state[widgets.lang_key(SELECTED)] = saved.drill_id
        return state.t("dp.planned", title=state.escape_markdown(draft.title))

    _act("plan", change)


# ── One drill's actions ───────────────────────────────────────────────────


def drill_actions(view: DrillView, *, may_change: bool, may_cancel: bool, units: Mapping[int, UnitView]) -> None:
    """The actions the user may take on this drill now (the service refuses the others anyway)."""
    if view.status not in ("planned", "ready") or not (may_change or may_cancel):
        return
    left, right = st.columns(2)
    if may_change:
        with left:
            _move_form(view)
    if may_cancel:
        with right:
            _cancel_form(view)
    show_findings(f"drill_{view.id}")
    if may_change:
        _status_buttons(view)
        if view.status == "ready":
            if view.starts_at <= state.utcnow():
                _held_form(view, units)
            else:
                st.caption(state.t("dp.held_after_start"))
        else:
            st.caption(state.t("dp.held_needs_ready"))


def _move_form(view: DrillView) -> None:
    start, end = to_local(view.starts_at), to_local(view.ends_at)
    with st.form(f"dp_move_{view.id}"):
        st.markdown(f"**{state.t('dp.move_title')}**")
        a, b, c = st.columns(3)
        a.date_input(state.t("dp.day"), value=start.date(), key=f"dp_move_day_{view.id}")
        b.time_input(state.t("dp.start"), value=start.time().replace(tzinfo=None), step=timedelta(minutes=15),
                     key=f"dp_move_start_{view.id}")
        c.time_input(state.t("dp.end"), value=end.time().replace(tzinfo=None), step=timedelta(minutes=15),
                     key=f"dp_move_end_{view.id}")
        st.form_submit_button(state.t("dp.move"), key=f"dp_move_btn_{view.id}", on_click=_on_move,
                              args=(view.id, view.version, view.title, (end.date() - start.date()).days))


def _on_move(drill_id: int, version: int, title: str, span_days: int) -> None:
    values = st.session_state
    day, start, end = (values.get(f"dp_move_{k}_{drill_id}") for k in ("day", "start", "end"))
    if not isinstance(day, date) or not isinstance(start, time) or not isinstance(end, time):
        state.flash("error", state.t("dp.time_required"))
        return
    who = state.actor()
    context = f"drill_{drill_id}"

    def change(s) -> str:
        saved = move_drill(drill_id, _moment(day, start), _moment(day + timedelta(days=span_days), end),
                           expected_version=version, session=s, actor=who, now=state.utcnow(),
                           peak_window_is_error=get_settings().peak_window_is_error)
        _keep(context, "saved", saved.warnings)
        return state.t("dp.moved", title=state.escape_markdown(title))

    _act(context, change)


def _status_buttons(view: DrillView) -> None:
    if view.status == "planned":
        st.button(state.t("dp.mark_ready"), key=f"dp_ready_{view.id}", on_click=_on_status,
                  args=(view.id, view.version, view.title, "ready"))
    else:
        st.button(state.t("dp.back_to_planned"), key=f"dp_unready_{view.id}", on_click=_on_status,
                  args=(view.id, view.version, view.title, "planned"))


def _on_status(drill_id: int, version: int, title: str, status: str) -> None:
    who = state.actor()

    def change(s) -> str:
        set_status(drill_id, status, expected_version=version, session=s, actor=who, now=state.utcnow())
        return state.t("dp.status_set", title=state.escape_markdown(title), status=state.t(f"drl.status.{status}"))

    _act(f"drill_{drill_id}", change)


def _held_form(view: DrillView, units: Mapping[int, UnitView]) -> None:
    """Who took part: every unit and person of the drill ticked to begin with; untick the absent."""
    unit_labels = {u: f"{state.name(units[u]) if u in units else code} ({code})"
                   for u, code in zip(view.unit_ids, view.unit_codes, strict=True)}
    people = {view.coordinator_id: view.coordinator_name}
    people.update({uid: name for uid, name, _ in view.people})
    with st.form(f"dp_held_form_{view.id}"):
        st.markdown(f"**{state.t('dp.held_title')}**")
        st.multiselect(state.t("dp.held_units"), list(unit_labels), default=list(unit_labels),
                       format_func=unit_labels.__getitem__, key=widgets.lang_key(f"dp_held_units_{view.id}"))
        st.multiselect(state.t("dp.held_people"), list(people), default=list(people), format_func=people.__getitem__,
                       key=f"dp_held_people_{view.id}")
        if view.shifts:
            shift_labels = {sid: f"{state.name(units[u]) if u in units else u} · {zh if state.lang() == 'zh' else en}"
                            for sid, u, zh, en in view.shifts}
            st.multiselect(state.t("shift.attended"), list(shift_labels), default=list(shift_labels),
                           format_func=shift_labels.__getitem__, key=widgets.lang_key(f"dp_held_shifts_{view.id}"))
        st.form_submit_button(state.t("dp.record_held"), key=f"dp_held_{view.id}", type="primary",
                              on_click=_on_held, args=(view.id, view.version, view.title))


def _on_held(drill_id: int, version: int, title: str) -> None:
    unit_ids = st.session_state.get(widgets.lang_key(f"dp_held_units_{drill_id}")) or []
    person_ids = st.session_state.get(f"dp_held_people_{drill_id}") or []
    shift_ids = st.session_state.get(widgets.lang_key(f"dp_held_shifts_{drill_id}")) or []
    who = state.actor()

    def change(s) -> str:
        record_conducted(drill_id, attended_unit_ids=unit_ids, attended_person_ids=person_ids,
                         attended_shift_ids=shift_ids,
                         expected_version=version, session=s, actor=who, now=state.utcnow())
        return state.t("dp.held_recorded", title=state.escape_markdown(title))

    _act(f"drill_{drill_id}", change)


def _cancel_form(view: DrillView) -> None:
    with st.form(f"dp_cancel_form_{view.id}"):
        st.markdown(f"**{state.t('dp.cancel_title')}**")
        st.text_input(state.t("dp.cancel_reason"), max_chars=MAX_REASON, key=f"dp_cancel_reason_{view.id}")
        st.form_submit_button(state.t("dp.cancel"), key=f"dp_cancel_{view.id}", on_click=_on_cancel,
                              args=(view.id, view.version, view.title))


def _on_cancel(drill_id: int, version: int, title: str) -> None:
    reason = st.session_state.get(f"dp_cancel_reason_{drill_id}") or ""
    who = state.actor()

    def change(s) -> str:
        cancel_drill(drill_id, reason, expected_version=version, session=s, actor=who, now=state.utcnow())
        return state.t("dp.cancelled", title=state.escape_markdown(title))

    _act(f"drill_{drill_id}", change)


def ics_button(label: str, data: bytes, file_name: str, key: str) -> None:
    st.download_button(label, data, file_name=file_name, mime="text/calendar", key=key,
                       icon=":material/calendar_month:", on_click="ignore")


def ics_name(*parts: str) -> str:
    """A file name like drills-2027-迎峰度夏.ics: the parts joined, spaces and path signs replaced."""
    text = "-".join(p.strip() for p in parts if p and p.strip())
    return "".join("-" if c in ' /\\:*?"<>|' else c for c in text) + ".ics"



# ── The list, with the chosen drill in full ───────────────────────────────


def list_tab(drills: Sequence[DrillView], units: Mapping[int, UnitView], key: int, *, may_change: set[int],
             may_cancel: set[int]) -> None:
    """The drills filtered by status, type and unit; the chosen one in full, with its log, its actions
    (for a user who may take them on every unit of the drill) and its .ics file."""
    a, b, c = st.columns(3)
    statuses = {s: state.t(f"drl.status.{s}") for s in dict.fromkeys(d.status for d in drills)}
    types = {d.type_key: drill_views.type_name(d) for d in drills}
    shown_units = {u: units[u] for u in dict.fromkeys(u for d in drills for u in d.unit_ids) if u in units}
    unit_options = [0, *sorted(shown_units, key=lambda u: shown_units[u].path)]
    unit_labels = {0: state.t("dp.all_units"), **{u: widgets.unit_label(v).strip() for u, v in shown_units.items()}}
    chosen_status = a.multiselect(state.t("dp.filter_status"), list(statuses), format_func=statuses.__getitem__,
                                  key=widgets.lang_key("dp_f_status"), placeholder=state.t("dp.filter_any"))
    chosen_types = b.multiselect(state.t("dp.filter_type"), list(types), format_func=types.__getitem__,
                                 key=widgets.lang_key("dp_f_type"), placeholder=state.t("dp.filter_any"))
    chosen_unit = c.selectbox(state.t("dp.filter_unit"), unit_options, format_func=unit_labels.__getitem__,
                              key=widgets.lang_key("dp_f_unit"))
    shown = [d for d in drills if (not chosen_status or d.status in chosen_status)
             and (not chosen_types or d.type_key in chosen_types) and (not chosen_unit or chosen_unit in d.unit_ids)]
    if not shown:
        st.info(state.t("dp.none_match"))
        return
    drill_views.list_table(shown, units)
    now = state.utcnow()
    upcoming = next((d.id for d in shown if d.ends_at >= now and d.status != "cancelled"), shown[-1].id)
    view = widgets.select_by_id(state.t("dp.pick_drill"), shown, key=SELECTED, default_id=upcoming,
                                fmt=drill_views.drill_label)
    with st.container(border=True):
        st.subheader(state.escape_markdown(view.title))
        drill_views.drill_details(view, units)
        with st.expander(state.t("dp.log")):
            drill_views.drill_log(drill_loaders.drill_log(view.id, key), units)
        drill_actions(view, may_change=set(view.unit_ids) <= may_change, may_cancel=set(view.unit_ids) <= may_cancel,
                      units=units)
        ics_button(state.t("dp.ics_drill"), drill_loaders.ics([view]), ics_name(f"drill-{view.id}"),
                   key=f"dp_ics_{view.id}")


def downloads(campaign_name: str, drills: Sequence[DrillView], units: Mapping[int, UnitView]) -> None:
    """The season's drills, or one unit's, as an .ics file that calendars import (and, imported again, update)."""
    st.markdown(f"**{state.t('dp.downloads')}**")
    a, b, c = st.columns([1, 1, 1], vertical_alignment="bottom")
    with a:
        ics_button(state.t("dp.ics_campaign"), drill_loaders.ics(drills, name=campaign_name),
                   ics_name("drills", campaign_name), key="dp_ics_campaign")
    present = {u: units[u] for u in dict.fromkeys(u for d in drills for u in d.unit_ids) if u in units}
    options = sorted(present, key=lambda u: present[u].path)
    labels = {u: widgets.unit_label(v).strip() for u, v in present.items()}
    unit = b.selectbox(state.t("dp.ics_unit_pick"), options, format_func=labels.__getitem__,
                       key=widgets.lang_key("dp_ics_unit"))
    if unit is not None:
        with c:
            ics_button(state.t("dp.ics_unit"), drill_loaders.ics([d for d in drills if unit in d.unit_ids],
                                                                 name=f"{campaign_name} · {present[unit].code}"),
                       ics_name("drills", campaign_name, present[unit].code), key="dp_ics_unit_file")
