"""A drill that is saved or moved is checked against the other drills, the peak windows, the campaign's peak
start and the Chinese working calendar; every broken rule is a finding with a stable code and a reason in
the user's language. The suggested schedule never breaks a hard rule nor the weekly limit."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drills.holidays import DayInfo
from drills.schedule import (
    CODE_ORDER,
    MissingDrill,
    PeakWindow,
    PlannedDrill,
    WorkingHours,
    check,
    suggest,
    week_of,
)

Z = ZoneInfo("Asia/Shanghai")
PEAK = date(2026, 6, 15)
UNITS = {1: "城东供电所", 2: "城西供电所", 3: "调度控制中心", 4: "检修公司"}
PEOPLE = {10: "王强", 11: "李娜", 12: "赵敏", 13: "陈刚"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=Z)


def drill(id: int | None = 1, start: str = "2026-06-09 09:00", end: str = "2026-06-09 12:00", units=(1,),
          coordinator: int | None = None, evaluators=(), participants=(), status: str = "planned",
          title: str = "", must_precede_peak: bool = True) -> PlannedDrill:
    return PlannedDrill(id=id, type_key="blackout-tabletop", start=at(start), end=at(end), unit_ids=units,
                        coordinator_id=coordinator, evaluator_ids=evaluators, participant_ids=participants,
                        status=status, title=title or f"演练 {id}", must_precede_peak=must_precede_peak)


def every_day_a_workday(day: date) -> DayInfo:
    return DayInfo(day, "workday")


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def checked(subject: PlannedDrill, *others: PlannedDrill, **kwargs) -> list:
    kwargs.setdefault("calendar", every_day_a_workday)
    return check(subject, others, unit_names=UNITS, person_names=PEOPLE, **kwargs)


# --- clash-unit -------------------------------------------------------------------------------------------

UNIT_CLASHES = [
    # (what the other drill is, the other drill, the codes expected)
    ("the same unit at the same time", drill(2), ["clash-unit"]),
    ("the same unit, overlapping the end", drill(2, "2026-06-09 11:00", "2026-06-09 13:00"), ["clash-unit"]),
    ("the same unit, overlapping the start", drill(2, "2026-06-09 08:00", "2026-06-09 09:30"), ["clash-unit"]),
    ("the same unit, enclosing it", drill(2, "2026-06-08 08:00", "2026-06-10 18:00"), ["clash-unit"]),
    ("one of several units", drill(2, units=(3, 1)), ["clash-unit"]),
    ("the same unit, ending as it starts", drill(2, "2026-06-09 07:00", "2026-06-09 09:00"), []),
    ("the same unit, starting as it ends", drill(2, "2026-06-09 12:00", "2026-06-09 15:00"), []),
    ("the same unit on another day", drill(2, "2026-06-10 09:00", "2026-06-10 12:00"), []),
    ("another unit at the same time", drill(2, units=(2,)), []),
    ("a cancelled drill of the same unit", drill(2, status="cancelled"), []),
    ("its own earlier version (a move)", drill(1, "2026-06-09 10:00", "2026-06-09 11:00"), []),
]


@pytest.mark.parametrize(("case", "other", "expected"), UNIT_CLASHES, ids=[c[0] for c in UNIT_CLASHES])
def test_a_unit_already_in_an_overlapping_drill_is_a_clash(case, other, expected):
    assert codes(checked(drill(1, units=(1, 4)), other)) == expected


def test_a_unit_clash_is_an_error_naming_the_unit_and_the_other_drill():
    [finding] = checked(drill(1, units=(1, 2)), drill(7, units=(1, 3), title="迎峰度夏联合反事故演练"))
    assert (finding.code, finding.severity, finding.params["unit_ids"]) == ("clash-unit", "error", (1,))
    assert finding.message("zh") == \
        "城东供电所 在同一时段已参加演练“迎峰度夏联合反事故演练”（2026-06-09 09:00 至 2026-06-09 12:00）。"
    assert "城东供电所" in finding.message("en") and "already take(s) part" in finding.message("en")


def test_a_new_drill_without_an_id_is_checked_against_every_other_drill():
    assert codes(checked(drill(None), drill(None, title="另一个未保存的演练"))) == ["clash-unit"]


# --- clash-person -----------------------------------------------------------------------------------------

PERSON_CLASHES = [
    # (this drill's people, the other drill's people, the codes expected)
    ("coordinator of both", dict(coordinator=10), dict(coordinator=10), ["clash-person"]),
    ("coordinator here, evaluator there", dict(coordinator=10), dict(evaluators=(10,)), ["clash-person"]),
    ("evaluator here, coordinator there", dict(evaluators=(11,)), dict(coordinator=11), ["clash-person"]),
    ("evaluator of both", dict(evaluators=(11, 12)), dict(evaluators=(12,)), ["clash-person"]),
    ("evaluator here, participant there", dict(evaluators=(11,)), dict(participants=(11,)), ["clash-person"]),
    ("two people in both", dict(coordinator=10, evaluators=(11,)), dict(evaluators=(10, 11)),
     ["clash-person", "clash-person"]),
    ("different people", dict(coordinator=10, evaluators=(11,)), dict(coordinator=12, evaluators=(13,)), []),
    ("nobody named", dict(), dict(), []),
]


@pytest.mark.parametrize(("case", "mine", "theirs", "expected"), PERSON_CLASHES, ids=[c[0] for c in PERSON_CLASHES])
def test_a_person_already_in_an_overlapping_drill_in_any_role_is_a_clash(case, mine, theirs, expected):
    assert codes(checked(drill(1, units=(1,), **mine), drill(2, units=(2,), **theirs))) == expected


def test_a_person_clash_names_the_person_and_both_roles_in_each_language():
    [finding] = checked(drill(1, coordinator=10), drill(2, units=(2,), evaluators=(10,), title="地下电缆火灾演练"))
    assert finding.severity == "error"
    assert finding.message("zh") == ("王强（本次演练的协调人）在同一时段已是演练“地下电缆火灾演练”的评估员"
                                     "（2026-06-09 09:00 至 2026-06-09 12:00）。")
    assert finding.message("en").startswith("王强 (this drill's coordinator) is already the evaluator of the drill")


def test_people_of_a_cancelled_or_later_drill_are_free():
    assert checked(drill(1, coordinator=10), drill(2, units=(2,), coordinator=10, status="cancelled")) == []
    assert checked(drill(1, coordinator=10), drill(2, "2026-06-09 13:00", "2026-06-09 15:00", units=(2,),
                                                   coordinator=10)) == []


# --- peak-window ------------------------------------------------------------------------------------------

HEAT = PeakWindow(at("2026-06-09 11:00"), at("2026-06-09 17:00"), "heat", "6月9日高温负荷预警", unit_ids=(1,))
PEAK_WINDOWS = [
    ("a window for the drill's unit", HEAT, ["peak-window"]),
    ("a window for every unit", PeakWindow(at("2026-06-09 10:00"), at("2026-06-09 11:00"), "high_load"),
     ["peak-window"]),
    ("a typhoon for one of its units", PeakWindow(at("2026-06-08 00:00"), at("2026-06-10 00:00"), "typhoon",
                                                 "台风“海燕”", unit_ids=(4, 1)), ["peak-window"]),
    ("a window for another unit", PeakWindow(at("2026-06-09 09:00"), at("2026-06-09 17:00"), "heat",
                                             unit_ids=(2,)), []),
    ("a window after the drill", PeakWindow(at("2026-06-09 12:00"), at("2026-06-09 18:00"), "high_load"), []),
]


@pytest.mark.parametrize(("case", "window", "expected"), PEAK_WINDOWS, ids=[c[0] for c in PEAK_WINDOWS])
def test_a_drill_in_a_peak_window_of_its_units_is_flagged(case, window, expected):
    assert codes(checked(drill(1, units=(1,)), windows=[window])) == expected


@pytest.mark.parametrize(("is_error", "severity"), [(False, "warning"), (True, "error")])
def test_a_peak_window_is_a_warning_or_an_error_by_setting(is_error, severity):
    [finding] = checked(drill(1), windows=[HEAT], peak_window_is_error=is_error)
    assert finding.severity == severity


def test_a_peak_window_finding_names_the_window_its_kind_and_time():
    [finding] = checked(drill(1), windows=[HEAT])
    assert finding.message("zh") == "与高温时段“6月9日高温负荷预警”（2026-06-09 11:00 至 2026-06-09 17:00，城东供电所）重叠。"
    assert "heat period" in finding.message("en")


def test_a_season_event_kind_is_named_as_the_events_page_names_it():
    window = PeakWindow(at("2026-06-09 08:00"), at("2026-06-09 20:00"), "typhoon", "台风“海燕”")
    [finding] = checked(drill(1), windows=[window])
    assert "all units" in finding.message("en") and "全部单位" in finding.message("zh")


# --- after-peak -------------------------------------------------------------------------------------------

AFTER_PEAK = [
    # (what the drill is, the drill, the peak start, the codes expected)
    ("ends the day before the peak", drill(1, "2026-06-14 09:00", "2026-06-14 12:00"), PEAK, []),
    ("ends at midnight as the peak starts", drill(1, "2026-06-14 20:00", "2026-06-15 00:00"), PEAK, []),
    ("runs on the peak's first day", drill(1, "2026-06-15 09:00", "2026-06-15 12:00"), PEAK, ["after-peak"]),
    ("runs into the peak", drill(1, "2026-06-14 20:00", "2026-06-15 02:00"), PEAK, ["after-peak"]),
    ("runs in the peak but need not precede it",
     drill(1, "2026-07-01 09:00", "2026-07-01 12:00", must_precede_peak=False), PEAK, []),
    ("has no peak start to compare with", drill(1, "2026-07-01 09:00", "2026-07-01 12:00"), None, []),
]


@pytest.mark.parametrize(("case", "subject", "peak", "expected"), AFTER_PEAK, ids=[c[0] for c in AFTER_PEAK])
def test_a_drill_that_must_precede_the_peak_is_flagged_when_it_ends_after_the_peak_starts(case, subject, peak,
                                                                                          expected):
    assert codes(checked(subject, peak_start=peak)) == expected


def test_after_peak_is_a_warning_naming_the_peak_start():
    [finding] = checked(drill(1, "2026-06-20 09:00", "2026-06-20 12:00"), peak_start=PEAK)
    assert finding.severity == "warning"
    assert "2026-06-15" in finding.message("zh") and "before the peak" in finding.message("en")


# --- invalid-time -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [("2026-06-09 09:00", "2026-06-09 09:00"),
                                            ("2026-06-09 12:00", "2026-06-09 09:00")])
def test_a_drill_that_ends_at_or_before_its_start_is_an_error_and_nothing_else_is_checked(start, end):
    findings = checked(drill(1, start, end), drill(2, start, end))
    assert [(f.code, f.severity) for f in findings] == [("invalid-time", "error")]
    assert start in findings[0].message("zh")


def test_a_naive_time_is_refused_as_a_programming_error():
    with pytest.raises(ValueError):
        PlannedDrill(1, "x", datetime(2026, 6, 9, 9), datetime(2026, 6, 9, 12))


# --- the Chinese working calendar -------------------------------------------------------------------------

CALENDAR_RULES = [
    # (when the drill runs, the codes expected) — the real 2026 and 2027 calendar.
    ("a Tuesday in June 2026", "2026-06-09 09:00", "2026-06-09 12:00", []),
    ("National Day 2026", "2026-10-01 09:00", "2026-10-01 12:00", ["holiday"]),
    ("the Sunday inside the 2026 Spring Festival break", "2026-02-15 09:00", "2026-02-15 12:00", ["holiday"]),
    ("a day off in lieu (5 May 2026)", "2026-05-05 09:00", "2026-05-05 12:00", ["holiday"]),
    ("an ordinary Saturday", "2026-06-27 09:00", "2026-06-27 12:00", ["weekend"]),
    ("a Saturday worked for the Spring Festival", "2026-02-14 09:00", "2026-02-14 12:00", []),
    ("a Saturday worked for Labour Day", "2026-05-09 09:00", "2026-05-09 12:00", []),
    ("Friday to Sunday of an ordinary weekend", "2026-06-26 09:00", "2026-06-28 12:00", ["weekend"]),
    ("the day before and the first day of the Dragon Boat break", "2026-06-18 09:00", "2026-06-19 12:00",
     ["holiday"]),
    ("the 2027 Dragon Boat Festival", "2027-06-09 09:00", "2027-06-09 12:00", ["holiday", "calendar-unknown"]),
    ("a Tuesday in June 2027", "2027-06-08 09:00", "2027-06-08 12:00", ["calendar-unknown"]),
]


@pytest.mark.parametrize(("case", "start", "end", "expected"), CALENDAR_RULES, ids=[c[0] for c in CALENDAR_RULES])
def test_holidays_and_weekends_that_are_not_worked_are_warnings(case, start, end, expected):
    findings = check(drill(1, start, end, must_precede_peak=False), [])
    assert codes(findings) == expected
    assert all(f.severity == "warning" for f in findings)


def test_a_holiday_warning_names_the_break_and_the_days():
    [finding] = check(drill(1, "2026-09-30 09:00", "2026-10-02 12:00", must_precede_peak=False), [])
    assert finding.message("zh") == "2026-10-01、2026-10-02 是法定节假日（国庆节）。"
    assert finding.message("en") == "2026-10-01, 2026-10-02: public holiday (National Day)."


def test_a_drill_ending_at_midnight_does_not_touch_the_next_day():
    assert codes(check(drill(1, "2026-06-26 20:00", "2026-06-27 00:00", must_precede_peak=False), [])) == []


def test_an_uncovered_year_warns_once_in_both_languages_and_does_not_crash():
    [finding] = check(drill(1, "2030-06-11 09:00", "2030-06-12 12:00", must_precede_peak=False), [])
    assert finding.code == "calendar-unknown"
    assert "2030" in finding.message("zh") and "2030" in finding.message("en")


# --- all rules together -----------------------------------------------------------------------------------

def test_findings_come_errors_first_each_with_a_message_in_both_languages():
    subject = drill(1, "2026-06-20 09:00", "2026-06-20 12:00", units=(1,), coordinator=10)
    other = drill(2, "2026-06-20 10:00", "2026-06-20 11:00", units=(1,), evaluators=(10,))
    window = PeakWindow(at("2026-06-20 00:00"), at("2026-06-21 00:00"), "high_load", "夏至负荷高峰")
    findings = check(subject, [other], windows=[window], peak_start=PEAK, unit_names=UNITS, person_names=PEOPLE)
    assert codes(findings) == ["clash-unit", "clash-person", "peak-window", "after-peak", "holiday"]
    assert [f.severity for f in findings] == ["error", "error", "warning", "warning", "warning"]
    for finding in findings:
        for lang in ("zh", "en"):
            text = finding.message(lang)
            assert text and "{" not in text and not text.startswith("drl."), (finding.code, lang, text)


def test_every_finding_code_has_a_message_in_the_catalogue():
    from core.i18n import STRINGS

    for code in CODE_ORDER:
        assert "drl." + code.replace("-", "_") in STRINGS


def test_a_cancelled_drill_clashes_with_nothing():
    assert checked(drill(1, status="cancelled"), drill(2)) == []


# --- the suggested schedule -------------------------------------------------------------------------------

def missing(key: str, units=(1,), hours: float = 3, **kwargs) -> MissingDrill:
    return MissingDrill(key=key, type_key="blackout-tabletop", unit_ids=units, duration=timedelta(hours=hours),
                        title=kwargs.pop("title", key), **kwargs)


def test_a_suggestion_skips_the_labour_day_break_and_takes_the_first_free_working_morning():
    result = suggest([missing("a")], [], today=date(2026, 4, 30), peak_start=date(2026, 5, 12))
    [placed] = result.placed
    assert (placed.drill.start, placed.drill.end) == (at("2026-05-06 09:00"), at("2026-05-06 12:00"))
    assert placed.findings == () and result.unplaced == ()


def test_suggestions_are_balanced_over_the_weeks_before_the_peak():
    result = suggest([missing("a", units=(1,)), missing("b", units=(2,)), missing("c", units=(3,))], [],
                     today=date(2026, 5, 31), peak_start=date(2026, 6, 22), max_per_unit_per_week=3)
    weeks = Counter(week_of(s.drill.start.date()) for s in result.placed)
    assert sorted(weeks.values()) == [1, 1, 1]


def test_a_unit_gets_no_more_drills_a_week_than_the_limit():
    many = [missing(f"m{i}", units=(1,), hours=1) for i in range(5)]
    result = suggest(many, [], today=date(2026, 5, 31), peak_start=date(2026, 6, 15), max_per_unit_per_week=1)
    assert len(result.placed) == 2  # the weeks of 1 June and 8 June
    assert [u.reason for u in result.unplaced] == ["weekly-limit"] * 3
    assert "每周上限（1 次）" in result.unplaced[0].message("zh")
    assert result.summary("en") == "2 drill(s) placed, 3 could not be placed."


def test_a_suggestion_steps_around_another_drill_of_its_unit_and_people():
    busy = drill(5, "2026-06-08 09:00", "2026-06-08 12:00", units=(1,), coordinator=10)
    result = suggest([missing("a", units=(2,), coordinator_id=10)], [busy], today=date(2026, 6, 7),
                     peak_start=date(2026, 6, 9), max_per_unit_per_week=2)
    [placed] = result.placed
    assert placed.drill.start == at("2026-06-08 12:00")


def test_a_suggestion_avoids_a_peak_window_when_it_can_and_never_enters_one_that_is_an_error():
    mornings = [PeakWindow(at(f"2026-06-{d:02d} 09:00"), at(f"2026-06-{d:02d} 12:00"), "high_load", "早高峰")
                for d in range(1, 15)]
    soft = suggest([missing("a")], [], mornings, today=date(2026, 6, 7), peak_start=date(2026, 6, 9))
    assert soft.placed[0].drill.start == at("2026-06-08 12:00")
    all_day = [PeakWindow(at("2026-06-01 00:00"), at("2026-06-15 00:00"), "heat", "持续高温")]
    allowed = suggest([missing("a")], [], all_day, today=date(2026, 6, 7), peak_start=date(2026, 6, 9))
    assert codes(allowed.placed[0].findings) == ["peak-window"]
    refused = suggest([missing("a")], [], all_day, today=date(2026, 6, 7), peak_start=date(2026, 6, 9),
                      peak_window_is_error=True)
    assert refused.placed == () and [u.reason for u in refused.unplaced] == ["busy"]


def test_when_only_holidays_are_left_the_suggestion_takes_one_and_says_so():
    result = suggest([missing("a")], [], today=date(2026, 9, 30), peak_start=date(2026, 10, 8))
    [placed] = result.placed
    assert placed.drill.start == at("2026-10-01 09:00")
    assert codes(placed.findings) == ["holiday"]


@pytest.mark.parametrize(("case", "today", "item", "reason"), [
    ("the peak starts tomorrow", date(2026, 6, 14), missing("a"), "no-days"),
    ("the peak has started", date(2026, 7, 1), missing("a"), "no-days"),
    ("longer than a working day", date(2026, 6, 1), missing("a", hours=9), "too-long"),
])
def test_a_drill_that_cannot_be_placed_says_why(case, today, item, reason):
    result = suggest([item], [], today=today, peak_start=PEAK)
    assert result.placed == ()
    [unplaced] = result.unplaced
    assert unplaced.reason == reason
    for lang in ("zh", "en"):
        assert "{" not in unplaced.message(lang) and "“a”" in unplaced.message(lang)


def test_working_hours_are_a_setting():
    hours = WorkingHours(start=time(8, 30), end=time(17, 30), step_minutes=15)
    result = suggest([missing("a", hours=9)], [], today=date(2026, 6, 7), peak_start=date(2026, 6, 9),
                     working_hours=hours)
    assert result.placed[0].drill.start == at("2026-06-08 08:30")


# --- the property: suggestions never break a hard rule ----------------------------------------------------

TODAY = date(2026, 4, 20)


@st.composite
def existing_drills(draw) -> list[PlannedDrill]:
    drills = []
    for i in range(draw(st.integers(0, 12))):
        day = TODAY + timedelta(days=draw(st.integers(-2, 60)))
        start = datetime.combine(day, time(draw(st.integers(7, 18)), draw(st.sampled_from([0, 30]))), tzinfo=Z)
        drills.append(PlannedDrill(
            id=100 + i, type_key="x", start=start, end=start + timedelta(hours=draw(st.integers(1, 30))),
            unit_ids=draw(st.frozensets(st.integers(1, 4), min_size=1, max_size=3)),
            coordinator_id=draw(st.none() | st.integers(10, 14)),
            evaluator_ids=draw(st.frozensets(st.integers(10, 14), max_size=2)),
            participant_ids=draw(st.frozensets(st.integers(10, 14), max_size=2)),
            status=draw(st.sampled_from(["planned", "ready", "conducted", "cancelled"]))))
    return drills


@st.composite
def missing_drills(draw) -> list[MissingDrill]:
    return [MissingDrill(
        key=f"req-{i}", type_key="x", unit_ids=draw(st.frozensets(st.integers(1, 4), min_size=1, max_size=3)),
        duration=timedelta(minutes=30 * draw(st.integers(1, 18))),
        coordinator_id=draw(st.none() | st.integers(10, 14)),
        evaluator_ids=draw(st.frozensets(st.integers(10, 14), max_size=2)))
        for i in range(draw(st.integers(0, 10)))]


@st.composite
def peak_windows(draw) -> list[PeakWindow]:
    windows = []
    for _ in range(draw(st.integers(0, 4))):
        start = datetime.combine(TODAY + timedelta(days=draw(st.integers(0, 50))), time(draw(st.integers(0, 20))),
                                 tzinfo=Z)
        windows.append(PeakWindow(start, start + timedelta(hours=draw(st.integers(1, 72))),
                                  draw(st.sampled_from(["high_load", "heat", "typhoon"])), "w",
                                  draw(st.none() | st.frozensets(st.integers(1, 4), min_size=1, max_size=2))))
    return windows


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(missing=missing_drills(), existing=existing_drills(), windows=peak_windows(),
       horizon=st.integers(0, 60), limit=st.integers(1, 3), strict=st.booleans())
def test_suggestions_never_break_a_hard_rule_nor_the_weekly_limit(missing, existing, windows, horizon, limit,
                                                                  strict):
    peak = TODAY + timedelta(days=horizon)
    args = dict(today=TODAY, peak_start=peak, max_per_unit_per_week=limit, peak_window_is_error=strict)
    result = suggest(missing, existing, windows, **args)

    assert sorted([s.missing.key for s in result.placed] + [u.missing.key for u in result.unplaced]) == \
        sorted(m.key for m in missing)
    suggested = [s.drill for s in result.placed]
    for s in result.placed:
        others = [*existing, *(d for d in suggested if d is not s.drill)]
        findings = check(s.drill, others, windows=windows, peak_start=peak, peak_window_is_error=strict)
        assert not [f for f in findings if f.is_error], findings
        assert TODAY < s.drill.start.date() < peak
        assert time(9) <= s.drill.start.timetz().replace(tzinfo=None) and s.drill.end.date() == s.drill.start.date()
        assert s.drill.end.timetz().replace(tzinfo=None) <= time(17)
        assert s.drill.end - s.drill.start == s.missing.duration

    held = Counter((uid, week_of(d.start.astimezone(Z).date()))
                   for d in [*existing, *suggested] if d.status != "cancelled" for uid in d.unit_ids)
    for d in suggested:
        for uid in d.unit_ids:
            assert held[(uid, week_of(d.start.date()))] <= limit

    assert suggest(missing, existing, windows, **args) == result  # deterministic
