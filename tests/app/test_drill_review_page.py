"""The planner's review tab: the coordinator rates every objective of a held drill, writes and issues the
after-action report, and adds a corrective action, which then shows on the owner unit's checklist and on
the dashboard; a lead of a unit in the drill reads the review but gets no forms."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from store.db import make_engine, snapshot
from store.schema import CorrectiveAction, Drill, DrillEvaluation
from tests.app.test_drill_planner_page import planner

CHINA = ZoneInfo("Asia/Shanghai")


def awaiting_review(url: str) -> Drill:
    """The demo's last held drill, not yet evaluated (the tab picks it first)."""
    with snapshot(make_engine(url)) as s:
        return s.scalars(select(Drill).where(Drill.status == "conducted").order_by(Drill.starts_at.desc())).first()


def texts(at) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error])


def test_the_coordinator_rates_every_objective_and_issues_the_report(app, demo_db):
    drill = awaiting_review(demo_db)
    at = planner(app, "coordinator")
    assert at.selectbox(key="rv_drill_en").value == drill.id
    assert "0 of" in texts(at)
    for objective in drill.objectives:
        k = f"{drill.id}_{objective['key']}"
        at.radio(key=f"rv_rating_{k}").set_value("P")
        at.text_area(key=f"rv_strengths_{k}").input("Clear reporting line")
        at.button(key=f"rv_eval_{k}").click().run()
        assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        rated = s.scalars(select(DrillEvaluation).where(DrillEvaluation.drill_id == drill.id)).all()
    assert sorted(e.objective_key for e in rated) == sorted(o["key"] for o in drill.objectives)
    at.text_area(key=f"rv_summary_{drill.id}").input("Held as scripted; the reporting line worked.")
    at.button(key=f"rv_issue_{drill.id}").click().run()
    assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        assert s.get(Drill, drill.id).status == "reviewed"
    assert any("Report issued" in str(t.value) for t in at.toast) or "Report issued" in texts(at)


def test_a_rating_with_major_challenges_and_no_improvement_is_refused_in_english(app, demo_db):
    drill = awaiting_review(demo_db)
    at = planner(app, "coordinator")
    k = f"{drill.id}_{drill.objectives[0]['key']}"
    at.radio(key=f"rv_rating_{k}").set_value("M")
    at.button(key=f"rv_eval_{k}").click().run()
    assert "say what must improve" in " ".join(e.value for e in at.error)
    with snapshot(make_engine(demo_db)) as s:
        assert s.scalars(select(DrillEvaluation).where(DrillEvaluation.drill_id == drill.id)).all() == []


def test_a_corrective_action_goes_on_the_owner_units_checklist_and_the_dashboard(app, demo_db):
    drill = awaiting_review(demo_db)
    at = planner(app, "coordinator")
    owner = at.selectbox(key=f"rv_owner_{drill.id}_en").value
    at.text_area(key=f"rv_desc_{drill.id}").input("Add the night call-out list to the flood plan")
    at.selectbox(key=f"rv_crit_{drill.id}_en").set_value("critical")
    at.selectbox(key=f"rv_dir_{drill.id}_en").set_value("S2.2.2-4a")
    item = at.selectbox(key=f"rv_item_{drill.id}_en").options[1]  # the season's first item
    at.selectbox(key=f"rv_item_{drill.id}_en").select(item)
    at.button(key=f"rv_add_{drill.id}").click().run()
    assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        (action,) = s.scalars(select(CorrectiveAction).where(CorrectiveAction.drill_id == drill.id)).all()
    assert action.unit_id == owner and action.description == "Add the night call-out list to the flood plan"
    assert action.directive_id == "S2.2.2-4a" and action.concerns_item and action.concerns_item in item

    at.switch_page("app_pages/my_checklist.py").run()
    at.selectbox(key="cl_unit_en").set_value(owner).run()
    assert not at.exception, at.exception
    page = " ".join(str(m.value) for m in at.markdown) + " ".join(str(t.value) for t in at.text)
    assert "Add the night call-out list to the flood plan" in page
    assert "Corrective action:" in page

    at.switch_page("app_pages/dashboard.py").run()
    assert not at.exception, at.exception
    metric = next(m for m in at.metric if m.label == "Corrective actions open")
    assert int(metric.value) >= 1


def test_a_lead_reads_the_review_but_gets_no_forms(app, demo_db):
    at = planner(app, "lead")
    chosen = at.selectbox(key="rv_drill_en").value
    with snapshot(make_engine(demo_db)) as s:
        assert s.get(Drill, chosen).status == "conducted"  # the county's half-evaluated drill
    assert not [b for b in at.button if b.key and b.key.startswith(("rv_eval_", "rv_issue_", "rv_add_"))]
    assert not [t for t in at.text_area if t.key and t.key.startswith("rv_")]


def test_the_calendar_shows_a_week_day_by_day_with_its_drills(app, demo_db):
    at = planner(app, "coordinator")
    at.segmented_control(key="dp_view_en").set_value("week").run()
    assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        first = s.scalars(select(Drill).where(Drill.status != "cancelled").order_by(Drill.starts_at)).first()
    start = first.starts_at.astimezone(CHINA).date()
    at.selectbox(key="dp_week").set_value(start - timedelta(days=start.weekday())).run()
    week = at.dataframe[0].value
    assert first.title in set(week["Title"]) and {"Day", "When", "Title", "Status"} <= set(week.columns)
