"""Signed-in browsers: a random token in a cookie, only its SHA-256 in `user_sessions`.

A session is valid while it is not revoked, has been used within the idle expiry and is
younger than the absolute expiry, and its user is active; all of this is read fresh on every
check, so a revoked session or a deactivated account stops working at the next click. Using
a session moves `last_seen_at` at most once a minute, so a click costs a read, not a write.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.config import get_settings
from org.models import Actor
from store.db import snapshot, transaction
from store.schema import User, UserSession

Reason = Literal["sign_out", "password_change", "password_reset", "identity_change", "deactivated", "expired"]
REASONS: tuple[Reason, ...] = ("sign_out", "password_change", "password_reset", "identity_change", "deactivated",
                               "expired")
TOUCH_EVERY = timedelta(minutes=1)


def idle_expiry() -> timedelta:
    return timedelta(hours=get_settings().session_idle_hours)


def absolute_expiry() -> timedelta:
    return timedelta(days=get_settings().session_absolute_days)


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is 256 random bits, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewSession:
    """A session just started: the token goes to the browser and is never stored."""

    id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of checking a session: the actor if it is valid, else why it ended
    (a revoke reason, "deactivated" for an inactive user, or "unknown" for a token never issued)."""

    session_id: int | None
    actor: Actor | None = None
    must_change_password: bool = False
    ended: str | None = None

    @property
    def valid(self) -> bool:
        return self.actor is not None


def start_session(user_id: int, *, engine: Engine, now: datetime) -> NewSession:
    """Sign a browser in as the user: a new random token, valid until the absolute expiry."""
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    expires_at = now + absolute_expiry()
    with transaction(engine, bump=False) as s:
        row = UserSession(user_id=user_id, token_hash=hash_token(token), created_at=now, last_seen_at=now,
                          expires_at=expires_at)
        s.add(row)
        s.flush()
        return NewSession(row.id, token, expires_at)


def check_token(token: str, *, engine: Engine, now: datetime) -> SessionCheck:
    """The session a browser's token names, checked fresh (and its use noted)."""
    return _check(UserSession.token_hash == hash_token(token), engine=engine, now=now)


def check_session(session_id: int, *, engine: Engine, now: datetime) -> SessionCheck:
    """A session known by id (held server-side for a browser tab), checked fresh (and its use noted)."""
    return _check(UserSession.id == session_id, engine=engine, now=now)


def valid_in(session: Session, session_id: int, now: datetime) -> bool:
    """Whether the session is valid now, read inside the caller's transaction and changing nothing:
    a write checks it in its own transaction, so a change made after a sign-out elsewhere is refused
    without a second trip to the database."""
    found = session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                            .where(UserSession.id == session_id)).first()
    return found is not None and _ended(*found, as_utc(now)) is None


def _ended(row: UserSession, user: User, now: datetime) -> str | None:
    """Why a session has ended (None while it is valid)."""
    if row.revoked_at is not None:
        return row.revoked_reason or "sign_out"
    if now >= as_utc(row.expires_at) or now - as_utc(row.last_seen_at) >= idle_expiry():
        return "expired"
    if not user.is_active:
        return "deactivated"
    return None


def _check(where, *, engine: Engine, now: datetime) -> SessionCheck:
    now = as_utc(now)
    with snapshot(engine) as s:
        found = s.execute(select(UserSession, User).join(User, User.id == UserSession.user_id).where(where)).first()
    if found is None:
        return SessionCheck(None, ended="unknown")
    row, user = found
    if row.revoked_at is not None:
        return SessionCheck(row.id, ended=row.revoked_reason or "sign_out")
    ended = _ended(row, user, now)
    if ended:
        with transaction(engine, bump=False) as s:
            _revoke(s, UserSession.id == row.id, ended, now)
        return SessionCheck(row.id, ended=ended)
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        with transaction(engine, bump=False) as s:
            s.execute(update(UserSession).where(UserSession.id == row.id, UserSession.revoked_at.is_(None))
                      .values(last_seen_at=now))
    return SessionCheck(row.id, Actor(user.id, user.username, user.display_name),
                        must_change_password=bool(user.must_change_password))


def rotate_token(token: str, *, engine: Engine, now: datetime) -> NewSession | None:
    """Replace a valid session's token by a new one (None if the session is not valid): the token
    a page handed to the browser's script dies as soon as the cookie holds its successor."""
    check = check_token(token, engine=engine, now=now)
    if not check.valid or check.session_id is None:
        return None
    new = secrets.token_urlsafe(32)
    with transaction(engine, bump=False) as s:
        row = s.scalars(select(UserSession).where(UserSession.id == check.session_id,
                                                  UserSession.token_hash == hash_token(token),
                                                  UserSession.revoked_at.is_(None)).with_for_update()).first()
        if row is None:
            return None
        row.token_hash = hash_token(new)
        return NewSession(row.id, new, as_utc(row.expires_at))


def end_session(session_id: int, reason: Reason, *, engine: Engine, now: datetime) -> None:
    """Revoke one session (signing out); a session already ended stays as it was."""
    with transaction(engine, bump=False) as s:
        _revoke(s, UserSession.id == session_id, reason, as_utc(now))


def end_session_by_token(token: str, reason: Reason, *, engine: Engine, now: datetime) -> None:
    """Revoke the session a token names, if any (signing out from the cookie alone)."""
    with transaction(engine, bump=False) as s:
        _revoke(s, UserSession.token_hash == hash_token(token), reason, as_utc(now))


def end_user_sessions(user_id: int, reason: Reason, *, session: Session, now: datetime) -> int:
    """Revoke every open session of a user, in the caller's transaction; returns how many."""
    return _revoke(session, UserSession.user_id == user_id, reason, as_utc(now))


def _revoke(s: Session, where, reason: Reason, now: datetime) -> int:
    if reason not in REASONS:
        raise ValueError(f"unknown reason for ending a session: {reason}")
    return s.execute(update(UserSession).where(where, UserSession.revoked_at.is_(None))
                     .values(revoked_at=now, revoked_reason=reason)).rowcount
