"""`manage.py backup --out FILE` writes the whole demo database to one file and says in one line what it holds;
`manage.py restore FILE` brings it back into a new database of either engine in one line, after which
`rebuild-projections --check` passes. A database holding data, a damaged file and a missing file are each
refused in one line, in Chinese by default and in English with --lang en, with exit code 1, and change
nothing."""

from __future__ import annotations

import json
import zipfile

import pytest
from click.testing import CliRunner

import manage
from admin.backup import MANIFEST, code_revision
from core.config import get_settings


@pytest.fixture
def run(demo_db):
    """Run manage.py in-process; the configured database starts as a copy of the demo database."""
    def invoke(*args: str):
        return CliRunner().invoke(manage.cli, list(args), catch_exceptions=False)

    return invoke


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    get_settings.cache_clear()


def held(file) -> tuple[int, int, int]:
    """Tables, rows and evidence files of a backup, as its manifest lists them."""
    with zipfile.ZipFile(file) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    return len(manifest["tables"]), sum(t["rows"] for t in manifest["tables"]), len(manifest["files"])


def test_a_backup_is_written_and_one_line_says_what_it_holds(run, tmp_path):
    out = tmp_path / "备份.zip"
    result = run("backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    tables, rows, files = held(out)
    assert result.stdout.splitlines() == [
        f"已写入备份 {out}：{tables} 张表共 {rows} 行，{files} 个佐证文件，数据库结构版本 {code_revision()}，不含密码哈希"]
    assert rows > 40_000 and files > 0


def test_with_passwords_the_line_says_so_in_the_language_asked(run, tmp_path):
    out = tmp_path / "full.zip"
    result = run("backup", "--out", str(out), "--with-passwords", "--lang", "en")
    assert result.exit_code == 0, result.output
    tables, rows, files = held(out)
    assert result.stdout == (f"Backup written to {out}: {rows} rows in {tables} tables, {files} evidence file(s), "
                             f"schema revision {code_revision()}, password hashes included (keep this file safe)\n")


def test_the_backup_restores_into_a_new_database_of_either_engine_and_its_projections_check_out(
        run, empty_engine, monkeypatch, tmp_path):
    out = tmp_path / "demo.zip"
    assert run("backup", "--out", str(out)).exit_code == 0
    tables, rows, files = held(out)
    use_database(monkeypatch, empty_engine.url.render_as_string(hide_password=False))
    result = run("restore", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"已从 {out} 恢复：{tables} 张表共 {rows} 行，{files} 个佐证文件；备份不含密码，10 个账号须由管理员重置密码后才能登录"]
    check = run("rebuild-projections", "--check")
    assert check.exit_code == 0, check.output
    assert check.stdout == "2 个备战活动的投影与事件日志一致\n"


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", "目标数据库不是空的（app_meta 表已有 1 行）：只能恢复到新建的空数据库（不要先运行 init），未作任何更改"),
    ("en", "The target database is not empty (app_meta holds 1 row(s)): a backup is restored into a new, empty "
           "database only (do not run init first); nothing was changed"),
])
def test_restoring_into_a_database_that_holds_data_is_one_line_and_changes_nothing(run, demo_db, tmp_path, lang,
                                                                                  words):
    out = tmp_path / "demo.zip"
    assert run("backup", "--out", str(out), "--with-passwords").exit_code == 0
    assert run("backup", "--out", str(tmp_path / "before.zip"), "--with-passwords").exit_code == 0
    result = run("restore", str(out), "--lang", lang)  # into the demo database itself
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == words + "\n"
    run("backup", "--out", str(tmp_path / "after.zip"), "--with-passwords")
    with zipfile.ZipFile(tmp_path / "before.zip") as a, zipfile.ZipFile(tmp_path / "after.zip") as b:
        assert json.loads(a.read(MANIFEST))["tables"] == json.loads(b.read(MANIFEST))["tables"]


def test_a_damaged_file_is_refused_in_one_line_and_no_database_is_created(run, monkeypatch, tmp_path):
    out = tmp_path / "demo.zip"
    assert run("backup", "--out", str(out)).exit_code == 0
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, data.replace("王磊".encode(), "王石".encode()) if name == "tables/users.jsonl" else data)
    target = tmp_path / "new" / "restored.db"
    use_database(monkeypatch, f"sqlite:///{target}")
    for lang, words in (("zh", f"备份文件 {bad} 已损坏或被改动（tables/users.jsonl：SHA-256 校验值与清单记录不符），"
                               "未作任何更改"),
                        ("en", f"The backup {bad} is damaged or was altered (tables/users.jsonl: its SHA-256 differs "
                               "from the manifest's); nothing was changed")):
        result = run("--lang", lang, "restore", str(bad))
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == words + "\n"
    assert not target.exists() and not target.parent.exists()


def test_a_missing_file_is_one_line(run, tmp_path):
    result = run("restore", str(tmp_path / "nowhere.zip"), "--lang", "en")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "nowhere.zip" in result.stderr
