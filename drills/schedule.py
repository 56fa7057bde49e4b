"""The planning rules of drills: clash checks when a drill is saved or moved, and suggested slots for missing drills.

Pure functions over plain frozen dataclasses: no database, no clock (`today` is handed in). Each rule
yields a `Finding` with a stable code; errors are hard rules a saved drill may not break, warnings are
soft rules a coordinator may accept.

  code              severity   rule
  invalid-time      error      the drill ends at or before its start
  clash-unit        error      a participating unit is in another overlapping drill (cancelled ones ignored)
  clash-person      error      a person of the drill (coordinator, evaluator, participant) is in another
                               overlapping drill, in any role
  peak-window       warning*   the drill overlaps a declared high-load window or heat/typhoon event for one
                               of its units (*an error when the setting says so)
  after-peak        warning    a drill that must precede the peak ends after the peak starts
  holiday           warning    a day of the drill is a Chinese statutory holiday (weekends inside a break too)
  weekend           warning    a day of the drill is a weekend that is not an adjusted working day
  calendar-unknown  warning    the holiday data does not hold that year's official schedule

Intervals are half-open: a drill ending at 12:00 does not clash with one starting at 12:00.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from core.i18n import STRINGS, t
from drills.holidays import DayInfo, day_kind

CHINA = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M"

Severity = Literal["error", "warning"]
Calendar = Callable[[date], DayInfo]

CANCELLED = "cancelled"
ROLE_ORDER = ("coordinator", "evaluator", "participant")
# The order findings are listed in: errors first, then the soft rules.
CODE_ORDER = ("invalid-time", "clash-unit", "clash-person", "peak-window", "after-peak", "holiday", "weekend",
              "calendar-unknown")
UNPLACED_REASONS = ("no-days", "too-long", "weekly-limit", "busy")


@dataclass(frozen=True)
class PlannedDrill:
    """A drill as the rules see it: when, which units, which people. `id` is None for a drill not yet saved."""

    id: int | None
    type_key: str
    start: datetime
    end: datetime
    unit_ids: frozenset[int] = frozenset()
    coordinator_id: int | None = None
    evaluator_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()
    must_precede_peak: bool = True
    status: str = "planned"
    title: str = ""

    def __post_init__(self) -> None:
        for name in ("unit_ids", "evaluator_ids", "participant_ids"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a drill's start and end must be aware datetimes (e.g. Asia/Shanghai)")

    @property
    def people(self) -> dict[int, str]:
        """Each person of the drill with their main role (coordinator before evaluator before participant)."""
        roles: dict[int, str] = {}
        for pid in sorted(self.participant_ids):
            roles[pid] = "participant"
        for pid in sorted(self.evaluator_ids):
            roles[pid] = "evaluator"
        if self.coordinator_id is not None:
            roles[self.coordinator_id] = "coordinator"
        return roles

    @property
    def label(self) -> str:
        return self.title or (f"#{self.id}" if self.id is not None else self.type_key)


@dataclass(frozen=True)
class PeakWindow:
    """A time when drills should not run: a declared high-load window or a heat/typhoon event.
    `unit_ids` None means every unit."""

    start: datetime
    end: datetime
    kind: str = "high_load"
    name: str = ""
    unit_ids: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.unit_ids is not None:
            object.__setattr__(self, "unit_ids", frozenset(self.unit_ids))

    def concerns(self, unit_ids: Iterable[int]) -> bool:
        return self.unit_ids is None or not self.unit_ids.isdisjoint(unit_ids)


@dataclass(frozen=True)
class Finding:
    """One broken rule: a stable code, its severity, and the parameters of its message."""

    code: str
    severity: Severity
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, lang: str) -> str:
        """The reason in the user's language (from core/i18n/drills.py)."""
        return t(message_key(self.code), lang, **dict(self.params))


def message_key(code: str) -> str:
    return "drl." + code.replace("-", "_")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def local_days(start: datetime, end: datetime, zone: ZoneInfo = CHINA) -> list[date]:
    """The calendar days (in `zone`) a span [start, end) touches."""
    first = start.astimezone(zone).date()
    last = max(first, (end.astimezone(zone) - timedelta(microseconds=1)).date())
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _both(key: str) -> dict[str, str]:
    entry = STRINGS.get(key, {})
    return {"zh": entry.get("zh", key), "en": entry.get("en", key)}


def _joined(items: Sequence[str]) -> dict[str, str]:
    return {"zh": "、".join(items), "en": ", ".join(items)}


def _names(ids: Iterable[int], names: Mapping[int, str] | None) -> dict[str, str]:
    names = names or {}
    return _joined([names.get(i, f"#{i}") for i in sorted(ids)])


def _fmt(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(TIME_FORMAT)


def _window_kind(kind: str) -> dict[str, str]:
    for key in (f"drl.window.{kind}", f"event.kind.{kind}"):
        if key in STRINGS:
            return _both(key)
    return _both("drl.window.other")


def _sorted(findings: list[Finding]) -> list[Finding]:
    rank = {code: i for i, code in enumerate(CODE_ORDER)}
    return sorted(findings, key=lambda f: (not f.is_error, rank.get(f.code, len(rank))))


def check(
    drill: PlannedDrill,
    others: Iterable[PlannedDrill],
    *,
    windows: Iterable[PeakWindow] = (),
    peak_start: date | None = None,
    peak_window_is_error: bool = False,
    calendar: Calendar = day_kind,
    unit_names: Mapping[int, str] | None = None,
    person_names: Mapping[int, str] | None = None,
    zone: ZoneInfo = CHINA,
) -> list[Finding]:
    """Every rule the drill breaks against the other drills, the peak windows and the calendar; errors first."""
    if drill.end <= drill.start:
        return [Finding("invalid-time", "error", {"start": _fmt(drill.start, zone), "end": _fmt(drill.end, zone)})]
    if drill.status == CANCELLED:  # a cancelled drill holds no one's time
        return []
    findings: list[Finding] = []
    people = drill.people
    person_names = person_names or {}
    overlapping = [o for o in others if o is not drill and not (drill.id is not None and o.id == drill.id)
                   and o.status != CANCELLED and overlaps(drill.start, drill.end, o.start, o.end)]
    for other in sorted(overlapping, key=lambda o: (o.start, o.id if o.id is not None else -1, o.label)):
        when = {"drill": other.label, "drill_id": other.id, "start": _fmt(other.start, zone),
                "end": _fmt(other.end, zone)}
        shared_units = drill.unit_ids & other.unit_ids
        if shared_units:
            findings.append(Finding("clash-unit", "error", {
                **when, "units": _names(shared_units, unit_names), "unit_ids": tuple(sorted(shared_units))}))
        other_people = other.people
        for pid in sorted(people.keys() & other_people.keys()):
            findings.append(Finding("clash-person", "error", {
                **when, "person": person_names.get(pid, f"#{pid}"), "person_id": pid,
                "role": _both(f"drl.role.{people[pid]}"), "other_role": _both(f"drl.role.{other_people[pid]}")}))
    for window in sorted(windows, key=lambda w: (w.start, w.end, w.name)):
        if overlaps(drill.start, drill.end, window.start, window.end) and window.concerns(drill.unit_ids):
            units = (_both("drl.all_units") if window.unit_ids is None
                     else _names(window.unit_ids & drill.unit_ids, unit_names))
            findings.append(Finding("peak-window", "error" if peak_window_is_error else "warning", {
                "name": window.name or _window_kind(window.kind), "kind": _window_kind(window.kind),
                "window_kind": window.kind, "start": _fmt(window.start, zone), "end": _fmt(window.end, zone),
                "units": units}))
    if (drill.must_precede_peak and peak_start is not None
            and drill.end > datetime.combine(peak_start, time(0), tzinfo=zone)):
        findings.append(Finding("after-peak", "warning", {"peak": peak_start.isoformat()}))
    findings.extend(calendar_findings(drill.start, drill.end, calendar=calendar, zone=zone))
    return _sorted(findings)


def calendar_findings(start: datetime, end: datetime, *, calendar: Calendar = day_kind,
                      zone: ZoneInfo = CHINA) -> list[Finding]:
    """The holiday, weekend and calendar-unknown warnings of a span: one per holiday break, one for weekends."""
    holidays: dict[tuple[str | None, str | None], list[date]] = {}
    weekends: list[date] = []
    unknown_years: list[int] = []
    for day in local_days(start, end, zone):
        info = calendar(day)
        if not info.covered and day.year not in unknown_years:
            unknown_years.append(day.year)
        if info.kind == "holiday":
            holidays.setdefault((info.name_zh, info.name_en), []).append(day)
        elif info.kind == "weekend":
            weekends.append(day)
    findings = []
    for (zh, en), days in holidays.items():
        holiday = {"zh": zh or en or "-", "en": en or zh or "-"}
        findings.append(Finding("holiday", "warning", {
            "holiday": holiday, "days": _joined([d.isoformat() for d in days]),
            "dates": tuple(d.isoformat() for d in days)}))
    if weekends:
        findings.append(Finding("weekend", "warning", {
            "days": _joined([d.isoformat() for d in weekends]), "dates": tuple(d.isoformat() for d in weekends)}))
    for year in unknown_years:
        findings.append(Finding("calendar-unknown", "warning", {"year": year}))
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


# --- Suggested schedule --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingDrill:
    """A required drill not yet planned: who must hold it and for how long. `key` names it stably
    (e.g. 'unit-12:bsd-tabletop')."""

    key: str
    type_key: str
    unit_ids: frozenset[int]
    duration: timedelta
    title: str = ""
    coordinator_id: int | None = None
    evaluator_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()
    must_precede_peak: bool = True

    def __post_init__(self) -> None:
        for name in ("unit_ids", "evaluator_ids", "participant_ids"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    @property
    def label(self) -> str:
        return self.title or self.type_key


@dataclass(frozen=True)
class WorkingHours:
    """When a suggested drill may run on a day, and the grid of start times tried."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    step_minutes: int = 30

    @property
    def span(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


OFFICE_HOURS = WorkingHours()


@dataclass(frozen=True)
class Suggestion:
    """A proposed slot for a missing drill, with the soft rules it could not avoid."""

    missing: MissingDrill
    drill: PlannedDrill
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Unplaced:
    """A missing drill no slot could be found for, and why (one of UNPLACED_REASONS)."""

    missing: MissingDrill
    reason: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def message(self, lang: str) -> str:
        return t("drl.unplaced." + self.reason.replace("-", "_"), lang, **dict(self.params))


@dataclass(frozen=True)
class SuggestionResult:
    placed: tuple[Suggestion, ...]
    unplaced: tuple[Unplaced, ...]

    def summary(self, lang: str) -> str:
        return t("drl.suggest_summary", lang, placed=len(self.placed), unplaced=len(self.unplaced))


def week_of(day: date) -> tuple[int, int]:
    """The ISO week (year, number) a day falls in: weeks run Monday to Sunday."""
    iso = day.isocalendar()
    return iso.year, iso.week


class _Occupancy:
    """Who is busy when, bucketed by local day, and how many drills each unit holds each week."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.units: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.people: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.unit_week: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        self.week_total: dict[tuple[int, int], int] = defaultdict(int)
        self.drills: dict[date, list[PlannedDrill]] = defaultdict(list)

    def add(self, drill: PlannedDrill) -> None:
        if drill.status == CANCELLED or drill.end <= drill.start:
            return
        span = (drill.start, drill.end)
        for day in local_days(drill.start, drill.end, self.zone):
            self.drills[day].append(drill)
            for uid in drill.unit_ids:
                self.units[(uid, day)].append(span)
            for pid in drill.people:
                self.people[(pid, day)].append(span)
        week = week_of(drill.start.astimezone(self.zone).date())
        for uid in drill.unit_ids:
            self.unit_week[(uid, week)] += 1
        self.week_total[week] += 1

    def free(self, unit_ids: Iterable[int], people: Iterable[int], day: date, start: datetime,
             end: datetime) -> bool:
        for table, ids in ((self.units, unit_ids), (self.people, people)):
            for key in ids:
                for b_start, b_end in table.get((key, day), ()):
                    if overlaps(start, end, b_start, b_end):
                        return False
        return True


def day_of(moment: datetime, zone: ZoneInfo = CHINA) -> date:
    return moment.astimezone(zone).date()


def _day_span(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _people_of(missing: MissingDrill) -> set[int]:
    people = set(missing.evaluator_ids) | set(missing.participant_ids)
    if missing.coordinator_id is not None:
        people.add(missing.coordinator_id)
    return people


def suggest(
    missing: Iterable[MissingDrill],
    existing: Iterable[PlannedDrill],
    windows: Iterable[PeakWindow] = (),
    *,
    calendar: Calendar = day_kind,
    peak_start: date,
    today: date,
    max_per_unit_per_week: int = 1,
    working_hours: WorkingHours = OFFICE_HOURS,
    peak_window_is_error: bool = False,
    unit_names: Mapping[int, str] | None = None,
    zone: ZoneInfo = CHINA,
) -> SuggestionResult:
    """Propose a slot for each missing drill between tomorrow and the day before the peak start.

    A slot never breaks a hard rule (unit or person clash, a peak window when those are errors, the
    per-unit weekly limit); among the rest it picks the fewest soft findings (holiday, weekend, unknown
    calendar, peak window), then the week where the drill's units and then everyone hold the fewest drills,
    then the earliest. The hardest drills (most units, longest) are placed first; ties go by key, so the
    same input always gives the same plan.
    """
    windows = tuple(windows)
    existing = tuple(existing)
    occupancy = _Occupancy(zone)
    for drill in existing:
        occupancy.add(drill)
    days = [today + timedelta(days=i) for i in range(1, max(0, (peak_start - today).days))]
    day_info = {day: calendar(day) for day in days}
    day_soft = {day: int(info.kind in ("holiday", "weekend")) + int(not info.covered)
                for day, info in day_info.items()}
    day_windows = {day: [w for w in windows if overlaps(w.start, w.end, *_day_span(day, zone))] for day in days}
    weeks = {day: week_of(day) for day in days}
    step = timedelta(minutes=max(1, working_hours.step_minutes))
    placed: list[Suggestion] = []
    unplaced: list[Unplaced] = []
    order = sorted(missing, key=lambda m: (-len(m.unit_ids), -m.duration, m.key))
    for item in order:
        base = {"drill": item.label, "key": item.key}
        if not days:
            unplaced.append(Unplaced(item, "no-days", {**base, "today": today.isoformat(),
                                                       "peak": peak_start.isoformat()}))
            continue
        if item.duration <= timedelta(0) or item.duration > working_hours.span:
            unplaced.append(Unplaced(item, "too-long", {
                **base, "hours": round(item.duration / timedelta(hours=1), 2),
                "day_hours": round(working_hours.span / timedelta(hours=1), 2)}))
            continue
        people = _people_of(item)
        loads: dict[tuple[int, int], int | None] = {}  # per week: the units' drills, None when one is full
        for week in dict.fromkeys(weeks.values()):
            counts = [occupancy.unit_week[(uid, week)] for uid in item.unit_ids]
            loads[week] = None if any(c >= max_per_unit_per_week for c in counts) else sum(counts)
        candidates = []
        for day in days:
            load = loads[weeks[day]]
            if load is None:
                continue
            first = datetime.combine(day, working_hours.start, tzinfo=zone)
            candidates.append(((day_soft[day], load, occupancy.week_total[weeks[day]], first), day))
        if not candidates:
            unplaced.append(Unplaced(item, "weekly-limit", {
                **base, "units": _names(item.unit_ids, unit_names), "limit": max_per_unit_per_week}))
            continue
        candidates.sort()
        best: tuple | None = None
        best_span: tuple[datetime, datetime] | None = None
        for bound, day in candidates:
            if best is not None and bound >= best:
                break  # days are sorted by their best possible cost: none further can do better
            start = bound[3]
            last_start = datetime.combine(day, working_hours.end, tzinfo=zone) - item.duration
            while start <= last_start:
                end = start + item.duration
                if occupancy.free(item.unit_ids, people, day, start, end):
                    hits = [w for w in day_windows[day]
                            if overlaps(start, end, w.start, w.end) and w.concerns(item.unit_ids)]
                    if not (hits and peak_window_is_error):
                        cost = (bound[0] + len(hits), bound[1], bound[2], start)
                        if best is None or cost < best:
                            best, best_span = cost, (start, end)
                        if not hits:
                            break  # later slots of this day cost no less
                start += step
        if best_span is None:
            unplaced.append(Unplaced(item, "busy", base))
            continue
        drill = PlannedDrill(
            id=None, type_key=item.type_key, start=best_span[0], end=best_span[1], unit_ids=item.unit_ids,
            coordinator_id=item.coordinator_id, evaluator_ids=item.evaluator_ids,
            participant_ids=item.participant_ids, must_precede_peak=item.must_precede_peak, title=item.title)
        findings = check(drill, occupancy.drills[day_of(drill.start, zone)], windows=windows, peak_start=peak_start,
                         peak_window_is_error=peak_window_is_error, calendar=calendar, unit_names=unit_names,
                         zone=zone)
        placed.append(Suggestion(item, drill, tuple(findings)))
        occupancy.add(drill)
    return SuggestionResult(tuple(placed), tuple(unplaced))
