"""The drill planner's read-only parts: the timeline by unit, the month grid, the list of drills, one drill
in full with its log, and the required drills of units.

Titles, locations, scenarios and reasons are typed by users: they go to dataframes, st.text and plotly
hover text (HTML-escaped there), never to Markdown.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from core.clock import format_local, to_local
from drills.planning import DrillView
from drills.required import STATES, Requirement
from drills.views import DrillLogLine
from org.queries import UnitView
from ui import state, widgets

# Requirement states as colours, in drills.required's order (worst first): overdue red, missing amber,
# no plan or no shift on record grey, due again before the peak light yellow, met green.
COLOURS = {"overdue": "#f8d0d0", "missing": "#fde6b8", "no-plan": "#e4e4e4", "no-shift": "#e4e4e4", "due": "#fff6cc",
           "met": "#cdeccd"}
STATE_COLOURS = {s: COLOURS.get(s, "") for s in STATES}
STATUS_BADGE = {"planned": "blue", "ready": "violet", "conducted": "green", "reviewed": "green", "cancelled": "gray"}


def type_name(view: DrillView) -> str:
    return view.type_name_zh if state.lang() == "zh" else view.type_name_en


def status_label(status: str) -> str:
    return state.t(f"drl.status.{status}")


def when(view: DrillView) -> str:
    """Start and end in local time; the end's day only when it differs."""
    start, end = format_local(view.starts_at), format_local(view.ends_at)
    return f"{start} – {end[11:] if end[:10] == start[:10] else end}"


def _sep() -> str:
    return "、" if state.lang() == "zh" else ", "


def unit_names(view: DrillView, units: Mapping[int, UnitView]) -> str:
    return _sep().join(state.name(units[u]) if u in units else code for u, code in zip(view.unit_ids, view.unit_codes,
                                                                                  strict=True))


def drill_label(view: DrillView) -> str:
    """How a drill is named in pickers: when, title, status."""
    return f"{format_local(view.starts_at)} · {view.title} · {status_label(view.status)}"


# ── Timeline and month ────────────────────────────────────────────────────


def timeline_figure(drills: Sequence[DrillView], units: Mapping[int, UnitView]) -> go.Figure:
    """One bar per drill and unit taking part, a row per unit, coloured by drill type; a cancelled drill
    is hatched; the hover gives the title, status, exact time and the lead unit. A bar covers the drill's
    whole day(s): a few hours would be a hairline on a season's axis."""
    col_unit, col_type, col_status = state.t("dp.col_unit"), state.t("dp.col_type"), state.t("dp.col_status")
    col_title, col_when, col_lead = state.t("dp.col_title"), state.t("dp.col_when"), state.t("dp.col_lead")
    active, cancelled = state.t("dp.bar_active"), state.t("drl.status.cancelled")
    rows = []
    for d in drills:
        for unit_id, code in zip(d.unit_ids, d.unit_codes, strict=True):
            rows.append({
                "start": _day_start(d.starts_at), "end": _day_start(d.ends_at - timedelta(microseconds=1))
                + timedelta(days=1),
                col_unit: state.name(units[unit_id]) if unit_id in units else code,
                col_type: type_name(d), col_title: html.escape(d.title), col_status: status_label(d.status),
                col_when: when(d), col_lead: units[d.lead_unit_id].code if d.lead_unit_id in units else d.lead_unit_code,
                "shape": cancelled if d.status == "cancelled" else active,
            })
    frame = pd.DataFrame(rows)
    order = [state.name(u) for u in units.values() if state.name(u) in set(frame[col_unit])]
    order += sorted(set(frame[col_unit]) - set(order))
    hatched = {"pattern_shape": "shape", "pattern_shape_map": {active: "", cancelled: "x"}} \
        if (frame["shape"] == cancelled).any() else {}
    fig = px.timeline(
        frame, x_start="start", x_end="end", y=col_unit, color=col_type, hover_name=col_title, **hatched,
        hover_data={col_status: True, col_when: True, col_lead: True, col_type: True, "start": False, "end": False,
                    "shape": False, col_unit: False},
        category_orders={col_unit: order})
    if hatched:  # legend entries read "type" and "type (cancelled)", not "type, active"
        fig.for_each_trace(lambda tr: tr.update(name=tr.name.replace(f", {active}", "")
                                                .replace(f", {cancelled}", f" ({cancelled})")))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=None)
    fig.update_layout(height=160 + 32 * len(order), margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      legend_title_text=col_type)
    return fig


def _day_start(moment: datetime) -> datetime:
    """The local midnight that begins the moment's day (naive, as plotly draws it)."""
    return datetime.combine(to_local(moment).date(), datetime.min.time())


def months_of(drills: Sequence[DrillView], first: date, last: date) -> list[date]:
    """The first days of the months from `first` to `last`, stretched to cover every drill."""
    days = [to_local(d.starts_at).date() for d in drills]
    start, end = min([first, *days]), max([last, *days])
    out, month = [], date(start.year, start.month, 1)
    while month <= end:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def month_grid(drills: Sequence[DrillView], month: date) -> pd.DataFrame:
    """A month as weeks (rows, Monday first) by weekdays (columns); each day lists its drills' start times
    and titles. Cells are Markdown for st.table (it wraps them): the titles are escaped."""
    by_day: dict[date, list[str]] = {}
    for d in drills:
        local = to_local(d.starts_at)
        by_day.setdefault(local.date(), []).append(f"{local:%H:%M} {state.escape_markdown(d.title)}")
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    monday = month - timedelta(days=month.weekday())
    weekdays = [state.t(f"dp.weekday.{i}") for i in range(7)]
    rows, index = [], []
    while monday <= last:
        row = {}
        for i, name in enumerate(weekdays):
            day = monday + timedelta(days=i)
            if day.month != month.month:
                row[name] = ""
                continue
            row[name] = " · ".join([f"**{day.day}**", *by_day[day]]) if day in by_day else f"{day.day}"
        rows.append(row)
        index.append(state.t("dp.week_of", week=monday.isocalendar().week, day=monday.strftime("%m-%d")))
        monday += timedelta(days=7)
    return pd.DataFrame(rows, index=index)


# ── The list and one drill ────────────────────────────────────────────────


def list_table(drills: Sequence[DrillView], units: Mapping[int, UnitView]) -> None:
    st.dataframe(pd.DataFrame([{
        "when": when(d), "title": d.title, "status": status_label(d.status), "type": type_name(d),
        "form": state.t(f"dt.form.{d.form}"),
        "lead": state.name(units[d.lead_unit_id]) if d.lead_unit_id in units else d.lead_unit_code,
        "units": unit_names(d, units), "coordinator": d.coordinator_name,
    } for d in drills]), hide_index=True, width="stretch", column_config={
        "when": state.t("dp.col_when"), "title": state.t("dp.col_title"), "type": state.t("dp.col_type"),
        "form": state.t("dp.col_form"), "lead": state.t("dp.col_lead"), "units": state.t("dp.col_units"),
        "coordinator": state.t("dp.col_coordinator"), "status": state.t("dp.col_status")})


def _role(role: str) -> str:
    key = f"drl.role.{role}" if role in ("coordinator", "evaluator", "participant") else f"dt.role.{role}"
    return state.t(key)


def drill_details(view: DrillView, units: Mapping[int, UnitView]) -> None:
    """What a drill is: type, plan level, form, time, place, units, people, objectives and injects."""
    lang = state.lang()
    badge = STATUS_BADGE.get(view.status, "gray")
    facts = [f":{badge}-badge[{status_label(view.status)}]", state.escape_markdown(type_name(view)),
             state.t(f"dt.plan.{view.plan_level}"), state.t(f"dt.form.{view.form}")]
    if view.unannounced:
        facts.append(state.t("dp.unannounced_badge"))
    st.markdown(" · ".join(facts))
    lead = state.name(units[view.lead_unit_id]) if view.lead_unit_id in units else view.lead_unit_code
    lines = [state.t("dp.detail_when", when=when(view)), state.t("dp.detail_lead", unit=lead),
             state.t("dp.detail_units", units=unit_names(view, units)),
             state.t("dp.detail_coordinator", name=view.coordinator_name)]
    if view.location:
        lines.append(state.t("dp.detail_location", place=view.location))
    roles: dict[str, list[str]] = {}
    for _, name, role in view.people:
        roles.setdefault(role, []).append(name)
    lines += [state.t("dp.detail_role", role=_role(role), names=_sep().join(names)) for role, names in roles.items()]
    if view.status in ("conducted", "reviewed"):
        attended = [units[u].code if u in units else str(u) for u in view.attended_unit_ids]
        lines.append(state.t("dp.detail_attended", units=_sep().join(attended) or "—",
                             people=len(view.attended_person_ids)))
    if view.status == "cancelled":
        lines.append(state.t("dp.detail_cancelled", reason=view.cancel_reason))
    widgets.plain("\n".join(lines))  # names, place and reason are typed by users
    if view.scenario:
        st.markdown(f"**{state.t('dp.scenario')}**")
        widgets.plain(view.scenario)
    esc = state.escape_markdown  # st.table wraps long texts; its cells are Markdown
    if view.objectives:
        st.markdown(f"**{state.t('dp.objectives')}**")
        st.table(pd.DataFrame({
            state.t("dt.col_objective"): [esc(o.get(f"text_{lang}", "")) for o in view.objectives],
            state.t("dt.col_criteria"): [esc(o.get(f"criteria_{lang}", "")) for o in view.objectives],
        }), hide_index=True, border="horizontal")
    if view.injects:
        st.markdown(f"**{state.t('dp.injects')}**")
        st.table(pd.DataFrame({
            state.t("dt.col_minute"): [f"T+{i.get('minute', 0)}" for i in view.injects],
            state.t("dt.col_inject"): [esc(i.get(f"text_{lang}", "")) for i in view.injects],
        }), hide_index=True, border="horizontal")


def _log_text(line: DrillLogLine, units: Mapping[int, UnitView]) -> str:
    data = line.data
    if line.kind == "status":
        text = f"{status_label(str(data.get('before')))} → {status_label(str(data.get('after')))}"
        if data.get("after") == "conducted":
            codes = [units[u].code if u in units else str(u) for u in data.get("units", [])]
            text += " · " + state.t("dp.log_attended", units=_sep().join(codes), people=len(data.get("people", [])))
        return f"{text} · {line.text}" if line.text else text
    if line.kind == "inject":
        return state.t("dp.log_inject", inject=str(data.get("inject", "")))
    if line.kind == "response":  # what the responder typed, shown in a dataframe: plain text
        return f"[{data['inject']}] {line.text}" if data.get("inject") else line.text
    if line.kind == "changed" and line.text == "timeline":
        return state.t("dp.log_timeline")
    if line.kind == "moved":
        before, after = data.get("before", {}), data.get("after", {})
        text = state.t("dp.log_moved", before=_iso_local(before.get("starts_at")), after=_iso_local(after.get("starts_at")))
    elif line.kind == "planned":
        text = state.t("dp.log_planned", start=_iso_local(data.get("starts_at")))
    else:
        text = ""
    if line.text:  # the warning codes the save was made with
        text = f"{text} · {state.t('dp.log_warnings', codes=line.text)}" if text else line.text
    return text


def _iso_local(value: object) -> str:
    if not isinstance(value, str):
        return "—"
    try:
        return format_local(datetime.fromisoformat(value))
    except ValueError:
        return value


def drill_log(lines: Sequence[DrillLogLine], units: Mapping[int, UnitView]) -> None:
    """The drill's log, newest first."""
    if not lines:
        st.caption(state.t("dp.log_empty"))
        return
    st.dataframe(pd.DataFrame([{
        "when": format_local(line.occurred_at), "who": line.who or state.t("dp.log_cli"),
        "kind": state.t(f"dp.log_kind.{line.kind}") if line.kind in LOG_KINDS else line.kind,
        "what": _log_text(line, units),
    } for line in reversed(lines)]), hide_index=True, width="stretch", column_config={
        "when": state.t("dp.col_log_when"), "who": state.t("dp.col_log_who"), "kind": state.t("dp.col_log_kind"),
        "what": state.t("dp.col_log_what")})


LOG_KINDS = ("planned", "changed", "moved", "status", "inject", "response")


# ── Required drills ───────────────────────────────────────────────────────


def required_table(rows: Sequence[Requirement], units: Mapping[int, UnitView],
                   drills: Mapping[int, DrillView]) -> None:
    """The requirements, worst first, the state coloured, with the planned drill that would close a gap."""
    lang = state.lang()

    def planned(r: Requirement) -> str:
        if r.planned_drill_id is None:
            return ""
        d = drills.get(r.planned_drill_id)
        title = d.title if d else f"#{r.planned_drill_id}"
        return f"{r.planned_on.isoformat() if r.planned_on else ''} {title}".strip()

    labels = {s: state.t(f"dp.state.{s.replace('-', '_')}") for s in STATE_COLOURS}
    frame = pd.DataFrame([{
        "state": labels.get(r.state, r.state),
        "unit": state.name(units[r.unit_id]) if r.unit_id in units else r.unit_code,
        "rule": getattr(r, f"rule_{lang}") + (f" · {state.t('dp.per_shift')}" if r.per_shift else ""),
        "plan": r.plan_title or "",
        "shift": getattr(r, f"shift_{lang}") or "",
        "due_by": r.due_by.isoformat() if r.due_by else "",
        "last_held": r.last_held.isoformat() if r.last_held else "",
        "planned": planned(r),
    } for r in rows])
    colour = {labels[s]: c for s, c in STATE_COLOURS.items()}
    styled = frame.style.map(lambda v: f"background-color: {colour[v]}" if colour.get(v) else "", subset=["state"])
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        "state": state.t("dp.col_state"), "unit": state.t("dp.col_unit"), "rule": state.t("dp.col_rule"),
        "plan": state.t("dp.col_plan"), "shift": state.t("shift.col"), "due_by": state.t("dp.col_due_by"), "last_held": state.t("dp.col_last_held"),
        "planned": state.t("dp.col_planned")})


# ── The tabs ──────────────────────────────────────────────────────────────


def calendar_tab(drills: Sequence[DrillView], units: Mapping[int, UnitView], *, first: date, last: date,
                 today: date) -> None:
    """The timeline by unit, and one month as a grid of weeks; cancelled drills only on request."""
    show_cancelled = st.toggle(state.t("dp.show_cancelled"), key="dp_show_cancelled")
    shown = [d for d in drills if show_cancelled or d.status != "cancelled"]
    if not shown:
        st.info(state.t("dp.none_match"))
        return
    st.plotly_chart(timeline_figure(shown, units), config={"displaylogo": False}, key="dp_timeline")
    months = months_of(shown, first, last)
    upcoming = [to_local(d.starts_at).date() for d in shown if to_local(d.starts_at).date() >= today]
    anchor = min(upcoming) if upcoming else to_local(shown[-1].starts_at).date()
    default = date(anchor.year, anchor.month, 1)
    if st.session_state.get("dp_month") not in months:
        st.session_state["dp_month"] = default if default in months else months[0]
    views = {v: state.t(f"dp.view_{v}") for v in ("month", "week")}
    view = st.segmented_control(state.t("dp.view"), list(views), default="month", format_func=views.__getitem__,
                                key=widgets.lang_key("dp_view"))
    if view == "week":
        weeks = weeks_of(months[0], months[-1])
        this_week = anchor - timedelta(days=anchor.weekday())
        if st.session_state.get("dp_week") not in weeks:
            st.session_state["dp_week"] = this_week if this_week in weeks else weeks[0]
        labels = {w: state.t("dp.week_of", week=w.isocalendar().week, day=w.strftime("%Y-%m-%d")) for w in weeks}
        monday = st.selectbox(state.t("dp.week"), weeks, format_func=labels.__getitem__, key="dp_week")
        week = week_table(shown, units, monday)
        if week.empty:
            st.caption(state.t("dp.week_empty"))
        else:
            st.dataframe(week, hide_index=True, width="stretch")
        return
    month = st.selectbox(state.t("dp.month"), months, format_func=lambda m: m.strftime("%Y-%m"), key="dp_month")
    st.table(month_grid(shown, month), border="horizontal")


def weeks_of(first_month: date, last_month: date) -> list[date]:
    """The Mondays of the weeks that touch the months from `first_month` to the end of `last_month`."""
    end = date(last_month.year, last_month.month, calendar.monthrange(last_month.year, last_month.month)[1])
    monday = first_month - timedelta(days=first_month.weekday())
    out = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def week_table(drills: Sequence[DrillView], units: Mapping[int, UnitView], monday: date) -> pd.DataFrame:
    """One week's drills day by day: the weekday, the time, the title, the status and the units."""
    rows = []
    for d in drills:
        day = to_local(d.starts_at).date()
        if monday <= day < monday + timedelta(days=7):
            rows.append({state.t("dp.col_day"): f"{state.t(f'dp.weekday.{day.weekday()}')} {day:%m-%d}",
                         state.t("dp.col_when"): when(d)[11:], state.t("dp.col_title"): d.title,
                         state.t("dp.col_status"): status_label(d.status), state.t("dp.col_units"): unit_names(d, units)})
    return pd.DataFrame(rows)


def required_tab(rows: Sequence[Requirement], units: Mapping[int, UnitView], drills: Mapping[int, DrillView]) -> None:
    """Counts per state, then the rows (only those not met, by default), optionally of one unit."""
    counts = {s: sum(r.state == s for r in rows) for s in STATE_COLOURS}
    for column, (code, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(state.t(f"dp.state.{code.replace('-', '_')}"), n, border=True)
    a, b = st.columns([1, 2], vertical_alignment="bottom")
    open_only = a.toggle(state.t("dp.not_met_only"), value=True, key="dp_req_open")
    present = {r.unit_id: units[r.unit_id] for r in rows if r.unit_id in units}
    options = [0, *sorted(present, key=lambda u: present[u].path)]
    labels = {0: state.t("dp.all_units"), **{u: widgets.unit_label(v).strip() for u, v in present.items()}}
    unit = b.selectbox(state.t("dp.filter_unit"), options, format_func=labels.__getitem__,
                       key=widgets.lang_key("dp_req_unit"))
    shown = [r for r in rows if (not open_only or r.state != "met") and (not unit or r.unit_id == unit)]
    if not shown:
        st.success(state.t("dp.all_met"), icon=":material/check_circle:")
        return
    required_table(shown, units, drills)
    st.caption(state.t("dp.required_hint"))
