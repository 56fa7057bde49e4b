"""The executive's dashboard in the app: the headline figures with their week's change, the outlook chart
and its sentence, the as-of date, and the sub-units ranked with those at risk first."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.app.test_pages import texts
from tests.conftest import NOW
from tests.demo_fixtures import set_clock, sign_in

FIGURES = ["准备度", "距高峰开始", "关键项未完成", "逾期项", "必备演练缺项", "未关闭的演练整改", "高峰期按时率",
           "适用范围（权重）"]


def dashboard(app, who: str = "executive"):
    sign_in(app, who)
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception
    return app


def figure(app, label: str):
    return next(m for m in app.metric if m.label == label)


def chart_traces(app) -> list[str]:
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [t.get("meta") for t in spec["data"]]


def test_the_executive_sees_the_headline_figures_each_with_its_change_over_the_last_week(app):
    dashboard(app)
    assert [m.label for m in app.metric] == FIGURES
    readiness = figure(app, "准备度")
    assert readiness.value.endswith("%") and readiness.proto.delta.endswith("pp")  # six weeks of demo history
    for label in ("关键项未完成", "逾期项", "必备演练缺项", "未关闭的演练整改"):
        assert figure(app, label).proto.delta.lstrip("+-").isdigit(), label
    assert figure(app, "高峰期按时率").value == "—"  # the peak has not started


def test_the_chart_draws_readiness_against_the_target_with_the_forecast_its_band_and_the_scope(app):
    dashboard(app)
    assert sorted(chart_traces(app)) == ["band", "forecast", "readiness", "scope", "target"]
    assert "照最近 14 天的进度推算，到 06-15 准备度约为" in texts(app)


def test_moving_the_as_of_date_back_recomputes_the_figures_as_they_stood_then(app):
    dashboard(app)
    now = float(figure(app, "准备度").value.rstrip("%"))
    app.date_input(key="db_as_of").set_value(NOW.date() - timedelta(days=21)).run()
    assert not app.exception
    then = float(figure(app, "准备度").value.rstrip("%"))
    assert then < now
    assert figure(app, "距高峰开始").value == f"{(date(2027, 6, 15) - NOW.date()).days + 21} 天"


def test_the_sub_units_are_ranked_with_those_at_risk_first_and_the_reason_given(app):
    dashboard(app)
    ranking = app.dataframe[-1].value
    reasons = list(ranking["why"])
    assert reasons[0] != "—"
    at_risk = [r != "—" for r in reasons]
    assert at_risk == sorted(at_risk, reverse=True)  # every unit at risk before every unit that is not


def test_once_the_peak_has_started_the_on_time_rate_shows_and_there_is_no_forecast(app, monkeypatch):
    set_clock(monkeypatch, "2027-06-20T09:00:00+08:00")
    dashboard(app)
    assert "高峰已经开始，不再预测" in texts(app)
    assert "forecast" not in chart_traces(app)
    assert figure(app, "高峰已开始").value == "5 天"


def test_the_dashboard_reads_in_english(app):
    dashboard(app)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert figure(app, "Critical items open")
    assert "Going on as in the last 14 days" in texts(app)
