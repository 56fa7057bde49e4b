"""Every manage.py command answers bad input with a clear message in the chosen language, a non-zero exit,
no traceback and nothing changed: one table of commands × bad inputs, run as an administrator would run them."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import string
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from core.i18n import t
from tests.conftest import FIXTURE_SEEDS, ROOT

GBK_UNITS = "units:\n  - code: P\n    name_zh: 测试省公司\n    name_en: Test\n    kind: province\n".encode("gbk")
GBK_LIST = "directives: [某]\n".encode("gbk")
BAD_YAML = "units:\n  - code: P\n    name_zh: [未闭合\n"
UNITS = "units:\n  - {code: NEW, name_zh: 新单位, name_en: New unit, kind: city}\n"


def run(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    """Run a command with `stdin` as its standard input (never the terminal: create-user would ask)."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, input=stdin)


@pytest.fixture(scope="module")
def ready_db(tmp_path_factory) -> Path:
    """A database made by init and one import of the fixture organisation (copied for each case)."""
    db = tmp_path_factory.mktemp("ready") / "ready.db"
    env = {"READINESS_DATABASE_URL": f"sqlite:///{db}", "READINESS_SEEDS_DIR": str(FIXTURE_SEEDS)}
    for args in (["init"], ["import-units", str(FIXTURE_SEEDS / "demo_org.yaml")]):
        out = run(*args, env=env)
        assert out.returncode == 0, out.stderr
    return db


def seeds_with(tmp: Path, name: str, content: str | bytes | None) -> str:
    """A copy of the fixture seeds with one file replaced (None: removed)."""
    seeds = tmp / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    path = seeds / name
    if content is None:
        path.unlink()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(seeds)


def unknown_directive(tmp: Path) -> str:
    template = yaml.safe_load((FIXTURE_SEEDS / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    template["sections"][0]["items"][0]["sources"] = ["S9.9"]
    return seeds_with(tmp, "templates/mini.yaml", yaml.safe_dump(template, allow_unicode=True))


def file_in(tmp: Path, content: str | bytes) -> str:
    path = tmp / "input.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@dataclass
class Case:
    """One command with one bad input; `key` is the catalogue message expected in `lang`."""

    args: list[str]
    lang: str
    db: str  # "none": no database file; "ready"; "outdated"; "under-a-file": a path that cannot be created
    key: str
    seeds: object = None  # a function of the temporary folder giving a seeds folder
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""


def a_file_with(content):
    return lambda tmp: file_in(tmp, content)


CASES = {
    # init, demo, coverage: the seeds are their input
    "init/missing-seeds": Case(["init"], "en", "none", "cli.content_refused", seeds=lambda tmp: str(tmp / "nope")),
    "init/gbk-directives": Case(["init"], "zh", "none", "cli.content_refused",
                                seeds=lambda tmp: seeds_with(tmp, "directives.yaml", GBK_LIST)),
    "init/bad-yaml-template": Case(["init"], "en", "ready", "cli.content_refused",
                                   seeds=lambda tmp: seeds_with(tmp, "templates/mini.yaml", "key: [mini\n")),
    "init/unknown-directive": Case(["init"], "zh", "ready", "cli.content_refused", seeds=unknown_directive),
    "init/database-path-under-a-file": Case(["init"], "zh", "under-a-file", "cli.os_error"),
    "demo/gbk-org": Case(["demo"], "en", "none", "cli.content_refused",
                         seeds=lambda tmp: seeds_with(tmp, "demo_org.yaml", GBK_UNITS)),
    "demo/bad-yaml-org": Case(["demo"], "zh", "ready", "cli.content_refused",
                              seeds=lambda tmp: seeds_with(tmp, "demo_org.yaml", BAD_YAML)),
    "demo/missing-org": Case(["demo"], "en", "none", "cli.content_refused",
                             seeds=lambda tmp: seeds_with(tmp, "demo_org.yaml", None)),
    "coverage/missing-seeds": Case(["coverage"], "zh", "none", "cli.content_refused",
                                   seeds=lambda tmp: str(tmp / "nope")),
    "coverage/gbk-drill-types": Case(["coverage"], "en", "none", "cli.content_refused",
                                     seeds=lambda tmp: seeds_with(tmp, "drill_types.yaml", GBK_LIST)),
    "coverage/bad-settings": Case(["coverage"], "en", "none", "cli.bad_settings",
                                  env={"READINESS_SQLITE_SYNCHRONOUS": "sometimes"}),
    # import-units
    "import-units/missing-file": Case(["import-units", "{tmp}/nope.yaml"], "zh", "ready", "cli.content_refused"),
    "import-units/gbk-file": Case(["import-units", a_file_with(GBK_UNITS)], "en", "ready", "cli.content_refused"),
    "import-units/bad-yaml": Case(["import-units", a_file_with(BAD_YAML)], "zh", "ready", "cli.content_refused"),
    "import-units/unknown-parent": Case(["import-units", a_file_with(UNITS), "--parent", "NOPE"], "en", "ready",
                                        "error.unit_not_found"),
    "import-units/cycle": Case(["import-units", a_file_with(UNITS.replace("NEW", "C1")), "--parent", "C1-K1"], "zh",
                               "ready", "error.unit_cycle"),
    "import-units/no-database": Case(["import-units", a_file_with(UNITS)], "zh", "none", "cli.db_missing"),
    "import-units/outdated-database": Case(["import-units", a_file_with(UNITS)], "en", "outdated", "cli.db_outdated"),
    # create-user
    "create-user/unknown-unit": Case(["create-user", "zhao", "--role", "unit_lead:NOPE"], "en", "ready",
                                     "error.unit_not_found", stdin="long-enough-1\n"),
    "create-user/unknown-role": Case(["create-user", "zhao", "--role", "boss:C1"], "zh", "ready", "cli.unknown_role",
                                     stdin="long-enough-1\n"),
    "create-user/short-password": Case(["create-user", "zhao"], "zh", "ready", "error.short_password",
                                       stdin="short\n"),
    "create-user/common-password": Case(["create-user", "zhao", "--password-stdin"], "en", "ready",
                                        "error.common_password", stdin="qwertyuiop\n"),
    "create-user/no-password": Case(["create-user", "zhao"], "en", "ready", "cli.password_missing"),
    "create-user/no-database": Case(["create-user", "zhao"], "en", "none", "cli.db_missing",
                                    stdin="long-enough-1\n"),
    "create-user/unreachable-database": Case(["create-user", "zhao"], "zh", "none",
                                             "cli.db_error", env={"READINESS_DATABASE_URL":
                                                                  "postgresql+psycopg://nobody@127.0.0.1:9/x"},
                                             stdin="long-enough-1\n"),
    # rebuild-projections
    "rebuild-projections/unknown-campaign": Case(["rebuild-projections", "--campaign", "999"], "zh", "ready",
                                                 "error.campaign_not_found"),
    "rebuild-projections/check-unknown-campaign": Case(["rebuild-projections", "--check", "--campaign", "999"],
                                                       "en", "ready", "error.campaign_not_found"),
    "rebuild-projections/no-database": Case(["rebuild-projections"], "en", "none", "cli.db_missing"),
    "rebuild-projections/check-no-database": Case(["rebuild-projections", "--check"], "zh", "none",
                                                  "cli.db_missing"),
}


def heading(key: str, lang: str) -> str:
    """The fixed text of a message up to its first placeholder."""
    return next(iter(string.Formatter().parse(t(key, lang))))[0].strip()


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_command_refuses_bad_input_with_a_message_in_the_chosen_language_and_changes_nothing(
        case: Case, ready_db: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    db = data / "app.db"
    if case.db in ("ready", "outdated"):
        shutil.copy(ready_db, db)
    if case.db == "outdated":
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0001'")
        conn.close()
    if case.db == "under-a-file":
        (data / "blocker").write_text("a file where a folder should be", encoding="utf-8")
        db = data / "blocker" / "app.db"
    env = {"READINESS_DATABASE_URL": f"sqlite:///{db}", "READINESS_SEEDS_DIR": str(FIXTURE_SEEDS), **case.env}
    if case.seeds:
        env["READINESS_SEEDS_DIR"] = case.seeds(tmp_path)
    args = [a(tmp_path) if callable(a) else a.format(tmp=tmp_path) for a in case.args]
    before = folder_state(data)

    out = run("--lang", case.lang, *args, env=env, stdin=case.stdin)

    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert "Traceback" not in text, text
    other = "en" if case.lang == "zh" else "zh"
    assert heading(case.key, case.lang) in out.stderr, text
    assert heading(case.key, other) not in out.stderr, text
    if case.lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", out.stderr), f"Chinese in an English message: {text}"
    assert folder_state(data) == before, "the command changed the database folder"
    if case.db == "none":
        assert not db.exists()
