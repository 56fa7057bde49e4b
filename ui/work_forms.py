"""The 'my open items' page's parts: the filters, and the items of each unit with a box to pick several
for ticking at once with one note (all or nothing, checklists.changes.mark_many_done)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from checklists.changes import MAX_TEXT, Tick, mark_many_done
from checklists.my_items import Filters, MyItem
from store.db import transaction
from ui import loaders, state, widgets

SHOWN_AT_MOST = 60  # more than this: narrow the filters (the count says how many match)
STATUSES = ("open", "done", "na")


def _pick(label: str, options: dict, key: str, default: Sequence = ()) -> frozenset:
    """A multiselect whose labels are fixed now (in this run's language)."""
    chosen = st.multiselect(label, list(options), default=[d for d in default if d in options],
                            format_func=options.__getitem__, key=widgets.lang_key(key))
    return frozenset(chosen)


def filters(items: Sequence[MyItem], template_names: dict[str, str], today: date) -> Filters:
    """The search box and filters, with options taken from the items themselves."""
    lang = state.lang()
    search = st.text_input(state.t("my.search"), key="my_search", max_chars=100,
                           placeholder=state.t("my.search_hint"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        statuses = _pick(state.t("my.status"), {s: state.t(f"status.{s}") for s in STATUSES}, "my_status", ["open"])
    overdue = right.toggle(state.t("my.overdue_only"), key="my_overdue")
    with st.expander(state.t("my.more_filters")):
        a, b = st.columns(2)
        campaigns = _pick(state.t("cl.campaign"), {i.campaign_id: i.campaign_name for i in items}, "my_campaigns")
        keys = {t for i in items for t in (i.row.templates or (i.row.template_key,))}
        templates = _pick(state.t("my.template"), {t: template_names.get(t, t) for t in sorted(keys)}, "my_templates")
        with a:
            sections = _pick(state.t("cl.col_section"),
                             {i.row.section_key: getattr(i.row, f"section_{lang}") for i in items}, "my_sections")
        with b:
            disciplines = _pick(state.t("my.discipline"),
                                {i.row.discipline: state.t(f"disc.{i.row.discipline}") for i in items},
                                "my_disciplines")
        events = _pick(state.t("my.event"), {i.row.event_id: i.row.event_name for i in items if i.row.event_id},
                       "my_events")
    return Filters(campaigns, templates, sections, disciplines, statuses, events, search,
                   overdue_on=today if overdue else None)


def item_list(items: Sequence[MyItem], today: date) -> None:
    """The items by season and unit, each group with its bulk-tick bar."""
    if not items:
        st.info(state.t("cl.nothing_to_show"))
        return
    if len(items) > SHOWN_AT_MOST:
        st.caption(state.t("my.narrow", shown=SHOWN_AT_MOST, count=len(items)))
    groups: dict[tuple[int, int], list[MyItem]] = {}
    for item in items[:SHOWN_AT_MOST]:
        groups.setdefault((item.campaign_id, item.unit.id), []).append(item)
    who = state.actor()
    for (campaign_id, unit_id), mine in groups.items():
        unit = mine[0].unit
        may = loaders.actions_on(who, unit_id)
        st.subheader(f"{state.name(unit)} · {mine[0].campaign_name}", divider="gray")
        prefix = f"my_{campaign_id}_{unit_id}_"
        for item in mine:
            box, body = st.columns([0.35, 10], vertical_alignment="top")
            if item.row.status == "open" and "item.done" in may:
                box.checkbox(state.t("my.pick"), key=f"pick_{prefix}{item.row.row_key}", label_visibility="collapsed")
            with body:
                widgets.item_row(campaign_id, unit_id, item.row, today, may, key_prefix=prefix)
        _bulk_bar(campaign_id, unit_id, mine, prefix)


def _picked(mine: Sequence[MyItem], prefix: str) -> list[MyItem]:
    return [i for i in mine if st.session_state.get(f"pick_{prefix}{i.row.row_key}")]


def _bulk_bar(campaign_id: int, unit_id: int, mine: Sequence[MyItem], prefix: str) -> None:
    picked = _picked(mine, prefix)
    if not picked:
        return
    note, go = st.columns([4, 2], vertical_alignment="bottom")
    note.text_input(state.t("my.bulk_note"), key=f"bulk_note_{prefix}", max_chars=MAX_TEXT)
    go.button(state.t("my.bulk_done", n=len(picked)), key=f"bulk_done_{prefix}", type="primary",
              on_click=_bulk_done, args=(campaign_id, unit_id, tuple(picked), prefix))


def _bulk_done(campaign_id: int, unit_id: int, picked: tuple[MyItem, ...], prefix: str) -> None:
    who = state.actor()
    note = st.session_state.get(f"bulk_note_{prefix}", "")

    def call() -> str:
        with transaction(state.engine()) as s:
            mark_many_done(campaign_id, unit_id, [Tick(i.row.item_id, i.row.version, i.row.occurrence) for i in picked],
                           note=note, session=s, actor=who, now=state.utcnow())
        for i in picked:
            st.session_state.pop(f"pick_{prefix}{i.row.row_key}", None)
        st.session_state.pop(f"bulk_note_{prefix}", None)
        return state.t("my.bulk_saved", n=len(picked))

    state.run_action(call)
