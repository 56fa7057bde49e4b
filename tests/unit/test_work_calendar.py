"""The Chinese working calendar knows the State Council's 2026 schedule day by day — holidays, the weekends
inside a break, the weekends worked in exchange (调休) — and answers a year it has no schedule for with
covered=False instead of a guess or a crash."""

from __future__ import annotations

from datetime import date

import pytest

from drills.holidays import day_kind, days_between, is_covered, last_covered_year

# 国务院办公厅关于2026年部分节假日安排的通知: every break, first and last day, and the weekends worked.
BREAKS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKED_WEEKENDS_2026 = [
    (date(2026, 1, 4), "元旦"),
    (date(2026, 2, 14), "春节"),
    (date(2026, 2, 28), "春节"),
    (date(2026, 5, 9), "劳动节"),
    (date(2026, 9, 20), "国庆节"),
    (date(2026, 10, 10), "国庆节"),
]


@pytest.mark.parametrize(("name", "first", "last"), BREAKS_2026, ids=[b[0] for b in BREAKS_2026])
def test_every_day_of_a_2026_break_is_a_holiday_named_after_it_and_the_days_around_it_are_not(name, first, last):
    for info in days_between(first, last):
        assert (info.kind, info.name_zh, info.covered) == ("holiday", name, True), info
        assert not info.is_working_day
    for outside in (day_kind(date.fromordinal(first.toordinal() - 1)), day_kind(date.fromordinal(last.toordinal() + 1))):
        assert outside.kind != "holiday", outside


def test_the_2026_spring_festival_break_lasts_nine_days_including_its_two_weekends():
    days = days_between(date(2026, 2, 15), date(2026, 2, 23))
    assert len(days) == 9
    assert {d.name_en for d in days} == {"Chinese New Year (Spring Festival)"}


@pytest.mark.parametrize(("day", "break_name"), WORKED_WEEKENDS_2026, ids=[d.isoformat() for d, _ in WORKED_WEEKENDS_2026])
def test_a_weekend_worked_in_exchange_in_2026_is_an_adjusted_working_day_naming_its_break(day, break_name):
    assert day.weekday() >= 5
    info = day_kind(day)
    assert (info.kind, info.name_zh, info.covered) == ("adjusted_workday", break_name, True)
    assert info.is_working_day


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 6, 27), date(2026, 7, 18), date(2026, 8, 2)])
def test_an_ordinary_2026_weekend_is_a_weekend(day):
    info = day_kind(day)
    assert (info.kind, info.name_zh, info.covered) == ("weekend", None, True)


@pytest.mark.parametrize("day", [date(2026, 1, 5), date(2026, 2, 24), date(2026, 7, 15), date(2026, 10, 8)])
def test_an_ordinary_2026_weekday_is_a_workday(day):
    info = day_kind(day)
    assert (info.kind, info.covered) == ("workday", True)


def test_every_2026_day_adds_up_to_the_official_count_of_days_off():
    year = days_between(date(2026, 1, 1), date(2026, 12, 31))
    days_off = sum(not d.is_working_day for d in year)
    # 104 weekend days (1 Jan is a Thursday) plus the 13 statutory days of the 2024 rules: a statutory
    # day on a weekend is made up on a weekday, and each extra day off is paid for by a weekend worked.
    assert sum(d.day.weekday() >= 5 for d in year) == 104
    assert sum(d.kind == "adjusted_workday" for d in year) == 6
    assert sum(d.kind == "holiday" for d in year) == sum((last - first).days + 1 for _, first, last in BREAKS_2026)
    assert days_off == 104 + 13


def test_the_holiday_names_come_in_both_languages():
    info = day_kind(date(2026, 10, 1))
    assert info.name == {"zh": "国庆节", "en": "National Day"}


def test_a_break_of_two_festivals_names_both():
    # 2025: National Day and Mid-Autumn Festival share one break, 1–8 October.
    assert day_kind(date(2025, 10, 8)).name_zh == "国庆节、中秋节"


def test_2026_is_covered_and_2027_is_not_yet_in_the_pinned_data():
    # When an upgrade of `holidays` brings the 2027 notice, this fails: add 2027's real breaks above.
    assert last_covered_year() == 2026
    assert is_covered(2026) and not is_covered(2027)


@pytest.mark.parametrize(("day", "name"), [
    (date(2027, 1, 1), "元旦"),
    (date(2027, 2, 5), "春节"),   # 除夕
    (date(2027, 2, 8), "春节"),   # 正月初三
    (date(2027, 4, 5), "清明节"),
    (date(2027, 5, 1), "劳动节"),
    (date(2027, 6, 9), "端午节"),
    (date(2027, 9, 15), "中秋节"),
    (date(2027, 10, 1), "国庆节"),
    (date(2027, 10, 3), "国庆节"),
])
def test_2027s_statutory_days_are_holidays_but_flagged_as_not_covered(day, name):
    info = day_kind(day)
    assert (info.kind, info.name_zh, info.covered) == ("holiday", name, False)


def test_2027s_days_off_in_lieu_are_not_guessed():
    # The library would guess 9–10 Feb 2027 as days off in lieu; until the notice is in the data they
    # stay workdays, flagged as not covered.
    for day in (date(2027, 2, 9), date(2027, 2, 10), date(2027, 10, 5)):
        info = day_kind(day)
        assert (info.kind, info.covered) == ("workday", False)


def test_an_ordinary_2027_weekend_is_a_weekend_not_covered():
    info = day_kind(date(2027, 6, 12))
    assert (info.kind, info.covered) == ("weekend", False)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1900, 5, 1), date(2000, 1, 1), date(2150, 10, 1),
                                 date(9999, 12, 31)])
def test_a_year_without_data_answers_covered_false_without_crashing(day):
    info = day_kind(day)
    assert info.covered is False
    assert info.kind in ("workday", "weekend", "holiday")
