"""The planner's "conduct" tab: running a drill (drills.conduct). Pick a drill, see its scenario timeline
(each inject's minute and text, when it was released, the responses logged to it); a controller
releases the injects one by one and logs what the players did, against a released inject or the drill as
a whole. Before the drill is held, a coordinator replaces its timeline with one drafted in Excel
(admin.drill_timeline): any row in error refuses the whole file, with each row's problem.

Who may run a drill (its lead unit's coordinators, its controllers and evaluators) and when (ready or
held, within its time) is the service's decision; the page offers the buttons to those it would let
run the drill and shows any refusal in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from admin.drill_timeline import TimelineFile, import_timeline, read_timeline, timeline_file_name, timeline_template
from core.clock import format_local, local_zone
from core.errors import DomainError
from drills.conduct import MAX_TEXT, TimelineEntry, log_response, release_inject
from drills.planning import DrillView
from drills.views import DrillLogLine
from store.db import transaction
from ui import drill_loaders, drill_views, state, widgets

SHOWN = ("planned", "ready", "conducted")
RUNNING = ("ready", "conducted")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "dpt_tl_uploads"  # bumped after an import: a fresh uploader, the applied file gone


def tab(drills: Sequence[DrillView], key: int, *, may_change: set[int]) -> None:
    """The drills that can still be run or written up, one chosen in full."""
    shown = [d for d in drills if d.status in SHOWN]
    if not shown:
        st.info(state.t("dpt.cd_none"))
        return
    now = state.utcnow()
    running = [d for d in shown if d.status in RUNNING and d.starts_at <= now <= d.ends_at]
    upcoming = [d for d in shown if d.ends_at >= now]
    default = (running or upcoming or shown[-1:])[0].id
    view = widgets.select_by_id(state.t("dpt.cd_pick"), shown, key="dpt_drill", default_id=default,
                                fmt=drill_views.drill_label)
    who = state.actor()
    coordinates = view.lead_unit_id in may_change
    may_run = coordinates or bool(who and who.user_id in view.ids_in("controller") | view.ids_in("evaluator"))
    st.caption(state.t("dpt.cd_when", when=drill_views.when(view), status=drill_views.status_label(view.status)))
    entries = drill_loaders.timeline(view.id, key)
    people = {p.id: p.display_name for p in drill_loaders.people(key)}
    _timeline_table(entries, people)
    _whole_drill_responses(drill_loaders.drill_log(view.id, key))
    if view.status not in RUNNING:
        st.caption(state.t("dpt.cd_needs_ready"))
    elif not may_run:
        st.caption(state.t("dpt.cd_not_yours"))
    else:
        _release_buttons(view, entries)
        _response_form(view, entries)
    if view.status in ("planned", "ready") and coordinates:
        _timeline_import(view, key)


def _timeline_table(entries: Sequence[TimelineEntry], people: Mapping[int, str]) -> None:
    if not entries:
        st.info(state.t("dpt.cd_no_injects"))
        return
    lang = state.lang()

    def responses(e: TimelineEntry) -> str:
        return "\n".join(f"{format_local(at)[11:]} {people.get(by, '-') if by else '-'}：{text}"
                         for at, text, by in e.responses)

    first = [e.first_response_minutes() for e in entries]
    # Inject texts and responses are typed by users: a dataframe shows them as plain text.
    st.dataframe(pd.DataFrame([{
        "minute": e.minute, "key": e.key, "text": e.text_zh if lang == "zh" else e.text_en,
        "released": format_local(e.released_at) if e.released_at else "",
        "first": round(f, 1) if f is not None else None, "responses": responses(e),
    } for e, f in zip(entries, first, strict=True)]), hide_index=True, width="stretch", column_config={
        "minute": st.column_config.NumberColumn(state.t("dpt.cd_col_minute"), format="%d", width="small"),
        "key": st.column_config.TextColumn(state.t("dpt.cd_col_key"), width="small"),
        "text": state.t("dpt.cd_col_text"), "released": state.t("dpt.cd_col_released"),
        "first": st.column_config.NumberColumn(state.t("dpt.cd_col_first"), width="small"),
        "responses": state.t("dpt.cd_col_responses")})


def _whole_drill_responses(lines: Sequence[DrillLogLine]) -> None:
    """The responses logged against no inject (conduct.timeline shows only those to an inject)."""
    general = [line for line in lines if line.kind == "response" and not line.data.get("inject")]
    if not general:
        return
    st.markdown(f"**{state.t('dpt.cd_general_heading')}**")

    def when(line: DrillLogLine) -> str:
        at = line.data.get("at")
        return format_local(datetime.fromisoformat(at)) if at else format_local(line.occurred_at)

    st.dataframe(pd.DataFrame([{"at": when(line), "who": line.who or "-", "text": line.text} for line in general]),
                 hide_index=True, width="stretch", column_config={
                     "at": st.column_config.TextColumn(state.t("dpt.cd_col_at"), width="small"),
                     "who": st.column_config.TextColumn(state.t("dp.col_log_who"), width="small"),
                     "text": state.t("dpt.cd_col_general")})


def _act(call: Callable[[], str]) -> None:
    """Run a change; flash its outcome, or the service's refusal in the user's language."""
    try:
        state.flash("success", call())
    except DomainError as err:
        state.flash("error", state.error_text(err))


# ── Releasing injects, logging responses ──────────────────────────────────


def _release_buttons(view: DrillView, entries: Sequence[TimelineEntry]) -> None:
    waiting = [(n, e) for n, e in enumerate(entries) if e.released_at is None]
    if not waiting:
        st.caption(state.t("dpt.cd_all_released"))
        return
    st.markdown(f"**{state.t('dpt.cd_release_heading')}**")
    with st.container(horizontal=True):
        for n, e in waiting:
            st.button(state.t("dpt.cd_release", minute=e.minute, inject=state.escape_markdown(e.key)),
                      key=f"dpt_release_{view.id}_{n}", on_click=_on_release, args=(view.id, e.key),
                      icon=":material/campaign:")


def _on_release(drill_id: int, inject_key: str) -> None:
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            release_inject(drill_id, inject_key, session=s, actor=who, now=state.utcnow())
        return state.t("dpt.cd_released", inject=state.escape_markdown(inject_key))

    _act(call)


def _response_keys(drill_id: int) -> dict[str, str]:
    return {"text": f"dpt_response_text_{drill_id}", "inject": widgets.lang_key(f"dpt_response_inject_{drill_id}"),
            "day": f"dpt_response_day_{drill_id}", "time": f"dpt_response_time_{drill_id}"}


def _response_form(view: DrillView, entries: Sequence[TimelineEntry]) -> None:
    keys = _response_keys(view.id)
    lang = state.lang()
    released = {e.key: f"{e.minute}′ · {e.key} · {(e.text_zh if lang == 'zh' else e.text_en)[:40]}"
                for e in entries if e.released_at is not None}
    options = {"": state.t("dpt.cd_whole_drill"), **released}
    with st.form(f"dpt_response_form_{view.id}"):
        st.markdown(f"**{state.t('dpt.cd_response_heading')}**")
        st.text_area(state.t("dpt.cd_response"), max_chars=MAX_TEXT, key=keys["text"])
        st.selectbox(state.t("dpt.cd_against"), list(options), format_func=options.__getitem__, key=keys["inject"])
        a, b = st.columns(2)
        a.date_input(state.t("dpt.cd_at_day"), value=None, key=keys["day"], help=state.t("dpt.cd_at_help"))
        b.time_input(state.t("dpt.cd_at_time"), value=None, step=60, key=keys["time"], help=state.t("dpt.cd_at_help"))
        st.form_submit_button(state.t("dpt.cd_log"), key=f"dpt_log_{view.id}", type="primary",
                              on_click=_on_log, args=(view.id,))


def _on_log(drill_id: int) -> None:
    keys = _response_keys(drill_id)
    values = st.session_state
    text = values.get(keys["text"]) or ""
    if not text.strip():
        state.flash("error", state.t("drl.response_empty"))
        return
    day, at = values.get(keys["day"]), values.get(keys["time"])
    when = None
    if at is not None or day is not None:
        if not isinstance(at, time):
            state.flash("error", state.t("dpt.cd_at_needs_time"))
            return
        when = datetime.combine(day if isinstance(day, date) else state.today(), at, tzinfo=local_zone())
    inject = values.get(keys["inject"]) or None
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            log_response(drill_id, text, inject_key=inject, at=when, session=s, actor=who, now=state.utcnow())
        # A callback runs before the form is drawn again: its fields may be emptied for the next entry.
        for k in ("text", "day", "time"):
            values[keys[k]] = "" if k == "text" else None
        return state.t("dpt.cd_logged")

    _act(call)


# ── The timeline from Excel ─────────────────────────────────────────────────


def _length(view: DrillView) -> int:
    return int((view.ends_at - view.starts_at).total_seconds() // 60)


def _timeline_import(view: DrillView, key: int) -> None:
    st.subheader(state.t("dpt.tl_heading"), divider="gray")
    st.caption(state.t("dpt.tl_intro", length=_length(view)))
    lang = state.lang()
    a, b = st.columns(2)
    a.download_button(state.t("dpt.tl_download"), data=drill_loaders.timeline_workbook(view.id, lang, key),
                      file_name=timeline_file_name(view.title), mime=XLSX_MIME, key=f"dpt_tl_download_{view.id}",
                      icon=":material/download:", on_click="ignore")
    b.download_button(state.t("dpt.tl_template"), data=timeline_template(lang),
                      file_name=timeline_file_name(state.t("dpt.tl_template_name")), mime=XLSX_MIME,
                      key="dpt_tl_template", icon=":material/download:", on_click="ignore")
    file = st.file_uploader(state.t("dpt.tl_upload"),
                            key=f"dpt_tl_upload_{view.id}_{st.session_state.get(UPLOADS, 0)}")
    if file is None:
        return
    data = file.getvalue()
    try:
        read = read_timeline(data, length_minutes=_length(view))
    except DomainError as err:
        st.error(state.error_text(err))
        return
    _preview(read)
    if not read.ok:
        st.error(state.t("dpt.tl_fix", n=len(read.errors)))
        return
    st.button(state.t("dpt.tl_apply", n=len(read.injects)), key=f"dpt_tl_apply_{view.id}", type="primary",
              on_click=_on_import, args=(view.id, view.version, data))


def _preview(read: TimelineFile) -> None:
    lang = state.lang()
    if read.errors:
        st.dataframe(pd.DataFrame([{"row": e.row, "problem": e.message(lang)} for e in read.errors]),
                     hide_index=True, width="stretch", column_config={
                         "row": st.column_config.NumberColumn(state.t("xl.col_row"), format="%d", width="small"),
                         "problem": state.t("dpt.tl_col_problem")})
        return
    st.dataframe(pd.DataFrame([{"row": r, "minute": i["minute"], "key": i["key"], "text_zh": i["text_zh"],
                                "text_en": i["text_en"]} for r, i in zip(read.rows, read.injects, strict=True)]),
                 hide_index=True, width="stretch", column_config={
                     "row": st.column_config.NumberColumn(state.t("xl.col_row"), format="%d", width="small"),
                     "minute": st.column_config.NumberColumn(state.t("dpt.cd_col_minute"), format="%d"),
                     "key": state.t("dpt.cd_col_key"), "text_zh": state.t("dpt.tl_col.text_zh"),
                     "text_en": state.t("dpt.tl_col.text_en")})


def _on_import(drill_id: int, version: int, data: bytes) -> None:
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            n = import_timeline(drill_id, data, expected_version=version, session=s, actor=who, now=state.utcnow())
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        return state.t("dpt.tl_done", n=n)

    _act(call)
