"""The executive's dashboard in the app: the headline figures with their week's change, the outlook chart
and its sentence, the as-of date, and the sub-units ranked with those at risk first."""

from __future__ import annotations

import json
from datetime import date, timedelta

from admin.dashboard import subtree_standing
from org.queries import all_units
from store.db import make_engine, snapshot
from tests.app.test_pages import texts
from tests.conftest import NOW
from tests.demo_fixtures import set_clock, sign_in

FIGURES = ["准备度", "距高峰开始", "关键项未完成", "逾期项", "必备演练缺项", "未关闭的整改", "高峰期按时率",
           "适用范围（权重）"]


def dashboard(app, who: str = "executive"):
    sign_in(app, who)
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception
    return app


def view(app, name: str, lang: str = "zh"):
    """Choose one of the dashboard's views (only the chosen one is drawn)."""
    app.radio(key=f"dash_view_{lang}").set_value(name).run()
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
    for label in ("关键项未完成", "逾期项", "必备演练缺项", "未关闭的整改"):
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
    ranking = next(d.value for d in app.dataframe if "why" in d.value.columns)
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


def heatmap(app) -> dict:
    return next(json.loads(c.proto.spec)["data"][0] for c in app.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap")


def test_the_heatmap_shows_each_city_against_one_templates_sections_or_against_the_disciplines(app, demo_db):
    dashboard(app)
    cells = heatmap(app)
    assert "东湖供电公司" in cells["y"] and "江南省电力公司" in cells["y"]  # the cities, and the province's own items
    summer = cells["x"]
    app.selectbox(key="dash_heat_template_zh").set_value("typhoon-flood").run()
    assert heatmap(app)["x"] != summer
    app.radio(key="dash_heat_by_zh").set_value("discipline").run()
    assert not app.exception
    assert "调度" in heatmap(app)["x"]
    cells = heatmap(app)
    row, col = cells["y"].index("东湖供电公司"), cells["x"].index("调度")
    with snapshot(make_engine(demo_db)) as s:
        units = {u.name_zh: u for u in all_units(session=s)}
        city = units["东湖供电公司"]
        table = subtree_standing(app.selectbox(key="db_campaign_zh").value, city.id, NOW.date(), session=s)
    dispatch = table[table["before_peak"] & (table["discipline"] == "dispatch")]
    done = dispatch.loc[dispatch["status"] == "done", "weight"].sum()
    applicable = dispatch.loc[dispatch["status"] != "na", "weight"].sum()
    assert cells["text"][row][col] == f"{100 * done / applicable:.0f}%"  # as computed by hand from the log


def test_readiness_per_template_lists_the_seasons_templates(app):
    dashboard(app)
    per = next(d.value for d in app.dataframe if "模板" in d.value.columns)
    assert list(per["模板"])[:2] == ["迎峰度夏", "防汛防台"]
    assert per["readiness"].between(0, 1).all()


def test_year_over_year_sets_this_season_beside_last_seasons_on_days_to_the_peak(app, monkeypatch):
    set_clock(monkeypatch, "2027-04-01T09:00:00+08:00")  # 75 days before the peak: last season had begun
    view(dashboard(app), "yoy")
    yoy = next(json.loads(c.proto.spec)["data"] for c in app.get("plotly_chart")
               if any(t.get("meta") == "last" for t in json.loads(c.proto.spec)["data"]))
    assert [t["name"] for t in yoy] == ["2026 迎峰度夏", "2027 迎峰度夏"]
    assert "距高峰开始 75 天时，2026 迎峰度夏 的准备度为" in texts(app)
