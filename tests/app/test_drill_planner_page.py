"""The drill planner page: a coordinator plans a drill and finds it in the list and on the timeline, a clash
is refused with its reason, a drill is moved and cancelled (only with a reason), a lead sees only the drills
of their units and no planning form, and a required drill stays a gap until its drill is recorded as held."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from drills.planning import DrillDraft, plan_drill
from store.db import make_engine, snapshot, transaction
from store.schema import Campaign, Drill, DrillLogEntry, OrgUnit, User
from tests.conftest import NOW
from tests.demo_fixtures import set_clock, sign_in
from ui import state

CHINA = ZoneInfo("Asia/Shanghai")
COUNTY = "C01-K01"  # the demo lead's county


def planner(app, username: str):
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/drill_planner.py").run()
    assert not at.exception, at.exception
    return at


def unit_id(url: str, code: str) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def drills(url: str, title: str | None = None) -> list[Drill]:
    """The drills on record (the demo season has some of its own), or those with this title."""
    with snapshot(make_engine(url)) as s:
        query = select(Drill).order_by(Drill.id)
        return list(s.scalars(query if title is None else query.where(Drill.title == title)))


def plan(url: str, title: str, codes: list[str], day: date, start: time, end: time, *,
         type_key: str = "flood-typhoon") -> int:
    """A drill of the open campaign planned through the service, as the coordinator."""
    engine = make_engine(url)
    with transaction(engine) as s:
        coordinator = s.scalar(select(User.id).where(User.username == "coordinator"))
        units = dict(s.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(codes))).all())
        campaign = s.scalar(select(Campaign.id).where(Campaign.status == "open"))
        draft = DrillDraft(type_key=type_key, form="tabletop", title=title,
                           starts_at=datetime.combine(day, start, tzinfo=CHINA),
                           ends_at=datetime.combine(day, end, tzinfo=CHINA), lead_unit_id=units[codes[0]],
                           unit_ids=frozenset(units.values()), coordinator_id=coordinator, campaign_id=campaign)
        saved = plan_drill(draft, session=s, actor=None, now=NOW)
    engine.dispose()
    return saved.drill_id


def fill_plan_form(at, url: str, *, title: str, day: date, start: time, end: time, lead: str = COUNTY,
                   type_key: str = "flood-typhoon"):
    at.selectbox(key="dp_type_en").set_value(type_key).run()
    at.text_input(key=f"dp_title_{type_key}").input(title)
    at.date_input(key="dp_day").set_value(day)
    at.time_input(key="dp_start").set_value(start)
    at.time_input(key=f"dp_end_{type_key}").set_value(end)
    at.text_input(key="dp_location").input("县调控中心会议室")
    at.selectbox(key="dp_lead_en").set_value(unit_id(url, lead))
    return at


def findings(at) -> list[dict]:
    """The rows of the findings table shown under a form (severity, rule code, reason)."""
    tables = [df.value for df in at.dataframe if "code" in df.value.columns and "reason" in df.value.columns]
    return tables[0].to_dict("records") if tables else []


def table_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def listed(at) -> dict[str, dict]:
    """The rows of the list of drills, by title."""
    return {row["title"]: row for row in table_with(at, "coordinator").to_dict("records")}


def open_drill(at, drill_id: int):
    """Choose the drill in the list's picker (it opens the next drill to come at first)."""
    return at.selectbox(key="dp_drill_en").set_value(drill_id).run()


def test_a_campaign_without_drills_says_so(app, demo_db):
    at = planner(app, "coordinator")
    assert [t.label for t in at.tabs] == ["Calendar", "List", "Required drills", "Plan a drill", "Conduct",
                                          "Plans & annual plan", "Review"]
    with snapshot(make_engine(demo_db)) as s:
        last_season = s.scalar(select(Campaign.id).where(Campaign.status == "closed"))
    at.selectbox(key="dp_campaign_en").set_value(last_season).run()
    assert not at.exception, at.exception
    assert "No drill of this campaign involves your units yet." in [i.value for i in at.info]
    assert "This campaign is closed: no more drills can be planned in it." in [i.value for i in at.info]


def test_a_coordinator_plans_a_drill_and_finds_it_in_the_list_and_on_the_timeline(app, demo_db):
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="Liutang flood tabletop",
                        day=date(2026, 11, 10), start=time(9, 0), end=time(12, 0))
    at.button(key="dp_save").click().run()
    assert not at.exception, at.exception
    assert any("Liutang flood tabletop" in t.value and "is planned" in t.value for t in at.toast)
    [drill] = drills(demo_db, "Liutang flood tabletop")
    assert (drill.status, drill.location) == ("planned", "县调控中心会议室")
    row = listed(at)["Liutang flood tabletop"]
    assert (row["when"], row["status"], row["units"]) == ("2026-11-10 09:00 – 12:00", "planned",
                                                         "Liutang County Power Supply Co.")
    assert at.selectbox(key="dp_drill_en").value == drill.id  # the new drill is the one opened
    assert at.get("plotly_chart"), "the timeline is drawn"


def test_checking_a_weekend_drill_warns_without_saving_anything(app, demo_db):
    before = len(drills(demo_db))
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="Saturday drill",
                        day=date(2026, 11, 21), start=time(9, 0), end=time(11, 0))
    at.button(key="dp_check").click().run()
    assert not at.exception, at.exception
    assert "What the check found (nothing saved):" in [w.value for w in at.warning]
    assert [f["code"] for f in findings(at)] == ["weekend"]
    assert len(drills(demo_db)) == before


def test_bad_input_is_refused_in_words_and_saves_nothing(app, demo_db):
    before = len(drills(demo_db))
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="   ",
                        day=date(2026, 11, 10), start=time(9, 0), end=time(12, 0))
    at.button(key="dp_save").click().run()
    assert [e.value for e in at.error] == ["Give the drill a title."]
    at = fill_plan_form(at, demo_db, title="Ends before it starts", day=date(2026, 11, 10), start=time(12, 0),
                        end=time(9, 0))
    at.button(key="dp_save").click().run()
    assert not at.exception, at.exception
    assert [f["code"] for f in findings(at)] == ["invalid-time"]
    assert len(drills(demo_db)) == before


def test_a_clash_with_another_drill_of_the_unit_is_refused_with_its_reason(app, demo_db):
    plan(demo_db, "County black-out tabletop", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    before = len(drills(demo_db))
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="Overlapping drill",
                        day=date(2026, 11, 10), start=time(10, 0), end=time(11, 0))
    at.button(key="dp_save").click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("The drill was not saved") for e in at.error)
    clash = next(f for f in findings(at) if f["code"] == "clash-unit")
    assert clash["severity"] == "Error"
    assert "County black-out tabletop" in clash["reason"] and COUNTY in clash["reason"]
    assert len(drills(demo_db)) == before and not drills(demo_db, "Overlapping drill")


def test_a_drill_is_moved_and_a_weekend_is_warned_about_after_the_move(app, demo_db):
    drill_id = plan(demo_db, "Drill to move", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = open_drill(planner(app, "coordinator"), drill_id)
    at.date_input(key=f"dp_move_day_{drill_id}").set_value(date(2026, 11, 21))
    at.time_input(key=f"dp_move_start_{drill_id}").set_value(time(14, 0))
    at.time_input(key=f"dp_move_end_{drill_id}").set_value(time(16, 30))
    at.button(key=f"dp_move_btn_{drill_id}").click().run()
    assert not at.exception, at.exception
    assert any("was moved" in t.value for t in at.toast)
    assert "Saved, but note:" in [w.value for w in at.warning]
    assert [f["code"] for f in findings(at)] == ["weekend"]
    [drill] = drills(demo_db, "Drill to move")
    assert drill.starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(CHINA) == datetime(2026, 11, 21, 14, 0,
                                                                                          tzinfo=CHINA)
    assert listed(at)["Drill to move"]["when"] == "2026-11-21 14:00 – 16:30"
    with snapshot(make_engine(demo_db)) as s:
        kinds = list(s.scalars(select(DrillLogEntry.kind).where(DrillLogEntry.drill_id == drill_id)
                               .order_by(DrillLogEntry.id)))
    assert kinds == ["planned", "moved"]


def test_cancelling_a_drill_needs_a_reason_which_is_then_shown(app, demo_db):
    drill_id = plan(demo_db, "Drill to cancel", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = open_drill(planner(app, "coordinator"), drill_id)
    at.button(key=f"dp_cancel_{drill_id}").click().run()
    assert "Cancelling a drill needs a reason" in [e.value for e in at.error]
    assert drills(demo_db, "Drill to cancel")[0].status == "planned"
    at.text_input(key=f"dp_cancel_reason_{drill_id}").input("台风预警，推迟到下月")
    at.button(key=f"dp_cancel_{drill_id}").click().run()
    assert not at.exception, at.exception
    [drill] = drills(demo_db, "Drill to cancel")
    assert (drill.status, drill.cancel_reason) == ("cancelled", "台风预警，推迟到下月")
    assert any("Cancelled because: 台风预警，推迟到下月" in t.value for t in at.text)
    assert not any(b.key == f"dp_cancel_{drill_id}" for b in at.button)  # a cancelled drill takes no more actions


def test_a_lead_sees_only_the_drills_of_their_units_and_neither_actions_nor_the_planning_form(app, demo_db):
    plan(demo_db, "Liutang drill", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    plan(demo_db, "Another city's drill", ["C02"], date(2026, 11, 10), time(14, 0), time(16, 0))
    at = planner(app, "lead")
    assert [t.label for t in at.tabs] == ["Calendar", "List", "Required drills", "Conduct", "Plans & annual plan",
                                          "Review"]  # no planning form
    with snapshot(make_engine(demo_db)) as s:
        path = s.scalar(select(OrgUnit.path).where(OrgUnit.code == COUNTY))
        theirs = set(s.scalars(select(OrgUnit.name_en).where(OrgUnit.path.startswith(path))))
    shown = listed(at)
    assert "Liutang drill" in shown and "Another city's drill" not in shown
    assert all(theirs & set(row["units"].split(", ")) for row in shown.values())
    assert not [b for b in at.button if b.key and b.key.startswith(("dp_move", "dp_ready", "dp_cancel", "dp_save"))]
    assert set(table_with(at, "rule")["unit"]) <= theirs  # the required drills of their units only


def county_annual_row(at) -> list[dict]:
    table = table_with(at, "rule")
    rows = table[(table["unit"] == "Liutang County Power Supply Co.") & table["rule"].str.contains("at least one drill")]
    return rows.to_dict("records")


def test_a_required_drill_stays_a_gap_while_planned_and_closes_once_recorded_as_held(app, demo_db, monkeypatch):
    at = fill_plan_form(planner(app, "coordinator"), demo_db, title="Liutang flood drill",
                        day=date(2026, 11, 2), start=time(11, 0), end=time(12, 0))  # an hour from now
    [before] = county_annual_row(at)
    assert (before["state"], before["planned"]) == ("Missing", "")
    at.button(key="dp_save").click().run()
    [drill] = drills(demo_db, "Liutang flood drill")
    [planned] = county_annual_row(at)
    assert (planned["state"], planned["planned"]) == ("Missing", "2026-11-02 Liutang flood drill")

    at.button(key=f"dp_ready_{drill.id}").click().run()
    assert drills(demo_db, "Liutang flood drill")[0].status == "ready"
    assert "Who took part can be recorded once the drill has begun." in [c.value for c in at.caption]
    assert county_annual_row(at)[0]["state"] == "Missing"

    set_clock(monkeypatch, "2026-11-02T12:30:00+08:00")  # the drill has been held
    at.run()
    at.button(key=f"dp_held_{drill.id}").click().run()
    assert not at.exception, at.exception
    assert any("is recorded as held" in t.value for t in at.toast)
    assert drills(demo_db, "Liutang flood drill")[0].status == "conducted"
    assert county_annual_row(at) == []  # "not met only" hides it now
    at.toggle(key="dp_req_open").set_value(False).run()
    [met] = county_annual_row(at)
    assert (met["state"], met["last_held"]) == ("Met", "2026-11-02")


@pytest.mark.parametrize("username", ["member", "executive", "admin"])
def test_every_reader_opens_the_page_and_reads_the_drills_of_their_units(app, demo_db, username):
    drill_id = plan(demo_db, "Liutang drill", [COUNTY], date(2026, 11, 10), time(9, 0), time(12, 0))
    at = open_drill(planner(app, username), drill_id)
    assert "Liutang drill" in listed(at)
    assert "Plan a drill" not in [t.label for t in at.tabs]
    assert not [b for b in at.button if b.key and b.key.startswith(("dp_move", "dp_ready", "dp_cancel"))]
    assert any(b.key == f"dp_ics_{drill_id}" for b in at.get("download_button"))


# ── Importing a plan from Excel ─────────────────────────────────────────────


def plan_file(rows: list[dict]) -> bytes:
    """An empty plan (the page's template) filled in with rows by English header."""
    import io

    from openpyxl import load_workbook

    from admin.drill_workbook import drill_plan_template

    book = load_workbook(io.BytesIO(drill_plan_template("en")))
    sheet = book.worksheets[0]
    header = {str(c.value): c.column for c in sheet[1] if c.value}
    for r, values in enumerate(rows, start=2):
        for name, value in values.items():
            sheet.cell(r, header[name]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(title: str, unit: str, start: str, end: str) -> dict:
    return {"Drill type": "flood-typhoon", "Form": "tabletop", "Title": title, "Start": start, "End": end,
            "Lead unit": unit}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_coordinator_imports_a_plan_whose_rows_clash_sees_why_and_nothing_is_planned(app, demo_db):
    at = planner(app, "coordinator")
    before = len(drills(demo_db))
    data = plan_file([row("甲一县防汛推演", COUNTY, "2026-11-10 09:00", "2026-11-10 12:00"),
                      row("甲一县重复推演", COUNTY, "2026-11-10 10:00", "2026-11-10 11:00")])
    at.file_uploader(key="dpx_upload_0").upload("plan.xlsx", data, XLSX).run()
    assert not at.exception, at.exception
    preview = table_with(at, "codes")
    # The row in error first: the same unit, and the same coordinator, an hour into the first row's drill.
    assert list(preview["codes"]) == ["clash-unit, clash-person", "none"]
    assert any("Correct the rows in error" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "dpx_apply"]
    assert len(drills(demo_db)) == before


def test_a_coordinator_imports_a_clean_plan_after_the_preview_and_the_drills_are_planned(app, demo_db):
    at = planner(app, "coordinator")
    data = plan_file([row("甲一县防汛推演", COUNTY, "2026-11-10 09:00", "2026-11-10 12:00"),
                      row("周末推演", COUNTY, "2026-11-21 09:00", "2026-11-21 11:00")])
    at.file_uploader(key="dpx_upload_0").upload("plan.xlsx", data, XLSX).run()
    preview = table_with(at, "codes")
    assert "weekend" in list(preview["codes"])  # planned with its warning
    assert not drills(demo_db, "甲一县防汛推演")  # the preview wrote nothing
    at.button(key="dpx_apply").click().run()
    assert not at.exception, at.exception
    assert any("Planned 2 drills from the file." in t.value for t in at.toast)
    assert [d.status for d in drills(demo_db, "甲一县防汛推演") + drills(demo_db, "周末推演")] == ["planned", "planned"]
    assert at.file_uploader(key="dpx_upload_1").value is None  # a fresh uploader: the file is not applied twice


def test_a_file_that_is_not_a_plan_is_refused_in_words(app, demo_db):
    at = planner(app, "coordinator")
    at.file_uploader(key="dpx_upload_0").upload("junk.xlsx", b"not a workbook", XLSX).run()
    assert not at.exception, at.exception
    assert at.error and not [b for b in at.button if b.key == "dpx_apply"]
