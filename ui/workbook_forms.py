"""The offline-entry page's parts: choose a season and a unit, download its checklist as .xlsx, upload a
filled-in one, see what each row would do, and apply it all at once (admin.status_workbook)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from admin.status_workbook import (
    ImportRefused,
    ParsedWorkbook,
    RowPlan,
    apply_status_import,
    counts,
    export_status,
    read_status,
    status_file_name,
    try_status_import,
)
from core.errors import DomainError
from store.db import snapshot, transaction
from ui import loaders, state, widgets

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW = "xl_preview"  # (upload's file id, parsed workbook, row plans)
UPLOADS = "xl_uploads"  # bumped after an import: a fresh uploader, the applied file gone


def choose():
    """The season and unit pickers (units the user may read); None, with a note, when there is nothing."""
    key = state.change_key()
    campaigns = loaders.campaigns(key)
    if not campaigns:
        st.info(state.t("cl.no_campaign"))
        return None
    left, right = st.columns(2)
    with left:
        campaign = widgets.select_by_id(state.t("cl.campaign"), campaigns, key="xl_campaign", fmt=lambda c: c.name)
    who = state.actor()
    in_scope = loaders.scope(who)
    units = [u for u in loaders.units_of(campaign.id, key) if u.id in in_scope]
    if not units:
        st.info(state.t("access.no_units"))
        return None
    with right:
        unit = widgets.select_by_id(state.t("cl.unit"), units, key="xl_unit", fmt=widgets.unit_label,
                                    default_id=loaders.home_unit_id(who.user_id))
    return campaign, unit


def download(campaign, unit) -> None:
    """The unit's workbook in the page's language, built once per change of the data."""
    st.subheader(state.t("xl.download_heading"), divider="gray")
    try:
        loaders.authorize(state.actor(), "unit.read", unit.id)  # afresh on every run; the file is cached
        data, rows = _workbook(campaign.id, unit.id, state.lang(), state.change_key())
    except DomainError as err:
        st.error(state.error_text(err))
        return
    st.download_button(state.t("xl.download"), data=data, file_name=status_file_name(campaign.name, unit.code),
                       mime=XLSX_MIME, key="xl_download", icon=":material/download:", on_click="ignore",
                       help=state.t("xl.download_help", n=rows))


@st.cache_data(max_entries=32, show_spinner=False)
def _workbook(campaign_id: int, unit_id: int, lang: str, key: int) -> tuple[bytes, int]:
    with snapshot(state.engine()) as s:
        data = export_status(campaign_id, unit_id, session=s, actor=None, lang=lang, now=state.utcnow())
    return data, len(read_status(data).rows)


def upload() -> None:
    """The uploader, the preview of a filled-in workbook, and the button that applies it."""
    st.subheader(state.t("xl.upload_heading"), divider="gray")
    # Any file is taken and its content checked (read_status says clearly what is wrong with it), rather than
    # limiting the browser's file dialog to .xlsx.
    file = st.file_uploader(state.t("xl.upload"), key=f"xl_upload_{st.session_state.get(UPLOADS, 0)}")
    if file is None:
        st.session_state.pop(PREVIEW, None)
        return
    preview = st.session_state.get(PREVIEW)
    if preview is None or preview[0] != file.file_id:
        try:
            parsed = read_status(file.getvalue())
            with transaction(state.engine(), bump=False) as s:  # a trial, rolled back: every rule applies
                plans = try_status_import(parsed, session=s, actor=state.actor(), now=state.utcnow())
        except DomainError as err:
            st.session_state.pop(PREVIEW, None)
            st.error(state.error_text(err))
            return
        preview = (file.file_id, parsed, plans)
        st.session_state[PREVIEW] = preview
    _, parsed, plans = preview
    _preview(plans)
    totals = counts(plans)
    if totals["errors"]:
        st.error(state.t("xl.fix_errors"))
    elif not totals["changes"]:
        st.info(state.t("xl.nothing_to_apply"))
    else:
        st.button(state.t("xl.apply", n=totals["changes"]), key="xl_apply", type="primary", on_click=_apply,
                  args=(parsed,))


def _preview(plans: list[RowPlan]) -> None:
    lang = state.lang()
    st.caption(state.t("xl.summary", **counts(plans)))
    table = pd.DataFrame([{
        "row": p.row,
        "item": " · ".join(x for x in (p.unit_code, p.item_key, p.occurrence, p.item_text.get(lang, "")) if x),
        "change": p.change_text(lang),
        "outcome": p.message(lang),
        "error": p.error,
    } for p in plans], columns=["row", "item", "change", "outcome", "error"])
    ordered = table.sort_values(["error", "row"], ascending=[False, True]).drop(columns="error")
    st.dataframe(ordered, hide_index=True, width="stretch", column_config={
        "row": st.column_config.NumberColumn(state.t("xl.col_row"), format="%d", width="small"),
        "item": state.t("xl.col_item"),
        "change": state.t("xl.col_change"),
        "outcome": state.t("xl.col_outcome"),
    })


def _apply(parsed: ParsedWorkbook) -> None:
    who = state.actor()
    now: datetime = state.utcnow()

    def call() -> str:
        try:
            with transaction(state.engine()) as s:
                plans = apply_status_import(parsed, session=s, actor=who, now=now)
        except ImportRefused as refused:  # changed by someone since the preview: show the rows as they are now
            preview = st.session_state.get(PREVIEW)
            if preview is not None:
                st.session_state[PREVIEW] = (preview[0], parsed, refused.plans)
            raise
        st.session_state.pop(PREVIEW, None)
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        return state.t("xl.applied", n=sum(p.outcome == "change" for p in plans))

    state.run_action(call)
