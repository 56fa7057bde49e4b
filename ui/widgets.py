"""Reusable Streamlit pieces for the pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from checklists.changes import MAX_TEXT, change_item
from checklists.queries import ChecklistRow, after_change
from core.clock import format_local
from readiness.series import template_progress
from store.db import bump_and_read_change_counter, transaction
from ui import evidence_forms, loaders, state

STATUS_ICON = {"open": ":material/check_box_outline_blank:", "done": ":green[:material/check_box:]", "na": ":gray[:material/do_not_disturb_on:]"}
CRIT_BADGE = {"critical": ":red-badge[{}]", "major": ":orange-badge[{}]", "normal": ":gray-badge[{}]"}
PENDING = "pending_form"  # session key: (action, row key) whose reason / note form is open
HISTORY = "history_item"  # session key: row key (item and occurrence) whose log is shown


def plain(text: str) -> None:
    """Show text a user typed exactly as typed: no Markdown, no HTML, no images, no links."""
    st.text(text, width="stretch")


def unit_label(unit: object) -> str:
    return "\u3000" * getattr(unit, "depth", 0) + state.name(unit)


def lang_key(key: str) -> str:
    """A widget key per language: a widget whose labels change with the language starts afresh
    (its choice is carried over by the caller) instead of matching stale labels."""
    return f"{key}_{state.lang()}"


def choice(label: str, options: dict[str, str], *, key: str, horizontal: bool = True, collapsed: bool = False) -> str:
    """A radio over `options` (value → label in the current language) whose choice is kept under `key`
    across reruns and language switches."""
    widget = lang_key(key)
    current = st.session_state.get(key)
    if st.session_state.get(widget) not in options:
        st.session_state[widget] = current if current in options else next(iter(options))
    chosen = st.radio(label, list(options), key=widget, horizontal=horizontal, format_func=options.__getitem__,
                      label_visibility="collapsed" if collapsed else "visible")
    st.session_state[key] = chosen
    return chosen


def select_by_id(label: str, options: Sequence, *, key: str, default_id: int | None = None, fmt=None):
    """A selectbox over rows with an .id; the choice is kept in session state under `key` by id,
    across reruns and language switches."""
    ids = [o.id for o in options]
    by_id = {o.id: o for o in options}
    current = st.session_state.get(key)
    if current not in by_id:
        current = default_id if default_id in by_id else ids[0]
    widget = lang_key(key)
    if st.session_state.get(widget) not in by_id:
        st.session_state[widget] = current
    with state.pinned_lang():
        labels = {i: (fmt or state.name)(o) for i, o in by_id.items()}  # fixed now, not at a later call
    chosen = st.selectbox(label, ids, key=widget, format_func=labels.__getitem__)
    st.session_state[key] = chosen
    return by_id[chosen]


def drill_down(source_key: str, target_key: str) -> None:
    """Callback: make the unit chosen in `source_key` the choice of the select_by_id picker `target_key`,
    and clear the source. Runs before the rerun draws either widget, so both may be written."""
    value = st.session_state.get(source_key)
    if value is None:
        return
    st.session_state[target_key] = value
    st.session_state[lang_key(target_key)] = value
    st.session_state[source_key] = None


def _apply(campaign_id: int, unit_id: int, row: ChecklistRow, action: str, text: str = "") -> None:
    who = state.actor()
    item = getattr(row, f"text_{state.lang()}")

    def call() -> str | None:
        now = state.utcnow()
        with transaction(state.engine(), bump=False) as session:
            # Checked in the change's own transaction: a tick after a sign-out elsewhere writes nothing
            # (the rerun then finds the session ended), and the rerun need not check it again.
            if not state.signed_in_during(session, now):
                return None
            done = change_item(campaign_id, unit_id, row.item_id, action, expected_version=row.version,
                               text=text, session=session, actor=who, now=now, occurrence=row.occurrence)
            key = bump_and_read_change_counter(session)
        loaders.patch_row(campaign_id, unit_id, key, after_change(row, done, who.display_name, now))
        state.note_own_write(own_write_id(campaign_id, unit_id, row), key)
        st.session_state.pop(PENDING, None)
        return state.t(f"cl.saved_{action}", item=item[:40])

    state.run_action(call)


def own_write_id(campaign_id: int, unit_id: int, row: ChecklistRow) -> str:
    """What names an item's own write for its rerun (state.own_write_key)."""
    return f"{campaign_id}/{unit_id}/{row.row_key}"


def _open_form(action: str, row_key: str) -> None:
    st.session_state[PENDING] = (action, row_key)


def item_row(campaign_id: int, unit_id: int, row: ChecklistRow, today: date, may: frozenset[str],
             key_prefix: str = "") -> None:
    """One checklist item: status, text, due date and evidence, and the action buttons the user may use
    (`may`: the user's actions on the unit, org.authz; the service refuses the others anyway).
    `key_prefix` keeps widget keys apart where one page lists items of several units or seasons."""
    lang = state.lang()
    # Few elements per row (a 200-item unit draws thousands): the text and its line of facts in one
    # Markdown block, the buttons in one horizontal container that wraps on a phone.
    text_col, btn_col = st.columns([5, 3], vertical_alignment="center")
    with text_col:
        badge = CRIT_BADGE[row.criticality].format(state.t(f"crit.{row.criticality}"))
        due = _due_text(row)
        if row.overdue(today):
            due = f":red[**{due} · {state.t('cl.overdue')}**]"
        facts = [due, state.t(f"disc.{row.discipline}"), state.t("cl.sources", ids=", ".join(row.sources)),
                 state.t("cl.evidence", text=getattr(row, f"evidence_{lang}"))]
        if files := evidence_forms.summary(row):
            facts.append(files)
        if row.updated_at:
            facts.append(state.t("cl.last_change", who=state.escape_markdown(row.updated_by or "-"),
                                 when=format_local(row.updated_at)))
        # Template texts are our own content (Markdown is safe there); what users typed is shown as
        # plain text only (st.text parses neither Markdown nor HTML), names escaped.
        st.markdown(f"{STATUS_ICON[row.status]} {badge} {_occurrence_badge(row)}{getattr(row, f'text_{lang}')}  \n"
                    f":small[:gray[{' · '.join(facts)}]]")
        if row.na_reason:
            plain(state.t("cl.na_reason", text=row.na_reason))
        if row.note:
            plain(state.t("cl.note", text=row.note))
    with btn_col, st.container(horizontal=True, gap="small", vertical_alignment="center"):
        args = (campaign_id, unit_id, row)
        k = f"{key_prefix}{row.row_key}"
        if row.status == "done":
            if "item.reopen" in may:
                st.button(state.t("cl.btn_reopen"), key=f"reopen_{k}", on_click=_apply, args=(*args, "reopen"))
        elif "item.done" in may and row.requires_evidence and not row.evidence_count:
            # No file yet: a lead may tick it on a written reason; anyone else is told to attach one.
            if "item.waive_evidence" in may:
                st.button(state.t("cl.btn_done"), key=f"done_{k}", type="primary", on_click=_open_form,
                          args=("waive", k))
            else:
                st.caption(f":material/attach_file: {state.t('evd.need_file')}", help=state.t("evd.done_hint"),
                           width="content")
        elif "item.done" in may:
            st.button(state.t("cl.btn_done"), key=f"done_{k}", type="primary", on_click=_apply, args=(*args, "done"))
        if row.status == "na":
            if "item.reopen" in may:
                st.button(state.t("cl.btn_reopen"), key=f"reopen_{k}", on_click=_apply, args=(*args, "reopen"))
        elif "item.na" in may:
            st.button(state.t("cl.btn_na"), key=f"na_{k}", on_click=_open_form, args=("na", k))
        if "item.note" in may:
            st.button(state.t("cl.btn_note"), key=f"note_{k}", on_click=_open_form, args=("note", k))
        st.button(":material/history:", key=f"history_{k}", help=state.t("cl.history"), type="tertiary",
                  on_click=_toggle_history, args=(k,))
        st.button(":material/attach_file:", key=f"evidence_{k}", help=state.t("evd.button_help"), type="tertiary",
                  on_click=evidence_forms.toggle, args=(k,))
    if st.session_state.get(HISTORY) == k:
        _history(campaign_id, unit_id, row)
    if evidence_forms.is_open(k):
        evidence_forms.panel(campaign_id, unit_id, row, may, k)
    pending = st.session_state.get(PENDING)
    if pending and pending[1] == k:
        if pending[0] == "waive" and "item.waive_evidence" in may and row.status != "done":
            _reason_form(campaign_id, unit_id, row, "done", k, title="evd.waive_form_title", label="evd.waive_reason")
        elif pending[0] in ("na", "note") and f"item.{pending[0]}" in may:
            _reason_form(campaign_id, unit_id, row, pending[0], k)


def filtered(rows: Sequence[ChecklistRow], show: str, today: date) -> list[ChecklistRow]:
    """The rows the show-filter keeps: all, the open ones, or the overdue ones."""
    if show == "open":
        return [r for r in rows if r.status == "open"]
    if show == "overdue":
        return [r for r in rows if r.overdue(today)]
    return list(rows)


def season_checks(campaign_id: int, unit_id: int, rows: Sequence[ChecklistRow], today: date,
                  may: frozenset[str], draw: Callable[..., None] | None = None) -> None:
    """The recurring checks of the periods begun so far and the events' checks, in one expander;
    `draw` draws one row (item_row, or a fragment around it)."""
    if not rows:
        return
    with st.expander(state.t("cl.season_checks", n=sum(r.status == "open" for r in rows)), expanded=True):
        for row in rows:
            (draw or item_row)(campaign_id, unit_id, row, today, may)


def _due_text(row: ChecklistRow) -> str:
    """When the row falls due, in words: a day, an event's due time, or 'once the event ends'."""
    if row.due is None:
        return state.t("cl.due_after_event")
    if row.kind == "event" and row.due_at is not None:
        return state.t("cl.due", date=format_local(row.due_at))
    return state.t("cl.due", date=row.due.isoformat())


def _occurrence_badge(row: ChecklistRow) -> str:
    """A recurring check's period, an event check's event or a corrective action's drill, before its text."""
    if row.kind == "recurring":
        return f":blue-badge[{state.t('cl.period', period=row.occurrence)}] "
    if row.kind == "event":
        return f":violet-badge[{state.escape_markdown(row.event_name)}] "
    if row.kind == "corrective" and row.drill_title:
        return f":orange-badge[{state.t('cl.corrective', drill=state.escape_markdown(row.drill_title))}] "
    if row.kind == "corrective":  # found in a safety inspection, not by a drill
        return f":orange-badge[{state.t('cl.corrective_inspection')}] "
    return ""


def _confirm(campaign_id: int, unit_id: int, row: ChecklistRow, action: str, k: str) -> None:
    _apply(campaign_id, unit_id, row, action, st.session_state.get(f"text_{action}_{k}", ""))


def _close_form() -> None:
    st.session_state.pop(PENDING, None)


def _toggle_history(row_key: str) -> None:
    st.session_state[HISTORY] = None if st.session_state.get(HISTORY) == row_key else row_key


def _history(campaign_id: int, unit_id: int, row: ChecklistRow) -> None:
    """The occurrence's full log for this unit, newest first, from the append-only event log."""
    log = loaders.history(state.actor(), campaign_id, unit_id, row.item_id, row.occurrence)
    if not log:
        st.caption(state.t("cl.history_empty"))
        return
    st.dataframe(
        [
            {
                state.t("cl.col_when"): format_local(e.occurred_at),
                state.t("cl.col_who"): e.who,
                state.t("cl.col_action"): state.t(f"cl.btn_{e.action}"),
                state.t("cl.col_status"): f"{state.t(f'status.{e.status_before}')} → {state.t(f'status.{e.status_after}')}",
                state.t("cl.col_text"): _history_text(e),
            }
            for e in reversed(log)
        ],
        hide_index=True,
        width="stretch",
    )


def _history_text(e) -> str:
    """An event's words: a file attached shows its name and the start of its SHA-256 (a replaced file
    then shows as another hash); a tick without the evidence required shows the reason accepted."""
    if e.action == "evidence":
        return state.t("evd.history_file", name=e.text, sha=(e.evidence_sha256 or "")[:12])
    if e.evidence_waived:
        return state.t("evd.history_waived", text=e.text)
    return e.text


def _reason_form(campaign_id: int, unit_id: int, row: ChecklistRow, action: str, k: str, *, title: str = "",
                 label: str = "") -> None:
    """The reason (N/A), note, or reason-without-evidence (done) form under an item; its buttons act in
    callbacks, before the rerun."""
    item = getattr(row, f"text_{state.lang()}")[:40]
    with st.form(f"form_{action}_{k}"):
        st.markdown(state.t(title or f"cl.{action}_form_title", item=item))
        label = state.t(label) if label else state.t("cl.reason") if action == "na" else state.t("cl.note_text")
        st.text_input(label, key=f"text_{action}_{k}", max_chars=MAX_TEXT)
        ok, cancel = st.columns(2)
        ok.form_submit_button(state.t("cl.confirm"), type="primary", on_click=_confirm,
                              args=(campaign_id, unit_id, row, action, k))
        cancel.form_submit_button(state.t("cl.cancel"), on_click=_close_form)


def template_readiness(templates: Sequence, rows: Sequence[ChecklistRow]) -> None:
    """A season running several templates: the unit's readiness per template (a shared item counts in each)."""
    if len(templates) < 2:
        return
    progress = template_progress(rows, [tp.key for tp in templates]).set_index("template")
    for column, tp in zip(st.columns(len(templates)), templates, strict=True):
        figures = progress.loc[tp.key]
        ready = figures["readiness"]
        column.metric(state.name(tp), "—" if ready is None or ready != ready else f"{ready:.0%}",
                      help=state.t("cl.template_help", done=int(figures["done"]), applicable=int(figures["applicable"])),
                      border=True)
