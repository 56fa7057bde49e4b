"""The dashboard's weekly report downloads: the unit's sub-tree on the day, as a workbook and as a printable
one-page summary (admin.weekly_report), built once per change, day and language."""

from __future__ import annotations

from datetime import date

import streamlit as st

from admin import weekly_report
from checklists.campaigns import CampaignView
from org.models import Actor
from org.queries import UnitView
from store.db import snapshot
from ui import dashboard_views, state

PREPARED = "report_prepared"  # (campaign, unit, day, language, change counter) of the report built last
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(max_entries=16, show_spinner=False)
def _files(campaign_id: int, unit_id: int, as_of: date, lang: str, key: int) -> tuple[bytes, bytes]:
    with snapshot(state.engine()) as s:
        report = weekly_report.build(campaign_id, unit_id, as_of, session=s, lang=lang, now=state.utcnow())
    return weekly_report.workbook(report), weekly_report.page(report).encode("utf-8")


def buttons(who: Actor, campaign: CampaignView, unit: UnitView, as_of: date, key: int, in_scope: set[int]) -> None:
    """The report of the unit's sub-tree on the day, as a workbook and as a printable page: built when asked
    for (it reads the whole sub-tree), then offered until the data, the day, the unit or the language change."""
    dashboard_views.may_read(unit.id, in_scope)
    wanted = (campaign.id, unit.id, as_of, state.lang(), key)
    if st.session_state.get(PREPARED) != wanted:
        if not st.button(state.t("report.prepare"), key="dash_report_prepare", icon=":material/summarize:",
                         help=state.t("report.download_help")):
            return
        st.session_state[PREPARED] = wanted
    xlsx, page = _files(campaign.id, unit.id, as_of, state.lang(), key)
    name = f"readiness-report-{unit.code}-{as_of.isoformat()}"
    a, b = st.columns(2)
    a.download_button(state.t("report.download_xlsx"), xlsx, file_name=f"{name}.xlsx", mime=XLSX,
                      key="dash_report_xlsx", on_click="ignore", help=state.t("report.download_help"))
    b.download_button(state.t("report.download_html"), page, file_name=f"{name}.html", mime="text/html",
                      key="dash_report_html", on_click="ignore", help=state.t("report.download_help"))
