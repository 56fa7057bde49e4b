"""Backup and restore (admin/backup.py) on the demo database: a restore into an empty database on either
engine gives back every table row for row — SQLite → PostgreSQL → SQLite — so the readiness series, the
weekly report and the projections' check come out exactly as on the original; new rows get new ids; the
append-only tables stay append-only; accounts restored without their password hashes cannot sign in until
an administrator resets them; evidence kept in a directory travels inside the file. A database holding
data, a damaged or altered file and a backup of another schema revision are refused before anything is
changed."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pandas.testing import assert_frame_equal
from PIL import Image
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from admin import backup
from admin.demo import DEMO_PASSWORD
from admin.weekly_report import build, top_unit, workbook
from checklists import changes, evidence, queries
from checklists.rebuild import campaign_ids, projection_differences
from core.clock import local_day
from core.config import Settings
from core.errors import AuthError, InvalidInput
from core.i18n import t
from org.accounts import create_user, sign_in
from org.models import Actor
from org.people import reset_password
from readiness.series import readiness_series
from store.db import make_engine, migrate, schema_state, snapshot, transaction
from store.schema import Campaign, ChecklistEvent, OrgUnit, RoleGrant, User
from tests.conftest import NOW, build_world

TODAY = local_day(NOW)
LATER = NOW.replace(hour=5)


# ── Fixtures: the demo database, its backups, a restore ──────────────────────


@pytest.fixture(scope="module")
def original(demo_db_template, tmp_path_factory):
    """The demo database (read only here)."""
    path = tmp_path_factory.mktemp("original") / "demo.db"
    shutil.copy(demo_db_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_backup(original, tmp_path_factory) -> Path:
    """The demo's backup as made by default: without password hashes."""
    out = tmp_path_factory.mktemp("backup") / "demo.peakready.zip"
    backup.write_backup(original, out, now=NOW)
    return out


@pytest.fixture(scope="module")
def demo_backup_with_passwords(original, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("backup") / "demo-with-passwords.zip"
    backup.write_backup(original, out, now=NOW, with_passwords=True)
    return out


@pytest.fixture
def restored(empty_engine, demo_backup):
    """The demo's backup restored into a brand-new database (no schema yet) of each engine."""
    result = backup.restore_backup(empty_engine, backup.check_backup(demo_backup))
    assert result.migrated
    return empty_engine


def seasons(engine) -> list[tuple[int, int, object, object]]:
    """Each campaign: its id, top unit, start and peak start."""
    with snapshot(engine) as s:
        return [(c.id, top_unit(c.id, session=s), c.starts_on, c.peak_start)
                for c in s.scalars(select(Campaign).order_by(Campaign.id))]


def manifest_of(file: Path) -> dict:
    with zipfile.ZipFile(file) as zf:
        return json.loads(zf.read(backup.MANIFEST))


def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the backup with `change(name, data) -> data | None` applied to each member (None drops it)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return target


def refusal(exc: pytest.ExceptionInfo, lang: str = "en") -> str:
    return t(exc.value.code, lang, **exc.value.params)


# ── The restored database gives the same figures ─────────────────────────────


def test_the_restored_database_reproduces_every_readiness_series_of_the_original(original, restored):
    assert seasons(restored) == seasons(original)
    for campaign_id, root, starts_on, peak_start in seasons(original):
        end = max(peak_start, TODAY)
        with snapshot(original) as a, snapshot(restored) as b:
            units = list(a.scalars(select(OrgUnit.id).order_by(OrgUnit.id)))
            for unit in (None, root, *units):
                before = readiness_series(campaign_id, start=starts_on, end=end, session=a, root_unit_id=unit)
                after = readiness_series(campaign_id, start=starts_on, end=end, session=b, root_unit_id=unit)
                assert_frame_equal(after, before, check_exact=True)
            assert readiness_series(campaign_id, start=starts_on, end=end, session=b, root_unit_id=root)[
                "done"].iloc[-1] > 0  # the demo's history is there to compare


def test_the_restored_database_gives_the_same_weekly_report_cell_by_cell(original, restored):
    with snapshot(original) as s:
        open_season = s.scalar(select(Campaign.id).where(Campaign.status == "open"))
    reports = []
    for engine in (original, restored):
        with snapshot(engine) as s:
            reports.append(build(open_season, top_unit(open_season, session=s), TODAY, session=s, lang="zh",
                                 now=NOW))
    assert reports[1] == reports[0]
    assert reports[0].series and reports[0].ranking and reports[0].coverage  # a report with content
    books = [load_workbook(io.BytesIO(workbook(r))) for r in reports]
    assert books[1].sheetnames == books[0].sheetnames
    for name in books[0].sheetnames:
        cells = [[[c.value for c in row] for row in book[name].iter_rows()] for book in books]
        assert cells[1] == cells[0], name


def test_the_projections_of_the_restored_database_match_its_event_log(restored):
    with snapshot(restored) as s:
        ids = campaign_ids(session=s)
        assert len(ids) == 2
        assert all(projection_differences(cid, session=s) == [] for cid in ids)


def test_every_table_comes_back_row_for_row_from_sqlite_to_the_engine_and_back_to_sqlite(
        original, demo_backup_with_passwords, empty_engine, tmp_path):
    """On PostgreSQL: SQLite → PostgreSQL → SQLite. Each backup writes the same data as the same bytes, so
    equal hashes mean equal tables, every id, moment, JSON text and file included."""
    first = manifest_of(demo_backup_with_passwords)
    backup.restore_backup(empty_engine, backup.check_backup(demo_backup_with_passwords))
    second_file = backup.write_backup(empty_engine, tmp_path / "second.zip", now=NOW, with_passwords=True)
    assert second_file.source == empty_engine.dialect.name
    back = make_engine(f"sqlite:///{tmp_path / 'back.db'}")
    try:
        backup.restore_backup(back, backup.check_backup(tmp_path / "second.zip"))
        backup.write_backup(back, tmp_path / "third.zip", now=NOW, with_passwords=True)
        third = manifest_of(tmp_path / "third.zip")
        second = manifest_of(tmp_path / "second.zip")
        assert [t["rows"] for t in first["tables"]] == [t["rows"] for t in third["tables"]]
        assert sum(t["rows"] for t in first["tables"]) > 40_000
        for a, b, c in zip(first["tables"], second["tables"], third["tables"], strict=True):
            assert a["sha256"] == b["sha256"] == c["sha256"], a["name"]
        assert first["files"] == second["files"] == third["files"] and first["files"]
        # …and the figures on the far side are the original's.
        campaign_id, root, starts_on, peak_start = seasons(original)[-1]
        with snapshot(original) as a, snapshot(back) as b:
            assert_frame_equal(readiness_series(campaign_id, start=starts_on, end=peak_start, session=b,
                                                root_unit_id=root),
                               readiness_series(campaign_id, start=starts_on, end=peak_start, session=a,
                                                root_unit_id=root), check_exact=True)
    finally:
        back.dispose()


def test_a_database_with_the_schema_but_no_data_is_restored_into_without_migrating(empty_engine, demo_backup):
    migrate(empty_engine)
    result = backup.restore_backup(empty_engine, backup.check_backup(demo_backup))
    assert not result.migrated and result.rows == sum(t["rows"] for t in manifest_of(demo_backup)["tables"])
    assert seasons(empty_engine)


# ── Working on after a restore ───────────────────────────────────────────────


def test_new_rows_get_new_ids_after_a_restore(restored):
    """On PostgreSQL the id sequences are set past the restored ids, so an account, its grant, its audit entry
    and a note on an item are written as on any database."""
    with snapshot(restored) as s:
        top = {name: s.scalar(select(func.max(col))) for name, col in
               (("users", User.id), ("grants", RoleGrant.id), ("events", ChecklistEvent.id))}
        lead = s.scalar(select(User).where(User.username == "lead"))
        unit_id = s.scalar(select(RoleGrant.unit_id).where(RoleGrant.user_id == lead.id))
        season = s.scalar(select(Campaign.id).where(Campaign.status == "open"))
        row = next(r for r in queries.unit_checklist(season, unit_id, session=s) if r.status == "open")
    with transaction(restored) as s:
        user = create_user("restored-newcomer", "a-long-new-password", "新同事", session=s, now=LATER,
                           grants=[("executive", None)])
        result = changes.change_item(season, unit_id, row.item_id, "note", expected_version=row.version,
                                     text="恢复后的第一条备注", occurrence=row.occurrence, session=s,
                                     actor=Actor(lead.id, lead.username, lead.display_name), now=LATER)
    with snapshot(restored) as s:
        assert user.id == top["users"] + 1
        assert s.scalar(select(func.max(RoleGrant.id))) == top["grants"] + 1
        assert result.event_id == top["events"] + 1
        assert s.scalar(select(ChecklistEvent.text).where(ChecklistEvent.id == result.event_id)) == "恢复后的第一条备注"


@pytest.mark.parametrize("statement", [
    "UPDATE checklist_events SET text = 'changed' WHERE id = (SELECT MIN(id) FROM checklist_events)",
    "DELETE FROM declarations",
    "DELETE FROM admin_audit_log",
    "UPDATE evidence_files SET file_name = 'x'",
    "DELETE FROM drill_log",
])
def test_the_append_only_tables_take_the_restored_rows_and_still_refuse_changes(restored, demo_backup, statement):
    rows = {t["name"]: t["rows"] for t in manifest_of(demo_backup)["tables"]}
    with pytest.raises(DBAPIError), transaction(restored) as s:
        s.execute(text(statement))
    with snapshot(restored) as s:
        for table in ("checklist_events", "declarations", "admin_audit_log", "evidence_files", "drill_log"):
            assert s.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == rows[table] > 0


# ── Passwords ────────────────────────────────────────────────────────────────


def members_text(file: Path) -> str:
    with zipfile.ZipFile(file) as zf:
        return "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith((".jsonl", ".json")))


def test_a_backup_leaves_the_password_hashes_out_unless_asked(demo_backup, demo_backup_with_passwords):
    assert "$argon2" not in members_text(demo_backup)
    assert manifest_of(demo_backup)["with_passwords"] is False
    assert members_text(demo_backup_with_passwords).count("$argon2") == 10  # the demo's ten accounts
    assert manifest_of(demo_backup_with_passwords)["with_passwords"] is True


def test_sessions_and_sign_in_throttling_are_left_out_and_the_schema_revision_is_recorded(demo_backup):
    manifest = manifest_of(demo_backup)
    names = [t["name"] for t in manifest["tables"]]
    assert not set(names) & {"user_sessions", "sign_in_throttle", "change_counter"}
    assert {"org_units", "users", "role_grants", "campaigns", "checklist_events", "season_events", "drills",
            "drill_evaluations", "after_action_reports", "corrective_actions", "declarations", "evidence_files",
            "admin_audit_log", "obligations"} <= set(names)
    assert manifest["schema_revision"] == backup.code_revision()
    assert manifest["format"] == backup.FORMAT and manifest["format_version"] == backup.FORMAT_VERSION


def test_accounts_restored_without_password_hashes_cannot_sign_in_until_an_administrator_resets_them(restored):
    for username in ("lead", "admin", "executive"):
        with pytest.raises(AuthError):
            sign_in(restored, username, DEMO_PASSWORD, client=None, now=LATER)
    with snapshot(restored) as s:
        hashes = set(s.scalars(select(User.password_hash)))
        admin = s.scalar(select(User).where(User.username == "admin"))
        lead_id = s.scalar(select(User.id).where(User.username == "lead"))
    assert hashes == {backup.NO_PASSWORD}
    for guess in ("", backup.NO_PASSWORD, "!", "peakready-demo"):
        with pytest.raises(AuthError):
            sign_in(restored, "member", guess, client=None, now=LATER)
    with transaction(restored) as s:
        new = reset_password(lead_id, session=s, actor=Actor(admin.id, admin.username, admin.display_name), now=LATER)
    assert sign_in(restored, "lead", new, client=None, now=LATER).username == "lead"
    with snapshot(restored) as s:
        assert s.scalar(select(User.must_change_password).where(User.id == lead_id)) is True


def test_accounts_restored_with_their_password_hashes_sign_in_as_before(empty_engine, demo_backup_with_passwords):
    result = backup.restore_backup(empty_engine, backup.check_backup(demo_backup_with_passwords))
    assert result.without_password == 0
    assert sign_in(empty_engine, "lead", DEMO_PASSWORD, client=None, now=LATER).username == "lead"


# ── Refusals that change nothing ─────────────────────────────────────────────


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar()
                for name in inspect(conn).get_table_names()}


def test_a_database_that_holds_data_is_refused_and_left_as_it_was(engine, demo_backup):
    """`init` has loaded content into it: a restore would mix two histories."""
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as exc:
        backup.restore_backup(engine, backup.check_backup(demo_backup))
    assert exc.value.code == "backup.not_empty"
    assert "nothing was changed" in refusal(exc) and "目标数据库不是空的" in refusal(exc, "zh")
    assert table_counts(engine) == before


def test_restoring_twice_is_refused_the_second_time(restored, demo_backup):
    before = table_counts(restored)
    with pytest.raises(InvalidInput) as exc:
        backup.restore_backup(restored, backup.check_backup(demo_backup))
    assert exc.value.code == "backup.not_empty"
    assert table_counts(restored) == before


def flip_a_byte(name: str, data: bytes) -> bytes:
    if name != "tables/checklist_events.jsonl":
        return data
    at = data.index(b'"action":"done"')
    return data[:at] + b'"action":"na"  ' + data[at + len(b'"action":"done"'):]


def drop(member: str):
    return lambda name, data: None if name == member else data


def edit_manifest(**changes):
    def change(name: str, data: bytes) -> bytes:
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest.update(changes)
        return json.dumps(manifest).encode()
    return change


@pytest.mark.parametrize(("change", "code", "words"), [
    (flip_a_byte, "backup.corrupted", "tables/checklist_events.jsonl: its SHA-256 differs from the manifest's"),
    (drop("tables/users.jsonl"), "backup.corrupted", "tables/users.jsonl: this part is missing from the file"),
    (edit_manifest(schema_revision="0009"), "backup.wrong_revision", "made at schema revision 0009"),
    (edit_manifest(format_version=2), "backup.format_version", "format version 2"),
    (drop(backup.MANIFEST), "backup.not_a_backup", "is not a PeakReady backup (no manifest.json)"),
])
def test_an_altered_or_foreign_file_is_refused_before_the_database_is_touched(empty_engine, demo_backup, tmp_path,
                                                                               change, code, words):
    bad = rewritten(demo_backup, tmp_path / "bad.zip", change)
    with pytest.raises(InvalidInput) as exc:
        backup.restore_backup(empty_engine, backup.check_backup(bad))
    assert exc.value.code == code
    assert words in refusal(exc) and "nothing was changed" in refusal(exc)
    assert "未作任何更改" in refusal(exc, "zh")
    assert schema_state(empty_engine) == "missing"


def test_a_file_changed_after_its_check_is_caught_while_restoring_and_nothing_stays_behind(empty_engine, demo_backup,
                                                                                         tmp_path):
    """The event log, the last table, is altered between the check and the restore: every table already
    inserted goes back out with it (one transaction)."""
    file = tmp_path / "swapped.zip"
    shutil.copy(demo_backup, file)
    checked = backup.check_backup(file)
    rewritten(demo_backup, file, flip_a_byte)
    with pytest.raises(InvalidInput) as exc:
        backup.restore_backup(empty_engine, checked)
    assert exc.value.code == "backup.corrupted" and "tables/checklist_events.jsonl" in refusal(exc)
    with empty_engine.connect() as conn:
        assert backup.occupied_table(conn) is None


def test_a_member_the_manifest_does_not_list_is_refused(demo_backup, tmp_path):
    bad = tmp_path / "extra.zip"
    shutil.copy(demo_backup, bad)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("tables/smuggled.jsonl", b'{"id":1}\n')
    with pytest.raises(InvalidInput) as exc:
        backup.check_backup(bad)
    assert exc.value.code == "backup.corrupted" and "tables/smuggled.jsonl" in refusal(exc)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    bad = tmp_path / "notes.zip"
    bad.write_bytes(b"just some text")
    with pytest.raises(InvalidInput) as exc:
        backup.check_backup(bad)
    assert exc.value.code == "backup.not_a_backup"


# ── Evidence kept in a directory ─────────────────────────────────────────────


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world_with_files(engine, tmp_path):
    """The fixture world with one file kept in the evidence directory and one in the database."""
    world = build_world(engine)
    shared = tmp_path / "shared-a"
    files = {"dir": png(), "db": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"}
    for storage, data in files.items():
        settings = Settings(evidence_dir=shared if storage == "dir" else None)
        with transaction(engine) as s:
            row = next(r for r in queries.unit_checklist(world.campaign_id, world.units["C1-K1"], session=s)
                       if r.item_id == world.items["plan-approved"])
            evidence.attach_evidence(world.campaign_id, world.units["C1-K1"], row.item_id, row.occurrence,
                                     f"proof.{'png' if storage == 'dir' else 'pdf'}", data,
                                     expected_version=row.version, session=s, actor=world.lead, now=NOW,
                                     settings=settings)
    return world, shared, files


def test_evidence_kept_in_a_directory_travels_inside_the_backup_and_lands_in_the_targets(world_with_files,
                                                                                       tmp_path):
    world, shared, files = world_with_files
    out = tmp_path / "files.zip"
    manifest = backup.write_backup(world.engine, out, now=NOW, evidence_dir=shared)
    assert {f.sha256 for f in manifest.files} == {hashlib.sha256(d).hexdigest() for d in files.values()}
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    elsewhere = tmp_path / "shared-b"
    try:
        checked = backup.check_backup(out)
        assert checked.in_directory == 1
        backup.restore_backup(target, checked, evidence_dir=elsewhere)
        with snapshot(target) as s:
            for meta in evidence.evidence_of(world.campaign_id, world.units["C1-K1"], world.items["plan-approved"],
                                             session=s, actor=None):
                _, data = evidence.read_evidence(meta.id, session=s, actor=None,
                                                 settings=Settings(evidence_dir=elsewhere))
                assert data == files[meta.storage]
        assert (elsewhere / hashlib.sha256(files["dir"]).hexdigest()[:2]).is_dir()
    finally:
        target.dispose()


def test_a_backup_with_files_in_a_directory_needs_a_directory_to_restore_into(world_with_files, tmp_path):
    world, shared, _ = world_with_files
    out = tmp_path / "files.zip"
    backup.write_backup(world.engine, out, now=NOW, evidence_dir=shared)
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        with pytest.raises(InvalidInput) as exc:
            backup.restore_backup(target, backup.check_backup(out), evidence_dir=None)
        assert exc.value.code == "backup.evidence_dir_needed" and "READINESS_EVIDENCE_DIR" in refusal(exc)
        assert not (tmp_path / "target.db").exists()
    finally:
        target.dispose()


def test_a_backup_is_not_written_when_an_evidence_file_is_missing_or_changed(world_with_files, tmp_path):
    world, shared, files = world_with_files
    out = tmp_path / "files.zip"
    stored = evidence.stored_path(shared, hashlib.sha256(files["dir"]).hexdigest())
    stored.write_bytes(b"not the photo")
    with pytest.raises(InvalidInput) as exc:
        backup.write_backup(world.engine, out, now=NOW, evidence_dir=shared)
    assert exc.value.code == "backup.evidence_unreadable" and "proof.png" in refusal(exc)
    stored.unlink()
    with pytest.raises(InvalidInput):
        backup.write_backup(world.engine, out, now=NOW, evidence_dir=shared)
    assert list(tmp_path.glob("files.zip*")) == [] and list(tmp_path.glob(".files.zip*")) == []
