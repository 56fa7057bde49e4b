"""Backup and restore: the whole database written to one checked, versioned file, and read back into an
empty database on either engine.

The file is a zip archive (standard library only), written to a temporary name and renamed when complete:

- `tables/<table>.jsonl`, one per table, in the order a restore inserts them (parents before children):
  one JSON object per line, column name → value, rows in primary-key order (a unit after its parent), so
  the same data always gives the same bytes whichever engine it came from. Values: numbers, text and
  booleans as they are; a day as `YYYY-MM-DD`; a moment as ISO 8601 in UTC; bytes (photo thumbnails) in
  base64; a JSON column as its JSON text exactly as stored, so SQL NULL (`null`) and a JSON null (`"null"`)
  stay apart.
- `files/<ab>/<sha256>`: the bytes of each evidence file once, named by their SHA-256, whether the
  database held them or the evidence directory did (`evidence_files.data` is always null in the table;
  a restore puts the bytes back where the row says: into the row, or into the target's directory).
- `manifest.json`, written last: the format and its version, when and from which engine the backup was
  made, the schema revision (Alembic), whether password hashes are in it, and for every member its row
  count (tables), size and SHA-256.

Left out, by design: `user_sessions` (a restored database starts with everybody signed out; the token
hashes are as good as credentials), `sign_in_throttle` (a few minutes' worth of failed sign-ins) and
`change_counter` (the pages' cache key; the restore bumps the target's own). Everything else, the audit
log and the projections included, is copied row for row with its ids.

Password hashes are left out unless asked for (`with_passwords`). A user restored without one gets
NO_PASSWORD, which is not an argon2 hash: org.accounts refuses every password against it, so the account
cannot sign in with a password until an administrator resets it (the admin page's reset; on a database
where nobody can sign in, first `manage.py create-user NAME --role admin`). A linked single-sign-on
identity keeps working: it proves the person at the company's provider, not with a secret the backup
left out.

A restore first checks the whole file (every member's size, SHA-256 and rows, the format version and the
schema revision against this program's) and that the target holds no data, and refuses before touching
the database. A target without the schema is then migrated (its own step: should the restore fail after
it, the database is left migrated and still empty), and every row goes in in one transaction: all or
nothing. The append-only tables' triggers refuse UPDATE, DELETE and TRUNCATE only, so inserting their
rows needs no trigger to be lifted, and they stay append-only. On PostgreSQL each id sequence is set past
the largest id restored, so new rows get new ids.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError

from checklists.evidence import stored_path, write_stored
from core.clock import as_utc
from core.errors import InvalidInput
from core.i18n import LANGUAGES, t
from store.db import alembic_config, migrate, schema_state, transaction
from store.schema import Base, EvidenceFile

FORMAT = "peakready-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Not copied (see the module's docstring); a target may hold rows in these and still count as empty.
LEFT_OUT = ("user_sessions", "sign_in_throttle", "change_counter")
# What a user restored without a password hash gets instead: never a valid argon2 hash, so every password
# is refused until an administrator resets it.
NO_PASSWORD = "!no-password:restored-from-a-backup-without-password-hashes"
_MOVED_TO_FILES = {("evidence_files", "data")}  # the bytes are members of their own
_BATCH_ROWS = 1000
_BATCH_BYTES = 64 * 1024 * 1024
_MAX_MANIFEST = 16 * 1024 * 1024


# ── What the file holds ──────────────────────────────────────────────────────


@dataclass(frozen=True)
class TableEntry:
    name: str
    member: str
    columns: tuple[tuple[str, str], ...]  # (column name, kind): plain / date / datetime / bytes / json
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class FileEntry:
    member: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    created_at: str
    schema_revision: str
    source: str  # the engine it was made from: sqlite / postgresql
    with_passwords: bool
    tables: tuple[TableEntry, ...]
    files: tuple[FileEntry, ...]
    left_out: tuple[str, ...] = LEFT_OUT
    # Filled in by check_backup: how many evidence rows keep their bytes in a directory, and the users
    # without a password hash.
    in_directory: int = 0
    without_password: int = 0
    file_name: str = field(default="", compare=False)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "format_version": self.format_version, "created_at": self.created_at,
            "schema_revision": self.schema_revision, "source": self.source, "with_passwords": self.with_passwords,
            "left_out": list(self.left_out),
            "tables": [{"name": t.name, "member": t.member, "columns": [list(c) for c in t.columns], "rows": t.rows,
                        "bytes": t.bytes, "sha256": t.sha256} for t in self.tables],
            "files": [{"member": f.member, "bytes": f.bytes, "sha256": f.sha256} for f in self.files],
        }


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int
    without_password: int
    migrated: bool  # the target had no (current) schema and was migrated first


def backup_tables() -> list[Table]:
    """The tables a backup holds, in the order a restore inserts them (every table a row refers to first)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


def code_revision() -> str:
    """The schema revision this program's migrations end at (the one a restore needs)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]


def _kind(column) -> str:
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, LargeBinary):
        return "bytes"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return as_utc(value).isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(kind: str, value: Any) -> Any:
    """A value of the file as the column takes it (ValueError/TypeError for one that cannot be)."""
    if value is None:
        return None
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone")
        return moment.astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value.encode("ascii"), validate=True)
    if kind == "json":
        if not isinstance(value, str):
            raise TypeError("a JSON column holds its JSON text")
        json.loads(value)
    elif isinstance(value, dict | list):
        raise TypeError("a nested value in a plain column")
    return value


def _file_member(sha256: str) -> str:
    return f"files/{sha256[:2]}/{sha256}"


# ── Writing a backup ─────────────────────────────────────────────────────────


class _Hashing:
    """A member being written: counts and hashes what goes through."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha, self.size = stream, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.sha.update(data)
        self.size += len(data)


def _zip_info(name: str, stamp: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """One consistent, read-only view of the whole database for the whole backup (SQLite: one read
    transaction in WAL mode; PostgreSQL: REPEATABLE READ, read only), blocking no writer."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def write_backup(engine: Engine, out: Path, *, now: datetime, with_passwords: bool = False,
                 evidence_dir: Path | None = None) -> Manifest:
    """Write the whole database (see the module's docstring) to `out`: to a temporary file beside it first,
    renamed when complete, so a failed backup leaves no file behind and an older one at `out` stays as it
    was. InvalidInput (backup.evidence_unreadable) when an evidence file is missing or no longer matches
    its recorded SHA-256: a backup is complete or not written."""
    out = Path(out)
    if not out.parent.is_dir():  # named as the user gave it, not as the temporary file beside it
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(out.parent))
    stamp = as_utc(now)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf, _reading(engine) as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                tables = tuple(_write_table(zf, conn, table, stamp, with_passwords=with_passwords)
                               for table in backup_tables())
                files = _write_files(zf, conn, stamp, evidence_dir)
                manifest = Manifest(FORMAT_VERSION, stamp.isoformat(), revision, conn.dialect.name, with_passwords,
                                    tables, files)
                zf.writestr(_zip_info(MANIFEST, stamp),
                            json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode("utf-8"))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def _ordered_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """The table's rows (values as the columns give them; JSON columns as their text), in primary-key order
    compared byte by byte on both engines; a table that refers to itself (the units) parents first."""
    pg = conn.dialect.name == "postgresql"
    columns = [c for c in table.columns if (table.name, c.name) not in _MOVED_TO_FILES]
    chosen = [cast(c, Text).label(c.name) if _kind(c) == "json" else c for c in columns]
    order = [c.collate("C") if pg and isinstance(c.type, String) else c for c in table.primary_key.columns]
    result = conn.execution_options(yield_per=_BATCH_ROWS).execute(select(*chosen).order_by(*order))
    rows = (dict(r) for r in result.mappings())
    parents = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not parents:
        yield from rows
        return
    # Few rows (the organisation's units): sort them by depth in the tree, then by key.
    everything = list(rows)
    key = table.primary_key.columns.values()[0].name
    by_id = {r[key]: r for r in everything}

    def depth(row: dict[str, Any]) -> int:
        seen = 0
        while seen <= len(by_id):
            up = [row[p] for p in parents if row[p] is not None and row[p] in by_id and row[p] != row[key]]
            if not up:
                return seen
            row, seen = by_id[up[0]], seen + 1
        return seen

    depths = {r[key]: depth(r) for r in everything}
    yield from sorted(everything, key=lambda r: depths[r[key]])  # stable: key order within a depth


def _write_table(zf: zipfile.ZipFile, conn: Connection, table: Table, stamp: datetime, *,
                 with_passwords: bool) -> TableEntry:
    columns = tuple((c.name, _kind(c)) for c in table.columns)
    member = f"tables/{table.name}.jsonl"
    count = 0
    with zf.open(_zip_info(member, stamp), "w", force_zip64=True) as stream:
        out = _Hashing(stream)
        lines: list[str] = []
        for row in _ordered_rows(conn, table):
            record = {name: _encode(kind, row.get(name)) for name, kind in columns}
            if table.name == "users" and not with_passwords:
                record["password_hash"] = None
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            count += 1
            if len(lines) >= _BATCH_ROWS:
                out.write(("\n".join(lines) + "\n").encode("utf-8"))
                lines.clear()
        if lines:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return TableEntry(table.name, member, columns, count, out.size, out.sha.hexdigest())


def _write_files(zf: zipfile.ZipFile, conn: Connection, stamp: datetime,
                 evidence_dir: Path | None) -> tuple[FileEntry, ...]:
    """Each evidence file's bytes once, from the database or the evidence directory, checked against the
    SHA-256 recorded when it was attached."""
    written: dict[str, FileEntry] = {}
    rows = conn.execute(select(EvidenceFile.id, EvidenceFile.file_name, EvidenceFile.sha256, EvidenceFile.storage)
                        .order_by(EvidenceFile.id)).all()
    for evidence_id, name, sha256, storage in rows:
        if sha256 in written:
            continue
        if storage == "db":
            where = f"evidence_files.id = {evidence_id}"
            data = conn.execute(select(EvidenceFile.data).where(EvidenceFile.id == evidence_id)).scalar() or b""
        else:
            if evidence_dir is None:
                raise InvalidInput("backup.evidence_unreadable", name=name, id=evidence_id,
                                   where="READINESS_EVIDENCE_DIR")
            path = stored_path(Path(evidence_dir), sha256)
            where = str(path)
            try:
                data = path.read_bytes()
            except OSError:
                raise InvalidInput("backup.evidence_unreadable", name=name, id=evidence_id, where=where) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InvalidInput("backup.evidence_unreadable", name=name, id=evidence_id, where=where)
        member = _file_member(sha256)
        zf.writestr(_zip_info(member, stamp), data)
        written[sha256] = FileEntry(member, len(data), sha256)
    return tuple(written.values())


# ── Checking a backup ────────────────────────────────────────────────────────


def _not_a_backup(file: Path, reason: str) -> InvalidInput:
    return InvalidInput("backup.not_a_backup", file=str(file), reason=reason)


def _corrupted(file: Path, member: str, why: str, **params: object) -> InvalidInput:
    """The file is damaged or was changed: `why` names the reason (backup.why.*), given in both languages."""
    reason = {lang: t(f"backup.why.{why}", lang, **params) for lang in LANGUAGES}
    return InvalidInput("backup.corrupted", file=str(file), member=member, reason=reason)


def _read_manifest(file: Path, zf: zipfile.ZipFile) -> Manifest:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise _not_a_backup(file, f"no {MANIFEST}") from None
    if info.file_size > _MAX_MANIFEST:
        raise _not_a_backup(file, f"{MANIFEST} is too large")
    try:
        raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise _not_a_backup(file, f"{MANIFEST}: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _not_a_backup(file, f"{MANIFEST} does not say format {FORMAT!r}")
    if raw.get("format_version") != FORMAT_VERSION:
        raise InvalidInput("backup.format_version", file=str(file), found=raw.get("format_version"),
                           expected=FORMAT_VERSION)
    try:
        tables = tuple(TableEntry(str(t["name"]), str(t["member"]), tuple((str(n), str(k)) for n, k in t["columns"]),
                                  int(t["rows"]), int(t["bytes"]), str(t["sha256"])) for t in raw["tables"])
        files = tuple(FileEntry(str(f["member"]), int(f["bytes"]), str(f["sha256"])) for f in raw["files"])
        return Manifest(FORMAT_VERSION, str(raw["created_at"]), str(raw["schema_revision"]), str(raw["source"]),
                        bool(raw["with_passwords"]), tables, files, tuple(raw.get("left_out", LEFT_OUT)),
                        file_name=str(file))
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_a_backup(file, f"{MANIFEST}: {type(exc).__name__} {exc}") from None


def _rows(zf: zipfile.ZipFile, file: Path, entry: TableEntry) -> Iterator[dict[str, Any]]:
    """The table's rows from the file, decoded for its columns (a bad line: backup.corrupted, naming it). The
    member's SHA-256 is checked again as it is read, so a file changed after check_backup is refused too."""
    names = [n for n, _ in entry.columns]
    digest = hashlib.sha256()
    number = 0
    try:
        with zf.open(entry.member) as stream:
            for line in stream:
                number += 1
                digest.update(line)
                record = json.loads(line)
                if not isinstance(record, dict) or list(record) != names:
                    raise ValueError("not the table's columns")
                yield {name: _decode(kind, record[name]) for name, kind in entry.columns}
    except zipfile.BadZipFile:
        raise _corrupted(file, entry.member, "damaged") from None
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _corrupted(file, f"{entry.member}:{number}", "bad_row", detail=str(exc)) from None
    if digest.hexdigest() != entry.sha256:
        raise _corrupted(file, entry.member, "hash")


def _file_bytes(zf: zipfile.ZipFile, file: Path, entry: FileEntry) -> bytes:
    try:
        data = zf.read(entry.member)
    except zipfile.BadZipFile:
        raise _corrupted(file, entry.member, "damaged") from None
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise _corrupted(file, entry.member, "hash")
    return data


def check_backup(file: Path) -> Manifest:
    """Read the whole backup and check it before anything is restored: a zip with our manifest in our format
    version, made at this program's schema revision, holding exactly the members listed, each of the size
    and SHA-256 listed, each table of this schema's columns with the rows listed, each evidence file an
    evidence row names. Refused with InvalidInput (backup.not_a_backup / format_version / wrong_revision /
    corrupted) naming what is wrong; nothing here touches a database."""
    file = Path(file)
    try:
        with zipfile.ZipFile(file) as zf:
            manifest = _read_manifest(file, zf)
            expected = code_revision()
            if manifest.schema_revision != expected:
                raise InvalidInput("backup.wrong_revision", file=str(file), found=manifest.schema_revision,
                                   expected=expected)
            return _check_members(file, zf, manifest)
    except zipfile.BadZipFile as exc:
        raise _not_a_backup(file, str(exc)) from None


def _check_members(file: Path, zf: zipfile.ZipFile, manifest: Manifest) -> Manifest:
    listed = {e.member for e in manifest.tables} | {f.member for f in manifest.files} | {MANIFEST}
    present = set(zf.namelist())
    if listed - present:
        raise _corrupted(file, min(listed - present), "missing")
    if present - listed:
        raise _corrupted(file, min(present - listed), "unlisted")
    schema = {t.name: tuple((c.name, _kind(c)) for c in t.columns) for t in backup_tables()}
    if [t.name for t in manifest.tables] != list(schema):
        raise _corrupted(file, MANIFEST, "tables")
    for f in manifest.files:
        if f.member != _file_member(f.sha256):
            raise _corrupted(file, f.member, "file_name")
    for entry in (*manifest.tables, *manifest.files):
        _check_hash(file, zf, entry.member, entry.bytes, entry.sha256)
    files = {f.sha256 for f in manifest.files}
    in_directory = without_password = 0
    for entry in manifest.tables:
        if entry.columns != schema[entry.name]:
            raise _corrupted(file, entry.member, "columns")
        count = 0
        for row in _rows(zf, file, entry):
            count += 1
            if entry.name == "evidence_files":
                if row["sha256"] not in files:
                    raise _corrupted(file, f"{entry.member}:{count}", "no_file")
                in_directory += row["storage"] == "dir"
            elif entry.name == "users":
                without_password += row["password_hash"] is None
        if count != entry.rows:
            raise _corrupted(file, entry.member, "rows", found=count, listed=entry.rows)
    return Manifest(manifest.format_version, manifest.created_at, manifest.schema_revision, manifest.source,
                    manifest.with_passwords, manifest.tables, manifest.files, manifest.left_out,
                    in_directory=in_directory, without_password=without_password, file_name=str(file))


def _check_hash(file: Path, zf: zipfile.ZipFile, member: str, size: int, sha256: str) -> None:
    if zf.getinfo(member).file_size != size:
        raise _corrupted(file, member, "size")
    digest = hashlib.sha256()
    try:
        with zf.open(member) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except zipfile.BadZipFile:  # the zip's own CRC-32 no longer matches
        raise _corrupted(file, member, "damaged") from None
    if digest.hexdigest() != sha256:
        raise _corrupted(file, member, "hash")


# ── Restoring ────────────────────────────────────────────────────────────────


def occupied_table(conn: Connection) -> tuple[str, int] | None:
    """The first table of ours holding data, with its row count (None: the database is empty)."""
    existing = set(inspect(conn).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name in existing and table.name not in ("change_counter", "sign_in_throttle"):
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if count:
                return table.name, count
    return None


def _no_file_yet(engine: Engine) -> bool:
    """An SQLite database whose file does not exist yet (connecting would create it)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    return bool(path) and path != ":memory:" and not Path(path).exists()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def restore_backup(engine: Engine, manifest: Manifest, *, evidence_dir: Path | None = None) -> Restored:
    """Restore a backup checked by check_backup into the engine's database, which must hold no data
    (InvalidInput backup.not_empty, naming a table that has rows). A database without the schema, or with
    an older one, is migrated first; then every row is inserted in one transaction, the PostgreSQL id
    sequences set past the ids restored, and the files kept in a directory written into `evidence_dir`
    (refused, before anything, when the backup has such files and no directory is configured)."""
    file = Path(manifest.file_name)
    if manifest.in_directory and evidence_dir is None:
        raise InvalidInput("backup.evidence_dir_needed", count=manifest.in_directory)
    state = schema_state(engine)  # never creates an SQLite file
    if not _no_file_yet(engine):
        with engine.connect() as conn:
            found = occupied_table(conn)
        if found:
            raise InvalidInput("backup.not_empty", table=found[0], count=found[1])
    migrated = state != "ready"
    if migrated:
        before = _current_revision(engine)
        try:
            migrate(engine)
        except CommandError as exc:  # a revision this program does not know (made by a newer one)
            raise InvalidInput("backup.target_revision", found=before or "-", expected=manifest.schema_revision,
                               reason=str(exc).strip()) from None
    with zipfile.ZipFile(file) as zf, transaction(engine) as session:
        conn = session.connection()
        found = occupied_table(conn)
        if found:
            raise InvalidInput("backup.not_empty", table=found[0], count=found[1])
        tables = {t.name: t for t in backup_tables()}
        members = {f.sha256: f for f in manifest.files}
        to_directory: set[str] = set()
        for entry in manifest.tables:
            _insert_table(conn, zf, file, tables[entry.name], entry, members, to_directory)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        if to_directory:
            for sha256 in sorted(to_directory):
                write_stored(Path(evidence_dir), sha256, _file_bytes(zf, file, members[sha256]))  # type: ignore[arg-type]
    return Restored(len(manifest.tables), manifest.rows, len(manifest.files), manifest.without_password, migrated)


def _statement(conn: Connection, table: Table):
    """INSERT of a whole row with each value bound as its column takes it; a JSON column takes its JSON text
    as it is (cast to json on PostgreSQL), so nothing is serialised twice."""
    pg = conn.dialect.name == "postgresql"
    values = {}
    for i, column in enumerate(table.columns):
        if _kind(column) == "json":
            param = bindparam(f"v{i}", type_=Text())
            values[column.name] = cast(param, JSON) if pg else param
        else:
            values[column.name] = bindparam(f"v{i}", type_=column.type)
    return insert(table).values(values)


def _insert_table(conn: Connection, zf: zipfile.ZipFile, file: Path, table: Table, entry: TableEntry,
                  members: dict[str, FileEntry], to_directory: set[str]) -> None:
    statement = _statement(conn, table)
    names = [c.name for c in table.columns]
    batch: list[dict[str, Any]] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if not batch:
            return
        try:
            conn.execute(statement, batch)
        except OperationalError:
            raise
        except DBAPIError as exc:
            reason = str(exc.orig or exc).strip().splitlines()
            raise InvalidInput("backup.insert_failed", table=table.name,
                               reason=reason[0] if reason else type(exc).__name__) from None
        batch.clear()
        size = 0

    for row in _rows(zf, file, entry):
        if table.name == "users" and row["password_hash"] is None:
            row["password_hash"] = NO_PASSWORD
        elif table.name == "evidence_files":
            if row["storage"] == "db":
                row["data"] = _file_bytes(zf, file, members[row["sha256"]])
                size += len(row["data"])
            else:
                to_directory.add(row["sha256"])
        batch.append({f"v{i}": row[name] for i, name in enumerate(names)})
        if len(batch) >= _BATCH_ROWS or size >= _BATCH_BYTES:
            flush()
    flush()


def _reset_sequences(conn: Connection) -> None:
    """Set each id sequence past the largest id restored (PostgreSQL hands out ids from its sequences, which
    explicit ids do not move)."""
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(text(
            f'SELECT setval(pg_get_serial_sequence(:table, :column), '
            f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'),
            {"table": table.name, "column": column.name})
