"""The admin use-cases, against the services on SQLite and PostgreSQL: people (accounts, passwords,
grants), units (create, rename, move, deactivate), unit imports and campaigns. Each change leaves
its entry in the admin audit log; each refusal leaves the database exactly as it was.

The fixture organisation (tests/conftest.py): P › C1 › C1-K1, C1-K2; P › C2. `lead` is unit lead on
C1, `other` a unit member on C1, `admin` an administrator of the whole organisation; one campaign
takes in every unit.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from checklists import campaigns, queries
from content.models import UnitSpec
from content.units import load_unit_specs
from core.errors import AuthError, DomainError, Forbidden, InvalidInput, NotFound
from core.i18n import STRINGS, t
from org import authz
from org.accounts import check_password_policy, create_user, sign_in
from org.audit import AuditEntry, recent_entries
from org.models import Actor
from org.people import (
    TEMPORARY_PASSWORD_LENGTH,
    deactivate_user,
    grant_role,
    list_users,
    reactivate_user,
    reset_password,
    revoke_grant,
    temporary_password,
)
from org.queries import all_units
from org.sessions import check_session, check_token, start_session
from org.units import create_unit, import_units, move_unit, rename_unit, set_unit_active
from store.db import snapshot, transaction
from store.schema import AdminAuditEvent, Base, OrgUnit, RoleGrant, User, UserSession
from tests.conftest import FIXTURE_SEEDS, NOW, World

PASSWORD = "correct-horse"  # every user of the world signs in with it
NEW_PASSWORD = "Summer-grid-2027"
LATER = NOW + timedelta(minutes=5)


# ── helpers ──────────────────────────────────────────────────────────────────

def database_state(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: what a refused use-case must leave as it was
    (the change counter included, so no page cache is invalidated either)."""
    with snapshot(engine) as s:
        return {table.name: [tuple(row) for row in s.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def assert_refused(engine: Engine, error: type[DomainError], code: str,
                   use_case: Callable[[Session], object]) -> DomainError:
    """Run the use-case in its own transaction, as a page does; it must be refused with `code`
    (a key of the string catalogue, in both languages) and leave every table unchanged."""
    before = database_state(engine)
    with pytest.raises(error) as refused, transaction(engine) as s:
        use_case(s)
    assert refused.value.code == code, refused.value
    assert code in STRINGS and all(STRINGS[code].get(lang) for lang in ("zh", "en"))
    assert database_state(engine) == before
    return refused.value


def audit(engine: Engine) -> list[AuditEntry]:
    """The audit log, newest first."""
    with snapshot(engine) as s:
        return recent_entries(session=s, limit=1000)


def new_entries(engine: Engine, before: list[AuditEntry]) -> list[AuditEntry]:
    """The entries written since `before` was read, oldest first (the log is append-only)."""
    entries = audit(engine)
    assert entries[len(entries) - len(before):] == before, "the audit log was rewritten"
    return entries[:len(entries) - len(before)][::-1]


def units_by_code(engine: Engine) -> dict[str, OrgUnit]:
    with snapshot(engine) as s:
        return {u.code: u for u in s.scalars(select(OrgUnit))}


def grant_id(engine: Engine, user: Actor, role: str) -> int:
    with snapshot(engine) as s:
        return s.scalar(select(RoleGrant.id).where(RoleGrant.user_id == user.user_id, RoleGrant.role == role))


def stored_user(engine: Engine, user: Actor) -> User:
    with snapshot(engine) as s:
        return s.get(User, user.user_id)


def allowed(world: World, who: Actor, action: str, code: str | None) -> bool:
    with snapshot(world.engine) as s:
        return authz.allowed(who, action, None if code is None else world.units[code], session=s)


def scope(world: World, who: Actor, action: str) -> set[str]:
    with snapshot(world.engine) as s:
        ids = authz.scope_unit_ids(who, action, session=s)
        return set(s.scalars(select(OrgUnit.code).where(OrgUnit.id.in_(ids))))


def make_user(world: World, username: str, grants: list[tuple[str, str | None]]) -> Actor:
    """A user created from the command line (trusted), signing in with PASSWORD."""
    with transaction(world.engine) as s:
        user = create_user(username, PASSWORD, username.title(), session=s, now=NOW, grants=grants)  # type: ignore[arg-type]
        return Actor(user.id, user.username, user.display_name)


def set_active(world: World, code: str, active: bool) -> None:
    with transaction(world.engine) as s:
        unit = s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
        set_unit_active(unit, active, session=s, actor=world.admin, now=LATER)


def spec(code: str, *children: UnitSpec, kind: str = "county", name_zh: str = "", name_en: str = "") -> UnitSpec:
    return UnitSpec(code=code, name_zh=name_zh or f"单位{code}", name_en=name_en or f"Unit {code}", kind=kind,
                    children=list(children))


# ── only an administrator of the whole organisation administers ─────────────

def _other_grant(s: Session, w: World) -> int:
    return s.scalar(select(RoleGrant.id).where(RoleGrant.user_id == w.other.user_id))


ADMIN_USE_CASES: dict[str, Callable[[Session, World, Actor], object]] = {
    "list users": lambda s, w, a: list_users(session=s, actor=a),
    "create a user": lambda s, w, a: create_user("zhang", NEW_PASSWORD, "张伟", session=s, now=NOW, actor=a,
                                                 grants=[("unit_member", "C1-K1")]),
    "deactivate a user": lambda s, w, a: deactivate_user(w.other.user_id, session=s, actor=a, now=LATER),
    "reactivate a user": lambda s, w, a: reactivate_user(w.other.user_id, session=s, actor=a, now=LATER),
    "reset a password": lambda s, w, a: reset_password(w.other.user_id, session=s, actor=a, now=LATER),
    "grant a role": lambda s, w, a: grant_role(w.other.user_id, "unit_lead", "C1-K1", session=s, actor=a,
                                               now=LATER),
    "revoke a grant": lambda s, w, a: revoke_grant(_other_grant(s, w), session=s, actor=a, now=LATER),
    "create a unit": lambda s, w, a: create_unit("C1-K3", "甲三县公司", "County A3", "county", "C1", session=s,
                                                 actor=a, now=LATER),
    "rename a unit": lambda s, w, a: rename_unit(w.units["C1-K1"], "甲一县供电公司", "County A1 Power", session=s,
                                                 actor=a, now=LATER),
    "move a unit": lambda s, w, a: move_unit(w.units["C1-K1"], "C2", session=s, actor=a, now=LATER),
    "deactivate a unit": lambda s, w, a: set_unit_active(w.units["C1-K2"], False, session=s, actor=a, now=LATER),
    "import units": lambda s, w, a: import_units([spec("C3", kind="city")], parent_code="P", session=s, actor=a,
                                                 now=LATER),
    "open a campaign": lambda s, w, a: campaigns.open_campaign(
        "2027 防汛", "mini", peak_start=date(2027, 5, 1), starts_on=date(2026, 11, 1), unit_codes=["C1"], session=s,
        actor=a, now=LATER),
    "let units join": lambda s, w, a: campaigns.add_units(w.campaign_id, ["C1"], session=s, actor=a,
                                                          joined_on=LATER.date(), now=LATER),
    "close a campaign": lambda s, w, a: campaigns.close_campaign(w.campaign_id, session=s, actor=a, now=LATER),
}


@pytest.mark.parametrize("who", ["unit lead", "admin of a unit but not of the organisation"])
@pytest.mark.parametrize("use_case", list(ADMIN_USE_CASES))
def test_only_an_administrator_of_the_whole_organisation_may_administer_and_a_refusal_changes_nothing(
        world, who, use_case):
    actor = world.lead if who == "unit lead" else make_user(world, "c1admin", [("admin", "P")])
    refused = assert_refused(world.engine, Forbidden, "error.forbidden_org",
                             lambda s: ADMIN_USE_CASES[use_case](s, world, actor))
    assert refused.params["action"].startswith("admin.")


def test_an_administrator_deactivated_by_another_can_administer_nothing_at_the_next_call(world):
    second = make_user(world, "admin2", [("admin", None)])
    with transaction(world.engine) as s:
        deactivate_user(second.user_id, session=s, actor=world.admin, now=LATER)
    assert_refused(world.engine, Forbidden, "error.account_inactive",
                   lambda s: reset_password(world.other.user_id, session=s, actor=second, now=LATER))


# ── accounts ─────────────────────────────────────────────────────────────────

def test_an_admin_creates_a_user_with_grants_and_the_audit_entry_names_who_and_what_but_no_password(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        user = create_user("zhang", NEW_PASSWORD, " 张伟 ", session=s, now=LATER, actor=world.admin,
                           grants=[("unit_member", "C1-K1"), ("executive", None)], must_change_password=True)
        stored_hash = user.password_hash
    zhang = Actor(user.id, "zhang", "张伟")

    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target_kind, entry.target, entry.who) == ("user.create", "user", "zhang", "管理员")
    assert entry.occurred_at == LATER and entry.before is None
    assert entry.after == {"name": "张伟", "must_change_password": True,
                           "grants": [{"role": "unit_member", "unit": "C1-K1", "subtree": True},
                                      {"role": "executive", "unit": None, "subtree": True}]}
    with snapshot(world.engine) as s:
        row = s.scalars(select(AdminAuditEvent).order_by(AdminAuditEvent.id.desc())).first()
        assert row.actor_id == world.admin.user_id
    written = json.dumps([entry.before, entry.after, entry.target], ensure_ascii=False)
    assert NEW_PASSWORD not in written and stored_hash not in written and "argon2" not in written

    assert sign_in(world.engine, "zhang", NEW_PASSWORD, client=None, now=LATER) == zhang
    assert allowed(world, zhang, "item.done", "C1-K1") and not allowed(world, zhang, "item.done", "C1-K2")
    assert allowed(world, zhang, "unit.read", "C2")  # the executive's organisation-wide reading


def test_a_user_created_from_the_command_line_is_in_the_audit_log_as_manage_py(world):
    before = audit(world.engine)
    make_user(world, "zhao", [("unit_member", "C2")])
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("user.create", "zhao", "manage.py")


@pytest.mark.parametrize(("grants", "error", "code"), [
    pytest.param([("superuser", "C1")], InvalidInput, "error.unknown_role", id="unknown-role"),
    pytest.param([("unit_member", "C1"), ("unit_lead", "NOPE")], NotFound, "error.unit_not_found", id="unknown-unit"),
    pytest.param([("unit_member", "C2")], InvalidInput, "error.unit_inactive", id="inactive-unit"),
])
def test_creating_a_user_with_a_bad_grant_creates_nobody_and_writes_no_audit_entry(world, grants, error, code):
    set_active(world, "C2", False)
    assert_refused(world.engine, error, code,
                   lambda s: create_user("zhang", NEW_PASSWORD, "张伟", session=s, now=LATER, actor=world.admin,
                                         grants=grants))
    with snapshot(world.engine) as s:
        assert s.scalar(select(User).where(User.username == "zhang")) is None


def test_deactivating_a_user_ends_every_session_of_theirs_and_they_can_no_longer_sign_in(world):
    theirs = [start_session(world.other.user_id, engine=world.engine, now=NOW) for _ in range(2)]
    mine = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    before = audit(world.engine)

    with transaction(world.engine) as s:
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)

    # Ended by the use-case itself, at once, not lazily at the next check.
    with snapshot(world.engine) as s:
        rows = s.scalars(select(UserSession).where(UserSession.user_id == world.other.user_id)).all()
        assert [(r.revoked_reason, r.revoked_at is not None) for r in rows] == [("deactivated", True)] * 2
    for session in theirs:
        check = check_session(session.id, engine=world.engine, now=LATER)
        assert not check.valid and check.actor is None and check.ended == "deactivated"
        assert check_token(session.token, engine=world.engine, now=LATER).ended == "deactivated"
    assert check_session(mine.id, engine=world.engine, now=LATER).actor == world.lead

    with pytest.raises(AuthError) as refused:
        sign_in(world.engine, "other", PASSWORD, client=None, now=LATER)
    assert refused.value.code == "error.bad_login"  # told apart from a wrong password by nobody
    assert not stored_user(world.engine, world.other).is_active
    with pytest.raises(Forbidden) as forbidden:
        world.change("C1", "plan-approved", "done", actor=world.other, at=LATER)
    assert forbidden.value.code == "error.account_inactive"

    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("user.deactivate", "other", "管理员")
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})


def test_an_admin_cannot_deactivate_their_own_account(world):
    assert_refused(world.engine, InvalidInput, "error.cannot_deactivate_self",
                   lambda s: deactivate_user(world.admin.user_id, session=s, actor=world.admin, now=LATER))
    assert sign_in(world.engine, "admin", PASSWORD, client=None, now=LATER) == world.admin


def test_deactivating_a_deactivated_user_is_refused_and_writes_no_second_entry(world):
    with transaction(world.engine) as s:
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)
    refused = assert_refused(world.engine, InvalidInput, "error.user_already_inactive",
                             lambda s: deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER))
    assert refused.params == {"user": "other"}


def test_an_unknown_user_cannot_be_deactivated_or_reset(world):
    assert_refused(world.engine, NotFound, "error.user_not_found",
                   lambda s: deactivate_user(99_999, session=s, actor=world.admin, now=LATER))
    assert_refused(world.engine, NotFound, "error.user_not_found",
                   lambda s: reset_password(99_999, session=s, actor=world.admin, now=LATER))


def test_a_reactivated_user_signs_in_again_with_the_grants_they_held_but_old_sessions_stay_ended(world):
    old = start_session(world.other.user_id, engine=world.engine, now=NOW)
    with transaction(world.engine) as s:
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)
    before = audit(world.engine)

    with transaction(world.engine) as s:
        reactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)

    assert sign_in(world.engine, "other", PASSWORD, client=None, now=LATER) == world.other
    assert check_session(old.id, engine=world.engine, now=LATER).ended == "deactivated"
    assert world.change("C1", "plan-approved", "done", actor=world.other, at=LATER).status == "done"
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.before, entry.after) == (
        "user.reactivate", "other", {"active": False}, {"active": True})
    assert_refused(world.engine, InvalidInput, "error.user_already_active",
                   lambda s: reactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER))


def test_a_password_reset_hands_out_a_policy_passing_password_once_and_ends_the_users_sessions(world):
    session = start_session(world.other.user_id, engine=world.engine, now=NOW)
    mine = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    old_hash = stored_user(world.engine, world.other).password_hash
    before = audit(world.engine)

    with transaction(world.engine) as s:
        password = reset_password(world.other.user_id, session=s, actor=world.admin, now=LATER)

    check_password_policy(password, "other")  # raises if the policy refuses it
    assert len(password) == TEMPORARY_PASSWORD_LENGTH and password != PASSWORD
    stored = stored_user(world.engine, world.other)
    assert stored.must_change_password is True
    assert stored.password_hash != old_hash and stored.password_hash.startswith("$argon2")
    assert password not in stored.password_hash

    ended = check_session(session.id, engine=world.engine, now=LATER)
    assert not ended.valid and ended.ended == "password_reset"
    assert check_session(mine.id, engine=world.engine, now=LATER).valid  # nobody else's

    with pytest.raises(AuthError):
        sign_in(world.engine, "other", PASSWORD, client=None, now=LATER)
    assert sign_in(world.engine, "other", password, client=None, now=LATER) == world.other
    fresh = start_session(world.other.user_id, engine=world.engine, now=LATER)
    assert check_token(fresh.token, engine=world.engine, now=LATER).must_change_password is True

    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("user.reset_password", "other", "管理员")
    assert entry.after == {"must_change_password": True}
    written = json.dumps([entry.before, entry.after, entry.target], ensure_ascii=False)
    assert password not in written and stored.password_hash not in written


def test_two_resets_hand_out_different_passwords_and_only_the_last_one_works(world):
    with transaction(world.engine) as s:
        first = reset_password(world.other.user_id, session=s, actor=world.admin, now=LATER)
    with transaction(world.engine) as s:
        second = reset_password(world.other.user_id, session=s, actor=world.admin, now=LATER)
    assert first != second
    with pytest.raises(AuthError):
        sign_in(world.engine, "other", first, client=None, now=LATER)
    assert sign_in(world.engine, "other", second, client=None, now=LATER) == world.other


@pytest.mark.parametrize("username", ["other", "abcdefgh", "Pass", "kmnp"])
def test_a_temporary_password_is_random_unambiguous_and_passes_the_policy(username):
    drawn = {temporary_password(username) for _ in range(50)}
    assert len(drawn) == 50
    for password in drawn:
        check_password_policy(password, username)
        assert len(password) == TEMPORARY_PASSWORD_LENGTH
        assert not set(password) & set("0O1lI")


# ── grants ───────────────────────────────────────────────────────────────────

def test_a_granted_role_lets_the_user_act_in_that_unit_at_once(world):
    assert not allowed(world, world.other, "item.na", "C2")
    before = audit(world.engine)

    with transaction(world.engine) as s:
        view = grant_role(world.other.user_id, "unit_lead", "C2", session=s, actor=world.admin, now=LATER)

    assert (view.role, view.unit_id, view.unit_code, view.unit_zh, view.include_subtree) == (
        "unit_lead", world.units["C2"], "C2", "乙市公司", True)
    assert allowed(world, world.other, "item.na", "C2")
    assert world.change("C2", "cable-patrol", "na", actor=world.other, text="本单位无电缆", at=LATER).status == "na"
    with snapshot(world.engine) as s:
        listed = next(u for u in list_users(session=s, actor=world.admin) if u.username == "other")
    assert view in listed.grants
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target_kind, entry.target, entry.before) == ("grant.add", "user", "other", None)
    assert entry.after == {"role": "unit_lead", "unit": "C2", "subtree": True}


def test_a_role_granted_without_the_sub_tree_covers_the_unit_alone(world):
    with transaction(world.engine) as s:
        grant_role(world.other.user_id, "unit_member", "P", include_subtree=False, session=s, actor=world.admin,
                   now=LATER)
    assert allowed(world, world.other, "item.done", "P")
    assert not allowed(world, world.other, "item.done", "C2")
    assert scope(world, world.other, "item.done") == {"P", "C1", "C1-K1", "C1-K2"}


def test_an_organisation_wide_role_can_be_granted(world):
    with transaction(world.engine) as s:
        view = grant_role(world.other.user_id, "executive", None, session=s, actor=world.admin, now=LATER)
    assert (view.unit_id, view.unit_code) == (None, None)
    assert allowed(world, world.other, "unit.read", "C2")


@pytest.mark.parametrize(("who", "role", "unit"), [
    pytest.param("other", "unit_member", "C1", id="same-role-same-unit"),
    pytest.param("admin", "admin", None, id="same-organisation-wide-role"),
])
def test_granting_a_role_the_user_already_holds_there_is_refused(world, who, role, unit):
    user = getattr(world, who)
    refused = assert_refused(world.engine, InvalidInput, "error.grant_exists",
                             lambda s: grant_role(user.user_id, role, unit, session=s, actor=world.admin, now=LATER))
    assert refused.params == {"user": who, "role": role, "unit": unit or "*"}


def test_granting_a_role_on_a_deactivated_unit_is_refused(world):
    set_active(world, "C2", False)
    refused = assert_refused(world.engine, InvalidInput, "error.unit_inactive",
                             lambda s: grant_role(world.other.user_id, "unit_member", "C2", session=s,
                                                  actor=world.admin, now=LATER))
    assert refused.params == {"unit": "C2"}


@pytest.mark.parametrize(("role", "unit", "error", "code"), [
    pytest.param("superuser", "C1", InvalidInput, "error.unknown_role", id="unknown-role"),
    pytest.param("unit_lead", "NOPE", NotFound, "error.unit_not_found", id="unknown-unit"),
])
def test_granting_an_unknown_role_or_on_an_unknown_unit_is_refused(world, role, unit, error, code):
    assert_refused(world.engine, error, code,
                   lambda s: grant_role(world.other.user_id, role, unit, session=s, actor=world.admin, now=LATER))


def test_a_role_cannot_be_granted_to_an_unknown_user(world):
    assert_refused(world.engine, NotFound, "error.user_not_found",
                   lambda s: grant_role(99_999, "unit_member", "C1", session=s, actor=world.admin, now=LATER))


def test_a_revoked_grant_takes_effect_at_the_holders_next_call(world):
    grant = grant_id(world.engine, world.other, "unit_member")
    world.change("C1", "plan-approved", "done", actor=world.other)
    before = audit(world.engine)

    with transaction(world.engine) as s:
        revoke_grant(grant, session=s, actor=world.admin, now=LATER)

    assert not allowed(world, world.other, "unit.read", "C1")
    assert scope(world, world.other, "unit.read") == set()
    with pytest.raises(Forbidden) as refused:
        world.change("C1", "duty-roster", "done", actor=world.other, at=LATER)
    assert refused.value.params == {"action": "item.done", "unit": "C1"}
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("grant.revoke", "other", "管理员")
    assert (entry.before, entry.after) == ({"role": "unit_member", "unit": "C1", "subtree": True}, None)
    assert_refused(world.engine, NotFound, "error.grant_not_found",
                   lambda s: revoke_grant(grant, session=s, actor=world.admin, now=LATER))


def test_an_admin_cannot_revoke_their_own_organisation_wide_admin_grant(world):
    own = grant_id(world.engine, world.admin, "admin")
    assert_refused(world.engine, InvalidInput, "error.cannot_revoke_own_admin",
                   lambda s: revoke_grant(own, session=s, actor=world.admin, now=LATER))
    assert allowed(world, world.admin, "admin.users", None)


def test_an_admin_may_revoke_another_administrators_grant_who_then_administers_nothing(world):
    second = make_user(world, "admin2", [("admin", None)])
    with transaction(world.engine) as s:
        revoke_grant(grant_id(world.engine, second, "admin"), session=s, actor=world.admin, now=LATER)
    assert_refused(world.engine, Forbidden, "error.forbidden_org",
                   lambda s: list_users(session=s, actor=second))


def test_the_user_list_shows_every_account_with_its_grants_and_never_a_password_hash(world):
    with transaction(world.engine) as s:
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)
    with snapshot(world.engine) as s:
        users = list_users(session=s, actor=world.admin)
        hashes = set(s.scalars(select(User.password_hash)))

    assert [u.username for u in users] == ["admin", "lead", "other"]
    by_name = {u.username: u for u in users}
    assert (by_name["lead"].display_name, by_name["lead"].is_active) == ("王磊", True)
    assert by_name["other"].is_active is False
    [lead_grant] = by_name["lead"].grants
    assert (lead_grant.role, lead_grant.unit_id, lead_grant.unit_code, lead_grant.unit_zh, lead_grant.unit_en,
            lead_grant.include_subtree) == ("unit_lead", world.units["C1"], "C1", "甲市公司", "City A", True)
    [admin_grant] = by_name["admin"].grants
    assert (admin_grant.role, admin_grant.unit_id, admin_grant.unit_code) == ("admin", None, None)

    for user in users:
        fields = {f.name for f in dataclasses.fields(user)}
        assert not {name for name in fields if "hash" in name or name == "password"}, fields
        values = json.dumps(dataclasses.asdict(user), ensure_ascii=False, default=str)
        assert "$argon2" not in values and not any(h in values for h in hashes)


# ── units ────────────────────────────────────────────────────────────────────

def test_an_admin_creates_a_unit_under_a_parent_with_the_right_path_and_depth(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        unit = create_unit("C1-K3", " 甲三县公司 ", "County A3", "county", "C1", session=s, actor=world.admin,
                           now=LATER)
        new_id = unit.id

    units = units_by_code(world.engine)
    new, parent = units["C1-K3"], units["C1"]
    assert (new.id, new.parent_id, new.path, new.depth, new.is_active) == (
        new_id, parent.id, f"{parent.path}{new_id}/", 2, True)
    assert (new.name_zh, new.name_en, new.kind) == ("甲三县公司", "County A3", "county")
    with snapshot(world.engine) as s:
        order = [u.code for u in all_units(session=s)]
    assert order.index("C1") < order.index("C1-K3") < order.index("C2")
    assert scope(world, world.lead, "item.done") == {"C1", "C1-K1", "C1-K2", "C1-K3"}  # the lead's sub-tree grows

    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target_kind, entry.target, entry.who, entry.before) == (
        "unit.create", "unit", "C1-K3", "管理员", None)
    assert entry.after == {"name_zh": "甲三县公司", "name_en": "County A3", "kind": "county", "function": None,
                           "parent": "C1"}


def test_a_unit_created_without_a_parent_is_a_new_top_level_unit(world):
    with transaction(world.engine) as s:
        create_unit("Q", "测试二省公司", "Second Province", "province", None, session=s, actor=world.admin, now=LATER)
    q = units_by_code(world.engine)["Q"]
    assert (q.parent_id, q.path, q.depth) == (None, f"/{q.id}/", 0)


GOOD_UNIT = {"code": "C1-K3", "name_zh": "甲三县公司", "name_en": "County A3", "kind": "county", "parent": "C1"}


@pytest.mark.parametrize(("changes", "error", "code"), [
    pytest.param({"code": "C1 K3"}, InvalidInput, "error.unit_code_format", id="code-with-a-space"),
    pytest.param({"code": "-K3"}, InvalidInput, "error.unit_code_format", id="code-starting-with-a-hyphen"),
    pytest.param({"code": "C1_K3"}, InvalidInput, "error.unit_code_format", id="code-with-an-underscore"),
    pytest.param({"code": ""}, InvalidInput, "error.unit_code_format", id="no-code"),
    pytest.param({"code": "K" * 65}, InvalidInput, "error.unit_code_format", id="code-too-long"),
    pytest.param({"name_zh": " "}, InvalidInput, "error.unit_name_zh", id="no-chinese-name"),
    pytest.param({"name_zh": "County A3"}, InvalidInput, "error.unit_name_zh", id="chinese-name-without-hanzi"),
    pytest.param({"name_en": " "}, InvalidInput, "error.unit_name_en", id="no-english-name"),
    pytest.param({"name_en": "A" * 201}, InvalidInput, "error.unit_name_too_long", id="name-too-long"),
    pytest.param({"kind": "village"}, InvalidInput, "error.unit_kind", id="unknown-kind"),
    pytest.param({"code": "C1-K1"}, InvalidInput, "error.unit_exists", id="code-taken"),
    pytest.param({"parent": "NOPE"}, NotFound, "error.unit_not_found", id="unknown-parent"),
    pytest.param({"parent": "C2"}, InvalidInput, "error.unit_inactive", id="deactivated-parent"),
])
def test_creating_a_unit_with_bad_input_is_refused_and_writes_nothing(world, changes, error, code):
    set_active(world, "C2", False)
    args = GOOD_UNIT | changes
    assert_refused(world.engine, error, code,
                   lambda s: create_unit(args["code"], args["name_zh"], args["name_en"], args["kind"], args["parent"],
                                         session=s, actor=world.admin, now=LATER))


def test_renaming_a_unit_records_the_names_before_and_after_and_keeps_its_code_and_place(world):
    units_before = units_by_code(world.engine)
    before = audit(world.engine)
    with transaction(world.engine) as s:
        rename_unit(world.units["C1"], "甲市供电公司", "City A Power Supply", session=s, actor=world.admin, now=LATER)
    c1 = units_by_code(world.engine)["C1"]
    assert (c1.name_zh, c1.name_en) == ("甲市供电公司", "City A Power Supply")
    assert (c1.code, c1.parent_id, c1.path, c1.depth, c1.kind) == (
        "C1", units_before["C1"].parent_id, units_before["C1"].path, 1, "city")
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("unit.rename", "C1", "管理员")
    assert entry.before == {"name_zh": "甲市公司", "name_en": "City A"}
    assert entry.after == {"name_zh": "甲市供电公司", "name_en": "City A Power Supply"}


@pytest.mark.parametrize(("name_zh", "name_en", "code"), [
    pytest.param("甲市公司", "City A", "error.nothing_changed", id="same-names"),
    pytest.param(" 甲市公司 ", "City A ", "error.nothing_changed", id="same-names-but-for-spaces"),
    pytest.param("City A", "City A", "error.unit_name_zh", id="chinese-name-without-hanzi"),
    pytest.param("甲市公司", "", "error.unit_name_en", id="no-english-name"),
])
def test_a_rename_that_changes_nothing_or_names_badly_is_refused(world, name_zh, name_en, code):
    assert_refused(world.engine, InvalidInput, code,
                   lambda s: rename_unit(world.units["C1"], name_zh, name_en, session=s, actor=world.admin, now=LATER))


def test_renaming_an_unknown_unit_is_refused(world):
    assert_refused(world.engine, NotFound, "error.unit_not_found",
                   lambda s: rename_unit(99_999, "某单位", "Some unit", session=s, actor=world.admin, now=LATER))


def test_moving_a_unit_takes_its_whole_sub_tree_along(world):
    world.change("C1-K1", "plan-approved", "done")
    before = audit(world.engine)

    with transaction(world.engine) as s:
        move_unit(world.units["C1"], "C2", session=s, actor=world.admin, now=LATER)

    units = units_by_code(world.engine)
    c1, c2 = units["C1"], units["C2"]
    assert (c1.parent_id, c1.path, c1.depth) == (c2.id, f"{c2.path}{c1.id}/", 2)
    for child in ("C1-K1", "C1-K2"):
        assert units[child].path == f"{c1.path}{units[child].id}/" and units[child].depth == 3
        assert units[child].parent_id == c1.id
    with snapshot(world.engine) as s:
        listed = [(u.code, u.depth) for u in all_units(session=s)]
    assert listed == [("P", 0), ("C2", 1), ("C1", 2), ("C1-K1", 3), ("C1-K2", 3)]
    # Grants on a sub-tree follow it: the lead still reaches the counties.
    assert scope(world, world.lead, "item.done") == {"C1", "C1-K1", "C1-K2"}
    assert world.change("C1-K1", "duty-roster", "done", at=LATER).status == "done"

    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who) == ("unit.move", "C1", "管理员")
    assert (entry.before, entry.after) == ({"parent": "P"}, {"parent": "C2"})


def test_a_unit_moved_to_the_top_level_becomes_a_root_with_its_sub_tree(world):
    with transaction(world.engine) as s:
        move_unit(world.units["C1"], None, session=s, actor=world.admin, now=LATER)
    units = units_by_code(world.engine)
    assert (units["C1"].parent_id, units["C1"].path, units["C1"].depth) == (None, f"/{units['C1'].id}/", 0)
    assert units["C1-K2"].path == f"/{units['C1'].id}/{units['C1-K2'].id}/" and units["C1-K2"].depth == 1
    assert audit(world.engine)[0].after == {"parent": None}


@pytest.mark.parametrize(("code", "under", "error", "reason"), [
    pytest.param("C1", "C1-K1", InvalidInput, "error.unit_cycle", id="under-its-own-sub-unit"),
    pytest.param("P", "C1-K2", InvalidInput, "error.unit_cycle", id="root-under-a-grandchild"),
    pytest.param("C1", "C1", InvalidInput, "error.unit_cycle", id="under-itself"),
    pytest.param("C1", "P", InvalidInput, "error.nothing_changed", id="under-the-parent-it-has"),
    pytest.param("P", None, InvalidInput, "error.nothing_changed", id="root-to-the-top-level"),
    pytest.param("C1-K1", "C2", InvalidInput, "error.unit_inactive", id="under-a-deactivated-unit"),
    pytest.param("C1-K1", "NOPE", NotFound, "error.unit_not_found", id="under-an-unknown-unit"),
])
def test_a_move_under_itself_its_sub_unit_its_own_parent_or_a_deactivated_unit_is_refused(
        world, code, under, error, reason):
    set_active(world, "C2", False)
    refused = assert_refused(world.engine, error, reason,
                             lambda s: move_unit(world.units[code], under, session=s, actor=world.admin, now=LATER))
    if reason == "error.unit_cycle":
        assert refused.params == {"unit": code, "parent": under}
        assert code in t(reason, "en", **refused.params) and under in t(reason, "zh", **refused.params)


def test_a_unit_with_active_sub_units_cannot_be_deactivated(world):
    refused = assert_refused(world.engine, InvalidInput, "error.unit_has_active_children",
                             lambda s: set_unit_active(world.units["C1"], False, session=s, actor=world.admin,
                                                       now=LATER))
    assert refused.params == {"unit": "C1", "count": 2}


def test_deactivating_the_leaves_then_their_parent_works_and_each_is_in_the_audit_log(world):
    before = audit(world.engine)
    for code in ("C1-K1", "C1-K2", "C1"):
        set_active(world, code, False)
    units = units_by_code(world.engine)
    assert [units[c].is_active for c in ("P", "C1", "C1-K1", "C1-K2", "C2")] == [True, False, False, False, True]
    entries = new_entries(world.engine, before)
    assert [(e.action, e.target, e.before, e.after) for e in entries] == [
        ("unit.deactivate", code, {"active": True}, {"active": False}) for code in ("C1-K1", "C1-K2", "C1")]
    with snapshot(world.engine) as s:  # kept, never deleted, and still listed
        assert {u.code: u.is_active for u in all_units(session=s)}["C1"] is False


def test_deactivating_a_deactivated_unit_or_activating_an_active_one_is_refused(world):
    set_active(world, "C2", False)
    assert_refused(world.engine, InvalidInput, "error.unit_already_inactive",
                   lambda s: set_unit_active(world.units["C2"], False, session=s, actor=world.admin, now=LATER))
    assert_refused(world.engine, InvalidInput, "error.unit_already_active",
                   lambda s: set_unit_active(world.units["C1"], True, session=s, actor=world.admin, now=LATER))


def test_a_unit_cannot_be_reactivated_under_a_deactivated_parent_but_can_once_the_parent_is(world):
    for code in ("C1-K1", "C1-K2", "C1"):
        set_active(world, code, False)
    refused = assert_refused(world.engine, InvalidInput, "error.unit_inactive",
                             lambda s: set_unit_active(world.units["C1-K1"], True, session=s, actor=world.admin,
                                                       now=LATER))
    assert refused.params == {"unit": "C1"}
    set_active(world, "C1", True)
    set_active(world, "C1-K1", True)
    assert units_by_code(world.engine)["C1-K1"].is_active


def test_a_deactivated_unit_stays_readable_by_its_grant_holders_but_takes_no_more_changes(world):
    world.change("C1-K1", "plan-approved", "done")
    world.change("C1-K1", "cable-patrol", "na", text="本单位无电缆")
    with snapshot(world.engine) as s:
        checklist_before = queries.unit_checklist(world.campaign_id, world.units["C1-K1"], session=s)

    set_active(world, "C1-K1", False)

    with snapshot(world.engine) as s:
        assert queries.unit_checklist(world.campaign_id, world.units["C1-K1"], session=s,
                                      actor=world.lead) == checklist_before
        assert authz.actions_on(world.lead, world.units["C1-K1"], session=s) == {"unit.read"}
    assert allowed(world, world.lead, "unit.read", "C1-K1")
    assert allowed(world, world.other, "unit.read", "C1-K1")
    assert not allowed(world, world.lead, "item.done", "C1-K1")
    assert allowed(world, world.lead, "item.done", "C1-K2")  # its siblings are untouched

    events_before = database_state(world.engine)["checklist_events"]
    for who, item, action, text in [(world.lead, "duty-roster", "done", ""), (world.lead, "plan-approved", "reopen", ""),
                                    (world.other, "cable-seal", "note", "还能写吗")]:
        with pytest.raises(Forbidden) as refused:
            world.change("C1-K1", item, action, actor=who, text=text, at=LATER)
        assert refused.value.code == "error.unit_inactive" and refused.value.params == {"unit": "C1-K1"}
        assert "C1-K1" in t(refused.value.code, "en", **refused.value.params)
    assert database_state(world.engine)["checklist_events"] == events_before

    assert scope(world, world.lead, "item.done") == {"C1", "C1-K2"}
    assert scope(world, world.lead, "item.na") == {"C1", "C1-K2"}
    assert scope(world, world.lead, "unit.read") == {"C1", "C1-K1", "C1-K2"}
    assert "C1-K1" not in scope(world, world.admin, "admin.units")  # no action but reading reaches it
    assert "C1-K1" in scope(world, world.admin, "unit.read")


def test_someone_without_a_grant_on_a_deactivated_unit_still_cannot_read_it_and_is_told_so(world):
    """Not "its history stays readable" (error.unit_inactive): that is true only for the unit's grant holders."""
    set_active(world, "C2", False)
    assert not allowed(world, world.lead, "unit.read", "C2")
    with snapshot(world.engine) as s, pytest.raises(Forbidden) as refused:
        queries.unit_checklist(world.campaign_id, world.units["C2"], session=s, actor=world.lead)
    assert (refused.value.code, refused.value.params) == ("error.forbidden", {"action": "unit.read", "unit": "C2"})
    with pytest.raises(Forbidden) as tick:
        world.change("C2", "plan-approved", "done", at=LATER)
    assert (tick.value.code, tick.value.params) == ("error.forbidden", {"action": "item.done", "unit": "C2"})


def test_deactivating_and_reactivating_a_unit_leaves_its_history_and_readiness_untouched(world):
    world.change("C1-K1", "plan-approved", "done")
    world.change("C1-K1", "duty-roster", "note", text="已与调度确认")
    history = ("checklist_events", "checklist_status", "readiness_daily", "campaign_units", "role_grants")
    state = database_state(world.engine)

    set_active(world, "C1-K1", False)
    after = database_state(world.engine)
    assert {name: after[name] for name in history} == {name: state[name] for name in history}
    with snapshot(world.engine) as s:
        log = queries.item_history(world.campaign_id, world.units["C1-K1"], world.items["plan-approved"], session=s,
                                   actor=world.lead)
    assert [(e.who, e.action, e.status_after) for e in log] == [("王磊", "done", "done")]

    set_active(world, "C1-K1", True)
    assert world.change("C1-K1", "cable-seal", "done", at=LATER).status == "done"


# ── importing units ──────────────────────────────────────────────────────────

def test_the_fixture_import_recorded_each_unit_it_created_as_the_command_line(world):
    creates = [e for e in audit(world.engine) if e.action == "unit.create"][::-1]
    assert [(e.target, e.who, e.after["parent"]) for e in creates] == [
        ("P", "manage.py", None), ("C1", "manage.py", "P"), ("C1-K1", "manage.py", "C1"),
        ("C1-K2", "manage.py", "C1"), ("C2", "manage.py", "P")]


def test_an_import_writes_an_audit_entry_for_each_unit_it_creates_renames_or_moves(world):
    before = audit(world.engine)
    file = [spec("C1", spec("C1-K3"), spec("C2", kind="city", name_zh="乙市公司", name_en="City B"),
                 kind="city", name_zh="甲市公司", name_en="City A Power Supply")]
    with transaction(world.engine) as s:
        result = import_units(file, session=s, actor=world.admin, now=LATER)
    assert (result.created, len(result.moved)) == (1, 1)

    entries = new_entries(world.engine, before)
    assert {e.who for e in entries} == {"管理员"} and {e.occurred_at for e in entries} == {LATER}
    assert sorted((e.action, e.target, e.before, e.after) for e in entries) == sorted([
        ("unit.update", "C1", {"name_zh": "甲市公司", "name_en": "City A", "kind": "city", "function": None},
         {"name_zh": "甲市公司", "name_en": "City A Power Supply", "kind": "city", "function": None}),
        ("unit.create", "C1-K3", None,
         {"name_zh": "单位C1-K3", "name_en": "Unit C1-K3", "kind": "county", "function": None, "parent": "C1"}),
        ("unit.move", "C2", {"parent": "P"}, {"parent": "C1"}),
    ])


def test_an_import_from_the_command_line_is_recorded_as_manage_py(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        import_units([spec("C3", kind="city")], parent_code="P", session=s, now=LATER)
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who, entry.occurred_at) == ("unit.create", "C3", "manage.py", LATER)


def test_reimporting_an_unchanged_tree_writes_no_audit_entry(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        result = import_units(load_unit_specs(FIXTURE_SEEDS / "demo_org.yaml"), session=s, actor=world.admin,
                              now=LATER)
    assert (result.created, result.updated, result.moved) == (0, 5, ())
    assert new_entries(world.engine, before) == []


@pytest.mark.parametrize(("file", "parent_code"), [
    pytest.param([spec("C2-K1")], "C2", id="a-new-unit-under-a-deactivated-parent"),
    pytest.param([spec("C1-K1")], "C2", id="an-active-unit-moved-under-a-deactivated-parent"),
    pytest.param([spec("C2", spec("C2-K1"), kind="city", name_zh="乙市公司", name_en="City B")], None,
                 id="a-deactivated-unit-given-a-new-child-by-nesting"),
])
def test_an_import_cannot_hang_an_active_unit_under_a_deactivated_one(world, file, parent_code):
    """The tree never has an active unit below a deactivated one (org.units.set_unit_active); the
    admin page's create_unit and move_unit refuse it, and so must an import."""
    set_active(world, "C2", False)
    assert_refused(world.engine, InvalidInput, "error.unit_inactive",
                   lambda s: import_units(file, parent_code=parent_code, session=s, actor=world.admin, now=LATER))


# ── campaigns ────────────────────────────────────────────────────────────────

def test_opening_a_campaign_records_its_template_dates_and_units(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        campaigns.open_campaign(" 2027 防汛 ", "mini", peak_start=date(2027, 5, 1), starts_on=date(2026, 11, 1),
                                unit_codes=["C1", "C2", "C1"], session=s, actor=world.admin, now=LATER)
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target_kind, entry.target, entry.who, entry.occurred_at, entry.before) == (
        "campaign.open", "campaign", "2027 防汛", "管理员", LATER, None)
    assert entry.after == {"templates": ["mini v1"], "starts_on": "2026-11-01", "peak_start": "2027-05-01",
                           "peak_end": None, "units": ["C1", "C2"]}


def test_letting_units_join_records_which_and_from_when(world):
    with transaction(world.engine) as s:
        import_units([spec("C3", kind="city")], parent_code="P", session=s, now=NOW)
    before = audit(world.engine)
    with transaction(world.engine) as s:
        joined = campaigns.add_units(world.campaign_id, ["C3"], session=s, actor=world.admin,
                                     joined_on=date(2026, 11, 10), now=LATER)
    assert joined == 1
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who, entry.occurred_at) == (
        "campaign.add_units", "2027 迎峰度夏", "管理员", LATER)
    assert entry.after == {"units": ["C3"], "joined_on": "2026-11-10"}
    with snapshot(world.engine) as s:
        assert len(queries.unit_checklist(world.campaign_id, s.scalar(select(OrgUnit.id).where(OrgUnit.code == "C3")),
                                          session=s)) == 4


def test_closing_a_campaign_records_the_status_before_and_after(world):
    before = audit(world.engine)
    with transaction(world.engine) as s:
        campaigns.close_campaign(world.campaign_id, session=s, actor=world.admin, now=LATER)
    [entry] = new_entries(world.engine, before)
    assert (entry.action, entry.target, entry.who, entry.occurred_at) == (
        "campaign.close", "2027 迎峰度夏", "管理员", LATER)
    assert (entry.before, entry.after) == ({"status": "open"}, {"status": "closed"})


def test_no_unit_can_join_a_closed_campaign(world):
    with transaction(world.engine) as s:
        import_units([spec("C3", kind="city")], parent_code="P", session=s, now=NOW)
        campaigns.close_campaign(world.campaign_id, session=s, actor=world.admin, now=NOW)
    assert_refused(world.engine, InvalidInput, "error.campaign_already_closed",
                   lambda s: campaigns.add_units(world.campaign_id, ["C3"], session=s, actor=world.admin,
                                                 joined_on=LATER.date(), now=LATER))


def test_a_deactivated_unit_cannot_join_a_campaign_or_take_part_in_a_new_one(world):
    with transaction(world.engine) as s:
        import_units([spec("C3", kind="city")], parent_code="P", session=s, now=NOW)
    set_active(world, "C3", False)
    refused = assert_refused(world.engine, InvalidInput, "error.unit_inactive",
                             lambda s: campaigns.add_units(world.campaign_id, ["C3"], session=s, actor=world.admin,
                                                           joined_on=LATER.date(), now=LATER))
    assert refused.params == {"unit": "C3"}
    assert_refused(world.engine, InvalidInput, "error.unit_inactive",
                   lambda s: campaigns.open_campaign("2027 防汛", "mini", peak_start=date(2027, 5, 1),
                                                     starts_on=date(2026, 11, 1), unit_codes=["C1", "C3"], session=s,
                                                     actor=world.admin, now=LATER))


def test_units_cannot_join_an_unknown_campaign(world):
    assert_refused(world.engine, NotFound, "error.campaign_not_found",
                   lambda s: campaigns.add_units(99_999, ["C1"], session=s, actor=world.admin,
                                                 joined_on=LATER.date(), now=LATER))


# ── the log itself ───────────────────────────────────────────────────────────

def test_the_audit_log_lists_the_newest_first_and_filters_by_kind_of_target(world):
    with transaction(world.engine) as s:
        rename_unit(world.units["C2"], "乙市供电公司", "City B Power", session=s, actor=world.admin, now=LATER)
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER + timedelta(minutes=1))
    with snapshot(world.engine) as s:
        newest = recent_entries(session=s, limit=2)
        units_only = recent_entries(session=s, target_kind="unit")
    assert [e.action for e in newest] == ["user.deactivate", "unit.rename"]
    assert {e.target_kind for e in units_only} == {"unit"} and units_only[0].action == "unit.rename"
    assert [e.occurred_at for e in newest] == [LATER + timedelta(minutes=1), LATER]


def test_every_audit_entry_holds_no_password_and_no_password_hash(world):
    """After every use-case that touches accounts, nothing secret is anywhere in the log."""
    with transaction(world.engine) as s:
        create_user("zhang", NEW_PASSWORD, "张伟", session=s, now=LATER, actor=world.admin,
                    grants=[("unit_member", "C1")])
        temp = reset_password(world.other.user_id, session=s, actor=world.admin, now=LATER)
        deactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)
        reactivate_user(world.other.user_id, session=s, actor=world.admin, now=LATER)
    with snapshot(world.engine) as s:
        hashes = set(s.scalars(select(User.password_hash)))
        rows = s.execute(select(AdminAuditEvent.__table__)).all()
    text = json.dumps([[str(v) for v in row] for row in rows], ensure_ascii=False)
    for secret in (NEW_PASSWORD, temp, PASSWORD, *hashes):
        assert secret not in text
