"""A realistic demo province with users, an open summer-peak campaign and weeks of history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.setup import get_meta, set_meta
from checklists.campaigns import open_campaign
from checklists.changes import add_note, change_item
from content.units import load_unit_specs
from core.clock import local_zone
from org.accounts import create_user
from org.models import Actor
from org.queries import UnitView, all_units
from org.units import import_units
from store.schema import ChecklistStatus, OrgUnit, RoleGrant, TemplateItem, User

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
NOTES = [
    "已上传签到表 / Sign-in sheet uploaded",
    "待物资到货后复核 / To be re-checked when the supplies arrive",
    "与调度已沟通确认 / Confirmed with dispatch",
]


def summer_peak_dates(today: date) -> tuple[int, date]:
    """The next summer peak (15 June) on or after today: (year, peak start)."""
    year = today.year if today < date(today.year, 6, 15) else today.year + 1
    return year, date(year, 6, 15)


def load_demo(session: Session, seeds: Path, *, now: datetime, weeks: int = 7, seed: int = 2027) -> list[DemoAccount]:
    """Add the demo province, accounts, campaign and history; a second run adds nothing."""
    specs = load_unit_specs(seeds / "demo_org.yaml")
    root = specs[0]
    lead_unit = _first_of_kind(root, "county") or root
    accounts = demo_accounts(root.code, lead_unit.code)
    if get_meta("demo", session=session) == "1":
        return accounts
    import_units(specs, session=session)
    for acc in accounts:
        create_user(acc.username, DEMO_PASSWORD, acc.display_name, session=session, now=now,
                    grants=[(acc.role, acc.unit_code)])  # type: ignore[list-item]
    units = all_units(session=session)
    # One lead per city company, who tick their own sub-tree's items in the history; the province's
    # own units (its departments, plants) are ticked by a lead on the province. An admin may not tick.
    city_leads: dict[int, Actor] = {}
    for u in units:
        if u.kind == "city" or u.parent_id is None:
            user = create_user(f"lead-{u.code.lower()}", DEMO_PASSWORD, f"{u.name_zh}值班负责人", session=session,
                               now=now, grants=[("unit_lead", u.code)])
            city_leads[u.id] = Actor(user.id, user.username, user.display_name)
    province_lead = next(city_leads[u.id] for u in units if u.parent_id is None)
    city_leads = {unit_id: a for unit_id, a in city_leads.items() if a != province_lead}
    admin = session.scalar(select(User).where(User.username == "admin"))
    admin_actor = Actor(admin.id, admin.username, admin.display_name)
    today = now.astimezone(local_zone()).date()
    year, peak = summer_peak_dates(today)
    starts_on = today - timedelta(weeks=weeks)
    campaign = open_campaign(f"{year} 迎峰度夏", "summer-peak", peak_start=peak, starts_on=starts_on,
                             unit_codes=[u.code for u in units], session=session, actor=admin_actor, now=now)
    _history(session, campaign.id, units, city_leads, province_lead, starts_on, now, random.Random(seed))
    set_meta("demo", "1", session=session)
    return accounts


def _first_of_kind(spec, kind: str):
    if spec.kind == kind:
        return spec
    for child in spec.children:
        found = _first_of_kind(child, kind)
        if found:
            return found
    return None


def _history(session, campaign_id, units, city_leads, fallback, starts_on, now, rng) -> None:
    """Plan realistic ticks over the weeks so far (progress quickening as the weeks pass), then
    apply them in time order through the same service a user goes through."""
    items = session.execute(
        select(ChecklistStatus.unit_id, ChecklistStatus.item_id)
        .join(TemplateItem, TemplateItem.id == ChecklistStatus.item_id)
        .where(ChecklistStatus.campaign_id == campaign_id)
    ).all()
    by_id = {u.id: u for u in units}
    span = (now - datetime.combine(starts_on, time(0), tzinfo=UTC)).total_seconds()
    pace = {u.id: rng.uniform(0.25, 0.8) for u in units}
    plans: list[tuple[datetime, int, int, str, str]] = []
    for unit_id, item_id in items:
        r = rng.random()
        if r < 0.05:
            when = _moment(rng, starts_on, span, now)
            plans.append((when, unit_id, item_id, "na", rng.choice(NA_REASONS)))
        elif r < 0.05 + pace[unit_id]:
            when = _moment(rng, starts_on, span, now)
            plans.append((when, unit_id, item_id, "done", ""))
            if rng.random() < 0.05:
                later = when + (now - when) * rng.uniform(0.2, 0.9)
                plans.append((later, unit_id, item_id, "reopen", ""))
            if rng.random() < 0.08:
                plans.append((when + timedelta(minutes=5), unit_id, item_id, "note", rng.choice(NOTES)))
    plans.sort()
    versions: dict[tuple[int, int], int] = {}
    for when, unit_id, item_id, action, text in plans:
        actor = _actor_for(by_id, unit_id, city_leads, fallback)
        v = versions.get((unit_id, item_id), 0)
        if action == "note":
            add_note(campaign_id, unit_id, item_id, expected_version=v, note=text, session=session, actor=actor,
                     now=when)
        else:
            change_item(campaign_id, unit_id, item_id, action, expected_version=v, text=text, session=session,
                        actor=actor, now=when)
        versions[(unit_id, item_id)] = v + 1


def _moment(rng: random.Random, starts_on: date, span: float, now: datetime) -> datetime:
    """A working-hours moment, more of them in the later weeks (square-root skew)."""
    start = datetime.combine(starts_on, time(0), tzinfo=UTC)
    when = start + timedelta(seconds=span * (rng.random() ** 0.6))
    local = when.astimezone(local_zone()).replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
    return min(local.astimezone(UTC), now - timedelta(minutes=10))


def _actor_for(by_id: dict[int, UnitView], unit_id: int, city_leads: dict[int, Actor], fallback: Actor) -> Actor:
    unit = by_id[unit_id]
    for ancestor in (int(x) for x in unit.path.strip("/").split("/")):
        if ancestor in city_leads:
            return city_leads[ancestor]
    return fallback

