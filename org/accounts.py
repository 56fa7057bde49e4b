"""Use-cases for people: local accounts, role grants and sign-in."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.errors import AuthError, Forbidden, InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor, Role
from org.queries import unit_by_code
from org.sessions import end_user_sessions
from store.db import snapshot, transaction
from store.schema import ROLES, RoleGrant, SignInThrottle, User

_hasher = PasswordHasher()
MIN_PASSWORD = 10
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
_NOT_ALNUM = re.compile(r"[\W_]+")
_NAME_INSIDE = 4  # a user name this long or longer may not appear anywhere in the password


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def hash_password(password: str) -> str:
    """A password as stored: argon2id with the current parameters."""
    return _hasher.hash(password)


def check_password_policy(password: str, username: str) -> None:
    """Refuse (InvalidInput) a password shorter than MIN_PASSWORD characters, one that is or contains the
    user name (ignoring case, spaces and punctuation), or one on the list of common passwords."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("error.short_password", min=MIN_PASSWORD)
    name = _NOT_ALNUM.sub("", username.strip().lower())
    bare = _NOT_ALNUM.sub("", password.lower())
    if name and (bare == name or bare == name[::-1] or (len(name) >= _NAME_INSIDE and name in bare)):
        raise InvalidInput("error.password_has_username")
    if password.strip().lower() in common_passwords():
        raise InvalidInput("error.common_password")


def create_user(
    username: str,
    password: str,
    display_name: str,
    *,
    session: Session,
    now: datetime,
    grants: Iterable[tuple[Role, str | None]] = (),
    must_change_password: bool = False,
    actor: Actor | None = None,
) -> User:
    """Create a local account with an argon2-hashed password and optional role grants
    (role, unit code or None for the whole organisation); with `must_change_password` the user
    can do nothing before choosing a new password.

    A user needs `admin.users` on the whole organisation; `actor=None` is the command line (and
    the demo and setup code), which is trusted. Either way the admin audit log records the account."""
    if actor is not None:
        authorize(actor, "admin.users", None, session=session)
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise InvalidInput("error.bad_username")
    check_password_policy(password, username)
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidInput("error.user_exists", username=username)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        is_active=True,
        created_at=now,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    granted = []
    for role, unit_code in grants:
        if role not in ROLES:
            raise InvalidInput("error.unknown_role", role=role)
        unit = unit_by_code(unit_code, session=session) if unit_code else None
        if unit is not None and not unit.is_active:
            raise InvalidInput("error.unit_inactive", unit=unit.code)
        session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit.id if unit else None, include_subtree=True))
        granted.append({"role": role, "unit": unit_code or None, "subtree": True})
    session.flush()
    audit.record("user.create", "user", username, before=None,
                 after={"name": user.display_name, "grants": granted, "must_change_password": must_change_password},
                 session=session, actor=actor, now=now)
    return user


def actor_named(username: str, *, session: Session) -> Actor:
    """The active user with this username, as the actor of a command run in their name (their grants
    apply); NotFound if there is none, Forbidden if the account is deactivated."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound("error.user_not_found", user=username)
    if not user.is_active:
        raise Forbidden("error.account_inactive")
    return Actor(user.id, user.username, user.display_name)


@dataclass(frozen=True)
class ThrottleRule:
    """After `max_failures` failed sign-ins within `window`, refuse further ones unchecked for a
    while: `first_lock`, then twice as long for each lock in a row, up to `max_lock`."""

    max_failures: int
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=1)
    max_lock: timedelta = timedelta(minutes=15)

    def lock_for(self, level: int) -> timedelta:
        """How long the `level`-th lock in a row lasts."""
        doublings = min(level - 1, 16)  # past the cap anyway; keeps the timedelta from overflowing
        return min(self.first_lock * 2**doublings, self.max_lock)


# An address may stand for a whole office behind one NAT, so it gets more room than an account.
THROTTLE = {"account": ThrottleRule(max_failures=5), "client": ThrottleRule(max_failures=20)}
_KEY_LENGTH = 128  # SignInThrottle.key


class SignInLocked(AuthError):
    """Too many failed sign-ins for this account or client address: refused unchecked until the lock ends."""

    code = "error.sign_in_locked"

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(minutes=max(1, math.ceil((until - now).total_seconds() / 60)))
        self.until = until


def sign_in(engine: Engine, username: str, password: str, *, client: str | None, now: datetime) -> Actor:
    """The actor for a correct username and password, from `client` (an address, None if unknown).

    Refused with AuthError, the same for an unknown user as for a wrong password, or with
    SignInLocked, without checking the password, while the account or the address is locked
    after repeated failures. The password is checked outside any transaction, so a sign-in
    never holds up a writer; the bookkeeping runs in short transactions that hash nothing
    and leave the pages' caches alone.
    """
    now = as_utc(now)
    username = username.strip()
    keys = [("account", username[:_KEY_LENGTH])]
    if client:
        keys.append(("client", client[:_KEY_LENGTH]))
    new_locks = _count_attempt(keys, engine=engine, now=now)

    with snapshot(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        _hasher_dummy_verify()
        verified = False
    else:
        verified = _verify(user.password_hash, password)
    if not verified:
        if new_locks:
            raise SignInLocked(max(new_locks), now)
        raise AuthError()

    _forgive_attempt(keys, engine=engine)
    if _hasher.check_needs_rehash(user.password_hash):
        _rehash(user.id, user.password_hash, password, engine=engine)
    return Actor(user.id, user.username, user.display_name)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_attempt(keys: list[tuple[str, str]], *, engine: Engine, now: datetime) -> list[datetime]:
    """Count this attempt as a failure of each key until its password proves right, or refuse it
    (SignInLocked) while any key is locked. Returns the ends of the locks this attempt set off."""
    with transaction(engine, bump=False) as s:
        rows = [_throttle_row(s, scope, key, now) for scope, key in keys]  # always account, then client
        for row in rows:
            _start_afresh_if_quiet(row, now)
        locked = [as_utc(r.locked_until) for r in rows if r.locked_until and as_utc(r.locked_until) > now]
        if locked:
            raise SignInLocked(max(locked), now)  # rolls back: a refused attempt counts for nothing
        new_locks = [until for row in rows if (until := _count_failure(row, now))]
        _forget_quiet_rows(s, now)
        return new_locks


def _throttle_row(s: Session, scope: str, key: str, now: datetime) -> SignInThrottle:
    """The key's row, created if missing and locked for this transaction (two app servers may
    create it at once, hence the insert that ignores a conflict)."""
    insert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(SignInThrottle).values(scope=scope, key=key, failures=0, lock_level=0, last_failed_at=now)
              .on_conflict_do_nothing())
    query = select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
    return s.scalars(query.with_for_update()).one()


def _start_afresh_if_quiet(row: SignInThrottle, now: datetime) -> None:
    """A window that has run out forgets its failures; a whole quiet window also ends the run of locks."""
    rule = THROTTLE[row.scope]
    last_heard = max(as_utc(row.last_failed_at), as_utc(row.locked_until or row.last_failed_at))
    if now - last_heard >= rule.window:
        row.lock_level, row.locked_until = 0, None
    if row.window_started_at is None or now - as_utc(row.window_started_at) >= rule.window:
        row.failures, row.window_started_at = 0, None


def _count_failure(row: SignInThrottle, now: datetime) -> datetime | None:
    """One more failure; when it reaches the limit, lock the key. Returns the end of that lock."""
    rule = THROTTLE[row.scope]
    row.window_started_at = row.window_started_at or now
    row.failures += 1
    row.last_failed_at = now
    if row.failures < rule.max_failures:
        return None
    row.lock_level += 1
    row.locked_until = now + rule.lock_for(row.lock_level)
    row.failures, row.window_started_at = 0, None
    return row.locked_until


def _forget_quiet_rows(s: Session, now: datetime) -> None:
    """Delete rows quiet for a whole window: starting afresh would empty them anyway. Done last, and
    skipping rows another sign-in holds, so it never waits and two sign-ins cannot deadlock."""
    quiet_since = now - max(rule.window for rule in THROTTLE.values())
    t = SignInThrottle
    quiet = (select(t.scope, t.key)
             .where(t.last_failed_at <= quiet_since, or_(t.locked_until.is_(None), t.locked_until <= quiet_since))
             .with_for_update(skip_locked=True))
    s.execute(delete(t).where(tuple_(t.scope, t.key).in_(quiet)))


def _forgive_attempt(keys: list[tuple[str, str]], *, engine: Engine) -> None:
    """The password proved right: the account starts afresh, and the address no longer counts this
    attempt. The address keeps its other failures (and a lock this attempt set off), or one valid
    account could clear the way for guessing at every other."""
    with transaction(engine, bump=False) as s:
        for scope, key in keys:
            where = (SignInThrottle.scope == scope, SignInThrottle.key == key)
            if scope == "account":
                s.execute(delete(SignInThrottle).where(*where))
            else:
                s.execute(update(SignInThrottle).where(*where, SignInThrottle.failures > 0)
                          .values(failures=SignInThrottle.failures - 1))


def _rehash(user_id: int, old_hash: str, password: str, *, engine: Engine) -> None:
    """Store the password hashed with the current parameters; hashing first, then a short write."""
    new_hash = hash_password(password)
    with transaction(engine, bump=False) as s:
        # Only if the password was not changed meanwhile.
        s.execute(update(User).where(User.id == user_id, User.password_hash == old_hash)
                  .values(password_hash=new_hash))


def _hasher_dummy_verify() -> None:
    """Spend the same time on an unknown user as on a wrong password."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY, "not-the-password")


_DUMMY = _hasher.hash("dummy-password")


def change_password(user_id: int, current: str, new: str, *, engine: Engine, now: datetime) -> None:
    """The user replaces their password: the current one must be right and the new one pass the policy.
    Every session of the user ends (sign in again everywhere) and a required change is done.

    Like sign-in, the passwords are checked and hashed outside any transaction, and repeated wrong
    current passwords lock the account (SignInLocked) for sign-in and for this form alike.
    """
    now = as_utc(now)
    with snapshot(engine) as s:
        user = s.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthError()
    # A wrong current password counts against the account like a failed sign-in: a browser left
    # signed in cannot be used to guess the password, and the same lock stops both.
    keys = [("account", user.username[:_KEY_LENGTH])]
    new_locks = _count_attempt(keys, engine=engine, now=now)
    if not _verify(user.password_hash, current):
        if new_locks:
            raise SignInLocked(max(new_locks), now)
        raise InvalidInput("error.wrong_current_password")
    _forgive_attempt(keys, engine=engine)
    if new == current:
        raise InvalidInput("error.password_unchanged")
    check_password_policy(new, user.username)
    new_hash = hash_password(new)
    with transaction(engine, bump=False) as s:
        # Only if the password was not changed meanwhile (two tabs changing it at once).
        changed = s.execute(update(User).where(User.id == user_id, User.password_hash == user.password_hash)
                            .values(password_hash=new_hash, must_change_password=False)).rowcount
        if not changed:
            raise InvalidInput("error.wrong_current_password")
        end_user_sessions(user_id, "password_change", session=s, now=now)
