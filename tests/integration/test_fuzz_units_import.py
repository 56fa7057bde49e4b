"""Fuzzing the import of units (manage.py import-units, the admin page): tables as .xlsx or .csv with any
header, any cells — formulas, control characters, huge names, unknown kinds, duplicate codes, parents that
loop or run deeper than the tree may go — in any encoding, damaged or not, and YAML trees. Whatever comes
in, the import either builds a sound tree holding every unit of the file, or refuses with the project's
own error in both languages and the database exactly as before."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from admin.org_import import MAX_CELL, MAX_ROWS, UNIT_COLUMNS, RowErrors, import_unit_table, read_rows
from content.models import DISCIPLINES, UNIT_KIND_NAMES
from content.units import load_unit_specs
from core.errors import DomainError, InvalidInput
from core.fields import CJK, NOT_TEXT
from core.i18n import LANGUAGES, t
from org.units import MAX_DEPTH, UNIT_CODE, import_units
from store.db import snapshot, transaction
from store.schema import OrgUnit
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
    sparse_sheet,
    xlsx_of,
    zip_bomb,
)

# openpyxl warns of the damaged parts it skips in a fuzzed workbook: expected, not news.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
EXISTING = ("P", "C1", "C1-K1", "C1-K2", "C2")
NEW = tuple(f"FZ{i}" for i in range(8))
HEADER = list(UNIT_COLUMNS)


def header_in(lang: str) -> list[str]:
    return [t(f"imp.col.{c}", lang) for c in UNIT_COLUMNS]


codes = mostly(st.sampled_from(EXISTING + NEW), st.one_of(
    st.sampled_from(["fz1", " FZ2 ", "FZ-", "-X", "A" * 65, ""]), hostile_text(max_size=8)))
# Each column's cells: the usual ones (valid or nearly: formulas, names at the length limit, lower-case codes),
# and odd ones on top (control characters, names too long, unknown kinds).
USUAL = {
    "code": st.one_of(st.integers(0, 999).map(lambda i: f"FZ{i}"), st.sampled_from(("fz-x1", " FZ-X2 ", "C1-K1"))),
    "parent_code": st.sampled_from(("", "", "C2", "C1", "C1-K1")),
    "name_zh": st.one_of(cjk_text(), st.sampled_from(["=HYPERLINK(\"http://x\")甲市", "甲" * 200, "+甲市", "@甲市",
                                                      "-甲市", "\t=甲市", "甲市\n=1+1"])),
    "name_en": st.sampled_from(["City F", "=1+1", "@SUM(A1)", "-x", "+x", "x" * 200, "=cmd|' /C calc'!A0"]),
    "kind": st.sampled_from([k for k in UNIT_KIND_NAMES if k != "department"]),
    "function": st.sampled_from(("", *DISCIPLINES)),
}
ODD = {
    "code": codes,
    "parent_code": codes,
    "name_zh": st.one_of(st.sampled_from(["甲" * 201, ""]), hostile_text(),
                         st.builds(lambda a, b: a + b, hostile_text(max_size=12), cjk_text(max_size=3))),
    "name_en": st.one_of(st.sampled_from(["x" * 201, " "]), hostile_text()),
    "kind": st.one_of(st.sampled_from(["department", "City", "城市", "", "department "]), hostile_text(max_size=8)),
    "function": hostile_text(max_size=8),
}


@st.composite
def unit_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A units table as a file: a header in English, Chinese or garbled (columns dropped, repeated,
    shuffled, junk added), rows of plausible and hostile cells, as .xlsx or .csv in some encoding."""
    header = list(draw(st.sampled_from([HEADER, header_in("zh"), header_in("en")])))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.lists(st.one_of(st.sampled_from(header), hostile_text(max_size=10)), max_size=8))
    odd = draw(st.booleans())  # half the tables have odd cells among the usual ones
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = []
        for h in header:
            cid = _column_id(h)
            usual = USUAL.get(cid, hostile_text(max_size=10, controls=False))
            row.append(draw(mostly(usual, ODD.get(cid, hostile_text(max_size=10))) if odd else usual))
        if draw(st.integers(0, 5)) == 0:  # a ragged row: too short or too long
            row = row[:draw(st.integers(0, len(row)))] + draw(st.lists(hostile_text(max_size=6), max_size=2))
        rows.append(row)
    table = [header, *rows]
    kind = draw(st.sampled_from(["xlsx"] * 4 + ["csv"] * 5 + ["other"]))
    if kind == "xlsx":
        data = xlsx_of(table)
    else:
        data = csv_of(table, encoding=draw(st.sampled_from(CSV_ENCODINGS)), delimiter=draw(st.sampled_from(",;\t")))
    name = draw(st.sampled_from(["units.xlsx", "units.XLSX"] if kind == "xlsx" else
                                ["units.csv", "单位.CSV"] if kind == "csv" else ["units.txt", "units", "units.xls"]))
    return name, draw(damaged(data))


def _column_id(label: object) -> str:
    for cid in UNIT_COLUMNS:
        if label in (cid, t(f"imp.col.{cid}", "zh"), t(f"imp.col.{cid}", "en")):
            return cid
    return ""


@st.composite
def unit_trees(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid-looking table whose parent links are random: chains, loops (a unit its own ancestor),
    duplicate codes, parents outside the file, the existing tree moved under the new units."""
    n = draw(st.integers(1, 12))
    codes = [draw(st.sampled_from(NEW + EXISTING + ("FZ-LONG",))) for _ in range(n)]
    rows = [HEADER]
    for code in codes:
        parent = draw(st.one_of(st.just(""), st.sampled_from(codes), st.sampled_from(EXISTING), st.just("NOPE")))
        kind = draw(st.sampled_from(["city", "county", "department"]))
        rows.append([code, parent, f"{code}单位", f"Unit {code}", kind, "dispatch" if kind == "department" else ""])
    return "units.csv", csv_of(rows)


def import_refused_or_sound(world, name: str, data: bytes, parent_code: str | None = None) -> None:
    before = dump(world.engine)
    try:
        with transaction(world.engine) as s:
            import_unit_table(name, data, session=s, parent_code=parent_code, now=NOW)
    except DomainError as exc:
        note(f"refused: {exc.code}")
        assert_clear_refusal(exc)
        assert dump(world.engine) == before
        return
    except Exception as exc:  # anything else is a bug of the importer: say which input
        raise AssertionError(f"{type(exc).__name__} for {name}: {data[:200]!r}") from exc
    note("imported")
    assert_sound_tree(world.engine, codes_of(name, data))


def codes_of(name: str, data: bytes) -> set[str]:
    """The unit codes a table that imported holds (its code column by either language's header; the last
    of two such columns wins, as in the import)."""
    aliases = {"code"} | {t("imp.col.code", lang).lower() for lang in LANGUAGES}
    found = set()
    for row in read_rows(name, data):
        code = ""
        for header, value in row.values.items():
            if header in aliases:
                code = value
        found.add(code.upper())
    return found


def assert_sound_tree(engine, codes: set[str]) -> None:
    """Every unit's path and depth follow its parent's, within MAX_DEPTH levels and the path column's 512
    characters; codes, names, kinds and functions are of the allowed forms; the file's units are there."""
    with snapshot(engine) as s:
        units = {u.id: u for u in s.scalars(select(OrgUnit))}
        for u in units.values():
            parent = units.get(u.parent_id)
            assert u.path == f"{parent.path if parent else '/'}{u.id}/", u.code
            assert u.depth == (parent.depth + 1 if parent else 0) and u.depth < MAX_DEPTH and len(u.path) <= 512
            assert UNIT_CODE.match(u.code) and CJK.search(u.name_zh) and u.name_en.strip()
            assert not NOT_TEXT.search(u.name_zh + u.name_en) and max(len(u.name_zh), len(u.name_en)) <= 200
            assert u.kind in UNIT_KIND_NAMES and (u.function in DISCIPLINES or u.function is None)
            assert u.kind != "department" or u.function is not None
        assert codes <= {u.code for u in units.values()}


@pytest.fixture
def world(engine):
    return build_world(engine)


@FUZZ
@given(file=unit_tables())
def test_any_units_table_either_builds_a_sound_tree_or_is_refused_clearly_changing_nothing(world, file):
    import_refused_or_sound(world, *file)


@FUZZ
@given(file=unit_trees(), under=st.sampled_from([None, "C2", "C1-K1"]))
def test_parent_links_that_loop_or_repeat_are_refused_and_sound_ones_build_the_tree(world, file, under):
    import_refused_or_sound(world, *file, parent_code=under)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), name=st.sampled_from(["u.xlsx", "u.csv"]))
def test_random_bytes_are_refused_as_a_table_or_read_as_one(world, data, name):
    import_refused_or_sound(world, name, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name_zh=mostly(USUAL["name_zh"], ODD["name_zh"]), name_en=mostly(USUAL["name_en"], ODD["name_en"]),
       code=codes, kind=mostly(USUAL["kind"], ODD["kind"]))
def test_a_yaml_tree_with_hostile_values_is_refused_clearly_or_imported_soundly(world, tmp_path_factory, name_zh,
                                                                                name_en, code, kind):
    import yaml

    path = tmp_path_factory.mktemp("yaml") / "units.yaml"
    path.write_text(yaml.safe_dump({"units": [{"code": code, "name_zh": name_zh, "name_en": name_en, "kind": kind,
                                               "children": [{"code": "FZ-CHILD", "name_zh": "子单位",
                                                             "name_en": "Child", "kind": "county"}]}]},
                                   allow_unicode=True), encoding="utf-8")
    before = dump(world.engine)
    try:
        specs = load_unit_specs(path)
        with transaction(world.engine) as s:
            import_units(specs, session=s, parent_code="C2", now=NOW)
    except Exception as exc:  # the property: only the project's own errors
        note(f"refused: {type(exc).__name__}")
        assert_clear_refusal(exc)
        assert dump(world.engine) == before
    else:
        note("imported")
        assert_sound_tree(world.engine, {code, "FZ-CHILD"})


# ── Examples too big to draw ─────────────────────────────────────────────────


def chain(n: int, prefix: str = "D") -> list[list[str]]:
    return [HEADER] + [[f"{prefix}{i}", f"{prefix}{i - 1}" if i else "C2", f"第{i}级", f"Level {i}", "county", ""]
                       for i in range(n)]


def test_a_chain_of_units_deeper_than_the_tree_may_go_is_refused_row_by_row(world):
    before = dump(world.engine)
    for levels in (MAX_DEPTH + 1, 1500):  # 1500 levels was a RecursionError; 200 overflowed the path column
        with pytest.raises(RowErrors) as refused, transaction(world.engine) as s:
            import_unit_table("deep.csv", csv_of(chain(levels)), session=s, now=NOW)
        assert_clear_refusal(refused.value)
        assert {p.key for p in refused.value.problems} == {"imp.err.too_deep"}
        assert refused.value.problems[0].row == MAX_DEPTH + 2  # the header is row 1
    assert dump(world.engine) == before


def test_a_chain_that_fits_the_file_but_not_under_its_parent_is_refused_naming_the_unit(world):
    # C2 is level 2, so a chain of MAX_DEPTH - 1 under it reaches level MAX_DEPTH + 1.
    before = dump(world.engine)
    with pytest.raises(InvalidInput) as refused, transaction(world.engine) as s:
        import_unit_table("deep.csv", csv_of(chain(MAX_DEPTH - 1)), session=s, now=NOW)
    assert refused.value.code == "error.unit_too_deep" and refused.value.params["unit"] == f"D{MAX_DEPTH - 2}"
    assert_clear_refusal(refused.value)
    assert dump(world.engine) == before
    import_refused_or_sound(world, "fits.csv", csv_of(chain(MAX_DEPTH - 2)))


def test_moving_a_deep_branch_under_a_deep_unit_is_refused(world):
    import_refused_or_sound(world, "a.csv", csv_of(chain(20, "A")))
    import_refused_or_sound(world, "b.csv", csv_of(chain(20, "B")))
    before = dump(world.engine)
    moved = [HEADER, ["B0", "A19", "第0级", "Level 0", "county", ""]]
    with pytest.raises(InvalidInput) as refused, transaction(world.engine) as s:
        import_unit_table("move.csv", csv_of(moved), session=s, now=NOW)
    assert refused.value.code == "error.unit_too_deep"
    assert dump(world.engine) == before


# Refused while the file is read, before the database is asked anything.


@pytest.mark.parametrize(("cell", "code"), [
    ("甲" * (MAX_CELL + 1), "error.imp_cell_too_long"),
    ("甲" * 200_000, "error.imp_csv_unreadable"),  # past the csv module's own limit
    ("甲\x00乙", "error.imp_bad_character"),
    ("甲\x1b[31m乙", "error.imp_bad_character"),
    ("甲\uffff", "error.imp_bad_character"),
])
def test_a_cell_too_long_or_holding_a_control_character_is_refused_by_row_and_column(cell, code):
    with pytest.raises(InvalidInput) as refused:
        read_rows("u.csv", csv_of([HEADER, ["C9", "", cell, "City 9", "city", ""]]))
    assert refused.value.code == code and refused.value.params["row"] == 2
    assert_clear_refusal(refused.value)


def test_more_rows_than_allowed_are_refused_and_as_many_as_allowed_are_read():
    rows = [HEADER] + [[f"R{i}", "C2", "单位", "Unit", "county", ""] for i in range(MAX_ROWS + 1)]
    with pytest.raises(InvalidInput) as refused:
        read_rows("u.csv", csv_of(rows))
    assert refused.value.code == "error.xl_too_many_rows"
    assert len(read_rows("u.xlsx", xlsx_of(rows[:-1]))) == MAX_ROWS


def test_a_sheet_claiming_a_million_rows_of_sixteen_thousand_cells_is_read_quickly():
    data = sparse_sheet(xlsx_of([HEADER, ["SP1", "C2", "稀疏单位", "Sparse", "county", ""]]))
    assert len(data) < 10_000
    started = time.monotonic()
    rows = read_rows("sparse.xlsx", data)  # the far cell is in column XFD, past what is read
    assert [r.values["code"] for r in rows] == ["SP1"] and time.monotonic() - started < 20


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread():
    with pytest.raises(InvalidInput) as refused:
        read_rows("bomb.xlsx", zip_bomb(xlsx_of(chain(1))))
    assert refused.value.code == "error.xl_unpacked_too_big"
    assert_clear_refusal(refused.value)


def test_a_header_line_so_long_the_delimiter_sniffer_would_take_hours_is_read_at_once():
    started = time.monotonic()
    assert read_rows("u.csv", (', "x' * 400_000).encode()) == []  # a header and no rows
    assert time.monotonic() - started < 20


def test_a_stray_byte_order_mark_before_text_that_is_not_utf8_is_read_as_gb18030():
    data = "\ufeff".encode() + "code,name_zh,name_en,kind\r\nC9,玖市公司,City 9,city\r\n".encode("gb18030")
    assert read_rows("u.csv", data)[0].values["name_zh"] == "玖市公司"
    # Was a UnicodeDecodeError; now the stray byte reads as a replacement character under an empty header.
    assert [r.values for r in read_rows("u.csv", b"\xef\xbb\xbf\r\n\x80")] == [{}]
