"""The drill planner's tools: a coordinator asks for a suggested schedule and accepts all, some or none of it;
a controller runs a drill (releases its injects, logs the players' responses) and a coordinator replaces its
timeline from Excel; the units' emergency plans are recorded, revised and withdrawn, and the annual drill plan
and the plans exercised over three years are shown and downloaded."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from drills.planning import set_status
from org.models import Actor
from org.people import revoke_grant
from store.db import make_engine, snapshot, transaction
from store.schema import Drill, EmergencyPlan, OrgUnit, RoleGrant, User
from tests.app.test_drill_planner_page import COUNTY, XLSX, drills, plan, planner, table_with, unit_id
from tests.conftest import NOW, ROOT
from tests.demo_fixtures import set_clock
from tests.integration.test_drill_timeline_and_annual_workbook import sheet

TODAY = date(2026, 11, 2)  # the demo's day (NOW is 10:00 in Shanghai)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def toasts(at) -> list[str]:
    return [t.value for t in at.toast]


def count_drills(url: str) -> int:
    return len(drills(url))


def ready_now(url: str, title: str = "柳塘县防汛推演") -> int:
    """A drill of the demo lead's county under way now (09:00–12:00 today), marked ready."""
    drill_id = plan(url, title, [COUNTY], TODAY, time(9, 0), time(12, 0))
    engine = make_engine(url)
    with transaction(engine) as s:
        set_status(drill_id, "ready", expected_version=1, session=s, actor=None, now=NOW)
    engine.dispose()
    return drill_id


def drill_row(url: str, drill_id: int) -> Drill:
    with snapshot(make_engine(url)) as s:
        return s.get(Drill, drill_id)


def conduct(at, drill_id: int):
    return at.selectbox(key="dpt_drill_en").set_value(drill_id).run()


def timeline_table(at):
    return table_with(at, "released")


def actor_of(url: str, username: str) -> Actor:
    with snapshot(make_engine(url)) as s:
        user = s.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.display_name)


# ── The tabs ─────────────────────────────────────────────────────────────────


def test_the_conduct_and_plans_tabs_follow_the_planning_tab_for_a_coordinator_and_a_lead(app, demo_db):
    at = planner(app, "coordinator")
    # (Tabs added after these two are not this test's concern.)
    assert [t.label for t in at.tabs][:6] == ["Calendar", "List", "Required drills", "Plan a drill", "Conduct",
                                              "Plans & annual plan"]
    lead = planner(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run(), "lead")
    assert [t.label for t in lead.tabs][:5] == ["Calendar", "List", "Required drills", "Conduct",
                                                "Plans & annual plan"]
    assert not [b for b in lead.button if b.key and b.key.startswith("dpt_sg_")]


# ── The suggested schedule ───────────────────────────────────────────────────


def propose(at):
    at.button(key="dpt_sg_propose").click().run()
    assert not at.exception, at.exception
    return at


def proposal(at):
    return at.session_state["dpt_sg_proposal"][1]


def test_a_coordinator_asks_for_a_schedule_sees_each_proposed_drill_and_accepts_them_all(app, demo_db):
    before = count_drills(demo_db)
    at = propose(planner(app, "coordinator"))
    placed = proposal(at).placed
    assert placed
    table = table_with(at, "warnings")
    assert list(table.columns) == ["unit", "type", "start", "end", "warnings"]
    assert len(table) == len(placed) and "Liutang County Power Supply Co." in set(table["unit"])
    assert any(f"Slots found for **{len(placed)}** drill(s); **0** could not be placed." == m.value
               for m in at.markdown)
    assert count_drills(demo_db) == before  # a proposal plans nothing
    at.button(key="dpt_sg_accept_all").click().run()
    assert not at.exception, at.exception
    assert f"Planned {len(placed)} drill(s) as suggested." in toasts(at)
    assert count_drills(demo_db) == before + len(placed)
    assert not [b for b in at.button if b.key == "dpt_sg_accept_all"]  # the proposal is used up


def test_accepting_the_chosen_suggestions_plans_only_those(app, demo_db):
    before = count_drills(demo_db)
    at = propose(planner(app, "coordinator"))
    chosen = [s.missing for s in proposal(at).placed[:2]]
    at.multiselect(key="dpt_sg_pick_en").set_value([m.key for m in chosen]).run()
    at.button(key="dpt_sg_accept_some").click().run()
    assert not at.exception, at.exception
    assert "Planned 2 drill(s) as suggested." in toasts(at)
    assert count_drills(demo_db) == before + 2
    assert {d.title for d in drills(demo_db)[-2:]} == {m.title for m in chosen}


def test_accepting_the_chosen_suggestions_with_none_chosen_says_so_and_plans_nothing(app, demo_db):
    before = count_drills(demo_db)
    at = propose(planner(app, "coordinator"))
    at.button(key="dpt_sg_accept_some").click().run()
    assert not at.exception, at.exception
    assert "First choose the drills to accept in the list above." in errors(at)
    assert count_drills(demo_db) == before


def test_accepting_none_discards_the_proposal(app, demo_db):
    before = count_drills(demo_db)
    at = propose(planner(app, "coordinator"))
    at.button(key="dpt_sg_discard").click().run()
    assert not at.exception, at.exception
    assert "dpt_sg_proposal" not in at.session_state
    assert not [df for df in at.dataframe if "warnings" in df.value.columns]
    assert count_drills(demo_db) == before


def test_a_slot_taken_after_the_proposal_refuses_the_whole_acceptance_with_the_clash(app, demo_db):
    at = propose(planner(app, "coordinator"))
    first = proposal(at).placed[0]
    code = next(u.code for u in _units(demo_db) if u.id in first.missing.unit_ids)
    start, end = (m.astimezone(first.drill.start.tzinfo) for m in (first.drill.start, first.drill.end))
    plan(demo_db, "Taken meanwhile", [code], start.date(), start.time(), end.time())
    before = count_drills(demo_db)
    at.button(key="dpt_sg_accept_all").click().run()
    assert not at.exception, at.exception
    assert any(e.startswith("No drill was planned: a slot was taken in the meantime") for e in errors(at))
    assert "clash-unit" in set(table_with(at, "reason")["code"])
    assert count_drills(demo_db) == before


def _units(url: str) -> list[OrgUnit]:
    with snapshot(make_engine(url)) as s:
        return list(s.scalars(select(OrgUnit)))


# ── Running a drill ──────────────────────────────────────────────────────────


def test_a_coordinator_releases_an_inject_and_logs_the_response_to_it(app, demo_db):
    drill_id = ready_now(demo_db)
    at = conduct(planner(app, "coordinator"), drill_id)
    first = drill_row(demo_db, drill_id).injects[0]["key"]
    table = timeline_table(at)
    assert table["key"].iloc[0] == first and set(table["released"]) == {""}
    at.button(key=f"dpt_release_{drill_id}_0").click().run()
    assert not at.exception, at.exception
    assert f"Inject {first} released." in [t.replace("\\", "") for t in toasts(at)]
    assert timeline_table(at)["released"].iloc[0].startswith("2026-11-02 10:")
    assert not [b for b in at.button if b.key == f"dpt_release_{drill_id}_0"]  # released once

    at.text_area(key=f"dpt_response_text_{drill_id}").input("值班员启动防汛IV级应急响应")
    at.selectbox(key=f"dpt_response_inject_{drill_id}_en").set_value(first)
    at.button(key=f"dpt_log_{drill_id}").click().run()
    assert not at.exception, at.exception
    assert "Response logged." in toasts(at)
    row = timeline_table(at).iloc[0]
    assert "值班员启动防汛IV级应急响应" in row["responses"] and row["first"] == 0
    assert at.text_area(key=f"dpt_response_text_{drill_id}").value == ""  # ready for the next entry


def test_a_response_to_the_drill_as_a_whole_can_be_written_up_with_an_earlier_time(app, demo_db):
    drill_id = ready_now(demo_db)
    at = conduct(planner(app, "coordinator"), drill_id)
    at.text_area(key=f"dpt_response_text_{drill_id}").input("指挥部宣布演练开始")
    at.time_input(key=f"dpt_response_time_{drill_id}").set_value(time(9, 5))
    at.button(key=f"dpt_log_{drill_id}").click().run()
    assert not at.exception, at.exception
    assert "Response logged." in toasts(at)
    [general] = next(df.value for df in at.dataframe if {"at", "who"} <= set(df.value.columns)).to_dict("records")
    assert (general["at"], general["text"]) == ("2026-11-02 09:05", "指挥部宣布演练开始")


def test_an_empty_response_a_day_without_a_time_and_a_response_before_its_inject_are_refused_in_words(app, demo_db):
    drill_id = ready_now(demo_db)
    at = conduct(planner(app, "coordinator"), drill_id)
    at.button(key=f"dpt_log_{drill_id}").click().run()
    assert "Write what was done" in errors(at)
    at.text_area(key=f"dpt_response_text_{drill_id}").input("记录")
    at.date_input(key=f"dpt_response_day_{drill_id}").set_value(TODAY)
    at.button(key=f"dpt_log_{drill_id}").click().run()
    assert "A day was given for the response: give its time too." in errors(at)
    at.button(key=f"dpt_release_{drill_id}_0").click().run()
    first = drill_row(demo_db, drill_id).injects[0]["key"]
    at.text_area(key=f"dpt_response_text_{drill_id}").input("太早的处置")
    at.selectbox(key=f"dpt_response_inject_{drill_id}_en").set_value(first)
    at.time_input(key=f"dpt_response_time_{drill_id}").set_value(time(9, 30))
    at.button(key=f"dpt_log_{drill_id}").click().run()
    assert not at.exception, at.exception
    assert [e.replace("\\", "") for e in errors(at)] == [
        f"The response is timed before inject {first} was released"]
    assert "太早的处置" not in " ".join(timeline_table(at)["responses"])


def test_releasing_before_the_drill_starts_is_refused_in_words(app, demo_db, monkeypatch):
    drill_id = ready_now(demo_db)
    set_clock(monkeypatch, "2026-11-02T08:30:00+08:00")
    at = conduct(planner(app, "coordinator"), drill_id)
    at.button(key=f"dpt_release_{drill_id}_0").click().run()
    assert not at.exception, at.exception
    assert errors(at) == ["That time is outside the drill (entries may be written up to a day after its end)"]
    assert set(timeline_table(at)["released"]) == {""}


def test_a_coordinator_whose_grant_is_revoked_meanwhile_is_refused_in_their_language(app, demo_db):
    drill_id = ready_now(demo_db)
    at = conduct(planner(app, "coordinator"), drill_id)
    at.session_state["lang"] = "zh"
    at.run()
    engine = make_engine(demo_db)
    coordinator = actor_of(demo_db, "coordinator")
    with transaction(engine) as s:
        grant = s.scalar(select(RoleGrant.id).where(RoleGrant.user_id == coordinator.user_id))
        revoke_grant(grant, session=s, actor=actor_of(demo_db, "admin"), now=NOW)
    at.button(key=f"dpt_release_{drill_id}_0").click().run()
    assert not at.exception, at.exception
    assert "只有演练协调员、导调人员或评估人员可以操作演练进程" in errors(at)


def test_a_lead_sees_the_timeline_of_their_units_drill_but_neither_releases_nor_logs(app, demo_db):
    drill_id = ready_now(demo_db)
    at = conduct(planner(app, "lead"), drill_id)
    assert len(timeline_table(at)) == len(drill_row(demo_db, drill_id).injects)
    assert ("Only the drill's coordinators, controllers and evaluators release injects and log responses."
            in [c.value for c in at.caption])
    assert not [b for b in at.button if b.key and b.key.startswith(("dpt_release_", "dpt_log_", "dpt_tl_"))]


def test_a_planned_drill_shows_its_timeline_and_waits_to_be_ready_before_it_is_run(app, demo_db):
    drill_id = plan(demo_db, "尚未就绪的演练", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = conduct(planner(app, "coordinator"), drill_id)
    assert "Injects are released and responses logged once the drill is ready." in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key and b.key.startswith("dpt_release_")]


# ── The timeline from Excel ──────────────────────────────────────────────────


def timeline_file(rows: list[tuple], header=("Key", "Minute", "Text (Chinese)", "Text (English)")) -> bytes:
    return sheet(rows, header)


def test_a_coordinator_replaces_a_drills_timeline_from_excel_after_seeing_it(app, demo_db):
    drill_id = plan(demo_db, "新时间线演练", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = conduct(planner(app, "coordinator"), drill_id)
    assert {d.key for d in at.get("download_button")} >= {f"dpt_tl_download_{drill_id}", "dpt_tl_template"}
    data = timeline_file([("t2", 45, "低洼变电站进水", "A low-lying substation floods"),
                          ("t1", 0, "暴雨红色预警发布", None)])
    at.file_uploader(key=f"dpt_tl_upload_{drill_id}_0").upload("timeline.xlsx", data, XLSX).run()
    assert not at.exception, at.exception
    preview = table_with(at, "text_zh")
    assert list(preview["key"]) == ["t2", "t1"] and list(preview["row"]) == [2, 3]
    assert [i["key"] for i in drill_row(demo_db, drill_id).injects] != ["t1", "t2"]  # nothing yet
    at.button(key=f"dpt_tl_apply_{drill_id}").click().run()
    assert not at.exception, at.exception
    assert "The timeline now has 2 injects." in toasts(at)
    drill = drill_row(demo_db, drill_id)
    assert [(i["key"], i["minute"], i["text_en"]) for i in drill.injects] == [
        ("t1", 0, "暴雨红色预警发布"), ("t2", 45, "A low-lying substation floods")]
    assert drill.version == 2
    assert list(timeline_table(at)["key"]) == ["t1", "t2"]
    assert at.file_uploader(key=f"dpt_tl_upload_{drill_id}_1").value is None  # a fresh uploader


def test_a_timeline_file_with_rows_in_error_names_each_and_changes_nothing(app, demo_db):
    drill_id = plan(demo_db, "新时间线演练", [COUNTY], date(2026, 11, 10), time(9, 0), time(11, 0))
    before = drill_row(demo_db, drill_id).injects
    at = conduct(planner(app, "coordinator"), drill_id)
    data = timeline_file([("t1", 0, "开始", None), ("t1", 10, "重复", None), ("t3", 150, "太晚", None),
                          ("t4", "十", "不是数字", None), ("t5", 5, None, None)])
    at.file_uploader(key=f"dpt_tl_upload_{drill_id}_0").upload("timeline.xlsx", data, XLSX).run()
    assert not at.exception, at.exception
    problems = table_with(at, "problem")
    assert list(problems["problem"]) == [
        "Row 3: key t1 is already used in row 2",
        "Row 4: minute 150 is past the end of the drill (120 minutes)",
        "Row 5: the minute “十” is not a whole number of zero or more",
        "Row 6: give the text in Chinese, in English or both"]
    assert "4 problem(s) found: correct them and upload again. Nothing was changed." in errors(at)
    assert not [b for b in at.button if b.key == f"dpt_tl_apply_{drill_id}"]
    assert drill_row(demo_db, drill_id).injects == before


def test_a_file_that_is_not_a_timeline_is_refused_in_words(app, demo_db):
    drill_id = plan(demo_db, "新时间线演练", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = conduct(planner(app, "coordinator"), drill_id)
    at.file_uploader(key=f"dpt_tl_upload_{drill_id}_0").upload("junk.xlsx", b"not a workbook", XLSX).run()
    assert not at.exception, at.exception
    assert errors(at) and not [b for b in at.button if b.key == f"dpt_tl_apply_{drill_id}"]


# ── The plan inventory ───────────────────────────────────────────────────────


def plans_of(url: str, code: str) -> list[EmergencyPlan]:
    with snapshot(make_engine(url)) as s:
        return list(s.scalars(select(EmergencyPlan).where(EmergencyPlan.code == code)))


def plans_table(at):
    return table_with(at, "issued")


def test_a_coordinator_records_revises_and_withdraws_a_plan(app, demo_db):
    at = planner(app, "coordinator")
    at.selectbox(key="dpt_pl_unit_en").set_value(unit_id(demo_db, COUNTY))
    at.text_input(key="dpt_pl_code").input("xc-09")
    at.text_input(key="dpt_pl_title").input("=柳塘县配电房水浸现场处置方案")
    at.selectbox(key="dpt_pl_level_en").set_value("onsite")
    at.selectbox(key="dpt_pl_type_en").set_value("onsite-response")
    at.date_input(key="dpt_pl_issued").set_value(date(2025, 4, 1))
    at.button(key="dpt_pl_add_btn").click().run()
    assert not at.exception, at.exception
    assert any("XC" in t and "09 recorded." in t for t in toasts(at))
    [added] = plans_of(demo_db, "XC-09")
    assert (added.title, added.level, added.issued_on) == ("=柳塘县配电房水浸现场处置方案", "onsite", date(2025, 4, 1))
    row = plans_table(at).set_index("code").loc["XC-09"]
    assert (row["title"], row["active"]) == ("=柳塘县配电房水浸现场处置方案", "in force")
    assert at.text_input(key="dpt_pl_code").value == ""

    at.selectbox(key="dpt_pl_rev_plan").set_value(added.id)
    at.date_input(key="dpt_pl_rev_on").set_value(date(2026, 10, 20))
    at.text_input(key="dpt_pl_rev_title").input("配电房水浸现场处置方案（2026版）")
    at.button(key="dpt_pl_revise_btn").click().run()
    assert not at.exception, at.exception
    assert "Revision of 2026-10-20 recorded." in toasts(at)
    assert plans_table(at).set_index("code").loc["XC-09"]["revised"] == "2026-10-20"

    at.selectbox(key="dpt_pl_wd_plan").set_value(added.id)
    at.button(key="dpt_pl_withdraw_btn").click().run()
    assert "Tick the box to confirm before withdrawing." in errors(at)
    assert plans_of(demo_db, "XC-09")[0].is_active
    at.checkbox(key="dpt_pl_wd_confirm").check()
    at.button(key="dpt_pl_withdraw_btn").click().run()
    assert not at.exception, at.exception
    assert "The plan is withdrawn." in toasts(at)
    assert not plans_of(demo_db, "XC-09")[0].is_active
    assert "XC-09" not in set(plans_table(at)["code"])
    at.toggle(key="dpt_pl_withdrawn").set_value(True).run()
    assert plans_table(at).set_index("code").loc["XC-09"]["active"] == "withdrawn"


def test_a_plan_code_the_unit_already_uses_and_a_missing_title_are_refused_in_words(app, demo_db):
    at = planner(app, "coordinator")
    at.selectbox(key="dpt_pl_unit_en").set_value(unit_id(demo_db, COUNTY))
    at.button(key="dpt_pl_add_btn").click().run()
    assert "A plan's code cannot be empty or longer than 64 characters" in errors(at)
    at.text_input(key="dpt_pl_code").input("XC-01")
    at.text_input(key="dpt_pl_title").input("重复的编号")
    at.button(key="dpt_pl_add_btn").click().run()
    assert not at.exception, at.exception
    assert [e.replace("\\", "") for e in errors(at)] == [f"{COUNTY} already has a plan XC-01"]
    assert len([p for p in plans_of(demo_db, "XC-01") if p.title == "重复的编号"]) == 0


def test_the_plans_still_needing_a_drill_this_season_are_flagged(app, demo_db):
    at = planner(app, "coordinator")
    table = plans_table(at)
    flagged = table[table["flag"] != ""]
    assert len(flagged) and set(flagged["flag"]) <= {"Overdue", "Missing", "Due again before the peak",
                                                       "Missing；Due again before the peak"}
    assert any(w.value.endswith("still need a drill this season (see the “Needs a drill” column).")
               for w in at.warning)
    county = table[(table["unit"] == "Liutang County Power Supply Co.") & (table["code"] == "XC-01")].iloc[0]
    assert county["last"] != ""  # the demo held its cable-fire drill


def test_a_lead_reads_their_units_plans_but_gets_no_form_to_change_them(app, demo_db):
    at = planner(app, "lead")
    assert set(plans_table(at)["unit"]) >= {"Liutang County Power Supply Co."}
    assert not [b for b in at.button if b.key and b.key.startswith("dpt_pl_")]


# ── The annual plan and the years ────────────────────────────────────────────


def test_the_annual_plan_shows_each_units_drills_by_month_and_another_year_may_have_none(app, demo_db):
    at = planner(app, "coordinator")
    assert at.selectbox(key="dpt_ap_year").value == 2026
    grid = table_with(at, "total")
    county = grid[grid["unit"] == "Liutang County Power Supply Co."].iloc[0]
    assert "电缆隧道火灾现场处置桌面推演" in county["10"] and county["total"] >= 1
    assert any(d.key == "dpt_ap_download" for d in at.get("download_button"))
    at.selectbox(key="dpt_ap_year").set_value(2025).run()
    assert not at.exception, at.exception
    assert "Your units have no drill in 2025." in [i.value for i in at.info]


def test_the_three_year_view_counts_the_drills_that_exercised_each_plan(app, demo_db):
    at = planner(app, "coordinator")
    years = table_with(at, "2024")
    assert list(years.columns) == ["unit", "code", "title", "2024", "2025", "2026"]
    county = years[(years["unit"] == "Liutang County Power Supply Co.") & (years["code"] == "XC-01")].iloc[0]
    assert (county["2024"], county["2025"], county["2026"]) == (0, 0, 1)
    assert any("were not exercised once in these 3 years" in c.value for c in at.caption)
