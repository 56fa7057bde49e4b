"""Administering people: deactivate and reactivate accounts, reset passwords, grant and revoke roles.

Each use-case needs `admin.users` on the whole organisation (org.authz), runs in the caller's
transaction and writes its entry to the admin audit log there (org.audit), so a change and its
audit entry commit together or not at all. Accounts and grants are never deleted from history:
a deactivated account stays, a revoked grant lives on in the audit log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from org import audit
from org.accounts import check_password_policy, hash_password
from org.authz import authorize
from org.models import Actor, Role
from org.queries import unit_by_code
from org.sessions import end_user_sessions
from store.schema import ROLES, OrgUnit, RoleGrant, User

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
TEMPORARY_PASSWORD_LENGTH = 14


def temporary_password(username: str) -> str:
    """A random password that passes the policy, to be shown once and changed at the first sign-in."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        try:
            check_password_policy(password, username)
        except InvalidInput:  # astronomically rare: contains the user name
            continue
        return password


@dataclass(frozen=True)
class GrantView:
    """A role a user holds on a unit (unit None: the whole organisation)."""

    id: int
    role: str
    unit_id: int | None
    unit_code: str | None
    unit_zh: str | None
    unit_en: str | None
    include_subtree: bool


@dataclass(frozen=True)
class UserView:
    """An account as the admin page lists it (never the password hash)."""

    id: int
    username: str
    display_name: str
    is_active: bool
    must_change_password: bool
    sso_identity: str | None
    grants: tuple[GrantView, ...]


def list_users(*, session: Session, actor: Actor) -> list[UserView]:
    """Every account with its grants, by user name (for an administrator)."""
    authorize(actor, "admin.users", None, session=session)
    grants: dict[int, list[GrantView]] = {}
    rows = session.execute(
        select(RoleGrant.user_id, RoleGrant.id, RoleGrant.role, RoleGrant.unit_id, OrgUnit.code, OrgUnit.name_zh,
               OrgUnit.name_en, RoleGrant.include_subtree)
        .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.unit_id)
        .order_by(RoleGrant.id)
    )
    for user_id, *grant in rows:
        grants.setdefault(user_id, []).append(GrantView(*grant))
    return [
        UserView(u.id, u.username, u.display_name, u.is_active, u.must_change_password, u.oidc_subject,
                 tuple(grants.get(u.id, ())))
        for u in session.scalars(select(User).order_by(User.username))
    ]


def _user(user_id: int, session: Session) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.user_not_found", user=user_id)
    return user


def deactivate_user(user_id: int, *, session: Session, actor: Actor | None, now: datetime) -> None:
    """Deactivate an account (kept, never deleted): it can no longer sign in, and every browser signed
    in as it is signed out at its next click. An administrator cannot deactivate their own account.
    `actor=None` is the command line."""
    if actor is not None:
        authorize(actor, "admin.users", None, session=session)
    user = _user(user_id, session)
    if actor is not None and user.id == actor.user_id:
        raise InvalidInput("error.cannot_deactivate_self")
    if not user.is_active:
        raise InvalidInput("error.user_already_inactive", user=user.username)
    user.is_active = False
    end_user_sessions(user.id, "deactivated", session=session, now=now)
    audit.record("user.deactivate", "user", user.username, before={"active": True}, after={"active": False},
                 session=session, actor=actor, now=now)


def reactivate_user(user_id: int, *, session: Session, actor: Actor, now: datetime) -> None:
    """Let a deactivated account sign in again (with the grants it still holds)."""
    authorize(actor, "admin.users", None, session=session)
    user = _user(user_id, session)
    if user.is_active:
        raise InvalidInput("error.user_already_active", user=user.username)
    user.is_active = True
    audit.record("user.reactivate", "user", user.username, before={"active": False}, after={"active": True},
                 session=session, actor=actor, now=now)
    session.flush()


def reset_password(user_id: int, *, session: Session, actor: Actor, now: datetime) -> str:
    """Give the user a new random password, returned to be handed over once: every session of the user
    ends, and the user must choose their own password at the next sign-in. The audit log records the
    reset, never the password."""
    authorize(actor, "admin.users", None, session=session)
    user = _user(user_id, session)
    password = temporary_password(user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_user_sessions(user.id, "password_reset", session=session, now=now)
    audit.record("user.reset_password", "user", user.username, before=None, after={"must_change_password": True},
                 session=session, actor=actor, now=now)
    return password


def grant_role(user_id: int, role: Role, unit_code: str | None, *, include_subtree: bool = True,
               session: Session, actor: Actor, now: datetime) -> GrantView:
    """Grant a role on a unit (with its sub-tree unless told otherwise), or with no unit on the whole
    organisation. A deactivated unit takes no new grants; the same role on the same unit is refused."""
    authorize(actor, "admin.users", None, session=session)
    if role not in ROLES:
        raise InvalidInput("error.unknown_role", role=role)
    user = _user(user_id, session)
    unit = unit_by_code(unit_code, session=session) if unit_code else None
    if unit is not None and not unit.is_active:
        raise InvalidInput("error.unit_inactive", unit=unit.code)
    unit_id = unit.id if unit else None
    duplicate = select(RoleGrant.id).where(RoleGrant.user_id == user.id, RoleGrant.role == role,
                                           RoleGrant.unit_id.is_(None) if unit_id is None else RoleGrant.unit_id == unit_id)
    if session.scalar(duplicate) is not None:
        raise InvalidInput("error.grant_exists", user=user.username, role=role, unit=unit_code or "*")
    grant = RoleGrant(user_id=user.id, role=role, unit_id=unit_id, include_subtree=include_subtree)
    session.add(grant)
    session.flush()
    audit.record("grant.add", "user", user.username, before=None, after=_grant_record(role, unit, include_subtree),
                 session=session, actor=actor, now=now)
    return GrantView(grant.id, role, unit_id, unit.code if unit else None, unit.name_zh if unit else None,
                     unit.name_en if unit else None, include_subtree)


def revoke_grant(grant_id: int, *, session: Session, actor: Actor, now: datetime) -> None:
    """Take a grant away; it takes effect at the holder's next click. An administrator cannot revoke
    the organisation-wide admin grant they are using to do it."""
    authorize(actor, "admin.users", None, session=session)
    grant = session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound("error.grant_not_found", grant=grant_id)
    if grant.user_id == actor.user_id and grant.role == "admin" and grant.unit_id is None:
        raise InvalidInput("error.cannot_revoke_own_admin")
    user = _user(grant.user_id, session)
    unit = session.get(OrgUnit, grant.unit_id) if grant.unit_id else None
    before = _grant_record(grant.role, unit, grant.include_subtree)
    session.delete(grant)
    audit.record("grant.revoke", "user", user.username, before=before, after=None, session=session, actor=actor,
                 now=now)
    session.flush()


def _grant_record(role: str, unit: OrgUnit | None, include_subtree: bool) -> dict:
    return {"role": role, "unit": unit.code if unit else None, "subtree": include_subtree}
