"""Rebuilding the projections (current status, per-day readiness) from the event log alone, set-based.

A rebuild is a handful of statements whatever the length of the log: the expected rows are
two SELECTs (correlated subqueries on the log's per-item index), written with INSERT … SELECT
and UPDATE … FROM. `projection_differences` runs the same SELECTs next to the live rows and
names every difference, changing nothing. Both give exactly what `checklists.changes` keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import (
    Integer,
    Select,
    case,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from checklists.occurrences import before_peak_clause
from core.errors import NotFound
from store.schema import (
    Campaign,
    ChecklistEvent,
    ChecklistStatus,
    Obligation,
    OrgUnit,
    ReadinessDaily,
    TemplateItem,
)

STATUS_FIELDS = ("status", "version", "note", "na_reason", "updated_by", "updated_at")
DAILY_FIELDS = ("done_delta", "na_delta", "total_delta")


def campaign_ids(*, session: Session) -> list[int]:
    """Every campaign, oldest first: what a rebuild or a check covers when no campaign is named."""
    return list(session.scalars(select(Campaign.id).order_by(Campaign.id)))


def rebuild_projections(campaign_id: int, *, session: Session) -> None:
    """Recompute current status and per-day readiness deltas of a campaign from the event log alone."""
    if session.get_bind().dialect.name == "postgresql":
        # Ticks in flight finish first and new ones wait for this transaction, so no event commits
        # between reading the log and writing what it implies (reads are not blocked). Every writer
        # touches checklist_status before readiness_daily, so taking both here cannot deadlock.
        session.execute(text("LOCK TABLE checklist_status, readiness_daily IN EXCLUSIVE MODE"))
    campaign = _campaign(campaign_id, session)

    # Bulk statements: nothing loaded in this session is kept in step row by row (it is all
    # expired at the end), so no RETURNING of every row touched.
    bulk = {"synchronize_session": False}
    session.execute(delete(ReadinessDaily).where(ReadinessDaily.campaign_id == campaign_id), execution_options=bulk)
    daily = _expected_daily(campaign).subquery()
    session.execute(insert(ReadinessDaily).from_select(
        ["campaign_id", "unit_id", "day", *DAILY_FIELDS],
        select(literal_column(str(int(campaign_id)), Integer), daily.c.unit_id, daily.c.day,
               *(daily.c[f] for f in DAILY_FIELDS))))

    # Status rows are updated in place, not deleted and re-inserted: a tick waiting on one of them
    # then re-reads the row it waited for and its version check still holds.
    obligation = _obligations(campaign).where(
        ChecklistStatus.unit_id == Obligation.unit_id, ChecklistStatus.item_id == TemplateItem.id,
        ChecklistStatus.occurrence == Obligation.occurrence)
    session.execute(delete(ChecklistStatus).where(ChecklistStatus.campaign_id == campaign_id,
                                                  ~exists(obligation.with_only_columns(literal_column("1")))),
                    execution_options=bulk)
    missing = _obligations(campaign).where(~exists().where(
        ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == Obligation.unit_id,
        ChecklistStatus.item_id == TemplateItem.id, ChecklistStatus.occurrence == Obligation.occurrence))
    session.execute(insert(ChecklistStatus).from_select(
        ["campaign_id", "unit_id", "item_id", "occurrence", "status", "version", "note", "na_reason"],
        missing.with_only_columns(Obligation.campaign_id, Obligation.unit_id, TemplateItem.id, Obligation.occurrence,
                                  literal_column("'open'"), literal_column("0"), literal_column("''"),
                                  literal_column("''"))))
    want = _expected_status(campaign).subquery()  # UPDATE … FROM: SQLite 3.33 or later
    session.execute(
        update(ChecklistStatus)
        .where(ChecklistStatus.campaign_id == campaign_id, ChecklistStatus.unit_id == want.c.unit_id,
               ChecklistStatus.item_id == want.c.item_id, ChecklistStatus.occurrence == want.c.occurrence,
               or_(*(getattr(ChecklistStatus, f).is_distinct_from(want.c[f]) for f in STATUS_FIELDS)))
        .values({f: want.c[f] for f in STATUS_FIELDS}), execution_options=bulk)
    session.flush()
    session.expire_all()


def projection_differences(campaign_id: int, *, session: Session) -> list[str]:
    """Every way the live projections of a campaign differ from what a rebuild would write, one
    readable line each (empty: they agree). Reads only; changes nothing."""
    campaign = _campaign(campaign_id, session)
    units = dict(session.execute(select(OrgUnit.id, OrgUnit.code)).all())
    items = dict(session.execute(select(TemplateItem.id, TemplateItem.key)).all())
    where = f"campaign {campaign_id}"

    # The log's rows and the live rows in one statement each, so both come from the same snapshot
    # even while ticks go on (a tick writes both projections in one transaction).
    expected = _expected_status(campaign)
    live = select(*(getattr(ChecklistStatus, c) for c in ("unit_id", "item_id", "occurrence", *STATUS_FIELDS))).where(
        ChecklistStatus.campaign_id == campaign_id)
    log_status, live_status = _split(session, expected, live, key_width=3)
    lines = _compare(log_status, live_status, STATUS_FIELDS, lambda k: (
        f"{where}: checklist_status unit {units.get(k[0], k[0])} item {items.get(k[1], k[1])}"
        + (f" occurrence {k[2]}" if k[2] else "")),
        stray="not an item of a unit in the campaign")

    expected_daily = _expected_daily(campaign)
    live_daily = select(ReadinessDaily.unit_id, ReadinessDaily.day, *(getattr(ReadinessDaily, f)
                                                                    for f in DAILY_FIELDS)).where(
        ReadinessDaily.campaign_id == campaign_id,
        or_(*(getattr(ReadinessDaily, f) != 0 for f in DAILY_FIELDS)))
    log_daily, live_daily_rows = _split(session, expected_daily, live_daily, key_width=2)
    lines += _compare(log_daily, live_daily_rows, DAILY_FIELDS, lambda k: (
        f"{where}: readiness_daily unit {units.get(k[0], k[0])} day {_iso(k[1])}"), stray="not in the log")
    return lines


# ── The expected rows, as SELECTs ────────────────────────────────────────────


def _campaign(campaign_id: int, session: Session) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    return campaign


def _obligations(campaign: Campaign) -> Select:
    """Every (unit, item, occurrence) the campaign holds: its stored obligations."""
    return (select(Obligation.unit_id, TemplateItem.id)
            .select_from(Obligation)
            .join(TemplateItem, TemplateItem.id == Obligation.item_id)
            .where(Obligation.campaign_id == campaign.id))


def _expected_status(campaign: Campaign) -> Select:
    """Per obligation, the status row the service keeps: the state after its latest event (by the
    version chain), how many events it has, the latest note (a note, or a tick carrying one), and the
    N/A reason while it is N/A. An 'evidence' event (a file attached) counts as a version and as the
    latest change, keeps the status (its status_after is its status_before) and is no note: its text
    is the file's name. A tick a lead accepted without evidence carries its reason as a note."""
    ev, ob = ChecklistEvent, Obligation
    of_this_item = (ev.campaign_id == campaign.id, ev.unit_id == ob.unit_id, ev.item_id == ob.item_id,
                    ev.occurrence == ob.occurrence)

    def latest(column, *also):
        return (select(column).where(*of_this_item, *also).order_by(ev.prev_version.desc()).limit(1)
                .correlate(ob).scalar_subquery())

    last = aliased(ChecklistEvent, name="last_event")
    count = select(func.count()).select_from(ev).where(*of_this_item).correlate(ob)
    return (select(ob.unit_id.label("unit_id"), ob.item_id.label("item_id"), ob.occurrence.label("occurrence"),
                   func.coalesce(last.status_after, "open").label("status"),
                   count.scalar_subquery().label("version"),
                   func.coalesce(latest(ev.text, or_(ev.action == "note", (ev.action == "done") & (ev.text != ""))),
                                 "").label("note"),
                   case((last.status_after == "na", func.coalesce(latest(ev.text, ev.action == "na"), "")),
                        else_="").label("na_reason"),
                   last.actor_id.label("updated_by"),
                   last.occurred_at.label("updated_at"))
            .select_from(ob)
            .outerjoin(last, last.id == latest(ev.id))
            .where(ob.campaign_id == campaign.id))


def _expected_daily(campaign: Campaign) -> Select:
    """Per unit and local day, the change in done / N/A / total weight of its one-off obligations:
    their weight on the day they were decided (it joined), and each event's move
    (checklists.rules.weight_deltas)."""
    ev, weight = ChecklistEvent, TemplateItem.weight
    zero = literal_column("0", Integer)

    def gain(status: str):
        return (case((ev.status_after == status, weight), else_=0)
                - case((ev.status_before == status, weight), else_=0))

    joined = (select(Obligation.unit_id.label("unit_id"), Obligation.created_on.label("day"),
                     zero.label("done_delta"), zero.label("na_delta"), func.sum(weight).label("total_delta"))
              .join(TemplateItem, TemplateItem.id == Obligation.item_id)
              .where(Obligation.campaign_id == campaign.id, before_peak_clause(Obligation.occurrence))
              .group_by(Obligation.unit_id, Obligation.created_on))
    moves = (select(ev.unit_id, ev.day, gain("done"), gain("na"), zero)
             .join(TemplateItem, TemplateItem.id == ev.item_id)
             .where(ev.campaign_id == campaign.id, before_peak_clause(ev.occurrence), ev.status_before != ev.status_after))
    every = union_all(joined, moves).subquery()
    sums = [func.sum(every.c[f]) for f in DAILY_FIELDS]
    return (select(every.c.unit_id, every.c.day, *(s.label(f) for s, f in zip(sums, DAILY_FIELDS, strict=True)))
            .group_by(every.c.unit_id, every.c.day)
            .having(or_(*(s != 0 for s in sums))))


# ── Comparing ────────────────────────────────────────────────────────────────


def _split(session: Session, expected: Select, live: Select, *, key_width: int) -> tuple[dict, dict]:
    """Run both queries as one statement; rows keyed on their first `key_width` columns."""
    both = union_all(expected.add_columns(literal_column("'log'").label("side")),
                     live.add_columns(literal_column("'live'").label("side")))
    sides: dict[str, dict] = {"log": {}, "live": {}}
    for row in session.execute(both):
        *values, side = row
        sides[side][tuple(values[:key_width])] = tuple(values[key_width:])
    return sides["log"], sides["live"]


def _compare(log: dict, live: dict, fields: Iterable[str], name: Callable[[tuple], str], *, stray: str) -> list[str]:
    """One line per missing row, per row that should not be there, and per field that differs."""
    fields = tuple(fields)
    lines = []
    for k in sorted(log.keys() | live.keys()):
        if k not in live:
            said = ", ".join(f"{f} {_shown(v)}" for f, v in zip(fields, log[k], strict=True))
            lines.append(f"{name(k)}: missing (the log says {said})")
        elif k not in log:
            had = ", ".join(f"{f} {_shown(v)}" for f, v in zip(fields, live[k], strict=True))
            lines.append(f"{name(k)}: {stray} (the row has {had})")
        else:
            lines += [f"{name(k)}: {f} is {_shown(b)}, the log says {_shown(a)}"
                      for f, a, b in zip(fields, log[k], live[k], strict=True) if a != b]
    return lines


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _shown(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return repr(value)
    return _iso(value)

