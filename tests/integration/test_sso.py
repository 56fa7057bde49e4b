"""Single sign-on maps the company login's identity to a linked local user, who still needs grants;
only an administrator links identities, and every link is in the admin audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import AuthError, Forbidden, InvalidInput, NotFound
from org.accounts import create_user
from org.audit import recent_entries
from org.authz import scope_unit_ids
from org.models import Actor
from org.people import deactivate_user
from org.sso import identity_from_claims, link_identity, sso_sign_in
from store.db import snapshot, transaction
from store.schema import User
from tests.conftest import NOW

LEAD_MAIL = "wang.lei@grid.example.cn"


def link(world, user: Actor, identity: str | None, *, actor: Actor | None = None) -> str | None:
    with transaction(world.engine) as s:
        return link_identity(user.user_id, identity, session=s, actor=actor or world.admin, now=NOW)


def linked_identity(world, user: Actor) -> str | None:
    with snapshot(world.engine) as s:
        return s.scalar(select(User.oidc_subject).where(User.id == user.user_id))


def logged_in(email: str | None = None, **claims: object) -> dict[str, object]:
    """The claims st.user holds for someone the provider logged in (the email verified unless told)."""
    base: dict[str, object] = {"sub": "00u1AbCdEf", "email_verified": True}
    if email is not None:
        base["email"] = email
    return base | claims


def test_a_linked_identity_signs_in_as_its_local_user(world):
    link(world, world.lead, LEAD_MAIL)

    who = sso_sign_in(world.engine, logged_in(LEAD_MAIL), claim="email", now=NOW)

    assert who == world.lead


def test_an_email_is_matched_whatever_its_case_and_surrounding_spaces(world):
    link(world, world.lead, "  Wang.Lei@Grid.Example.CN ")
    assert linked_identity(world, world.lead) == LEAD_MAIL

    who = sso_sign_in(world.engine, logged_in("WANG.LEI@grid.example.cn"), claim="email", now=NOW)

    assert who == world.lead


def test_an_identity_nobody_linked_is_refused_naming_the_identity(world):
    with pytest.raises(AuthError) as refused:
        sso_sign_in(world.engine, logged_in("Stranger@Grid.Example.CN"), claim="email", now=NOW)

    assert refused.value.code == "error.sso_not_linked"
    assert refused.value.params == {"identity": "stranger@grid.example.cn"}


def test_an_email_the_provider_marks_unverified_is_refused_even_when_linked(world):
    link(world, world.lead, LEAD_MAIL)

    for flag in (False, "false"):
        with pytest.raises(AuthError) as refused:
            sso_sign_in(world.engine, logged_in(LEAD_MAIL, email_verified=flag), claim="email", now=NOW)
        assert refused.value.code == "error.sso_email_unverified"


def test_an_email_from_a_provider_that_says_nothing_about_verification_is_accepted(world):
    link(world, world.lead, LEAD_MAIL)
    claims = logged_in(LEAD_MAIL)
    del claims["email_verified"]

    assert sso_sign_in(world.engine, claims, claim="email", now=NOW) == world.lead


@pytest.mark.parametrize("claims", [logged_in(), logged_in(""), logged_in("   "), logged_in(email=None, name="王磊")])
def test_a_login_without_the_configured_claim_is_refused(world, claims):
    with pytest.raises(AuthError) as refused:
        sso_sign_in(world.engine, claims, claim="email", now=NOW)

    assert refused.value.code == "error.sso_no_identity"
    assert refused.value.params == {"claim": "email"}


def test_a_deactivated_users_identity_signs_nobody_in(world):
    link(world, world.lead, LEAD_MAIL)
    with transaction(world.engine) as s:
        deactivate_user(world.lead.user_id, session=s, actor=world.admin, now=NOW)

    with pytest.raises(AuthError) as refused:
        sso_sign_in(world.engine, logged_in(LEAD_MAIL), claim="email", now=NOW)

    assert refused.value.code == "error.account_inactive"


def test_in_sub_mode_the_stable_subject_is_the_identity_and_keeps_its_case(world):
    link(world, world.other, "00u1AbCdEf")
    link(world, world.lead, LEAD_MAIL)  # an email link does not help in sub mode

    assert sso_sign_in(world.engine, logged_in(LEAD_MAIL), claim="sub", now=NOW) == world.other
    with pytest.raises(AuthError, match="sso_not_linked"):
        sso_sign_in(world.engine, logged_in(LEAD_MAIL, sub="00U1ABCDEF"), claim="sub", now=NOW)
    with pytest.raises(AuthError, match="sso_no_identity"):
        sso_sign_in(world.engine, {"email": LEAD_MAIL}, claim="sub", now=NOW)


def test_the_identity_comes_from_the_configured_claim_only():
    claims = logged_in(LEAD_MAIL, preferred_username="WLei@Grid.Example.CN")

    assert identity_from_claims(claims, "email") == LEAD_MAIL
    assert identity_from_claims(claims, "sub") == "00u1AbCdEf"
    assert identity_from_claims(claims, "preferred_username") == "wlei@grid.example.cn"


def test_a_user_mapped_by_single_sign_on_gets_nothing_without_grants(world):
    with transaction(world.engine) as s:
        user = create_user("newcomer", "correct-horse", "新同事", session=s, now=NOW)
        newcomer = Actor(user.id, user.username, user.display_name)
    link(world, newcomer, "newcomer@grid.example.cn")

    who = sso_sign_in(world.engine, logged_in("newcomer@grid.example.cn"), claim="email", now=NOW)

    assert who == newcomer
    with snapshot(world.engine) as s:
        assert scope_unit_ids(who, "unit.read", session=s) == set()
        assert scope_unit_ids(who, "item.done", session=s) == set()
    with snapshot(world.engine) as s:
        assert scope_unit_ids(world.lead, "unit.read", session=s)  # the lead's grants still reach units


def test_only_an_administrator_may_link_an_identity(world):
    with pytest.raises(Forbidden):
        link(world, world.lead, LEAD_MAIL, actor=world.lead)

    assert linked_identity(world, world.lead) is None


def test_an_identity_linked_to_one_user_cannot_be_linked_to_another(world):
    link(world, world.lead, LEAD_MAIL)

    with pytest.raises(InvalidInput) as refused:
        link(world, world.other, LEAD_MAIL.upper())

    assert refused.value.code == "error.sso_identity_taken"
    assert refused.value.params == {"identity": LEAD_MAIL, "user": "lead"}
    assert linked_identity(world, world.other) is None


def test_linking_an_unknown_user_is_refused(world):
    with transaction(world.engine) as s, pytest.raises(NotFound, match="user_not_found"):
        link_identity(999_999, LEAD_MAIL, session=s, actor=world.admin, now=NOW)


def test_a_link_and_an_unlink_are_each_written_to_the_audit_log(world):
    link(world, world.lead, LEAD_MAIL)
    link(world, world.lead, None)

    with snapshot(world.engine) as s:
        entries = [e for e in recent_entries(session=s, target_kind="user") if e.action == "user.sso_link"]
    unlinked, linked = entries
    assert (linked.who, linked.target, linked.before, linked.after) == (
        "管理员",
        "lead",
        {"sso": None},
        {"sso": LEAD_MAIL},
    )
    assert (unlinked.target, unlinked.before, unlinked.after) == ("lead", {"sso": LEAD_MAIL}, {"sso": None})


def test_an_unlinked_identity_signs_in_no_more_and_is_free_for_another_user(world):
    link(world, world.lead, LEAD_MAIL)
    link(world, world.lead, "  ")  # blank unlinks too

    with pytest.raises(AuthError, match="sso_not_linked"):
        sso_sign_in(world.engine, logged_in(LEAD_MAIL), claim="email", now=NOW)
    link(world, world.other, LEAD_MAIL)
    assert sso_sign_in(world.engine, logged_in(LEAD_MAIL), claim="email", now=NOW) == world.other


def test_linking_what_is_already_linked_changes_nothing_and_writes_no_audit_entry(world):
    link(world, world.lead, LEAD_MAIL)
    with snapshot(world.engine) as s:
        before = len(recent_entries(session=s))

    assert link(world, world.lead, LEAD_MAIL.upper()) == LEAD_MAIL

    with snapshot(world.engine) as s:
        assert len(recent_entries(session=s)) == before


def test_an_identity_longer_than_the_column_is_refused(world):
    with pytest.raises(InvalidInput, match="sso_identity_too_long"):
        link(world, world.lead, "x" * 256)


def test_changing_or_removing_a_link_ends_the_sessions_of_its_user(world):
    from org.sessions import check_session, start_session

    with transaction(world.engine) as s:
        link_identity(world.lead.user_id, "wang.lei@example.cn", session=s, actor=world.admin, now=NOW)
    first = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    with transaction(world.engine) as s:
        link_identity(world.lead.user_id, "lei.wang@example.cn", session=s, actor=world.admin, now=NOW)
    assert check_session(first.id, engine=world.engine, now=NOW).ended == "identity_change"
    second = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    with transaction(world.engine) as s:
        link_identity(world.lead.user_id, None, session=s, actor=world.admin, now=NOW)
    assert check_session(second.id, engine=world.engine, now=NOW).ended == "identity_change"
