"""Sign-in sessions: a random token whose hash alone is stored, valid until idle or absolute expiry,
ended on sign-out, password change and deactivation, and read fresh at every check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.errors import InvalidInput
from org.accounts import THROTTLE, SignInLocked, change_password, sign_in
from org.people import deactivate_user
from org.sessions import (
    check_session,
    check_token,
    end_session,
    end_session_by_token,
    hash_token,
    rotate_token,
    start_session,
)
from store.db import snapshot, transaction
from store.schema import User, UserSession
from tests.conftest import NOW

PASSWORD = "correct-horse"  # the world's users' password
NEW_PASSWORD = "grid-summer-2027"


def stored_sessions(engine, user_id: int) -> list[UserSession]:
    with snapshot(engine) as s:
        return list(s.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def test_a_session_stores_only_the_sha256_of_its_token(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    [row] = stored_sessions(world.engine, world.lead.user_id)
    assert row.token_hash == hash_token(new.token) != new.token
    assert len(new.token) >= 43  # 32 random bytes, URL-safe
    assert new.token not in {row.token_hash, str(row.id)}


def test_a_valid_token_names_its_user_and_a_token_never_issued_names_nobody(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    assert check_token(new.token, engine=world.engine, now=NOW).actor == world.lead
    assert check_session(new.id, engine=world.engine, now=NOW).actor == world.lead
    unknown = check_token("not-a-token-anyone-was-given", engine=world.engine, now=NOW)
    assert unknown.actor is None and unknown.ended == "unknown"


@pytest.mark.parametrize(("quiet_for", "valid"), [
    (timedelta(hours=7, minutes=59), True),
    (timedelta(hours=8), False),
    (timedelta(days=2), False),
])
def test_a_session_unused_for_the_idle_expiry_has_ended(world, quiet_for, valid):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    check = check_token(new.token, engine=world.engine, now=NOW + quiet_for)
    assert check.valid is valid
    if not valid:
        assert check.ended == "expired"
        assert stored_sessions(world.engine, world.lead.user_id)[0].revoked_reason == "expired"


def test_using_a_session_keeps_it_alive_but_never_past_the_absolute_expiry(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    at = NOW
    while at + timedelta(hours=7) < NOW + timedelta(days=7):
        at += timedelta(hours=7)
        assert check_token(new.token, engine=world.engine, now=at).valid, f"ended early at {at - NOW}"
    assert at - NOW > timedelta(days=6)  # more than six days of use, never idle for eight hours
    ended = check_token(new.token, engine=world.engine, now=NOW + timedelta(days=7))
    assert ended.actor is None and ended.ended == "expired"


def test_a_check_notes_the_use_at_most_once_a_minute(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    check_token(new.token, engine=world.engine, now=NOW + timedelta(seconds=59))
    assert _last_seen(world) == NOW
    check_token(new.token, engine=world.engine, now=NOW + timedelta(seconds=61))
    assert _last_seen(world) == NOW + timedelta(seconds=61)


def _last_seen(world):
    from core.clock import as_utc

    return as_utc(stored_sessions(world.engine, world.lead.user_id)[0].last_seen_at)


def test_signing_out_ends_that_session_only(world):
    here = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    elsewhere = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    end_session(here.id, "sign_out", engine=world.engine, now=NOW)
    ended = check_token(here.token, engine=world.engine, now=NOW)
    assert ended.actor is None and ended.ended == "sign_out"
    assert check_token(elsewhere.token, engine=world.engine, now=NOW).valid


def test_signing_out_from_the_cookie_alone_ends_its_session(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    end_session_by_token(new.token, "sign_out", engine=world.engine, now=NOW)
    assert check_session(new.id, engine=world.engine, now=NOW).ended == "sign_out"


def test_handing_the_token_to_the_cookie_replaces_it_and_the_old_one_dies(world):
    new = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    fresh = rotate_token(new.token, engine=world.engine, now=NOW)
    assert fresh is not None and fresh.id == new.id and fresh.token != new.token
    assert fresh.expires_at == NOW + timedelta(days=7)
    assert check_token(fresh.token, engine=world.engine, now=NOW).actor == world.lead
    assert not check_token(new.token, engine=world.engine, now=NOW).valid
    assert rotate_token(new.token, engine=world.engine, now=NOW) is None  # the handed-over token is spent


def test_changing_the_password_ends_every_session_of_that_user_and_no_one_elses(world):
    mine = [start_session(world.lead.user_id, engine=world.engine, now=NOW) for _ in range(2)]
    theirs = start_session(world.other.user_id, engine=world.engine, now=NOW)

    change_password(world.lead.user_id, PASSWORD, NEW_PASSWORD, engine=world.engine, now=NOW)

    for new in mine:
        assert check_token(new.token, engine=world.engine, now=NOW).ended == "password_change"
    assert check_token(theirs.token, engine=world.engine, now=NOW).valid
    assert sign_in(world.engine, "lead", NEW_PASSWORD, client=None, now=NOW) == world.lead


@pytest.mark.parametrize(("current", "new", "code"), [
    ("wrong-password", NEW_PASSWORD, "error.wrong_current_password"),
    (PASSWORD, PASSWORD, "error.password_unchanged"),
    (PASSWORD, "short-one", "error.short_password"),
    (PASSWORD, "the-lead-2027", "error.password_has_username"),
    (PASSWORD, "1q2w3e4r5t", "error.common_password"),
])
def test_a_refused_password_change_keeps_the_password_and_the_sessions(world, current, new, code):
    session = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        change_password(world.lead.user_id, current, new, engine=world.engine, now=NOW)
    assert refused.value.code == code
    assert check_token(session.token, engine=world.engine, now=NOW).valid
    assert sign_in(world.engine, "lead", PASSWORD, client=None, now=NOW) == world.lead


def test_repeated_wrong_current_passwords_lock_the_account_for_the_form_and_for_sign_in(world):
    for _ in range(THROTTLE["account"].max_failures - 1):
        with pytest.raises(InvalidInput):
            change_password(world.lead.user_id, "wrong-password", NEW_PASSWORD, engine=world.engine, now=NOW)
    with pytest.raises(SignInLocked):  # the guess that reaches the limit
        change_password(world.lead.user_id, "wrong-password", NEW_PASSWORD, engine=world.engine, now=NOW)
    with pytest.raises(SignInLocked):  # now even the right password is refused unchecked, here and at sign-in
        change_password(world.lead.user_id, PASSWORD, NEW_PASSWORD, engine=world.engine, now=NOW)
    with pytest.raises(SignInLocked):
        sign_in(world.engine, "lead", PASSWORD, client=None, now=NOW)
    later = NOW + THROTTLE["account"].first_lock + timedelta(seconds=1)
    change_password(world.lead.user_id, PASSWORD, NEW_PASSWORD, engine=world.engine, now=later)
    assert sign_in(world.engine, "lead", NEW_PASSWORD, client=None, now=later) == world.lead


def test_a_right_current_password_forgives_earlier_wrong_ones(world):
    for _ in range(THROTTLE["account"].max_failures - 1):
        with pytest.raises(InvalidInput):
            change_password(world.lead.user_id, "wrong-password", NEW_PASSWORD, engine=world.engine, now=NOW)
    change_password(world.lead.user_id, PASSWORD, NEW_PASSWORD, engine=world.engine, now=NOW)
    with pytest.raises(InvalidInput):  # one more wrong guess starts counting afresh: no lock
        change_password(world.lead.user_id, "wrong-password", PASSWORD + "-x", engine=world.engine, now=NOW)


def test_a_changed_password_is_no_longer_required_to_change(world):
    with transaction(world.engine) as s:
        s.execute(update(User).where(User.id == world.lead.user_id).values(must_change_password=True))
    session = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    assert check_token(session.token, engine=world.engine, now=NOW).must_change_password is True

    change_password(world.lead.user_id, PASSWORD, NEW_PASSWORD, engine=world.engine, now=NOW)

    again = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    assert check_token(again.token, engine=world.engine, now=NOW).must_change_password is False


def test_deactivating_a_user_ends_their_sessions(world):
    session = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    with transaction(world.engine) as s:
        deactivate_user(world.lead.user_id, session=s, actor=world.admin, now=NOW)
    assert check_token(session.token, engine=world.engine, now=NOW).ended == "deactivated"
    assert stored_sessions(world.engine, world.lead.user_id)[0].revoked_reason == "deactivated"


def test_a_deactivated_users_token_stops_working_at_the_next_check_even_if_no_one_revoked_it(world):
    session = start_session(world.lead.user_id, engine=world.engine, now=NOW)
    assert check_token(session.token, engine=world.engine, now=NOW).valid
    with transaction(world.engine) as s:  # e.g. a deactivation written by something that forgot the sessions
        s.execute(update(User).where(User.id == world.lead.user_id).values(is_active=False))
    later = NOW + timedelta(seconds=1)
    assert check_token(session.token, engine=world.engine, now=later).ended == "deactivated"
    assert check_session(session.id, engine=world.engine, now=later).ended == "deactivated"
