"""The dashboard's drill coverage tab in the app: the per-rule table, the chart per drill type and the units ×
drill types table, with the counts drills.coverage computes on the same database for the same day."""

from __future__ import annotations

import json
from datetime import date, timedelta

from admin.dashboard import subtree
from drills.coverage import rule_coverage, type_totals, type_unit_coverage
from org.authz import scope_unit_ids
from org.models import Actor
from org.queries import all_units
from store.db import make_engine, snapshot
from tests.conftest import NOW
from tests.demo_fixtures import sign_in
from ui import state

RULE_HEADERS = ["规则", "应举行", "已达标", "达标比例", "已安排待举行", "缺失且未安排", "已逾期", "未登记预案或值"]
COUNTS = ["required", "met", "planned", "missing", "overdue", "no_record"]


def dashboard(app, lang: str = "zh"):
    """The executive's dashboard with the drill coverage view chosen (only the chosen view is drawn)."""
    sign_in(app, "executive")
    app.session_state[state.LANG] = lang
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception
    app.radio(key=f"dash_view_{lang}").set_value("drills").run()
    assert not app.exception
    return app


def tables(app):
    """The view's per-rule table and its units × types table, found by their columns."""
    rules = next(d.value for d in app.dataframe if "达标比例" in d.value.columns)
    units = next(d.value for d in app.dataframe if list(d.value.columns)[:1] == ["单位"])
    return rules, units


def chart(app) -> dict[str, dict]:
    """The coverage chart's bars by series (conducted, planned, missing)."""
    for c in app.get("plotly_chart"):
        traces = json.loads(c.proto.spec)["data"]
        if {t.get("meta") for t in traces} == {"conducted", "planned", "missing"}:
            return {t["meta"]: t for t in traces}
    raise AssertionError("no drill coverage chart")


def computed(app, demo_db: str, as_of: date):
    """drills.coverage for the page's campaign and unit on the day, and the units the executive may read."""
    lang = app.session_state[state.LANG]
    campaign_id = app.selectbox(key=f"db_campaign_{lang}").value
    unit_id = app.selectbox(key=f"db_unit_{lang}").value
    with snapshot(make_engine(demo_db)) as s:
        units = subtree(unit_id, session=s)
        rules = rule_coverage(campaign_id, as_of, session=s, unit_ids=units)
        cells = type_unit_coverage(campaign_id, as_of, session=s, unit_ids=units)
        readable = scope_unit_ids(Actor(**app.session_state[state.ACTOR]), "unit.read", session=s)
        names = {u.id: u.name_zh for u in all_units(session=s)}
    return rules, cells, readable, names


def check_against_coverage(app, demo_db: str, as_of: date) -> None:
    rules, cells, readable, names = computed(app, demo_db, as_of)
    shown_rules, shown_units = tables(app)
    assert list(shown_rules.columns) == RULE_HEADERS
    assert list(shown_rules["规则"]) == list(rules["rule_zh"])
    assert shown_rules[RULE_HEADERS[1:3] + RULE_HEADERS[4:]].to_numpy().tolist() == rules[COUNTS].to_numpy().tolist()
    assert shown_rules["达标比例"].tolist() == (rules["met"] / rules["required"]).tolist()

    totals = type_totals(cells)
    bars = chart(app)
    for series in ("conducted", "planned", "missing"):
        assert bars[series]["x"] == list(totals["type_zh"])
        assert bars[series]["y"] == totals[series].tolist(), series

    mine = cells[cells["unit_id"].isin(readable)]
    assert list(shown_units.columns) == ["单位", *dict.fromkeys(mine["type_zh"])]
    shown = shown_units.set_index("单位")
    assert set(shown.index) == {names[i] for i in mine["unit_id"]}
    for row in mine.itertuples():
        assert shown.loc[names[row.unit_id], row.type_zh] == f"{row.conducted}/{row.required}"
    assert (shown != "—").to_numpy().sum() == len(mine)  # every other cell is empty


def test_the_drills_tab_shows_the_counts_drills_coverage_computes_for_today(app, demo_db):
    dashboard(app)
    check_against_coverage(app, demo_db, NOW.date())
    rules, units = tables(app)
    assert rules["应举行"].sum() > 0 and rules["已达标"].sum() > 0  # the demo holds drills and owes more
    assert any(v not in ("—",) and not v.startswith("0/") for v in units.drop(columns="单位").to_numpy().ravel())
    assert sum(chart(app)["planned"]["y"]) > 0  # and plans some ahead


def test_moving_the_as_of_day_back_before_the_first_drill_was_held_shows_none_conducted(app, demo_db):
    dashboard(app)
    before = NOW.date() - timedelta(days=21)  # the demo's first drill was held 20 days before its "today"
    app.date_input(key="db_as_of").set_value(before).run()
    assert not app.exception
    check_against_coverage(app, demo_db, before)
    assert sum(chart(app)["conducted"]["y"]) == 0
    assert tables(app)[0]["已达标"].sum() == 0


def test_in_english_the_tab_names_rules_types_and_units_in_english(app, demo_db):
    dashboard(app, "en")
    rules, _, _, names = computed(app, demo_db, NOW.date())
    shown = next(d.value for d in app.dataframe if "Share met" in d.value.columns)
    assert list(shown.columns)[:3] == ["Rule", "Required", "Met"]
    assert list(shown["Rule"]) == list(rules["rule_en"])
    units = next(d.value for d in app.dataframe if list(d.value.columns)[:1] == ["Unit"])
    assert "Anti-accident drill" in units.columns and not set(units["Unit"]) & set(names.values())  # no zh names
    assert "Conducted" in {t["name"] for t in chart(app).values()}
