"""The planner's Excel round trip for coordinators: download the season's plan (or an empty one to fill
in), upload a filled-in plan, see what every row would do with its rule codes (a trial run, rolled
back), and plan all of it at once; any row in error refuses the file (admin.drill_workbook)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from admin.drill_workbook import (
    RowOutcome,
    drill_plan_file_name,
    drill_plan_template,
    export_drill_plan,
    import_drill_plan,
    plan_counts,
    read_drill_plan,
)
from core.clock import format_local
from core.config import get_settings
from core.errors import DomainError
from store.db import snapshot, transaction
from ui import state

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW = "dpx_preview"  # (upload's file id, campaign id, parsed rows, outcomes)
UPLOADS = "dpx_uploads"  # bumped after an import: a fresh uploader, the applied file gone


def section(campaign_id: int, campaign_name: str) -> None:
    st.subheader(state.t("dp.import_heading"), divider="gray")
    st.caption(state.t("dp.import_intro"))
    left, right = st.columns(2)
    lang = state.lang()
    try:
        plan = _plan(campaign_id, lang, state.change_key(), state.actor().user_id)
    except DomainError as err:
        st.error(state.error_text(err))
        return
    left.download_button(state.t("dp.import_download_plan"), data=plan, file_name=drill_plan_file_name(campaign_name),
                         mime=XLSX_MIME, key="dpx_download", icon=":material/download:", on_click="ignore")
    right.download_button(state.t("dp.import_download_template"), data=drill_plan_template(lang),
                          file_name=drill_plan_file_name(state.t("dp.import_template_name")), mime=XLSX_MIME,
                          key="dpx_template", icon=":material/download:", on_click="ignore")
    file = st.file_uploader(state.t("dp.import_upload"), key=f"dpx_upload_{st.session_state.get(UPLOADS, 0)}")
    if file is None:
        st.session_state.pop(PREVIEW, None)
        return
    preview = st.session_state.get(PREVIEW)
    if preview is None or preview[0] != file.file_id or preview[1] != campaign_id:
        try:
            rows = read_drill_plan(file.getvalue())
            with transaction(state.engine(), bump=False) as s:  # a trial, rolled back: every rule applies
                outcomes = import_drill_plan(rows, campaign_id=campaign_id, session=s, actor=state.actor(),
                                             now=state.utcnow(), dry_run=True,
                                             peak_window_is_error=get_settings().peak_window_is_error)
        except DomainError as err:
            st.session_state.pop(PREVIEW, None)
            st.error(state.error_text(err))
            return
        preview = (file.file_id, campaign_id, rows, outcomes)
        st.session_state[PREVIEW] = preview
    _, _, rows, outcomes = preview
    _table(outcomes)
    totals = plan_counts(outcomes)
    if totals["errors"]:
        st.error(state.t("dp.import_fix"))
    elif not totals["planned"]:
        st.info(state.t("dp.import_nothing"))
    else:
        st.button(state.t("dp.import_apply", n=totals["planned"]), key="dpx_apply", type="primary",
                  on_click=_apply, args=(campaign_id, rows))


@st.cache_data(max_entries=16, show_spinner=False)
def _plan(campaign_id: int, lang: str, key: int, user_id: int) -> bytes:
    """The season's drills this user may see (`user_id` keeps each user's file apart in the cache)."""
    with snapshot(state.engine()) as s:
        data, _ = export_drill_plan(session=s, actor=state.actor(), campaign_id=campaign_id, lang=lang,
                                    now=state.utcnow())
    return data


def _table(outcomes: list[RowOutcome]) -> None:
    lang = state.lang()
    st.caption(state.t("dxl.summary_preview", **plan_counts(outcomes)))
    table = pd.DataFrame([{
        "row": o.row,
        "start": format_local(o.starts_at) if o.starts_at else "",
        "title": o.title,
        "codes": ", ".join(o.codes) or state.t("dxl.no_codes"),
        "outcome": "；".join([state.t(f"dxl.outcome.{o.outcome}", id=o.drill_id or "")]
                            + [i.message(lang) for i in o.issues]),
        "error": o.error,
    } for o in outcomes], columns=["row", "start", "title", "codes", "outcome", "error"])
    ordered = table.sort_values(["error", "row"], ascending=[False, True]).drop(columns="error")
    st.dataframe(ordered, hide_index=True, width="stretch", column_config={
        "row": st.column_config.NumberColumn(state.t("xl.col_row"), format="%d", width="small"),
        "start": state.t("dxl.col.start"),
        "title": state.t("dxl.col.title"),
        "codes": state.t("dp.import_col_codes"),
        "outcome": state.t("xl.col_outcome"),
    })


def _apply(campaign_id: int, rows) -> None:
    who = state.actor()

    def call() -> str:
        with transaction(state.engine()) as s:
            outcomes = import_drill_plan(rows, campaign_id=campaign_id, session=s, actor=who, now=state.utcnow(),
                                         peak_window_is_error=get_settings().peak_window_is_error)
        refused = [o for o in outcomes if o.error]
        if refused:  # changed since the preview (someone planned in between): nothing was written
            preview = st.session_state.get(PREVIEW)
            if preview is not None:
                st.session_state[PREVIEW] = (*preview[:3], outcomes)
            raise DomainError("dp.import_refused_now", count=len(refused))
        st.session_state.pop(PREVIEW, None)
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        return state.t("dp.import_done", n=sum(o.outcome == "planned" for o in outcomes))

    state.run_action(call)
