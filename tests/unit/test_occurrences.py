"""The periods of a recurring check and the due times of an event's checks, as pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from checklists.occurrences import event_due, period_first_day, periods, recurrence_window


def test_weeks_are_iso_calendar_weeks_cut_at_the_ends_of_the_window():
    found = periods("weekly", date(2027, 6, 15), date(2027, 6, 30))
    assert [(p.key, p.first, p.last) for p in found] == [
        ("2027-W24", date(2027, 6, 15), date(2027, 6, 20)),
        ("2027-W25", date(2027, 6, 21), date(2027, 6, 27)),
        ("2027-W26", date(2027, 6, 28), date(2027, 6, 30)),
    ]


def test_a_week_across_new_year_belongs_to_its_iso_year():
    assert [p.key for p in periods("weekly", date(2026, 12, 30), date(2027, 1, 5))] == ["2026-W53", "2027-W01"]


def test_months_and_quarters_follow_the_calendar_and_cross_the_year():
    assert [p.key for p in periods("monthly", date(2026, 11, 20), date(2027, 2, 1))] == [
        "2026-11", "2026-12", "2027-01", "2027-02"]
    quarters = periods("quarterly", date(2026, 11, 20), date(2027, 7, 1))
    assert [(p.key, p.last) for p in quarters] == [
        ("2026-Q4", date(2026, 12, 31)), ("2027-Q1", date(2027, 3, 31)), ("2027-Q2", date(2027, 6, 30)),
        ("2027-Q3", date(2027, 7, 1))]


def test_a_one_day_window_has_one_period_and_an_empty_one_none():
    assert [p.key for p in periods("monthly", date(2027, 7, 31), date(2027, 7, 31))] == ["2027-07"]
    assert periods("weekly", date(2027, 7, 2), date(2027, 7, 1)) == []


def test_a_period_key_gives_back_its_first_day():
    assert period_first_day("2027-W24") == date(2027, 6, 14)
    assert period_first_day("2027-07") == date(2027, 7, 1)
    assert period_first_day("2027-Q3") == date(2027, 7, 1)
    assert period_first_day("E12") is None


def test_the_window_is_the_peak_or_the_season_and_none_without_a_peak_end():
    kw = {"starts_on": date(2027, 3, 1), "peak_start": date(2027, 6, 15)}
    assert recurrence_window("peak", **kw, peak_end=date(2027, 9, 15)) == (date(2027, 6, 15), date(2027, 9, 15))
    assert recurrence_window("season", **kw, peak_end=date(2027, 9, 15)) == (date(2027, 3, 1), date(2027, 9, 15))
    assert recurrence_window("peak", **kw, peak_end=None) is None


def test_event_checks_fall_due_before_landfall_during_and_after_the_end():
    start = datetime(2027, 7, 20, 0, tzinfo=UTC)
    landfall, end = start + timedelta(hours=54), start + timedelta(hours=80)
    assert event_due("before", 24, starts_at=start, landfall_at=landfall, ends_at=None) == start + timedelta(hours=30)
    assert event_due("before", 24, starts_at=start, landfall_at=None, ends_at=None) == start - timedelta(hours=24)
    assert event_due("during", 6, starts_at=start, landfall_at=landfall, ends_at=end) == start + timedelta(hours=6)
    assert event_due("after", 48, starts_at=start, landfall_at=landfall, ends_at=end) == end + timedelta(hours=48)
    assert event_due("after", 48, starts_at=start, landfall_at=landfall, ends_at=None) is None
