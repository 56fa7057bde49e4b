"""Evidence files: photos, PDFs, spreadsheets and Word files attached to one occurrence of an item.

A file is judged by its content, never by its name (`sniff`): an image must decode with Pillow (which
also makes its thumbnail), a PDF start with its header, an xlsx/docx be a zip holding the parts of a
workbook or a document, an xls/doc be an OLE2 compound file holding a workbook or a document stream.
Everything else, an empty file and a file over the size limit are refused.

Attaching a file stores it — in the database (default) or in the configured evidence directory,
named by its SHA-256 and written atomically — and appends an 'evidence' event to the log carrying the
file's SHA-256 (status unchanged, version + 1), in the caller's transaction. Files are never updated or
deleted. Reading a file back is allowed to whoever may read its unit, and checks the bytes against the
recorded SHA-256, so a file replaced in the directory shows instead of being served.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from checklists.changes import append_change
from checklists.occurrences import ONE_OFF
from core.clock import as_utc
from core.config import Settings, get_settings
from core.errors import InvalidInput, NotFound
from org.authz import authorize
from org.models import Actor
from store.schema import EvidenceFile, User

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS, DOC = "application/vnd.ms-excel", "application/msword"
IMAGES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}  # content type → Pillow's format name
# The file name endings the upload control offers, and those each detected type is downloaded with.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    JPEG: (".jpg", ".jpeg"), PNG: (".png",), GIF: (".gif",), WEBP: (".webp",), PDF: (".pdf",),
    XLSX: (".xlsx",), XLS: (".xls",), DOCX: (".docx",), DOC: (".doc",),
}
UPLOAD_TYPES = sorted({e.lstrip(".") for exts in EXTENSIONS.values() for e in exts})
THUMBNAIL_PX = 320
MAX_PIXELS = 50_000_000  # larger images are refused before they are decoded (a decompression bomb)
MAX_NAME = 255
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class Examined:
    content_type: str
    thumbnail: bytes | None  # photos only


def sniff(data: bytes, *, max_bytes: int | None = None) -> str:
    """The type of a file judged by its content (one of EXTENSIONS); InvalidInput for an empty file, a
    file over `max_bytes` (default: the configured limit), a damaged image or anything else."""
    return examine(data, max_bytes=max_bytes).content_type


def examine(data: bytes, *, max_bytes: int | None = None) -> Examined:
    """`sniff`, with a photo's thumbnail (a JPEG, or a PNG where the photo has transparency)."""
    if not data:
        raise InvalidInput("error.evidence_empty")
    limit = max_bytes if max_bytes is not None else max_upload_bytes(get_settings())
    if len(data) > limit:
        raise InvalidInput("error.evidence_too_large", size=_mb(len(data)), max=_mb(limit))
    image = _image_type(data)
    if image is not None:
        return Examined(image, _thumbnail(data, image))
    if data.startswith(b"%PDF-"):
        return Examined(PDF, None)
    if data.startswith(b"PK\x03\x04"):
        found = _ooxml_type(data)
        if found:
            return Examined(found, None)
    if data.startswith(OLE2):
        found = _ole2_type(data)
        if found:
            return Examined(found, None)
    raise InvalidInput("error.evidence_type")


def max_upload_bytes(settings: Settings) -> int:
    return int(settings.evidence_max_mb * 1024 * 1024)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f}".rstrip("0").rstrip(".")


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def _thumbnail(data: bytes, content_type: str) -> bytes:
    """Decode the whole image (a damaged or truncated one is refused) and make its thumbnail."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != IMAGES[content_type]:
                    raise InvalidInput("error.evidence_type")
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput("error.evidence_image_too_big", max=MAX_PIXELS // 1_000_000)
                img.load()
                frame = ImageOps.exif_transpose(img)
                frame.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
                alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
                out = io.BytesIO()
                if alpha:
                    frame.convert("RGBA").save(out, "PNG", optimize=True)
                else:
                    frame.convert("RGB").save(out, "JPEG", quality=80)
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput("error.evidence_image_too_big", max=MAX_PIXELS // 1_000_000) from None
    except InvalidInput:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError …) for a bad image
        raise InvalidInput("error.evidence_bad_image") from None


def _ooxml_type(data: bytes) -> str | None:
    """An Office Open XML workbook or document: a zip with its content types and main part. Only the
    zip's directory is read, nothing is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole2_type(data: bytes) -> str | None:
    """A legacy Excel or Word file: an OLE2 compound file whose directory names a workbook or a
    document stream (other compound files, such as installers, are refused)."""
    if _utf16("WordDocument") in data:
        return DOC
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return XLS
    return None


def download_name(file_name: str, content_type: str) -> str:
    """The name a file is downloaded under: as uploaded, with the ending of its detected type added
    when the name's own ending says something else."""
    endings = EXTENSIONS.get(content_type, ())
    return file_name if file_name.lower().endswith(endings) or not endings else file_name + endings[0]


def clean_name(file_name: str) -> str:
    """The uploaded name without any folder part or control characters, at most 255 characters."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[-MAX_NAME:] if name else "evidence"


# ── Attaching ─────────────────────────────────────────────────────────────────


class Attached(NamedTuple):
    event_id: int
    evidence_id: int


def attach_evidence(campaign_id: int, unit_id: int, item_id: int, occurrence: str, file_name: str, data: bytes, *,
                    expected_version: int, session: Session, actor: Actor, now: datetime,
                    settings: Settings | None = None) -> Attached:
    """Attach a file to one occurrence of an item of a unit (a one-off item: occurrence ""): refused
    unless the user may add evidence on the unit (item.evidence), the campaign is open, nobody changed
    the occurrence since `expected_version` (StaleWrite) and the file passes `sniff`. Appends an
    'evidence' event holding the file's SHA-256; the status stays as it is."""
    settings = settings or get_settings()
    authorize(actor, "item.evidence", unit_id, session=session)
    examined = examine(data, max_bytes=max_upload_bytes(settings))
    name = clean_name(file_name)
    digest = hashlib.sha256(data).hexdigest()
    directory = settings.evidence_dir
    row = EvidenceFile(campaign_id=campaign_id, unit_id=unit_id, item_id=item_id, occurrence=occurrence,
                       file_name=name, content_type=examined.content_type, size_bytes=len(data), sha256=digest,
                       storage="dir" if directory else "db", data=None if directory else data,
                       thumbnail=examined.thumbnail, uploaded_by=actor.user_id, uploaded_at=now)
    session.add(row)
    session.flush()
    result = append_change(campaign_id, unit_id, item_id, occurrence, "evidence", expected_version=expected_version,
                           session=session, actor=actor, now=now, text=name, evidence_id=row.id,
                           evidence_sha256=digest)
    if directory:  # last, so a refused attachment writes no file (one whose commit fails is left unused)
        write_stored(Path(directory), digest, data)
    return Attached(result.event_id, row.id)


def stored_path(directory: Path, sha256: str) -> Path:
    """Where a file lives in the evidence directory: content-addressed, ab/abcdef… by its SHA-256."""
    return directory / sha256[:2] / sha256


def write_stored(directory: Path, digest: str, data: bytes) -> None:
    """Write the file atomically (a temporary file in the same folder, then os.replace): a reader on
    another app server never sees half a file. A file already there with the right content is kept."""
    path = stored_path(directory, digest)
    if path.is_file() and _sha256_of(path) == digest:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ── Reading ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class EvidenceMeta:
    """An evidence file as the pages list it (no bytes)."""

    id: int
    campaign_id: int
    unit_id: int
    item_id: int
    occurrence: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    storage: str
    uploaded_by: str
    uploaded_at: datetime
    has_thumbnail: bool

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGES

    @property
    def download_name(self) -> str:
        return download_name(self.file_name, self.content_type)


_META = (EvidenceFile.id, EvidenceFile.campaign_id, EvidenceFile.unit_id, EvidenceFile.item_id,
         EvidenceFile.occurrence, EvidenceFile.file_name, EvidenceFile.content_type, EvidenceFile.size_bytes,
         EvidenceFile.sha256, EvidenceFile.storage, User.display_name, EvidenceFile.uploaded_at,
         EvidenceFile.thumbnail.is_not(None))


def _meta(row) -> EvidenceMeta:
    *head, who, when, thumb = row
    return EvidenceMeta(*head, uploaded_by=who, uploaded_at=as_utc(when), has_thumbnail=bool(thumb))


def evidence_of(campaign_id: int, unit_id: int, item_id: int, occurrence: str = ONE_OFF, *, session: Session,
                actor: Actor | None) -> list[EvidenceMeta]:
    """The files attached to one occurrence of an item of a unit, newest first, for a user who may read
    the unit (no actor: trusted code)."""
    if actor is not None:
        authorize(actor, "unit.read", unit_id, session=session)
    rows = session.execute(
        select(*_META).join(User, User.id == EvidenceFile.uploaded_by)
        .where(EvidenceFile.campaign_id == campaign_id, EvidenceFile.unit_id == unit_id,
               EvidenceFile.item_id == item_id, EvidenceFile.occurrence == occurrence)
        .order_by(EvidenceFile.id.desc()))
    return [_meta(r) for r in rows]


def _file_for(evidence_id: int, actor: Actor | None, session: Session) -> EvidenceMeta:
    row = session.execute(select(*_META).join(User, User.id == EvidenceFile.uploaded_by)
                          .where(EvidenceFile.id == evidence_id)).first()
    if row is None:
        raise NotFound("error.evidence_not_found")
    meta = _meta(row)
    if actor is not None:
        authorize(actor, "unit.read", meta.unit_id, session=session)
    return meta


def read_evidence(evidence_id: int, *, session: Session, actor: Actor | None,
                  settings: Settings | None = None) -> tuple[EvidenceMeta, bytes]:
    """A file and its bytes, for a user who may read its unit (Forbidden otherwise). A file missing from
    the evidence directory is NotFound; bytes that no longer match the SHA-256 recorded when the file
    was attached (a file replaced on disk) are refused, naming the file."""
    meta = _file_for(evidence_id, actor, session)
    if meta.storage == "db":
        data = session.scalar(select(EvidenceFile.data).where(EvidenceFile.id == evidence_id)) or b""
    else:
        directory = (settings or get_settings()).evidence_dir
        path = stored_path(Path(directory), meta.sha256) if directory else None
        if path is None or not path.is_file():
            raise NotFound("error.evidence_missing", name=meta.file_name,
                           path=str(path) if path else "READINESS_EVIDENCE_DIR")
        data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != meta.sha256:
        raise InvalidInput("error.evidence_changed", name=meta.file_name, sha=meta.sha256[:12])
    return meta, data


def thumbnail(evidence_id: int, *, session: Session, actor: Actor | None) -> bytes | None:
    """A photo's thumbnail (kept in the database whatever the storage), for a user who may read its unit."""
    _file_for(evidence_id, actor, session)
    return session.scalar(select(EvidenceFile.thumbnail).where(EvidenceFile.id == evidence_id))
