"""Who may do what where: roles → actions, and the grants that give a user a role on a unit (sub-tree).

Every use-case calls `authorize(actor, action, unit_id, session=...)` itself, so a crafted
page state or a direct call cannot get round it. Grants and the user's active flag are read
from the database on every call (nothing is cached), so a revoked grant or a deactivated
account takes effect at the user's next click.

A grant on a unit covers that unit, and with `include_subtree` every unit below it; a grant
with no unit covers the whole organisation. A target of `None` is the organisation as a
whole (opening a campaign, importing units): only a grant with no unit covers it.

A deactivated unit keeps its history: the grants on it still let their holders read it, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from core.errors import Forbidden
from org.models import Actor, Role
from store.schema import OrgUnit, RoleGrant, User

# item.waive_evidence: tick an item that requires evidence done without a file, on a written reason.
ITEM_ACTIONS = ("item.done", "item.note", "item.evidence", "item.na", "item.reopen", "item.waive_evidence")
DRILL_ACTIONS = ("drill.plan", "drill.change", "drill.cancel", "drill.review")
# Declaring a heat wave, typhoon/rainstorm warning or orderly-power-use order for units, and closing it.
EVENT_ACTIONS = ("event.declare",)
# Recording a hazard found in a safety inspection (隐患) as a corrective action of the unit.
FINDING_ACTIONS = ("finding.raise",)
ADMIN_ACTIONS = ("admin.users", "admin.units", "admin.campaigns", "admin.templates")
ACTIONS = ("unit.read", *ITEM_ACTIONS, "declaration.sign", "declaration.sign_company", *DRILL_ACTIONS, *EVENT_ACTIONS,
           *FINDING_ACTIONS, *ADMIN_ACTIONS)

READ_ONLY = frozenset({"unit.read"})
_MEMBER = frozenset({"unit.read", "item.done", "item.note", "item.evidence"})

# The role table. `admin.users` includes granting and revoking roles. An admin ticks
# items only when also granted a unit role: nothing of the admin's own row touches items.
ROLE_ACTIONS: dict[Role, frozenset[str]] = {
    "unit_member": _MEMBER,
    "unit_lead": _MEMBER | {"item.na", "item.reopen", "item.waive_evidence", "declaration.sign", "event.declare",
                          "finding.raise"},
    "drill_coordinator": frozenset({"unit.read", *DRILL_ACTIONS, "event.declare", "finding.raise"}),
    "executive": frozenset({"unit.read", "declaration.sign_company"}),  # the company's declaration, last of all
    "admin": frozenset({"unit.read", *ADMIN_ACTIONS}),
}

# What each checklist change (checklists.changes) needs.
CHANGE_ACTION = {"done": "item.done", "na": "item.na", "reopen": "item.reopen", "note": "item.note",
                 "evidence": "item.evidence"}


@dataclass(frozen=True)
class Grant:
    """One of the user's grants, with the materialised path of its unit (None: the whole organisation)."""

    role: str
    unit_id: int | None
    path: str | None
    include_subtree: bool

    def covers(self, unit_id: int | None, path: str | None) -> bool:
        """Whether this grant reaches the unit (`None`: the organisation as a whole)."""
        if self.unit_id is None:
            return True
        if unit_id is None or path is None:
            return False
        return unit_id == self.unit_id or (self.include_subtree and path.startswith(self.path or "\0"))


def roles_with(action: str) -> frozenset[str]:
    """The roles whose holders may take `action`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return frozenset(role for role, actions in ROLE_ACTIONS.items() if action in actions)


@dataclass(frozen=True)
class _Access:
    """What one query tells about a user and a target unit: whether the account is active now,
    the target's code and path (None for the organisation or an unknown unit), and the grants."""

    active: bool
    unit_code: str | None
    unit_path: str | None
    grants: tuple[Grant, ...]
    unit_active: bool = True


def _access(actor: Actor, unit_id: int | None, *, session: Session) -> _Access:
    target = OrgUnit.__table__.alias("target")
    code = select(target.c.code).where(target.c.id == unit_id).scalar_subquery()
    path = select(target.c.path).where(target.c.id == unit_id).scalar_subquery()
    unit_active = select(target.c.is_active).where(target.c.id == unit_id).scalar_subquery()
    rows = session.execute(
        select(User.is_active, code, path, RoleGrant.role, RoleGrant.unit_id, OrgUnit.path, RoleGrant.include_subtree,
               unit_active)
        .select_from(User)
        .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
        .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.unit_id)
        .where(User.id == actor.user_id)
        .order_by(RoleGrant.id)
    ).all()
    if not rows or not rows[0][0]:
        return _Access(False, None, None, ())
    grants = tuple(Grant(role, gid, gpath, bool(sub)) for _, _, _, role, gid, gpath, sub, _ in rows if role is not None)
    return _Access(True, rows[0][1], rows[0][2], grants, unit_active=rows[0][7] is not False)


def active_grants(actor: Actor, *, session: Session) -> list[Grant]:
    """The user's grants as stored now; none at all when the account is deactivated or gone."""
    return list(_access(actor, None, session=session).grants)


def _actions(access: _Access, unit_id: int | None) -> frozenset[str]:
    if unit_id is not None and access.unit_path is None:
        return frozenset()  # no such unit
    found: set[str] = set()
    for grant in access.grants:
        if grant.covers(unit_id, access.unit_path):
            found |= ROLE_ACTIONS.get(grant.role, frozenset())  # type: ignore[call-overload]
    if not access.unit_active:
        found &= READ_ONLY  # a deactivated unit keeps its history for reading and takes no more changes
    return frozenset(found)


def actions_on(actor: Actor, unit_id: int | None, *, session: Session) -> frozenset[str]:
    """Every action the user may take on this unit now (for pages: which controls to show)."""
    return _actions(_access(actor, unit_id, session=session), unit_id)


def allowed(actor: Actor, action: str, unit_id: int | None, *, session: Session) -> bool:
    """Whether the user may take `action` on the unit (`None`: on the organisation as a whole)."""
    roles_with(action)
    return action in actions_on(actor, unit_id, session=session)


def authorize(actor: Actor, action: str, unit_id: int | None, *, session: Session) -> None:
    """Refuse with Forbidden unless the user, active now, holds a grant that allows `action` on the unit."""
    roles_with(action)  # an unknown action is a programming error, not a refusal
    access = _access(actor, unit_id, session=session)
    if not access.active:
        raise Forbidden("error.account_inactive")
    if action in _actions(access, unit_id):
        return
    if unit_id is None:
        raise Forbidden("error.forbidden_org", action=action)
    if not access.unit_active and action in _actions(replace(access, unit_active=True), unit_id):
        raise Forbidden("error.unit_inactive", unit=access.unit_code)  # a grant allows it, the unit no longer does
    raise Forbidden(action=action, unit=access.unit_code or str(unit_id))


def _scope_clause(grants: Iterable[Grant], roles: frozenset[str]) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    for g in grants:
        if g.role not in roles:
            continue
        if g.unit_id is None:
            return true()
        clauses.append(OrgUnit.path.startswith(g.path) if g.include_subtree and g.path else OrgUnit.id == g.unit_id)
    return or_(*clauses) if clauses else false()


def scope_unit_ids(actor: Actor, action: str, *, session: Session) -> set[int]:
    """The ids of every unit on which the user may take `action` now (pickers offer only these)."""
    clause = _scope_clause(active_grants(actor, session=session), roles_with(action))
    if action not in READ_ONLY:
        clause = clause & OrgUnit.is_active.is_(True)
    return set(session.scalars(select(OrgUnit.id).where(clause)))
