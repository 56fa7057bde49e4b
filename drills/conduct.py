"""Running a drill: the controllers release the injects of the scenario's timeline (the master scenario
events list) one by one, and the players' responses are logged against them, each with its time. The
drill log (append-only) is the record the evaluation reads: how long each response took.

Releasing and logging need `drill.change` on the drill's lead unit (a coordinator), or a controller's
or evaluator's place in the drill. They are possible once the drill is ready, from its start until it
is recorded as held (or a day after its planned end, for responses written up late).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from org.authz import allowed
from org.models import Actor
from store.schema import Drill, DrillLogEntry, DrillPerson

MAX_TEXT = 4000
LATE_ENTRY = timedelta(days=1)


@dataclass(frozen=True)
class TimelineEntry:
    """An inject of the scenario and what happened to it: when it was released, and the responses."""

    key: str
    minute: int
    text_zh: str
    text_en: str
    released_at: datetime | None
    responses: tuple[tuple[datetime, str, int | None], ...]  # (when, what, by whom)

    def first_response_minutes(self) -> float | None:
        """Minutes from the release to the first response (what an evaluator times)."""
        if self.released_at is None or not self.responses:
            return None
        return (self.responses[0][0] - self.released_at).total_seconds() / 60


def _drill(drill_id: int, session: Session) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise NotFound("drl.unknown_drill", drill=drill_id)
    return drill


def _may_run(drill: Drill, actor: Actor | None, session: Session) -> None:
    if actor is None or allowed(actor, "drill.change", drill.lead_unit_id, session=session):
        return
    roles = set(session.scalars(select(DrillPerson.role).where(DrillPerson.drill_id == drill.id,
                                                               DrillPerson.user_id == actor.user_id)))
    if not roles & {"controller", "evaluator"}:
        raise Forbidden("drl.not_a_controller")


def _running(drill: Drill, at: datetime) -> None:
    if drill.status not in ("ready", "conducted"):
        raise InvalidTransition("drl.not_running", status=drill.status)
    if at < as_utc(drill.starts_at) or at > as_utc(drill.ends_at) + LATE_ENTRY:
        raise InvalidInput("drl.outside_drill_time")


def release_inject(drill_id: int, inject_key: str, *, session: Session, actor: Actor | None, now: datetime) -> None:
    """Release one inject of the drill's timeline now; each is released once."""
    drill = _drill(drill_id, session)
    _may_run(drill, actor, session)
    _running(drill, now)
    if inject_key not in {i["key"] for i in drill.injects}:
        raise NotFound("drl.unknown_inject", inject=inject_key)
    if inject_key in _released(drill_id, session):
        raise InvalidInput("drl.inject_already_released", inject=inject_key)
    session.add(DrillLogEntry(drill_id=drill_id, kind="inject", text="", data={"inject": inject_key},
                              actor_id=actor.user_id if actor else None, occurred_at=now))


def log_response(drill_id: int, text: str, *, inject_key: str | None = None, at: datetime | None = None,
                 session: Session, actor: Actor | None, now: datetime) -> None:
    """Log what the players did (at `at`, default now), against a released inject or the drill as a whole."""
    text = text.strip()
    if not text:
        raise InvalidInput("drl.response_empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput("drl.response_too_long", max=MAX_TEXT)
    when = as_utc(at) if at is not None else now
    if when > now:
        raise InvalidInput("drl.response_in_future")
    drill = _drill(drill_id, session)
    _may_run(drill, actor, session)
    _running(drill, when)
    released = _released(drill_id, session)
    if inject_key is not None:
        if inject_key not in released:
            raise InvalidInput("drl.inject_not_released", inject=inject_key)
        if when < released[inject_key]:
            raise InvalidInput("drl.response_before_inject", inject=inject_key)
    session.add(DrillLogEntry(drill_id=drill_id, kind="response", text=text,
                              data={"inject": inject_key, "at": when.isoformat()},
                              actor_id=actor.user_id if actor else None, occurred_at=now))


def _released(drill_id: int, session: Session) -> dict[str, datetime]:
    rows = session.scalars(select(DrillLogEntry).where(DrillLogEntry.drill_id == drill_id,
                                                       DrillLogEntry.kind == "inject").order_by(DrillLogEntry.id))
    return {e.data["inject"]: as_utc(e.occurred_at) for e in rows}


def timeline(drill_id: int, *, session: Session) -> list[TimelineEntry]:
    """The scenario's injects in order, with when each was released and the responses logged to it."""
    drill = _drill(drill_id, session)
    released = _released(drill_id, session)
    responses: dict[str | None, list[tuple[datetime, str, int | None]]] = {}
    for e in session.scalars(select(DrillLogEntry).where(DrillLogEntry.drill_id == drill_id,
                                                         DrillLogEntry.kind == "response").order_by(DrillLogEntry.id)):
        when = datetime.fromisoformat(e.data["at"]) if e.data.get("at") else as_utc(e.occurred_at)
        responses.setdefault(e.data.get("inject"), []).append((when, e.text, e.actor_id))
    return [TimelineEntry(i["key"], int(i["minute"]), i.get("text_zh", ""), i.get("text_en", ""),
                          released.get(i["key"]), tuple(sorted(responses.get(i["key"], []))))
            for i in sorted(drill.injects, key=lambda i: (int(i["minute"]), i["key"]))]


MAX_INJECTS = 200


def set_timeline(drill_id: int, injects: list[dict], *, expected_version: int, session: Session,
                 actor: Actor | None, now: datetime) -> None:
    """Replace the drill's scenario timeline (e.g. drafted in a meeting and imported from Excel) before
    it is held: each inject a unique key, a minute from the start within the drill, and a text."""
    from core.errors import StaleWrite

    drill = session.get(Drill, drill_id, with_for_update=True)
    if drill is None:
        raise NotFound("drl.unknown_drill", drill=drill_id)
    if drill.version != expected_version:
        raise StaleWrite("drl.stale", drill=drill.title)
    if drill.status not in ("planned", "ready"):
        raise InvalidTransition("drl.not_changeable", status=drill.status)
    if actor is not None and not allowed(actor, "drill.change", drill.lead_unit_id, session=session):
        raise Forbidden("drl.not_a_controller")
    if not injects or len(injects) > MAX_INJECTS:
        raise InvalidInput("drl.timeline_size", max=MAX_INJECTS)
    length = (as_utc(drill.ends_at) - as_utc(drill.starts_at)).total_seconds() / 60
    seen: set[str] = set()
    clean = []
    for n, inject in enumerate(injects, start=1):
        key = str(inject.get("key") or "").strip()
        text_zh, text_en = str(inject.get("text_zh") or "").strip(), str(inject.get("text_en") or "").strip()
        try:
            minute = int(inject.get("minute"))
        except (TypeError, ValueError):
            raise InvalidInput("drl.timeline_bad_minute", row=n) from None
        if not key or key in seen:
            raise InvalidInput("drl.timeline_bad_key", row=n, key=key)
        if not 0 <= minute <= length:
            raise InvalidInput("drl.timeline_minute_outside", row=n, minute=minute, length=int(length))
        if not (text_zh or text_en) or len(text_zh) > MAX_TEXT or len(text_en) > MAX_TEXT:
            raise InvalidInput("drl.timeline_bad_text", row=n)
        seen.add(key)
        clean.append({"key": key, "minute": minute, "text_zh": text_zh or text_en, "text_en": text_en or text_zh})
    before = drill.injects
    drill.injects = sorted(clean, key=lambda i: (i["minute"], i["key"]))
    drill.version += 1
    drill.updated_at = now
    session.add(DrillLogEntry(drill_id=drill_id, kind="changed", text="timeline",
                              data={"before": {"injects": before}, "after": {"injects": drill.injects}},
                              actor_id=actor.user_id if actor else None, occurred_at=now))
