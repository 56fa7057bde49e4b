"""The Chinese working calendar: which days are workdays, weekends, statutory holidays or adjusted working days (调休).

The data is the `holidays` library's China calendar, which carries the State Council's yearly notice
(国务院办公厅关于部分节假日安排的通知) including the weekend days worked in exchange for days off. A
year whose notice the library does not carry is answered all the same, with `covered=False`: its fixed
statutory days (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆, by law) are still holidays, but its days off
in lieu and weekend working days are unknown, so the caller can warn instead of trusting a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays as holidays_lib
from holidays.countries.china import ChinaStaticHolidays

DayKind = Literal["workday", "weekend", "holiday", "adjusted_workday"]

# The library checks its China data against the official notices from 2001 on.
FIRST_COVERED_YEAR = 2001
# A holiday break is never longer than this; it bounds the walk over a run of days off.
_LONGEST_BREAK = 16
# Substituted days off are labelled "休息日（由 2026-02-14 调休）" / "Day off (substituted from 02/14/2026)".
_DAY_OFF_PREFIXES = ("休息日（由", "Day off (substituted")
# The eve belongs to the Spring Festival break; the notice names the break 春节.
_FOLD = {"农历除夕": "春节", "Chinese New Year's Eve": "Chinese New Year (Spring Festival)"}


@dataclass(frozen=True)
class DayInfo:
    """One calendar day in the Chinese working calendar."""

    day: date
    kind: DayKind
    name_zh: str | None = None  # the holiday break (or, for an adjusted workday, the break it pays for)
    name_en: str | None = None
    covered: bool = True  # False: the year's official schedule is not in the data; adjusted days are unknown

    @property
    def is_working_day(self) -> bool:
        return self.kind in ("workday", "adjusted_workday")

    @property
    def name(self) -> dict[str, str] | None:
        """The holiday name in both languages, as the string catalogue's t() takes a parameter."""
        if self.name_zh is None and self.name_en is None:
            return None
        return {"zh": self.name_zh or self.name_en or "", "en": self.name_en or self.name_zh or ""}


def last_covered_year() -> int:
    """The last year whose official holiday schedule (with its adjusted working days) the data carries."""
    return max(ChinaStaticHolidays.special_public_holidays, default=FIRST_COVERED_YEAR - 1)


def is_covered(year: int) -> bool:
    """Whether the official schedule of `year`, adjusted working days included, is known."""
    return FIRST_COVERED_YEAR <= year <= last_covered_year()


@dataclass(frozen=True)
class _Year:
    holidays_zh: dict[date, str]
    holidays_en: dict[date, str]
    weekend_workdays: frozenset[date]


@lru_cache(maxsize=64)
def _year(year: int) -> _Year:
    covered = is_covered(year)
    tables = {}
    workdays: frozenset[date] = frozenset()
    for language in ("zh_CN", "en_US"):
        try:
            # An uncovered year: only the statutory days, not the library's guesses at days off in lieu.
            cn = holidays_lib.China(years=year, observed=covered, language=language)
        except (NotImplementedError, ValueError, KeyError):  # a year outside the library's range
            tables[language] = {}
            continue
        tables[language] = {d: str(n) for d, n in cn.items() if d.year == year}
        if covered:
            workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return _Year(tables["zh_CN"], tables["en_US"], workdays)


def _raw(d: date) -> DayKind:
    data = _year(d.year)
    if d in data.holidays_zh or d in data.holidays_en:
        return "holiday"
    if d in data.weekend_workdays:
        return "adjusted_workday"
    return "weekend" if d.weekday() >= 5 else "workday"


def _festival_names(d: date) -> tuple[str | None, str | None]:
    """The names of the holiday break around `d` (its run of consecutive days off), e.g. 国庆节、中秋节."""
    days = [d]
    for step in (-1, 1):
        for distance in range(1, _LONGEST_BREAK + 1):
            try:
                cursor = d + timedelta(days=step * distance)
            except OverflowError:  # date.min / date.max
                break
            if _raw(cursor) not in ("weekend", "holiday"):
                break
            days.append(cursor)
    names: dict[str, list[str]] = {"zh": [], "en": []}
    for day in sorted(days):
        data = _year(day.year)
        for lang, table in (("zh", data.holidays_zh), ("en", data.holidays_en)):
            name = table.get(day)
            if name is None or name.startswith(_DAY_OFF_PREFIXES):
                continue
            name = _FOLD.get(name, name)
            name = name.removesuffix("（补假）").removesuffix(" (observed)")
            if name not in names[lang]:
                names[lang].append(name)
    zh = "、".join(names["zh"]) or None
    en = ", ".join(names["en"]) or None
    return zh, en


def _compensated_break(d: date) -> tuple[str | None, str | None]:
    """For a weekend working day, the holiday break it was worked for (from the day off's label)."""
    stamp_zh = d.isoformat()
    for year in (d.year, d.year + 1, d.year - 1):
        for day, name in _year(year).holidays_zh.items():
            if name.startswith(_DAY_OFF_PREFIXES) and stamp_zh in name:
                return _festival_names(day)
    return None, None


@lru_cache(maxsize=4096)
def day_kind(d: date) -> DayInfo:
    """What kind of day `d` is in mainland China; a year without official data gives covered=False, never an error."""
    covered = is_covered(d.year)
    kind = _raw(d)
    name_zh = name_en = None
    if kind == "holiday":
        name_zh, name_en = _festival_names(d)
    elif kind == "weekend":
        name_zh, name_en = _festival_names(d)
        if name_zh or name_en:  # a weekend inside a holiday break is part of the break
            kind = "holiday"
    elif kind == "adjusted_workday":
        name_zh, name_en = _compensated_break(d)
    return DayInfo(day=d, kind=kind, name_zh=name_zh, name_en=name_en, covered=covered)


def days_between(first: date, last: date) -> list[DayInfo]:
    """Every day from `first` to `last`, both included."""
    return [day_kind(first + timedelta(days=i)) for i in range((last - first).days + 1)]
