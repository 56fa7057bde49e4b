"""The checklist's sections as fragments: ticking an item reruns only its own section (not the
page), and a section's items are drawn only while it is open. Each item is a fragment inside its
section: a tick, a form or a panel of one item reruns that item alone (a handful of elements
instead of the section's hundred), so a tick settles about as fast as a trivial page.

Each section reads the unit's rows afresh from the cache (keyed by the change counter, so after a
tick it holds the new state) and remembers whether the user opened it: the expander's label carries
the section's count, and a new label is a new widget, which then opens as the user left it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from checklists.queries import ChecklistRow
from readiness.series import checklist_summary
from ui import loaders, state, widgets

OPEN = "open_sections"  # session key: {section key: whether the user has it open}


def _rows(campaign_id: int, unit_id: int, page_rows: list[ChecklistRow]) -> list[ChecklistRow]:
    """The page's rows on a run of the page; read afresh on the fragment's own rerun (after a tick)."""
    if not state.fragment_rerun():
        return page_rows
    return loaders.checklist_now(state.actor(), campaign_id, unit_id)


def _remember(name: str) -> None:
    st.session_state.setdefault(OPEN, {})[name] = bool(st.session_state.get(f"sec_{name}"))


def is_open(name: str, default: bool) -> bool:
    return st.session_state.get(OPEN, {}).get(name, default)


@st.fragment
@state.guarded
def section(campaign_id: int, unit_id: int, section_key: str, show: str, expanded: bool,
            may: frozenset[str], page_rows: list[ChecklistRow]) -> None:
    """One section of the one-off items: its count in the title, its items while it is open."""
    if not state.still_signed_in():
        st.rerun(scope="app")
    state.show_flash()
    today = state.today()
    rows = [r for r in _rows(campaign_id, unit_id, page_rows) if r.counts_before_peak and r.section_key == section_key]
    items = widgets.filtered(rows, show, today)
    if not items:
        return
    # The title counts as of the page's run: a tick reruns only this fragment, and a new label would be a
    # new expander, which the browser builds afresh with every item in it (slow); the live count shows
    # inside until the page runs again.
    shown = checklist_summary(r for r in page_rows if r.counts_before_peak and r.section_key == section_key)
    live = checklist_summary(rows)
    title = getattr(rows[0], f"section_{state.lang()}")
    name = f"{show}_{section_key}"  # each filter remembers its own open sections
    box = st.expander(f"{title} — {shown['done']}/{shown['applicable']}", key=f"sec_{name}",
                      expanded=is_open(name, expanded), on_change=_remember, args=(name,))
    if box.open:  # stays open when its count (its label, so the widget) changes at the page's next run
        st.session_state.setdefault(OPEN, {})[name] = True
    with box:
        if box.open:
            if (live["done"], live["applicable"]) != (shown["done"], shown["applicable"]):
                st.caption(state.t("cl.section_now", done=live["done"], applicable=live["applicable"]))
            for row in items:
                item(campaign_id, unit_id, row, today, may)


@st.fragment
@state.guarded
def season(campaign_id: int, unit_id: int, show: str, may: frozenset[str], page_rows: list[ChecklistRow]) -> None:
    """The recurring checks of the periods begun so far and the events' checks."""
    if not state.still_signed_in():
        st.rerun(scope="app")
    state.show_flash()
    today: date = state.today()
    rows = [r for r in _rows(campaign_id, unit_id, page_rows) if not r.counts_before_peak and r.current(today)]
    widgets.season_checks(campaign_id, unit_id, widgets.filtered(rows, show, today), today, may, draw=item)


@st.fragment
@state.guarded
def item(campaign_id: int, unit_id: int, row: ChecklistRow, today: date, may: frozenset[str]) -> None:
    """One item as its own fragment: a tick, a form or a panel of it reruns only this item, drawn as
    it is now. The item stays where it was (done, with its Reopen button) even when the filter would
    drop it: the list does not jump under the user's finger, and the section's next run tidies it."""
    if state.own_fragment_rerun():
        # Right after this item's own tick the tick's transaction has checked the session and counted
        # the change: no second look at either.
        key = state.own_write_key(widgets.own_write_id(campaign_id, unit_id, row))
        if key is None and not state.still_signed_in():
            st.rerun(scope="app")
        state.show_flash()
        row = loaders.row_now(state.actor(), campaign_id, unit_id, row, key)
        if row is None:
            return
    widgets.item_row(campaign_id, unit_id, row, today, may)
