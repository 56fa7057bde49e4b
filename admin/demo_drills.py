"""The demo season's drills: each unit's emergency plans, drills held in the weeks so far (with who took
part), drills planned for the weeks ahead, one cancelled, one on a weekend (kept with its warning). The
first held drill is reviewed (every objective rated, the report issued, two corrective actions on the
owner units' checklists, one already overdue, their hazard category the drill type's); the second is half
evaluated; the third waits for its review. Then three hazards found in safety inspections of the demo
lead's city, recorded by its leads, so the hazard register holds both sources. All of it goes through the
planning, review and findings services, as a coordinator's and the leads' clicks would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from core.clock import local_zone
from drills import findings, review
from drills.holidays import day_kind
from drills.inventory import add_plan
from drills.planning import DrillDraft, DrillRefused, cancel_drill, plan_drill, record_conducted, set_status
from org.models import Actor
from org.queries import UnitView
from org.shifts import SHIFT_UNIT_KINDS, add_shift
from store.schema import DrillType, User


@dataclass(frozen=True)
class _Demo:
    type_key: str
    form: str
    title: str
    days: int  # from today (negative: held already)
    hour: int
    hours: float
    units: tuple[str, ...]  # unit kinds or codes, first the lead unit ("kind:county" = the first county)
    outcome: str  # held / ready / planned / cancelled
    plan_code: str | None = None
    weekend: bool = False
    shifts: int = 0  # how many shifts of each dispatch centre taking part (the first ones)


DRILLS = (
    _Demo("anti-accident", "functional", "省地调度仿真系统联合反事故演习", -20, 9, 4,
          ("kind:prov_dispatch", "all:city_dispatch"), "held", shifts=1),
    _Demo("cable-fire", "tabletop", "电缆隧道火灾现场处置桌面推演", -14, 14, 3, ("kind:county",), "held", "XC-01"),
    _Demo("flood-typhoon", "tabletop", "防汛防台桌面推演（乙市）", -9, 9, 4, ("second:city", "children:second:city"),
          "held"),
    _Demo("black-start", "functional", "黑启动方案仿真演练", 7, 9, 6, ("kind:prov_dispatch", "kind:plant"), "ready"),
    _Demo("flood-typhoon", "tabletop", "防汛防台桌面推演（丙市）", 10, 9, 4, ("third:city",), "cancelled"),
    _Demo("summer-peak-joint", "tabletop", "迎峰度夏综合应急联合推演", 16, 9, 5, ("kind:province", "all:city"),
          "planned"),
    _Demo("onsite-response", "tabletop", "变电站全停现场处置推演", 12, 10, 2, ("kind:county",), "planned", "XC-02",
          weekend=True),
    _Demo("cable-fire", "full_scale", "电缆隧道火灾实战演练", 23, 9, 3, ("kind:station",), "planned"),
)

SHIFTS = (("D1", "调度一值", "Shift 1"), ("D2", "调度二值", "Shift 2"), ("D3", "调度三值", "Shift 3"),
          ("D4", "调度四值", "Shift 4"), ("D5", "调度五值", "Shift 5"))  # a dispatch centre's five-shift rota

PLANS = (  # (code, title, level, drill type, unit kinds)
    ("ZH-01", "大面积停电事件应急预案", "comprehensive", "large-area-blackout", ("province", "city")),
    ("XC-01", "电缆隧道火灾现场处置方案", "onsite", "cable-fire", ("county", "station")),
    ("XC-02", "变电站全站失压现场处置方案", "onsite", "onsite-response", ("county", "station")),
)


def _at(day: date, hour: int) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time(hour), tzinfo=local_zone()).astimezone(UTC)


def _working_day(day: date) -> date:
    while not day_kind(day).is_working_day:
        day += timedelta(days=1)
    return day


def _saturday(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _units(spec: tuple[str, ...], units: list[UnitView]) -> list[UnitView]:
    units = sorted(units, key=lambda u: u.code)  # the first county is the demo lead's
    out: list[UnitView] = []
    by_kind = lambda kind: [u for u in units if u.kind == kind and u.is_active]  # noqa: E731
    for part in spec:
        how, _, what = part.partition(":")
        if how == "kind":
            out += by_kind(what)[:1]
        elif how == "all":
            out += by_kind(what)
        elif how in ("second", "third"):
            out += by_kind(what)[1 if how == "second" else 2:][:1]
        elif how == "children":
            nth, _, kind = what.partition(":")
            parent = by_kind(kind)[1 if nth == "second" else 2]
            out += [u for u in units if u.parent_id == parent.id and u.kind == "county"]
    seen: dict[int, UnitView] = {}
    for u in out:
        seen.setdefault(u.id, u)
    return list(seen.values())


def load_demo_drills(session: Session, campaign, units: list[UnitView], coordinator: Actor, evaluator: Actor,
                     *, now: datetime) -> int:
    """Add the plans and drills; return how many drills."""
    from sqlalchemy import select

    types = dict(session.execute(select(DrillType.key, DrillType.id)).all())
    plan_ids: dict[tuple[int, str], int] = {}
    issued = date(campaign.peak_start.year - 2, 3, 1)
    recorded = _at(date(campaign.starts_on.year, campaign.starts_on.month, 1), 9)
    for code, title, level, type_key, kinds in PLANS:
        for unit in units:
            if unit.kind in kinds and unit.is_active and type_key in types:
                plan_ids[(unit.id, code)] = add_plan(unit.id, code, f"{unit.name_zh}{title}", level, issued_on=issued,
                                                     drill_type_key=type_key, session=session, actor=coordinator,
                                                     now=min(recorded, now))
    shift_ids: dict[int, list[int]] = {}
    for unit in units:
        if unit.kind in SHIFT_UNIT_KINDS and unit.is_active:
            shift_ids[unit.id] = [add_shift(unit.id, code, zh, en, session=session, actor=None, now=min(recorded, now)).id
                                  for code, zh, en in SHIFTS]
    today = now.astimezone(local_zone()).date()
    count = 0
    held: list[tuple[int, list[UnitView], datetime]] = []
    for demo in DRILLS:
        if demo.type_key not in types:
            continue
        chosen = _units(demo.units, units)
        if not chosen:
            continue
        day = today + timedelta(days=demo.days)
        for _ in range(14):  # the next free day if a holiday pushed two drills of the same people together
            day = _saturday(day) if demo.weekend else _working_day(day)
            start = _at(day, demo.hour)
            planned_at = min(now, start) - timedelta(days=21)
            draft = DrillDraft(
                type_key=demo.type_key, form=demo.form, title=demo.title, starts_at=start,
                ends_at=start + timedelta(hours=demo.hours), lead_unit_id=chosen[0].id,
                unit_ids=frozenset(u.id for u in chosen), evaluator_ids=frozenset({evaluator.user_id}),
                shift_ids=frozenset(s for u in chosen for s in shift_ids.get(u.id, [])[:demo.shifts]),
                campaign_id=campaign.id, location=f"{chosen[0].name_zh}应急指挥中心",
                emergency_plan_id=plan_ids.get((chosen[0].id, demo.plan_code)) if demo.plan_code else None)
            try:
                saved = plan_drill(draft, session=session, actor=coordinator, now=planned_at)
                break
            except DrillRefused:
                day += timedelta(days=1)
        else:
            continue
        count += 1
        if demo.outcome in ("ready", "held"):
            set_status(saved.drill_id, "ready", expected_version=1, session=session, actor=coordinator,
                       now=planned_at + timedelta(days=14))
        if demo.outcome == "held":
            # Everyone came, except one county of a larger drill (it still owes the drill).
            attended = [u.id for u in chosen] if len(chosen) < 3 else [u.id for u in chosen[:-1]]
            record_conducted(saved.drill_id, attended_unit_ids=attended,
                             attended_shift_ids=[s for u in attended for s in shift_ids.get(u, [])[:demo.shifts]],
                             attended_person_ids=[coordinator.user_id, evaluator.user_id], expected_version=2,
                             session=session, actor=coordinator, now=draft.ends_at + timedelta(hours=1))
            held.append((saved.drill_id, chosen, draft.ends_at))
        if demo.outcome == "cancelled":
            cancel_drill(saved.drill_id, "与年度检修计划冲突，另行安排", expected_version=1, session=session,
                         actor=coordinator, now=planned_at + timedelta(days=7))
    if held:
        _review(session, *held[0], coordinator, evaluator, issue=True)
    if len(held) > 1:
        _review(session, *held[1], coordinator, evaluator, issue=False)
    _inspections(session, campaign, units, coordinator, today=today)
    return count


ACTIONS = (  # (owner: index in the drill's units, what, criticality, directive, days after the review it is due)
    (1, "修订地调事故处置预案中的负荷转移步骤，并组织当班调度员复训", "critical", "S2.2.2-2c", 14),
    (0, "补充仿真系统中主变过载的故障场景，纳入下季度联合演习", "major", "S2.2.2-2b", 35),
)


def _review(session: Session, drill_id: int, units: list[UnitView], ended: datetime, coordinator: Actor,
            evaluator: Actor, *, issue: bool) -> None:
    """Rate the drill's objectives two days after it (one with some, one with major challenges); with
    `issue`, write and issue the report and put the corrective actions on the owners' checklists."""
    at = ended + timedelta(days=2)
    keys = [e.objective_key for e in review.evaluations(drill_id, session=session)]
    for i, key in enumerate(keys if issue else keys[: len(keys) // 2]):
        rating = "M" if issue and i == len(keys) - 1 else "S" if i == 1 else "P"
        improvements = {"S": "信息报送比规定时间晚约五分钟，需固定报送模板", "M": "负荷转移方案未考虑主变过载，转供后仍越限"}
        review.evaluate(drill_id, key, rating, strengths="指挥关系清楚，各岗位响应及时",
                        improvements=improvements.get(rating, ""), session=session, actor=evaluator, now=at)
    if not issue:
        return
    version = review.save_report(drill_id, "演练按脚本完成，故障判断和汇报链条顺畅；负荷转移方案存在缺陷，"
                                           "已列入整改计划。", expected_version=0, session=session,
                                 actor=coordinator, now=at, aar_due_days=14)
    review.issue_report(drill_id, expected_version=version, session=session, actor=coordinator, now=at)
    for owner, text, criticality, directive, days in ACTIONS:
        if owner < len(units):
            review.raise_action(drill_id, unit_id=units[owner].id, description=text, criticality=criticality,
                                due_on=at.astimezone(local_zone()).date() + timedelta(days=days),
                                objective_key=keys[-1] if keys else None, directive_id=directive,
                                session=session, actor=coordinator, now=at)


FINDINGS = (  # (where: "sibling" a county of the lead's city other than the lead's, "city" the city itself;
    #           what, category, criticality, found (days before today), due (days after it was found))
    ("sibling", "10千伏配电室电缆沟盖板破损、沟内积水，电缆有受潮和人员踏空风险", "cable", "major", 12, 20),
    ("sibling", "营业厅消防器材两具过期，应急照明不亮", "fire", "normal", 25, 15),
    ("city", "防汛物资库沙袋和移动抽水泵数量不足定额", "flood_typhoon", "critical", 6, 21),
)


def _inspections(session: Session, campaign, units: list[UnitView], coordinator: Actor, *, today: date) -> None:
    """Record the hazards of FINDINGS, each on the evening of the day it was found, by the city's lead (the
    coordinator where that account is missing). The demo lead's own county has none: its checklist opens on
    its season's items, and the lead records one there through the form."""
    from sqlalchemy import select

    counties = sorted((u for u in units if u.kind == "county" and u.is_active), key=lambda u: u.code)
    if not counties:
        return
    lead_county = counties[0]  # the demo lead's
    city = next((u for u in units if u.id == lead_county.parent_id), None)
    if city is None:
        return
    sibling = next((u for u in counties if u.parent_id == city.id and u.id != lead_county.id), city)
    where = {"sibling": sibling, "city": city}

    def actor(username: str) -> Actor:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.display_name) if user else coordinator

    by = {"sibling": actor(f"lead-{city.code.lower()}"), "city": actor(f"lead-{city.code.lower()}")}
    for place, text, category, criticality, days_ago, due_days in FINDINGS:
        found = max(today - timedelta(days=days_ago), campaign.starts_on)
        findings.raise_finding(campaign.id, where[place].id, description=text, category=category,
                               criticality=criticality, found_on=found, due_on=found + timedelta(days=due_days),
                               session=session, actor=by[place], now=_at(found, 17))
