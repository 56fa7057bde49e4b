"""The hazard register in the app: a lead records a hazard found in an inspection on the checklist page, and
the executive's dashboard shows the open hazards of both sources as children × categories with their age,
then the register itself, row for row the one admin.hazards computes."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from admin.hazards import subtree_register
from checklists.campaigns import list_campaigns
from core.clock import local_day
from drills.findings import category_of
from org.queries import all_units, home_unit_id
from store.db import make_engine, snapshot
from store.schema import CorrectiveAction, DrillType, User
from tests.app.test_drill_planner_page import planner
from tests.app.test_drill_review_page import awaiting_review
from tests.conftest import NOW
from tests.demo_fixtures import sign_in

TODAY = local_day(NOW)
REGISTER = ["unit", "source", "category", "criticality", "description", "found", "due", "age", "overdue"]


def hazards_view(app):
    """The dashboard's hazards view: chosen where the views are a choice, else drawn among the tabs."""
    for lang in ("zh", "en"):
        picker = [r for r in app.radio if r.key == f"dash_view_{lang}"]
        if picker:
            picker[0].set_value("hazards").run()
    assert not app.exception, app.exception
    return app


def test_a_lead_records_a_hazard_found_in_an_inspection_and_sees_it_recorded(app, demo_db):
    sign_in(app, "lead")
    app.session_state["lang"] = "en"
    app.switch_page("app_pages/my_checklist.py").run()
    assert not app.exception, app.exception
    assert any(e.label == "Record a hazard found in an inspection" for e in app.expander)
    app.text_area(key="hz_desc").input("The cable tunnel's fire door does not close")
    app.selectbox(key="hz_category_en").set_value("fire")
    app.selectbox(key="hz_crit_en").set_value("critical")
    app.date_input(key="hz_found").set_value(TODAY - timedelta(days=3))
    app.date_input(key="hz_due").set_value(TODAY + timedelta(days=10))
    app.selectbox(key="hz_dir_en").set_value("S1.2b")
    app.button(key="hz_submit").click().run()
    assert not app.exception, app.exception
    assert any("Hazard recorded" in str(t.value) for t in app.toast)
    assert not app.error

    with snapshot(make_engine(demo_db)) as s:
        action = s.scalars(select(CorrectiveAction).where(
            CorrectiveAction.description == "The cable tunnel's fire door does not close")).one()
        lead = s.scalar(select(User.id).where(User.username == "lead"))
        assert action.unit_id == home_unit_id(lead, session=s)
    assert (action.source, action.category, action.found_on, action.due_on, action.directive_id, action.drill_id) == (
        "inspection", "fire", TODAY - timedelta(days=3), TODAY + timedelta(days=10), "S1.2b", None)


def test_a_refused_hazard_shows_why_and_stores_nothing(app, demo_db):
    sign_in(app, "lead")
    app.session_state["lang"] = "en"
    app.switch_page("app_pages/my_checklist.py").run()
    app.date_input(key="hz_due").set_value(TODAY - timedelta(days=1))  # before the day found (today)
    app.text_area(key="hz_desc").input("Loose earthing strap")
    app.button(key="hz_submit").click().run()
    assert not app.exception, app.exception
    assert "is before the day it was found" in " ".join(str(e.value) for e in app.error)
    with snapshot(make_engine(demo_db)) as s:
        assert s.scalars(select(CorrectiveAction).where(CorrectiveAction.description == "Loose earthing strap")
                         ).all() == []


def test_a_member_gets_no_form(app):
    sign_in(app, "member")
    app.switch_page("app_pages/my_checklist.py").run()
    assert not app.exception, app.exception
    assert not [w for w in app.text_area if w.key == "hz_desc"]


def test_the_executive_sees_the_hazards_heatmap_and_the_register_of_both_sources(app, demo_db):
    sign_in(app, "executive")
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception, app.exception
    hazards_view(app)

    engine = make_engine(demo_db)
    with snapshot(engine) as s:
        [season] = list_campaigns(session=s, only_open=True)
        root = next(u for u in all_units(session=s) if u.parent_id is None)
        expected = subtree_register(season.id, root.id, TODAY, session=s)
    assert set(expected["source"]) == {"drill", "inspection"}  # the demo's review and its inspections

    (table,) = [d.value for d in app.dataframe if list(d.value.columns) == REGISTER]
    assert len(table) == len(expected)
    assert table["description"].tolist() == expected["description"].tolist()  # the oldest first
    assert table["found"].tolist() == expected["found_on"].tolist()
    assert table["age"].tolist() == expected["age_days"].tolist()
    assert table["overdue"].tolist() == expected["overdue"].tolist()

    charts = [json.loads(c.proto.spec)["data"][0] for c in app.get("plotly_chart")]
    (heat,) = [c for c in charts if c["type"] == "heatmap" and "未关闭隐患" in c.get("hovertemplate", "")]
    counts = [int(n) for row in heat["customdata"] for n in row]
    assert sum(counts) == len(expected)  # every open hazard counted once, on the child it lies under
    ages = [a for row in heat["z"] for a in row if a is not None]
    assert ages and max(ages) <= expected["age_days"].max()  # coloured by the mean age


def test_a_drill_action_takes_the_category_chosen_on_the_review_form_which_starts_at_the_drill_types(app, demo_db):
    drill = awaiting_review(demo_db)
    with snapshot(make_engine(demo_db)) as s:
        derived = category_of(s.get(DrillType, drill.drill_type_id).key)
    at = planner(app, "coordinator")
    category = at.selectbox(key=f"rv_category_{drill.id}_en")
    assert category.value == derived
    category.set_value("equipment")
    at.text_area(key=f"rv_desc_{drill.id}").input("Replace the flood gate's seals")
    at.button(key=f"rv_add_{drill.id}").click().run()
    assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        (action,) = s.scalars(select(CorrectiveAction).where(CorrectiveAction.drill_id == drill.id)).all()
    assert (action.source, action.category, action.description) == ("drill", "equipment",
                                                                     "Replace the flood gate's seals")
