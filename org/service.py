"""Use-cases for units, users and sign-in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from checklists.templates import read_yaml, validate
from core.errors import AuthError, ContentError, InvalidInput, NotFound
from org.models import Actor, Role, UnitSpec
from store.schema import OrgUnit, RoleGrant, User

_hasher = PasswordHasher()
MIN_PASSWORD = 8


def load_unit_specs(path: Path) -> list[UnitSpec]:
    """Read a unit tree from YAML (`units:` list), refusing duplicate codes."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("units"), list):
        raise ContentError(str(path), "-", "expected a list under 'units' / 缺少 units 列表")
    specs = [validate(UnitSpec, u, path) for u in raw["units"]]
    seen: set[str] = set()

    def walk(nodes: Iterable[UnitSpec]) -> None:
        for n in nodes:
            if n.code in seen:
                raise ContentError(str(path), f"unit {n.code}", "duplicate unit code / 单位编码重复")
            seen.add(n.code)
            walk(n.children)

    walk(specs)
    return specs


def import_units(specs: list[UnitSpec], *, session: Session, parent_code: str | None = None) -> int:
    """Create or update the units of a tree (matched by code); returns how many were new."""
    parent = None
    if parent_code:
        parent = session.scalar(select(OrgUnit).where(OrgUnit.code == parent_code))
        if parent is None:
            raise NotFound("error.unit_not_found", code=parent_code)
    created = 0

    def put(spec: UnitSpec, parent: OrgUnit | None) -> None:
        nonlocal created
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == spec.code))
        if unit is None:
            unit = OrgUnit(code=spec.code, path="", depth=0, name_zh="", name_en="", kind=spec.kind)
            session.add(unit)
            created += 1
        unit.name_zh, unit.name_en, unit.kind = spec.name_zh, spec.name_en, spec.kind
        unit.parent_id = parent.id if parent else None
        session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.depth = parent.depth + 1 if parent else 0
        for child in spec.children:
            put(child, unit)

    for spec in specs:
        put(spec, parent)
    session.flush()
    return created


def list_units(*, session: Session) -> list[OrgUnit]:
    """All units in tree order (parents before children)."""
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.path)))


def subtree_ids(unit: OrgUnit, *, session: Session) -> list[int]:
    return list(session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))))


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
        unit_id = None
        if unit_code:
            unit = session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
            if unit is None:
                raise NotFound("error.unit_not_found", code=unit_code)
            unit_id = unit.id
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
