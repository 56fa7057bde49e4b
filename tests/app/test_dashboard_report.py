"""The dashboard offers the weekly report of the unit shown, as of the day shown, under the headline figures:
an Excel workbook and a printable one-page summary."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from core.clock import local_day
from tests.app.test_workbook_page import downloads  # noqa: F401  (a fixture)
from tests.conftest import NOW
from tests.demo_fixtures import sign_in
from ui import state

TODAY = local_day(NOW)


def dashboard(app, who: str = "executive"):
    sign_in(app, who)
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception, app.exception
    return app


def prepare(app):
    app.button(key="dash_report_prepare").click().run()
    assert not app.exception, app.exception


def test_the_report_is_built_only_when_asked_for(app):
    dashboard(app)
    assert not app.get("download_button")
    prepare(app)
    assert {b.key for b in app.get("download_button")} == {"dash_report_xlsx", "dash_report_html"}
    app.run()
    assert app.get("download_button"), "offered until something changes"


def test_the_executive_downloads_the_report_as_a_workbook_and_as_a_printable_page(app, downloads):  # noqa: F811
    dashboard(app)
    prepare(app)
    buttons = {b.key: b.proto.label for b in app.get("download_button")}
    assert buttons["dash_report_xlsx"] == "下载周报（Excel）"
    assert buttons["dash_report_html"] == "下载一页摘要（可打印）"
    name = f"readiness-report-PROV-{TODAY}"
    wb = load_workbook(io.BytesIO(downloads[f"{name}.xlsx"]))
    assert wb.sheetnames[0] == "总体情况" and wb["总体情况"]["B3"].value.startswith("PROV ")
    readiness = next(m for m in app.metric if m.label == "准备度").value
    shown = next(row[1] for row in wb["总体情况"].iter_rows(values_only=True) if row[0] == "准备度")
    assert f"{shown:.1%}" == readiness  # the figure the dashboard shows
    assert downloads[f"{name}.html"].decode("utf-8").startswith("<!DOCTYPE html>")


def test_the_files_follow_the_day_and_the_language_chosen(app, downloads):  # noqa: F811
    dashboard(app)
    then = TODAY - timedelta(days=14)
    app.session_state[state.LANG] = "en"
    app.date_input(key="db_as_of").set_value(then).run()
    assert not app.exception, app.exception
    assert not app.get("download_button")  # another day: built again when asked
    prepare(app)
    wb = load_workbook(io.BytesIO(downloads[f"readiness-report-PROV-{then}.xlsx"]))
    assert wb.sheetnames[0] == "Summary" and wb["Summary"]["B4"].value.date() == then
