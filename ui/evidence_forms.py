"""An item's evidence panel: the files attached to it (photos as thumbnails, each downloadable by whoever
may read the unit) and, for a user who may add evidence, an upload control and its attach button."""

from __future__ import annotations

import math

import streamlit as st

from checklists.evidence import UPLOAD_TYPES, attach_evidence, max_upload_bytes
from checklists.queries import ChecklistRow
from core.clock import format_local
from core.config import get_settings
from core.errors import DomainError
from store.db import transaction
from ui import loaders, state

EVIDENCE = "evidence_item"  # session key: row key (item and occurrence) whose evidence panel is open


def toggle(row_key: str) -> None:
    st.session_state[EVIDENCE] = None if st.session_state.get(EVIDENCE) == row_key else row_key


def is_open(row_key: str) -> bool:
    return st.session_state.get(EVIDENCE) == row_key


def summary(row: ChecklistRow) -> str:
    """The caption's words on evidence: required or not, and how many files there are."""
    parts = []
    if row.requires_evidence:
        parts.append(f":orange[{state.t('evd.required')}]")
    if row.evidence_count or row.requires_evidence:
        parts.append(state.t("evd.count", n=row.evidence_count))
    return " · ".join(parts)


def _uploader_key(k: str) -> str:
    # A new key after each attachment empties the control (its value cannot be set).
    generation = st.session_state.get(f"upload_gen_{k}", 0)
    return f"upload_{k}" + (f"_{generation}" if generation else "")


def panel(campaign_id: int, unit_id: int, row: ChecklistRow, may: frozenset[str], k: str) -> None:
    """The evidence panel under an item (the files, newest first, and the upload control)."""
    who = state.actor()
    with st.container(border=True):
        if "item.evidence" in may:
            limit = max_upload_bytes(get_settings()) / 1024 / 1024
            # The browser refuses a larger file before sending it; the service checks the exact limit.
            st.file_uploader(state.t("evd.upload", max=f"{limit:g}"), type=UPLOAD_TYPES, key=_uploader_key(k),
                             max_upload_size=max(1, math.ceil(limit)))
            st.button(state.t("evd.attach"), key=f"attach_{k}", icon=":material/attach_file:", on_click=_attach,
                      args=(campaign_id, unit_id, row, k))
        files = loaders.evidence_list(who, campaign_id, unit_id, row.item_id, row.occurrence)
        if not files:
            st.caption(state.t("evd.none"))
        for f in files:
            _file_row(who, f, k)


def _file_row(who, f, k: str) -> None:
    picture, words, action = st.columns([1.2, 4, 1.2], vertical_alignment="center")
    if f.has_thumbnail:
        thumb = loaders.evidence_thumbnail(who, f.id)
        if thumb:
            picture.image(thumb, width=120)
    else:
        picture.markdown(":material/description:")
    with words:
        st.text(f.file_name)  # as uploaded: plain text only
        st.caption(state.t("evd.file_line", size=_size(f.size_bytes), who=state.escape_markdown(f.uploaded_by),
                           when=format_local(f.uploaded_at), sha=f.sha256[:12]))
    try:
        meta, data = loaders.evidence_content(who, f.id)
    except DomainError as err:  # changed or missing on disk: say so instead of serving it
        words.error(state.t("evd.unreadable", reason=state.error_text(err)))
        return
    action.download_button(state.t("evd.download"), data=data, file_name=meta.download_name, mime=meta.content_type,
                           key=f"download_{f.id}_{k}", icon=":material/download:", on_click="ignore")


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _attach(campaign_id: int, unit_id: int, row: ChecklistRow, k: str) -> None:
    upload = st.session_state.get(_uploader_key(k))
    if upload is None:
        state.flash("error", state.t("evd.pick_first"))
        return
    who = state.actor()
    item = getattr(row, f"text_{state.lang()}")

    def call() -> str:
        with transaction(state.engine()) as session:
            attach_evidence(campaign_id, unit_id, row.item_id, row.occurrence, upload.name, upload.getvalue(),
                            expected_version=row.version, session=session, actor=who, now=state.utcnow())
        st.session_state[f"upload_gen_{k}"] = st.session_state.get(f"upload_gen_{k}", 0) + 1
        return state.t("cl.saved_evidence", item=item[:40])

    state.run_action(call)
