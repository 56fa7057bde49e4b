"""Units and users come from a table as well as YAML: an .xlsx workbook or a .csv file (UTF-8, with or without
a byte-order mark, or GB18030 as Chinese Excel saves it). All or nothing: every row in error is reported with
its row number and nothing is written."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

import manage
from admin.org_import import RowErrors, import_unit_table, import_user_table, read_rows
from core.config import get_settings
from core.errors import InvalidInput
from org.accounts import sign_in
from store.db import snapshot, transaction
from store.schema import AdminAuditEvent, OrgUnit, RoleGrant, User
from tests.conftest import NOW

UNITS = [["code", "parent_code", "name_zh", "name_en", "kind", "function"],
         ["C3", "P", "丙市公司", "City C", "city", ""],
         ["C3-K1", "C3", "丙一县公司", "County C1", "county", ""],
         ["C3-D1", "C3", "丙市调度部", "City C dispatch dept", "department", "dispatch"],
         ["C1-K3", "C1", "甲三县公司", "County A3", "county", ""]]


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(rows: list[list[object]]) -> str:
    return "".join(",".join(str(v) for v in row) + "\r\n" for row in rows)


def units(world) -> dict[str, str | None]:
    with snapshot(world.engine) as s:
        rows = s.execute(select(OrgUnit.code, OrgUnit.parent_id, OrgUnit.id)).all()
    code = {r.id: r.code for r in rows}
    return {r.code: code.get(r.parent_id) for r in rows}


def import_units_from(world, name: str, data: bytes, **kw):
    with transaction(world.engine) as s:
        return import_unit_table(name, data, session=s, now=NOW, **kw)


@pytest.mark.parametrize(("name", "data"), [
    ("units.xlsx", xlsx(UNITS)),
    ("units.csv", csv_text(UNITS).encode("utf-8")),
    ("units.csv", csv_text(UNITS).encode("utf-8-sig")),
    ("units.csv", csv_text(UNITS).encode("gb18030")),
])
def test_units_are_created_under_parents_of_the_file_or_of_the_organisation(world, name, data):
    result = import_units_from(world, name, data)
    assert (result.created, result.updated) == (4, 0)
    tree = units(world)
    assert (tree["C3"], tree["C3-K1"], tree["C3-D1"], tree["C1-K3"]) == ("P", "C3", "C3", "C1")
    with snapshot(world.engine) as s:
        assert s.scalar(select(OrgUnit.name_zh).where(OrgUnit.code == "C3-K1")) == "丙一县公司"


def test_chinese_headers_and_semicolons_are_read_too():
    text = "单位编码;上级单位编码;中文名称;英文名称;类型\nC9;;玖市公司;City 9;city\n"
    assert read_rows("u.csv", text.encode("gb18030"))[0].values == {
        "单位编码": "C9", "上级单位编码": "", "中文名称": "玖市公司", "英文名称": "City 9", "类型": "city"}


def test_every_bad_unit_row_is_reported_and_nothing_is_written(world):
    rows = [UNITS[0],
            ["C3", "P", "丙市公司", "City C", "city", ""],
            ["C3", "P", "丙市公司", "City C", "city", ""],  # the same code again
            ["C4", "NOPE", "丁市公司", "City D", "city", ""],  # unknown parent
            ["C5", "P", "戊市公司", "City E", "castle", ""],  # no such kind
            ["C6", "P", "City F", "City F", "city", ""],  # no Chinese name
            ["C7", "P", "庚部", "Dept G", "department", ""],  # a department without its function
            ["X1", "X2", "甲", "A", "city", ""], ["X2", "X1", "乙", "B", "city", ""],  # a loop
            ["C8", "P", "辛市公司", "City H", "city", ""]]  # fine
    before = units(world)
    with pytest.raises(RowErrors) as refused:
        import_units_from(world, "bad.xlsx", xlsx(rows))
    assert [(p.row, p.key) for p in refused.value.problems] == [
        (3, "imp.err.duplicate"), (4, "imp.err.unknown_parent"), (5, "error.unit_kind"), (6, "error.unit_name_zh"),
        (7, "error.department_function"), (8, "imp.err.cycle"), (9, "imp.err.cycle")]
    assert refused.value.problems[0].message("zh") == "第 3 行：C3 与第 2 行重复"
    assert refused.value.problems[1].message("en") == "Row 4: Parent unit NOPE is neither in the file nor in the organisation"
    assert units(world) == before


def test_a_file_without_the_needed_columns_or_of_another_kind_is_refused(world):
    with pytest.raises(InvalidInput) as bad:
        import_units_from(world, "u.csv", b"code,name_zh\nC9,\xe7\x8e\x96\n")
    assert bad.value.code == "error.imp_missing_columns" and bad.value.params["columns"] == "name_en, kind"
    with pytest.raises(InvalidInput) as bad:
        import_units_from(world, "u.txt", b"")
    assert bad.value.code == "error.imp_file_kind"
    with pytest.raises(InvalidInput) as bad:
        import_units_from(world, "u.xlsx", b"not a workbook")
    assert bad.value.code == "error.imp_not_readable"


USERS = [["username", "display_name", "password", "roles"],
         ["zhao", "赵强", "", "unit_lead@C1-K1; executive"],
         ["qian", "钱芳", "a-long-enough-passphrase", "unit_member@c1"]]


def import_users_from(world, name: str, data: bytes):
    with transaction(world.engine) as s:
        return import_user_table(name, data, session=s, now=NOW)


@pytest.mark.parametrize(("name", "data"), [("users.xlsx", xlsx(USERS)),
                                            ("users.csv", csv_text(USERS).encode("gb18030"))])
def test_users_are_created_with_their_grants_and_must_change_their_password(world, name, data):
    made = {u.username: u for u in import_users_from(world, name, data)}
    assert made["zhao"].grants == (("unit_lead", "C1-K1"), ("executive", None))
    assert made["zhao"].one_time_password and made["qian"].one_time_password is None
    with snapshot(world.engine) as s:
        users = {u.username: u for u in s.scalars(select(User))}
        grants = s.execute(select(RoleGrant.role, OrgUnit.code).outerjoin(OrgUnit, OrgUnit.id == RoleGrant.unit_id)
                           .where(RoleGrant.user_id == users["zhao"].id).order_by(RoleGrant.id)).all()
        audited = s.scalar(select(func.count()).select_from(AdminAuditEvent).where(AdminAuditEvent.action == "user.create"))
    assert users["zhao"].display_name == "赵强" and users["zhao"].must_change_password
    assert users["qian"].must_change_password
    assert grants == [("unit_lead", "C1-K1"), ("executive", None)]
    assert audited == 3 + 2  # the world's three and these two
    assert sign_in(world.engine, "zhao", made["zhao"].one_time_password, client=None, now=NOW).username == "zhao"


def test_every_bad_user_row_is_reported_and_no_account_is_created(world):
    rows = [USERS[0],
            ["lead", "已有", "", ""],  # exists
            ["has space", "x", "", ""],
            ["sun", "孙", "short", ""],  # the password policy
            ["li", "李", "", "boss@C1"],  # no such role
            ["zhou", "周", "", "unit_lead@NOPE"],  # no such unit
            ["wu", "吴", "", "unit_lead@"],  # not role@unit
            ["zheng", "郑", "", ""], ["zheng", "郑", "", ""],  # twice
            ["wang2", "王", "", "executive"]]  # fine
    with snapshot(world.engine) as s:
        before = s.scalar(select(func.count()).select_from(User))
    with pytest.raises(RowErrors) as refused:
        import_users_from(world, "users.xlsx", xlsx(rows))
    assert [(p.row, p.key) for p in refused.value.problems] == [
        (2, "error.user_exists"), (3, "error.bad_username"), (4, "error.short_password"), (5, "error.unknown_role"),
        (6, "error.unit_not_found"), (7, "imp.err.bad_grant"), (9, "imp.err.duplicate")]
    with snapshot(world.engine) as s:
        assert s.scalar(select(func.count()).select_from(User)) == before


@pytest.fixture
def run(world, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(manage.cli, list(args), catch_exceptions=False)
    get_settings.cache_clear()


def test_the_command_line_imports_units_by_file_suffix_and_users_printing_one_time_passwords(run, world, tmp_path):
    (tmp_path / "units.csv").write_bytes(csv_text(UNITS).encode("utf-8-sig"))
    result = run("import-units", str(tmp_path / "units.csv"))
    assert result.exit_code == 0, result.output
    assert "C3" in units(world)
    (tmp_path / "users.xlsx").write_bytes(xlsx(USERS))
    result = run("--lang", "en", "import-users", str(tmp_path / "users.xlsx"))
    assert result.exit_code == 0, result.output
    assert "Created 2 user(s)." in result.stdout
    assert "  zhao (赵强): unit_lead@C1-K1; executive" in result.stdout
    assert "One-time password of zhao: " in result.stdout and "One-time password of qian" not in result.stdout


def test_the_command_line_prints_each_bad_row_and_imports_nothing(run, world, tmp_path):
    (tmp_path / "users.csv").write_text(csv_text([USERS[0], ["lead", "x", "", ""], ["ok", "好", "", "x@"]]),
                                        encoding="utf-8")
    result = run("import-users", str(tmp_path / "users.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["第 2 行：用户 lead 已存在。",
                                          "第 3 行：角色“x@”无效（格式：角色@单位编码 或 角色，以分号分隔）",
                                          "文件中有 2 行有错误，未导入任何内容。"]
    with snapshot(world.engine) as s:
        assert s.scalar(select(User.id).where(User.username == "ok")) is None
