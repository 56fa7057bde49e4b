"""Offline entry (Excel): download a unit's checklist as .xlsx, fill it in offline, upload it back, see what
will change and apply it all at once."""

import streamlit as st

from ui import state, workbook_forms

st.title(state.t("page.workbook"))
state.show_flash()
st.caption(state.t("xl.intro"))
chosen = workbook_forms.choose()
if chosen is not None:
    workbook_forms.download(*chosen)
    workbook_forms.upload()
