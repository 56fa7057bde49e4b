"""A dispatch centre's shifts on the pages: an administrator adds and deactivates one (audited), a
coordinator plans an anti-accident drill for one shift and records which shifts attended, and the
required-drills table then shows that shift's monthly drill as held and the others still owed."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from store.db import make_engine, snapshot
from store.schema import Drill, DrillShift, OrgUnit, UnitShift
from tests.app.test_admin_page import admin_page, form_button  # noqa: F401  (admin_page is a fixture)
from tests.app.test_drill_planner_page import drills, fill_plan_form, planner, table_with, unit_id
from tests.demo_fixtures import set_clock

CENTRE = "C01-D-DISP"  # the first city's dispatch centre in the demo


def shifts(url: str, code: str = CENTRE) -> dict[str, bool]:
    with snapshot(make_engine(url)) as s:
        return dict(s.execute(select(UnitShift.code, UnitShift.is_active).join(OrgUnit, OrgUnit.id == UnitShift.unit_id)
                              .where(OrgUnit.code == code).order_by(UnitShift.position)).all())


def shift_id(url: str, code: str, centre: str = CENTRE) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(UnitShift.id).join(OrgUnit, OrgUnit.id == UnitShift.unit_id)
                        .where(OrgUnit.code == centre, UnitShift.code == code))


def test_an_administrator_adds_a_shift_to_a_dispatch_centre_and_takes_it_off_the_list(admin_page, demo_db):  # noqa: F811
    at = admin_page
    centre = unit_id(demo_db, CENTRE)
    at.selectbox(key="admin_unit_en").set_value(centre).run()
    listed = table_with(at, "Chinese name")
    assert list(listed["Code"]) == ["D1", "D2", "D3", "D4", "D5"]  # the demo's five-shift rota

    at.text_input(key=f"sh_code_{centre}").input("D6")
    at.text_input(key=f"sh_zh_{centre}").input("调度六值")
    at.text_input(key=f"sh_en_{centre}").input("Shift 6")
    form_button(at, "Add shift").click().run()
    assert not at.exception, at.exception
    assert shifts(demo_db)["D6"] is True
    assert list(table_with(at, "Chinese name")["Code"])[-1] == "D6"

    at.selectbox(key=f"sh_pick_{centre}_en").set_value(shift_id(demo_db, "D6")).run()
    at.button(key=f"sh_deactivate_{shift_id(demo_db, 'D6')}").click().run()
    assert shifts(demo_db)["D6"] is False
    at.button(key=f"sh_reactivate_{shift_id(demo_db, 'D6')}").click().run()
    assert shifts(demo_db)["D6"] is True
    assert {"Dispatch shift added", "Dispatch shift deactivated", "Dispatch shift reactivated"} <= set(
        at.dataframe[-1].value["Change"])


def test_a_shift_code_with_spaces_is_refused_in_words_and_nothing_is_added(admin_page, demo_db):  # noqa: F811
    at = admin_page
    centre = unit_id(demo_db, CENTRE)
    at.selectbox(key="admin_unit_en").set_value(centre).run()
    at.text_input(key=f"sh_code_{centre}").input("night shift")
    at.text_input(key=f"sh_zh_{centre}").input("夜班")
    at.text_input(key=f"sh_en_{centre}").input("Night")
    form_button(at, "Add shift").click().run()
    assert any("is not valid" in e.value for e in at.error) or any("is not valid" in t.value for t in at.toast)
    assert "night shift" not in shifts(demo_db)


def test_a_county_offers_no_shift_list(admin_page, demo_db):  # noqa: F811
    at = admin_page
    at.selectbox(key="admin_unit_en").set_value(unit_id(demo_db, "C01-K01")).run()
    assert "Dispatch shifts" not in [h.value for h in at.subheader]


def monthly_rows(at) -> dict[str, str]:
    table = table_with(at, "shift")
    rows = table[(table["shift"] != "") & table["rule"].str.contains("in-shift anti-accident")
                 & table["unit"].str.contains("Dispatch")]
    return {f"{r['unit']} · {r['shift']}": r["state"] for r in rows.to_dict("records")}


def test_a_coordinator_plans_a_drill_for_one_shift_and_only_that_shift_is_then_met(app, demo_db, monkeypatch):
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="Shift 2 in-shift drill", day=date(2026, 11, 2),
                        start=time(11, 0), end=time(12, 0), lead=CENTRE, type_key="anti-accident")
    at.multiselect(key="dp_shifts").set_value([shift_id(demo_db, "D2")])
    at.button(key="dp_save").click().run()
    assert not at.exception, at.exception
    [drill] = drills(demo_db, "Shift 2 in-shift drill")
    at.toggle(key="dp_req_open").set_value(False).run()
    before = monthly_rows(at)
    owed = [k for k in before if k.endswith("Shift 2")]
    assert owed and all(before[k] != "Met" for k in owed)

    at.button(key=f"dp_ready_{drill.id}").click().run()
    set_clock(monkeypatch, "2026-11-02T12:30:00+08:00")
    at.run()
    held_shifts = at.multiselect(key=f"dp_held_shifts_{drill.id}_en")
    assert held_shifts.value == [shift_id(demo_db, "D2")]  # everyone on the plan, to begin with
    at.button(key=f"dp_held_{drill.id}").click().run()
    assert not at.exception, at.exception
    with snapshot(make_engine(demo_db)) as s:
        assert s.scalar(select(DrillShift.attended).where(DrillShift.drill_id == drill.id)) is True
        assert s.scalar(select(Drill.status).where(Drill.id == drill.id)) == "conducted"
    after = monthly_rows(at)
    changed = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
    # Only the centre's shift 2 changed: its monthly in-shift drill is held now (due again within the month).
    assert len(changed) == 1
    [(key, (was, now))] = changed.items()
    assert key.endswith("Shift 2") and now == "Due again before the peak" and was != now
