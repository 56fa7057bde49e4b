"""Fuzzing the import of users (manage.py import-users, the admin page): tables as .xlsx or .csv with any
header and any cells — usernames with spaces or too long, taken or repeated, display names that look like
formulas or hold control characters, weak passwords, grants naming unknown roles or units — in any
encoding, damaged or not. Whatever comes in, the import either creates exactly the accounts of the file,
each to change its password at the first sign-in with the grants the file gives, or refuses with the
project's own error in both languages and the database exactly as before."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from admin.org_import import USER_COLUMNS, import_user_table
from core.errors import DomainError
from core.fields import NOT_TEXT
from core.i18n import t
from store.db import snapshot, transaction
from store.schema import OrgUnit, RoleGrant, User
from tests.conftest import NOW, build_world
from tests.integration.fuzz_support import (
    CSV_ENCODINGS,
    assert_clear_refusal,
    cjk_text,
    csv_of,
    damaged,
    dump,
    hostile_text,
    mostly,
    note,
    xlsx_of,
)

# Every example hashes the passwords of the accounts it creates (argon2): a few rows, a few dozen examples.
# openpyxl warns of the damaged parts it skips in a fuzzed workbook: expected, not news.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
HEADER = list(USER_COLUMNS)

USUAL = {
    "username": st.one_of(st.integers(0, 9999).map(lambda i: f"fz_user{i}"),
                          st.sampled_from(["王小明", "Fz.User-1", "=cmd", "@bob", "-x", "+y"])),
    "display_name": st.one_of(cjk_text(), st.sampled_from(["", "=HYPERLINK(\"http://x\",\"王\")", "@王", "+86 王",
                                                           "-王-", "\t=1+1", "王\n=1"])),
    "password": st.sampled_from(["", "", "Correct-Horse-9", "=1+1 battery staple", "长城长城长城长城长城"]),
    "roles": st.sampled_from(["", "executive", "unit_lead@C1", "unit_member@c1-k1; drill_coordinator@C2",
                              "unit_lead : C1-K2，executive", "admin", "unit_lead@C1\nunit_member@C2"]),
}
ODD = {
    "username": st.one_of(st.sampled_from(["lead", "admin", "a b", "x" * 65, "", " "]), hostile_text(max_size=12)),
    "display_name": hostile_text(),
    "password": st.one_of(st.sampled_from(["short", "password123", "fz_user1fz_user1"]), hostile_text()),
    "roles": st.one_of(st.sampled_from(["unit_lead@NOPE", "boss", "unit_lead@", "@C1", "unit lead@C1", "=1+1"]),
                       hostile_text(max_size=16)),
}


def header_in(lang: str) -> list[str]:
    return [t(f"imp.col.{c}", lang) for c in USER_COLUMNS]


def _column_id(label: object) -> str:
    return next((c for c in USER_COLUMNS if label in (c, t(f"imp.col.{c}", "zh"), t(f"imp.col.{c}", "en"))), "")


@st.composite
def user_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A users table as a file: a header in English, Chinese or garbled, a few rows of usual cells and
    (in half the tables) odd ones among them, as .xlsx or .csv in some encoding, maybe damaged."""
    header = list(draw(st.sampled_from([HEADER, header_in("zh"), header_in("en")])))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 5)) == 0:
        header = draw(st.lists(st.one_of(st.sampled_from(header), hostile_text(max_size=10)), max_size=6))
    odd = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = []
        for h in header:
            cid = _column_id(h)
            usual = USUAL.get(cid, hostile_text(max_size=10, controls=False))
            row.append(draw(mostly(usual, ODD.get(cid, hostile_text(max_size=10))) if odd else usual))
        rows.append(row)
    table = [header, *rows]
    if draw(st.booleans()):
        name, data = "users.xlsx", xlsx_of(table)
    else:
        name = "users.csv"
        data = csv_of(table, encoding=draw(st.sampled_from(CSV_ENCODINGS)), delimiter=draw(st.sampled_from(",;\t")))
    return name, draw(damaged(data))


def accounts(engine) -> dict[str, tuple[str, bool, frozenset[tuple[str, str | None]]]]:
    """username → (display name, must change password, grants as (role, unit code or None))."""
    with snapshot(engine) as s:
        codes = dict(s.execute(select(OrgUnit.id, OrgUnit.code)).all())
        grants: dict[int, set] = {}
        for g in s.scalars(select(RoleGrant)):
            grants.setdefault(g.user_id, set()).add((g.role, codes.get(g.unit_id)))
        return {u.username: (u.display_name, u.must_change_password, frozenset(grants.get(u.id, ())))
                for u in s.scalars(select(User))}


@pytest.fixture
def world(engine):
    return build_world(engine)


@FUZZ
@given(file=user_tables())
def test_any_users_table_either_creates_exactly_its_accounts_or_is_refused_clearly_changing_nothing(world, file):
    name, data = file
    before, known = dump(world.engine), accounts(world.engine)
    try:
        with transaction(world.engine) as s:
            made = import_user_table(name, data, session=s, now=NOW)
    except DomainError as exc:
        note(f"refused: {exc.code}")
        assert_clear_refusal(exc)
        assert dump(world.engine) == before
        return
    except Exception as exc:  # anything else is a bug of the importer: say which input
        raise AssertionError(f"{type(exc).__name__} for {name}: {data[:200]!r}") from exc
    note("imported")
    now = accounts(world.engine)
    assert set(now) - set(known) == {u.username for u in made} and len(made) == len({u.username for u in made})
    assert {k: v for k, v in now.items() if k in known} == known  # nobody else changed
    for user in made:
        display, must_change, grants = now[user.username]
        assert must_change and display == user.display_name and grants == set(user.grants)
        assert display.strip() and not NOT_TEXT.search(user.username + display)
        assert 0 < len(user.username) <= 64 and not any(c.isspace() for c in user.username)
        assert user.one_time_password is None or len(user.one_time_password) >= 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), name=st.sampled_from(["u.xlsx", "u.csv"]))
def test_random_bytes_are_refused_as_a_users_table_changing_nothing(world, data, name):
    before = dump(world.engine)
    try:
        with transaction(world.engine) as s:
            import_user_table(name, data, session=s, now=NOW)
    except DomainError as exc:
        assert_clear_refusal(exc)
        assert dump(world.engine) == before
    else:  # a header with "username" and rows of random bytes is astronomically unlikely
        pytest.fail(f"random bytes imported as users: {data!r}")


def test_one_bad_row_among_good_ones_refuses_the_file_and_every_bad_row_is_named(world):
    rows = [HEADER, ["fz_ok1", "好人", "", "executive"], ["lead", "重名", "", ""], ["fz_ok2", "=1+1", "", "boss"],
            ["fz_ok3", "好人", "short", ""], ["fz_ok1", "重复", "", ""]]
    before = dump(world.engine)
    with pytest.raises(DomainError) as refused, transaction(world.engine) as s:
        import_user_table("u.csv", csv_of(rows), session=s, now=NOW)
    assert_clear_refusal(refused.value)
    assert [(p.row, p.key) for p in refused.value.problems] == [
        (3, "error.user_exists"), (4, "error.unknown_role"), (5, "error.short_password"), (6, "imp.err.duplicate")]
    assert dump(world.engine) == before
