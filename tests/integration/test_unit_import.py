"""Importing units keeps the hierarchy whole: no cycles, no implicit moves, whole sub-trees moved in one statement,
and paths, depths and roll-ups always equal what the parent links say (fixture org: P › C1 › C1-K1, C1-K2; P › C2)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import event, func, select

from content.models import UnitSpec
from core.errors import DomainError
from core.i18n import t
from org.units import ImportResult, UnitMove, import_units
from readiness.series import unit_readiness
from store.db import snapshot, transaction
from store.schema import CampaignUnit, OrgUnit, ReadinessDaily
from tests.conftest import FIXTURE_SEEDS, NOW, ROOT


def spec(code: str, *children: UnitSpec, kind: str = "county", name_en: str = "") -> UnitSpec:
    return UnitSpec(code=code, name_zh=f"单位{code}", name_en=name_en or f"Unit {code}", kind=kind,
                    children=list(children))


def units_table(session) -> dict[str, tuple]:
    """code → (parent code, path, depth, name_en, kind): everything an import may change."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.parent_id, OrgUnit.path, OrgUnit.depth,
                                  OrgUnit.name_en, OrgUnit.kind)).all()
    code_of = {r.id: r.code for r in rows}
    return {r.code: (code_of.get(r.parent_id), r.path, r.depth, r.name_en, r.kind) for r in rows}


def assert_paths_follow_parent_links(session) -> None:
    """Every path and depth equals a recomputation from the parent links alone."""
    rows = {r.id: r for r in session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.path, OrgUnit.depth,
                                                    OrgUnit.code))}

    def chain(uid: int) -> list[int]:
        out: list[int] = []
        while uid is not None:
            assert uid not in out, f"cycle through unit {rows[uid].code}"
            out.append(uid)
            uid = rows[uid].parent_id
        return out[::-1]

    for uid, row in rows.items():
        ids = chain(uid)
        assert (row.path, row.depth) == ("/" + "".join(f"{i}/" for i in ids), len(ids) - 1), row.code


def assert_rollups_follow_parent_links(world, as_of) -> None:
    """unit_readiness's sub-tree sums equal sums over the members below each unit, found by parent links."""
    with snapshot(world.engine) as s:
        table = unit_readiness(world.campaign_id, as_of, session=s).set_index("unit_id")
        parent = dict(s.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
        members = set(s.scalars(select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == world.campaign_id)))
        own = {uid: (int(d), int(n), int(tt)) for uid, d, n, tt in s.execute(
            select(ReadinessDaily.unit_id, func.sum(ReadinessDaily.done_delta), func.sum(ReadinessDaily.na_delta),
                   func.sum(ReadinessDaily.total_delta))
            .where(ReadinessDaily.campaign_id == world.campaign_id, ReadinessDaily.day <= as_of)
            .group_by(ReadinessDaily.unit_id))}

    def ancestors_and_self(uid):
        while uid is not None:
            yield uid
            uid = parent[uid]

    expected: dict[int, list[int]] = {}
    for m in members:
        for a in ancestors_and_self(m):
            acc = expected.setdefault(a, [0, 0, 0])
            for i, v in enumerate(own.get(m, (0, 0, 0))):
                acc[i] += v
    assert set(table.index) == set(expected)
    for uid, (d, n, tt) in expected.items():
        row = table.loc[uid]
        assert (row.sub_done, row.sub_na, row.sub_total) == (d, n, tt), row.code
        assert row.parent_id == parent[uid] or (row.parent_id != row.parent_id and parent[uid] is None)


def run_import(engine, specs, parent_code=None) -> ImportResult:
    with transaction(engine) as s:
        result = import_units(specs, session=s, parent_code=parent_code)
    with snapshot(engine) as s:
        assert_paths_follow_parent_links(s)
    return result


# ── cycles ──

CYCLES = [
    # (file, --parent, the unit that would move, the unit it would hang under)
    pytest.param([spec("P", kind="province")], "C1", "P", "C1", id="root-under-its-own-child"),
    pytest.param([spec("C1", kind="city")], "C1-K1", "C1", "C1-K1", id="city-under-its-own-county"),
    pytest.param([spec("C1", kind="city")], "C1", "C1", "C1", id="unit-under-itself"),
    pytest.param([spec("C1-K2", spec("C1", kind="city"))], None, "C1", "C1-K2", id="file-nests-a-unit-under-its-child"),
    pytest.param([spec("NEW", kind="city"), spec("P", kind="province")], "C2", "P", "C2",
                 id="a-new-unit-before-the-cycle-is-not-written-either"),
]


@pytest.mark.parametrize(("specs", "parent_code", "unit", "under"), CYCLES)
def test_hanging_a_unit_under_itself_or_its_own_sub_unit_is_refused_naming_both_and_changes_nothing(
        world, specs, parent_code, unit, under):
    with transaction(world.engine) as s:
        before = units_table(s)
        with pytest.raises(DomainError) as err:
            import_units(specs, session=s, parent_code=parent_code)
        # Validated before anything is written: the same transaction still sees the tree as it was.
        assert units_table(s) == before
    assert err.value.code == "error.unit_cycle"
    assert (err.value.params["unit"], err.value.params["parent"]) == (unit, under)
    for lang in ("zh", "en"):
        text = t(err.value.code, lang, **err.value.params)
        assert unit in text and under in text
    with snapshot(world.engine) as s:
        assert units_table(s) == before


def test_an_unknown_parent_is_refused_before_anything_is_written(world):
    with transaction(world.engine) as s:
        before = units_table(s)
        with pytest.raises(DomainError) as err:
            import_units([spec("NEW", kind="city")], session=s, parent_code="NOPE")
        assert units_table(s) == before
    assert err.value.code == "error.unit_not_found" and err.value.params["code"] == "NOPE"


# ── no implicit moves ──

def test_reimporting_a_sub_tree_without_parent_keeps_it_where_it_is_and_updates_names(world):
    with snapshot(world.engine) as s:
        before = units_table(s)
    result = run_import(world.engine, [spec("C1", spec("C1-K1"), spec("C1-K2"), spec("C1-K3"), kind="city",
                                            name_en="City A renamed")])
    assert result == ImportResult(created=1, updated=3, moved=())
    with snapshot(world.engine) as s:
        after = units_table(s)
    assert after["C1"][:3] == before["C1"][:3] and after["C1"][3] == "City A renamed"
    assert after["C1-K1"][:3] == before["C1-K1"][:3]
    assert after["C1-K3"][0] == "C1"


def test_reimporting_a_nested_unit_at_the_top_of_a_file_keeps_its_parent(world):
    with snapshot(world.engine) as s:
        before = units_table(s)
    result = run_import(world.engine, [spec("C1-K1"), spec("P", kind="province")])
    assert result.moved == () and result.updated == 2
    with snapshot(world.engine) as s:
        assert {code: row[:3] for code, row in units_table(s).items()} == {c: r[:3] for c, r in before.items()}


def test_reimporting_the_whole_fixture_changes_nothing(world):
    from content.units import load_unit_specs

    with snapshot(world.engine) as s:
        before = units_table(s)
    result = run_import(world.engine, load_unit_specs(FIXTURE_SEEDS / "demo_org.yaml"))
    assert result == ImportResult(created=0, updated=5, moved=())
    with snapshot(world.engine) as s:
        assert units_table(s) == before


# ── explicit moves ──

MOVES = [
    # (file, --parent, expected moves)
    pytest.param([spec("C1", kind="city")], "C2", (UnitMove("C1", "P", "C2"),), id="by-parent-option"),
    pytest.param([spec("C2", spec("C1", kind="city"), kind="city")], None, (UnitMove("C1", "P", "C2"),),
                 id="by-file-nesting"),
    pytest.param([spec("C2", spec("C1-K1"), kind="city")], "C1-K2",
                 (UnitMove("C2", "P", "C1-K2"), UnitMove("C1-K1", "C1", "C2")),
                 id="two-moves-in-one-file"),
]


@pytest.mark.parametrize(("specs", "parent_code", "moves"), MOVES)
def test_a_move_rewrites_the_paths_of_the_whole_sub_tree_and_is_reported(world, specs, parent_code, moves):
    result = run_import(world.engine, specs, parent_code)
    assert result.moved == moves
    with snapshot(world.engine) as s:
        table = units_table(s)
    for move in moves:
        assert table[move.code][0] == move.new_parent


def test_a_unit_at_the_top_moves_under_a_parent_named_by_the_option(world):
    run_import(world.engine, [spec("TOP", spec("TOP-1"), kind="city")])
    result = run_import(world.engine, [spec("TOP", kind="city")], "C2")
    assert result.moved == (UnitMove("TOP", None, "C2"),)
    with snapshot(world.engine) as s:
        assert units_table(s)["TOP-1"][2] == 3


def test_a_moved_sub_tree_is_rewritten_by_one_update_however_many_units_it_holds(world):
    run_import(world.engine, [spec("C1-K1", *(spec(f"C1-K1-{i}") for i in range(6)))])
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE") and "org_units" in statement and "path" in statement:
            statements.append(statement)

    event.listen(world.engine, "before_cursor_execute", record)
    try:
        result = run_import(world.engine, [spec("C1", kind="city")], "C2")
    finally:
        event.remove(world.engine, "before_cursor_execute", record)
    assert result.moved == (UnitMove("C1", "P", "C2"),)
    assert len(statements) == 1, statements


# ── roll-ups after every accepted import ──

def test_paths_depths_and_rollups_follow_the_parent_links_after_every_accepted_import(world):
    world.change("C1-K1", "plan-approved", "done")  # 3
    world.change("C1-K2", "duty-roster", "done")  # 2
    world.change("C1", "cable-patrol", "na", text="无电缆")  # 1
    world.change("C1", "cable-seal", "done")  # 1
    as_of = (NOW + timedelta(days=1)).date()
    assert_rollups_follow_parent_links(world, as_of)
    steps = [
        ([spec("C1", kind="city")], "C2"),  # C1 and its counties under C2
        ([spec("P", spec("C1-K1"), kind="province")], None),  # C1-K1 back up to P by nesting
        ([spec("C1", spec("C1-K2", spec("C1-K2-S", kind="station")), kind="city")], None),  # re-import, one new
        ([spec("C2", kind="city")], "C1-K1"),  # C2 (holding C1) under a county
        ([spec("C1-K1", spec("C2", spec("C1", kind="city"), kind="city"))], None),  # same again, nothing moves
    ]
    for specs, parent_code in steps:
        run_import(world.engine, specs, parent_code)
        assert_rollups_follow_parent_links(world, as_of)
    with snapshot(world.engine) as s:
        table = units_table(s)
    assert [table[c][0] for c in ("C2", "C1", "C1-K2", "C1-K2-S")] == ["C1-K1", "C2", "C1", "C1-K2"]
    assert table["C1-K2-S"][2] == 5


# ── through the command line ──

def manage(*args: str, db) -> subprocess.CompletedProcess:
    env = {**os.environ, "READINESS_DATABASE_URL": f"sqlite:///{db}", "READINESS_SEEDS_DIR": str(FIXTURE_SEEDS)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def cli_db(tmp_path):
    db = tmp_path / "cli.db"
    assert manage("init", db=db).returncode == 0
    out = manage("import-units", str(FIXTURE_SEEDS / "demo_org.yaml"), db=db)
    assert out.returncode == 0, out.stderr
    return db


def write_units(path, units) -> str:
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_command_line_refuses_a_cycle_naming_both_units_in_the_chosen_language(cli_db, tmp_path):
    file = write_units(tmp_path / "p.yaml", [{"code": "P", "name_zh": "测试省公司", "name_en": "Test", "kind": "province"}])
    before = cli_db.read_bytes()
    en = manage("--lang", "en", "import-units", file, "--parent", "C1", db=cli_db)
    zh = manage("--lang", "zh", "import-units", file, "--parent", "C1", db=cli_db)
    for out, word in ((en, "sub-units"), (zh, "下级")):
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert "P" in out.stderr and "C1" in out.stderr and word in out.stderr, out.stderr
    assert cli_db.read_bytes() == before


def test_the_command_line_keeps_a_reimported_sub_tree_in_place_and_prints_a_move(cli_db, tmp_path):
    file = write_units(tmp_path / "c1.yaml", [{"code": "C1", "name_zh": "甲市公司", "name_en": "City A",
                                               "kind": "city"}])
    kept = manage("--lang", "en", "import-units", file, db=cli_db)
    assert kept.returncode == 0, kept.stderr
    assert "0 new, 1 updated, 0 moved" in kept.stdout
    moved = manage("--lang", "en", "import-units", file, "--parent", "C2", db=cli_db)
    assert moved.returncode == 0, moved.stderr
    assert "0 new, 1 updated, 1 moved" in moved.stdout and "C1: P → C2" in moved.stdout
    moved_zh = manage("--lang", "zh", "import-units", file, "--parent", "P", db=cli_db)
    assert "C1：C2 → P" in moved_zh.stdout, moved_zh.stdout
