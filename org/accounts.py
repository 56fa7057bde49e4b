"""Use-cases for people: local accounts, role grants and sign-in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import AuthError, InvalidInput
from org.models import Actor, Role
from org.queries import unit_by_code
from store.schema import RoleGrant, User

_hasher = PasswordHasher()
MIN_PASSWORD = 8


def create_user(
    username: str,
    password: str,
    display_name: str,
    *,
    session: Session,
    now: datetime,
    grants: Iterable[tuple[Role, str | None]] = (),
) -> User:
    """Create a local account with an argon2-hashed password and optional role grants
    (role, unit code or None for the whole organisation)."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise InvalidInput("error.bad_username")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("error.short_password", min=MIN_PASSWORD)
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidInput("error.user_exists", username=username)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=_hasher.hash(password),
        is_active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    for role, unit_code in grants:
        unit_id = unit_by_code(unit_code, session=session).id if unit_code else None
        session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit_id, include_subtree=True))
    session.flush()
    return user


def authenticate(username: str, password: str, *, session: Session) -> Actor:
    """The actor for a correct username and password; AuthError otherwise (same message either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        _hasher_dummy_verify()
        raise AuthError()
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthError() from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return Actor(user.id, user.username, user.display_name)


def _hasher_dummy_verify() -> None:
    """Spend the same time on an unknown user as on a wrong password."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY, "not-the-password")


_DUMMY = _hasher.hash("dummy-password")


def grants_of(user_id: int, *, session: Session) -> list[RoleGrant]:
    return list(session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id)))
