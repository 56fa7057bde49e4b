"""Signing in checks the password outside any transaction, so it never holds up a writer, and
repeated failures lock the account and the client address for a while, shared through the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from core.errors import AuthError
from core.i18n import t
from org import accounts
from org.accounts import SignInLocked, sign_in
from store.db import change_counter, make_engine, snapshot, transaction
from store.schema import SignInThrottle, User
from tests.conftest import NOW, World, build_world

PASSWORD = "correct-horse"  # of both `lead` and `other` in the test world
WRONG = "wrong-horse"
ADDRESS = "203.0.113.7"
ELSEWHERE = "198.51.100.2"
HANG_GUARD = 60  # seconds: only so that a broken test cannot hang forever; never asserted on


class SpyHasher(PasswordHasher):
    """A cheap argon2 hasher that notes, for every verify and hash, how many transactions and
    snapshots the sign-in service had open in that thread; it can hold one verify until released."""

    def __init__(self, **params: int) -> None:
        super().__init__(**params)
        self.calls: list[tuple[str, int]] = []
        self.timeline: list[str] = []
        self.open = threading.local()
        self.hold: tuple[threading.Event, threading.Event] | None = None

    def depth(self) -> int:
        return getattr(self.open, "n", 0)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.calls.append(("verify", self.depth()))
        self.timeline.append("verify")
        if self.hold is not None:
            (started, release), self.hold = self.hold, None
            started.set()
            release.wait(HANG_GUARD)
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.calls.append(("hash", self.depth()))
        self.timeline.append("hash")
        return super().hash(password, salt=salt)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> SpyHasher:
    spy = SpyHasher(time_cost=1, memory_cost=64, parallelism=1)

    def counted(kind: str, open_unit):
        @contextmanager
        def wrapper(*args, **kwargs) -> Iterator:
            with open_unit(*args, **kwargs) as session:
                spy.timeline.append(kind)
                spy.open.n = spy.depth() + 1
                try:
                    yield session
                finally:
                    spy.open.n -= 1

        return wrapper

    monkeypatch.setattr(accounts, "_hasher", spy)
    monkeypatch.setattr(accounts, "_DUMMY", spy.hash("dummy-password"))
    monkeypatch.setattr(accounts, "transaction", counted("transaction", accounts.transaction))
    monkeypatch.setattr(accounts, "snapshot", counted("snapshot", accounts.snapshot))
    spy.calls.clear()
    spy.timeline.clear()
    return spy


@pytest.fixture
def world(hasher: SpyHasher, engine: Engine) -> World:
    """The test world, its passwords hashed by the cheap spy (which then forgets having hashed them)."""
    built = build_world(engine)
    hasher.calls.clear()
    hasher.timeline.clear()
    return built


def attempt(engine: Engine, username: str, password: str = WRONG, *, client: str | None = None,
            at: datetime = NOW) -> str:
    """Sign in and say how it went: 'ok', 'refused' or 'locked N min'."""
    try:
        sign_in(engine, username, password, client=client, now=at)
    except SignInLocked as err:
        return f"locked {err.params['minutes']} min"
    except AuthError:
        return "refused"
    return "ok"


def stored_hash(engine: Engine, username: str) -> str:
    with snapshot(engine) as s:
        return s.scalar(select(User.password_hash).where(User.username == username))


# ── The password check holds up nobody ───────────────────────────────────────


def test_a_sign_in_whose_password_is_being_checked_does_not_hold_up_a_tick(world, hasher):
    started, release = threading.Event(), threading.Event()
    hasher.hold = (started, release)
    outcome: dict[str, object] = {}

    def signing_in() -> None:
        try:
            outcome["actor"] = sign_in(world.engine, "lead", PASSWORD, client=ADDRESS, now=NOW)
        except Exception as err:
            outcome["sign_in_error"] = err

    def ticking() -> None:
        try:
            world.change("C1-K1", "plan-approved", "done")
            outcome["ticked_while_the_password_was_checked"] = not release.is_set()
        except Exception as err:
            outcome["tick_error"] = err

    signer = threading.Thread(target=signing_in)
    signer.start()
    try:
        assert started.wait(HANG_GUARD), "the sign-in never reached the password check"
        ticker = threading.Thread(target=ticking)
        ticker.start()
        ticker.join(HANG_GUARD)
    finally:
        release.set()
        signer.join(HANG_GUARD)
    assert "tick_error" not in outcome, outcome["tick_error"]
    assert outcome["ticked_while_the_password_was_checked"] is True
    assert outcome["actor"].username == "lead"


@pytest.mark.parametrize(("username", "password"), [("lead", PASSWORD), ("lead", WRONG), ("nobody", WRONG)])
def test_the_password_is_checked_with_no_transaction_or_snapshot_open(world, hasher, username, password):
    attempt(world.engine, username, password)
    assert hasher.calls == [("verify", 0)]  # one check, with nothing open


def test_an_outdated_hash_is_upgraded_after_the_check_in_a_transaction_of_its_own(world, hasher):
    outdated = PasswordHasher(time_cost=1, memory_cost=32, parallelism=1).hash(PASSWORD)
    with transaction(world.engine) as s:
        s.execute(update(User).where(User.username == "other").values(password_hash=outdated))
    hasher.calls.clear()
    hasher.timeline.clear()

    assert attempt(world.engine, "other", PASSWORD) == "ok"

    assert hasher.calls == [("verify", 0), ("hash", 0)]  # nothing open while hashing
    assert hasher.timeline[-2:] == ["hash", "transaction"]  # then one short transaction writes it
    upgraded = stored_hash(world.engine, "other")
    assert upgraded != outdated and not hasher.check_needs_rehash(upgraded)
    assert attempt(world.engine, "other", PASSWORD) == "ok"


def test_a_current_hash_is_left_alone(world, hasher):
    before = stored_hash(world.engine, "lead")
    assert attempt(world.engine, "lead", PASSWORD) == "ok"
    assert "hash" not in hasher.timeline
    assert stored_hash(world.engine, "lead") == before


def test_sign_in_bookkeeping_leaves_the_pages_caches_alone(world):
    with snapshot(world.engine) as s:
        before = change_counter(s)
    outcomes = [attempt(world.engine, "lead", client=ADDRESS) for _ in range(5)]
    outcomes.append(attempt(world.engine, "other", PASSWORD, client=ELSEWHERE))
    assert outcomes == ["refused"] * 4 + ["locked 1 min", "ok"]
    with snapshot(world.engine) as s:
        assert change_counter(s) == before


# ── Repeated failures lock the account and the address ───────────────────────


def test_five_failures_lock_the_account_from_any_address_and_even_the_right_password_waits(world, hasher):
    addresses = [ADDRESS, ELSEWHERE, None, "192.0.2.1", "192.0.2.2"]
    outcomes = [attempt(world.engine, "lead", client=a, at=NOW + timedelta(minutes=i)) for i, a in enumerate(addresses)]
    assert outcomes == ["refused"] * 4 + ["locked 1 min"]

    hasher.calls.clear()
    assert attempt(world.engine, "lead", PASSWORD, client="192.0.2.3", at=NOW + timedelta(minutes=4, seconds=30)) \
        == "locked 1 min"
    assert hasher.calls == []  # refused without checking the password
    assert attempt(world.engine, "other", PASSWORD, client=ADDRESS, at=NOW + timedelta(minutes=4)) == "ok"


def test_the_lock_message_says_how_long_to_wait_in_the_users_language(world):
    for _ in range(5):
        attempt(world.engine, "lead")
    with pytest.raises(SignInLocked) as refused:
        sign_in(world.engine, "lead", PASSWORD, client=None, now=NOW + timedelta(seconds=10))
    err = refused.value
    assert t(err.code, "zh", **err.params) == "登录失败次数过多，已暂时锁定。请 1 分钟后再试。"
    assert t(err.code, "en", **err.params) == "Too many failed sign-ins. Try again in 1 min."


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(world):
    known = [attempt(world.engine, "lead") for _ in range(6)]
    unknown = [attempt(world.engine, "nobody") for _ in range(6)]
    assert unknown == known == ["refused"] * 4 + ["locked 1 min"] * 2


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(world):
    outcomes = [attempt(world.engine, f"guess-{i}", client=ADDRESS) for i in range(20)]
    assert outcomes == ["refused"] * 19 + ["locked 1 min"]
    assert attempt(world.engine, "lead", PASSWORD, client=ADDRESS) == "locked 1 min"
    assert attempt(world.engine, "lead", PASSWORD, client=ELSEWHERE) == "ok"
    assert attempt(world.engine, "other", PASSWORD, client=None) == "ok"  # no address known: per account only
    assert attempt(world.engine, "other", PASSWORD, client=ADDRESS, at=NOW + timedelta(minutes=1)) == "ok"


def test_guesses_still_being_checked_count_against_the_limit(world, hasher):
    started, release = threading.Event(), threading.Event()
    hasher.hold = (started, release)
    held: list[str] = []
    first = threading.Thread(target=lambda: held.append(attempt(world.engine, "lead")))
    first.start()
    try:
        assert started.wait(HANG_GUARD), "the first guess never reached the password check"
        assert [attempt(world.engine, "lead") for _ in range(4)] == ["refused"] * 3 + ["locked 1 min"]
    finally:
        release.set()
        first.join(HANG_GUARD)
    assert held == ["refused"]


def test_a_successful_sign_in_forgives_the_accounts_earlier_failures(world):
    assert [attempt(world.engine, "lead") for _ in range(4)] == ["refused"] * 4
    assert attempt(world.engine, "lead", PASSWORD) == "ok"
    assert [attempt(world.engine, "lead") for _ in range(5)] == ["refused"] * 4 + ["locked 1 min"]


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(world):
    outcomes = [attempt(world.engine, "lead", at=NOW + timedelta(minutes=4 * i)) for i in range(6)]
    assert outcomes == ["refused"] * 6


def test_the_lock_ends_on_time(world):
    for _ in range(5):
        attempt(world.engine, "lead")
    assert attempt(world.engine, "lead", PASSWORD, at=NOW + timedelta(seconds=59)) == "locked 1 min"
    assert attempt(world.engine, "lead", PASSWORD, at=NOW + timedelta(minutes=1)) == "ok"


def test_each_lock_in_a_row_lasts_twice_as_long_up_to_fifteen_minutes(world):
    at, locks = NOW, []
    for _ in range(6):
        outcomes = [attempt(world.engine, "lead", at=at) for _ in range(5)]
        assert outcomes[:4] == ["refused"] * 4
        locks.append(outcomes[4])
        assert attempt(world.engine, "lead", PASSWORD, at=at + timedelta(seconds=30)) == outcomes[4]
        at += timedelta(minutes=int(outcomes[4].split()[1]))  # the moment the lock ends
    assert locks == [f"locked {m} min" for m in (1, 2, 4, 8, 15, 15)]


def test_while_locked_the_wait_shown_counts_down(world):
    at = NOW
    for minutes in (1, 2):  # a second lock in a row: 2 minutes
        for _ in range(5):
            attempt(world.engine, "lead", at=at)
        at += timedelta(minutes=minutes)
    lock_started = at - timedelta(minutes=2)
    assert attempt(world.engine, "lead", at=lock_started + timedelta(seconds=61)) == "locked 1 min"


def test_after_a_quiet_quarter_of_an_hour_the_next_lock_is_short_again(world):
    at = NOW
    for minutes in (1, 2):
        assert [attempt(world.engine, "lead", at=at) for _ in range(5)][-1] == f"locked {minutes} min"
        at += timedelta(minutes=minutes)
    at += timedelta(minutes=15)
    assert [attempt(world.engine, "lead", at=at) for _ in range(5)][-1] == "locked 1 min"


def test_every_app_server_on_the_database_sees_the_same_lock(world):
    other_server = make_engine(world.engine.url.render_as_string(hide_password=False))
    try:
        assert [attempt(world.engine, "lead") for _ in range(5)][-1] == "locked 1 min"
        assert attempt(other_server, "lead", PASSWORD) == "locked 1 min"
    finally:
        other_server.dispose()


def test_names_and_addresses_quiet_for_a_quarter_of_an_hour_are_forgotten(world):
    for i in range(3):
        attempt(world.engine, f"guess-{i}", client=ADDRESS)
    attempt(world.engine, "lead", client=ELSEWHERE, at=NOW + timedelta(minutes=15))
    with snapshot(world.engine) as s:
        remembered = set(s.execute(select(SignInThrottle.scope, SignInThrottle.key)).all())
    assert remembered == {("account", "lead"), ("client", ELSEWHERE)}
