"""A realistic demo province with users, an open summer-peak campaign and weeks of history."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.declarations import sign
from admin.demo_drills import load_demo_drills
from admin.setup import get_meta, set_meta
from checklists.campaigns import close_campaign, open_campaign, template_choices
from checklists.changes import change_item
from checklists.events import close_event, declare_event
from checklists.evidence import attach_evidence
from checklists.queries import unit_checklist
from content.units import load_unit_specs
from core.clock import local_zone
from org.accounts import create_user
from org.models import Actor
from org.queries import UnitView, all_units
from org.units import import_units
from store.schema import OrgUnit, RoleGrant, User

DEMO_PASSWORD = "peakready-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    unit_code: str | None


def demo_accounts(root_code: str, lead_unit_code: str) -> list[DemoAccount]:
    return [
        DemoAccount("lead", "王磊（县公司负责人）", "unit_lead", lead_unit_code),
        DemoAccount("member", "张敏（县公司员工）", "unit_member", lead_unit_code),
        DemoAccount("coordinator", "李娜（演练协调员）", "drill_coordinator", root_code),
        DemoAccount("executive", "陈刚（公司领导）", "executive", root_code),
        DemoAccount("admin", "系统管理员", "admin", None),
    ]


@dataclass(frozen=True)
class DemoAccountRow:
    """A demo account as the sign-in page lists it."""

    username: str
    role: str
    display_name: str
    unit_zh: str | None
    unit_en: str | None


def demo_account_rows(*, session: Session) -> list[DemoAccountRow]:
    """The demo accounts to show on the sign-in page; none unless the database holds demo data."""
    if get_meta("demo", session=session) != "1":
        return []
    root = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
    rows = []
    for acc in demo_accounts(root.code if root else "", ""):
        user = session.scalar(select(User).where(User.username == acc.username))
        if user is None:
            continue
        grant = session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.id))
        unit = session.get(OrgUnit, grant.unit_id) if grant and grant.unit_id else None
        rows.append(DemoAccountRow(acc.username, acc.role, user.display_name, unit and unit.name_zh,
                                   unit and unit.name_en))
    return rows


NA_REASONS = [
    "本单位无此类设备 / No such equipment in this unit",
    "该工作由上级单位统一组织 / Organised centrally by the parent unit",
    "本单位不涉及水电厂 / The unit has no hydro plant",
]
WAIVER_REASONS = [
    "纸质原件已归档，扫描件随后补传 / Paper original filed; the scan follows",
    "报告由上级单位统一出具 / The report is issued by the parent unit",
]
NOTES = [
    "已上传签到表 / Sign-in sheet uploaded",
    "待物资到货后复核 / To be re-checked when the supplies arrive",
    "与调度已沟通确认 / Confirmed with dispatch",
]


# The templates a demo season runs, and the day the flood season starts (typhoon-flood's due days count from it).
SEASON_TEMPLATES = ("summer-peak", "typhoon-flood", "black-start", "safety-inspection")
FLOOD_SEASON = (5, 1)


def summer_peak_dates(today: date) -> tuple[int, date]:
    """The season under way or next: the summer peak (15 June to 15 September) that has not ended
    by today: (year, peak start)."""
    year = today.year if today <= date(today.year, 9, 15) else today.year + 1
    return year, date(year, 6, 15)


def load_demo(session: Session, seeds: Path, *, now: datetime, weeks: int = 7, seed: int = 2027) -> list[DemoAccount]:
    """Add the demo province, accounts, last year's closed season with its whole history (heat waves, a
    typhoon, orderly power use), and this year's open season with the weeks so far; a second run adds nothing."""
    specs = load_unit_specs(seeds / "demo_org.yaml")
    root = specs[0]
    lead_unit = _first_of_kind(root, "county") or root
    accounts = demo_accounts(root.code, lead_unit.code)
    if get_meta("demo", session=session) == "1":
        return accounts
    today = now.astimezone(local_zone()).date()
    year, peak = summer_peak_dates(today)
    joined = _at(date(year - 1, 2, 20), 9)  # the people were there before last season began
    import_units(specs, session=session)
    for acc in accounts:
        create_user(acc.username, DEMO_PASSWORD, acc.display_name, session=session, now=joined,
                    grants=[(acc.role, acc.unit_code)])  # type: ignore[list-item]
    units = all_units(session=session)
    # One lead per city company, who tick their own sub-tree's items in the history; the province's
    # own units (its departments, plants) are ticked by a lead on the province. An admin may not tick.
    city_leads: dict[int, Actor] = {}
    for u in units:
        if u.kind == "city" or u.parent_id is None:
            user = create_user(f"lead-{u.code.lower()}", DEMO_PASSWORD, f"{u.name_zh}值班负责人", session=session,
                               now=joined, grants=[("unit_lead", u.code)])
            city_leads[u.id] = Actor(user.id, user.username, user.display_name)
    province_lead = next(city_leads[u.id] for u in units if u.parent_id is None)
    city_leads = {unit_id: a for unit_id, a in city_leads.items() if a != province_lead}
    people = _People(_actor(session, "admin"), _actor(session, "coordinator"), city_leads, province_lead)
    rng = random.Random(seed)
    keys = _season_templates(session)

    # Last year's season, run to its end and closed.
    last = _open_season(session, year - 1, keys, units, people, starts_on=date(year - 1, 3, 1))
    last_end = _at(date(year - 1, 9, 30), 17)
    _season(session, last, units, people, rng, until=last_end, complete=True)
    close_campaign(last.id, session=session, actor=people.admin, now=last_end)

    # This year's, open: the weeks so far (and, if the clock is in the peak, its events so far).
    current = _open_season(session, year, keys, units, people,
                           starts_on=min(today - timedelta(weeks=weeks), peak - timedelta(days=90)))
    _season(session, current, units, people, rng, until=now - timedelta(minutes=10), complete=False)
    load_demo_drills(session, current, units, people.coordinator, people.province_lead, now=now)
    _declare(session, current, units, people, at=now - timedelta(days=2))
    set_meta("demo", "1", session=session)
    return accounts


@dataclass(frozen=True)
class _People:
    admin: Actor
    coordinator: Actor
    city_leads: dict[int, Actor]
    province_lead: Actor

    def ticker(self, unit: UnitView) -> Actor:
        """Who ticks a unit's items: the lead of its city company, else the province's lead."""
        for ancestor in (int(x) for x in unit.path.strip("/").split("/")):
            if ancestor in self.city_leads:
                return self.city_leads[ancestor]
        return self.province_lead


def _declare(session: Session, campaign, units, people: _People, *, at: datetime) -> None:
    """Every unit below the company signs off its readiness, deepest first, by the lead who ticks its items;
    the company's own declaration is left to its executive."""
    for unit in sorted(units, key=lambda u: -u.depth):
        if unit.parent_id is not None:
            sign(campaign.id, unit.id, session=session, actor=people.ticker(unit), now=at,
                 statement="演示：本单位已按要求完成迎峰准备。")


def _actor(session: Session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user.id, user.username, user.display_name)


def _season_templates(session: Session) -> list[str]:
    loaded = {c.key for c in template_choices(session=session)}
    return [k for k in SEASON_TEMPLATES if k in loaded] or sorted(loaded)[:1]


def _open_season(session: Session, year: int, keys: list[str], units, people: _People, *, starts_on: date):
    flood = date(year, *FLOOD_SEASON)
    counted_from_flood = {c.key for c in template_choices(session=session) if c.counts_from}
    return open_campaign(f"{year} 迎峰度夏", keys, peak_start=date(year, 6, 15), peak_end=date(year, 9, 15),
                         starts_on=starts_on, anchors={k: flood for k in keys if k in counted_from_flood},
                         unit_codes=[u.code for u in units], session=session, actor=people.admin,
                         now=_at(starts_on, 9))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local moment, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC)


@dataclass(frozen=True)
class _EventPlan:
    kind: str
    name: str
    level: str
    start: tuple[int, int, int]  # month, day, hour
    end: tuple[int, int, int]
    units: str  # "all", "coast" (the first two cities' sub-trees), "dispatch_and_counties"
    landfall: tuple[int, int, int] | None = None


# A season's events: two heat waves, an orderly-power-use order in the second, and a typhoon on the coast.
EVENTS = (
    _EventPlan("heat_wave", "第一轮高温", "orange", (7, 8, 10), (7, 14, 20), "all"),
    _EventPlan("heat_wave", "第二轮高温", "red", (7, 26, 10), (8, 2, 20), "all"),
    _EventPlan("orderly_power", "有序用电（第二轮高温）", "orange", (7, 29, 9), (7, 31, 21), "dispatch_and_counties"),
    _EventPlan("typhoon", "台风“海鸥”", "red", (8, 3, 8), (8, 6, 18), "coast", landfall=(8, 5, 2)),
)


def _event_units(plan: _EventPlan, units) -> list[str]:
    if plan.units == "all":
        return [u.code for u in units if u.is_active]
    if plan.units == "dispatch_and_counties":
        return [u.code for u in units if u.kind in ("prov_dispatch", "city_dispatch", "county")]
    cities = [u for u in units if u.kind == "city"][:2]
    return [u.code for u in units if any(u.path.startswith(c.path) for c in cities)]


def _season(session: Session, campaign, units, people: _People, rng: random.Random, *, until: datetime,
            complete: bool) -> None:
    """Declare the season's events that have begun by `until` (closing those over), then plan realistic
    ticks of every obligation and apply them in time order through the service a user goes through.

    Nothing is done before it could have been: a recurring check not before its period begins, an
    event's checks not before the event (its review not before the event's end), an in-peak item not
    in the run-up. `complete`: a finished season (most done, some late); otherwise the weeks so far.
    """
    year = campaign.peak_start.year
    for plan in EVENTS:
        start = _at(date(year, *plan.start[:2]), plan.start[2])
        if start >= until:
            continue
        end = _at(date(year, *plan.end[:2]), plan.end[2])
        landfall = _at(date(year, *plan.landfall[:2]), plan.landfall[2]) if plan.landfall else None
        declared = declare_event(campaign.id, plan.kind, starts_at=start, landfall_at=landfall,
                                 unit_codes=_event_units(plan, units), name=f"{year} {plan.name}", level=plan.level,
                                 session=session, actor=people.coordinator, now=start - timedelta(hours=2))
        if end < until:
            close_event(declared.event.id, ends_at=end, session=session, actor=people.coordinator,
                        now=end + timedelta(hours=1))
    season_start = _at(campaign.starts_on, 9)
    peak = _at(campaign.peak_start, 0)
    plans: list[tuple[datetime, int, int, str, str, str]] = []
    for unit in units:
        pace = rng.uniform(0.9, 0.99) if complete else rng.uniform(0.25, 0.8)
        for row in unit_checklist(campaign.id, unit.id, session=session):
            plans += _plan_row(row, unit.id, rng, pace=pace, complete=complete, season_start=season_start, peak=peak,
                               until=until)
    plans.sort()
    by_id = {u.id: u for u in units}
    versions: dict[tuple[int, int, str], int] = {}
    for when, unit_id, item_id, occurrence, action, text in plans:
        key = (unit_id, item_id, occurrence)
        v = versions.get(key, 0)
        if action == "evidence":
            attach_evidence(campaign.id, unit_id, item_id, occurrence, text, _demo_file(text), expected_version=v,
                            session=session, actor=people.ticker(by_id[unit_id]), now=when)
        else:
            change_item(campaign.id, unit_id, item_id, action, expected_version=v, text=text, occurrence=occurrence,
                        session=session, actor=people.ticker(by_id[unit_id]), now=when)
        versions[key] = v + 1


def _plan_row(row, unit_id: int, rng: random.Random, *, pace: float, complete: bool, season_start: datetime,
              peak: datetime, until: datetime) -> list[tuple]:
    """The changes one obligation gets in the demo history: none, N/A, or done (on time or late), now
    and then with a note or a reopen."""
    if row.kind == "once":
        due = _at(row.due, 18)
        earliest = season_start if due < peak else max(season_start, due - timedelta(days=14))
    else:
        if row.due_at is None:  # an event's review, while the event goes on
            return []
        due = row.due_at
        earliest = max(season_start, _at(row.starts_on, 8)) if row.kind == "recurring" else _event_ready(row)
    if earliest >= due:  # e.g. a warning declared later than its before-landfall checks fall due
        earliest = due - timedelta(hours=2)
    r = rng.random()
    key = (unit_id, row.item_id, row.occurrence)
    if r < 0.03:
        when = earliest + (min(due, until) - earliest) * rng.random()
        return [(when, *key, "na", rng.choice(NA_REASONS))] if season_start <= when < until else []
    if r >= 0.03 + (pace if row.kind == "once" else 0.9):
        return []
    late = rng.random() < (0.12 if complete or row.kind != "once" else 0.0)
    if late:
        when = due + timedelta(hours=rng.uniform(2, 6 * 24))
    elif row.kind == "once" and not complete:
        when = earliest + (until - earliest) * (rng.random() ** 0.6)  # quickening as the weeks pass
        when = min(when, due - timedelta(hours=1))
    else:
        when = earliest + (due - earliest) * (rng.random() ** 0.5)
    if not (earliest <= when < until):
        return []
    changes = [(when, *key, "done", "")]
    if row.requires_evidence:  # most attach their proof first; now and then the lead accepts a reason instead
        if rng.random() < 0.85:
            photo = "photo" in row.evidence_en.lower()
            changes.insert(0, (when - timedelta(minutes=10), *key, "evidence",
                               f"{row.key}{'-photo.jpg' if photo else '.pdf'}"))
        else:
            changes = [(when, *key, "done", rng.choice(WAIVER_REASONS))]
    if rng.random() < 0.06:
        changes.append((when + timedelta(minutes=5), *key, "note", rng.choice(NOTES)))
    elif rng.random() < 0.03:
        later = when + (until - when) * rng.uniform(0.2, 0.9)
        changes.append((later, *key, "reopen", ""))
    return changes


def _demo_file(name: str) -> bytes:
    """A small stand-in for an evidence file: a one-page PDF, or a photo (a plain JPEG) for a .jpg name."""
    if name.endswith(".jpg"):
        from PIL import Image

        shade = hashlib.sha256(name.encode()).digest()
        out = io.BytesIO()
        Image.new("RGB", (160, 120), tuple(shade[:3])).save(out, "JPEG", quality=70)
        return out.getvalue()
    return (b"%PDF-1.4\n% PeakReady demo evidence: " + name.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def _event_ready(row) -> datetime:
    """The earliest an event's check can be done: the event's start, or for a review its end."""
    return row.event_ends_at if row.trigger_when == "after" and row.event_ends_at else row.event_starts_at


def _first_of_kind(spec, kind: str):
    if spec.kind == kind:
        return spec
    for child in spec.children:
        found = _first_of_kind(child, kind)
        if found:
            return found
    return None
