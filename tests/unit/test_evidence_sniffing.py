"""An evidence file's type is judged by its content, never by its name: photos must decode (and get a
thumbnail), documents must have the structure of their kind, and anything else is refused."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from openpyxl import Workbook
from PIL import Image

from checklists import evidence
from checklists.evidence import DOC, DOCX, GIF, JPEG, PDF, PNG, WEBP, XLS, XLSX, examine, sniff
from core.errors import InvalidInput
from core.i18n import t


def picture(fmt: str, size=(800, 600), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (30, 120, 200) if mode == "RGB" else (30, 120, 200, 128)).save(out, fmt)
    return out.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "巡视记录"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.writestr(name, "<xml/>")
    return out.getvalue()


def ole2(stream: str) -> bytes:
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture (a decompression bomb), with almost no data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def refused(data: bytes, **kw) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        sniff(data, **kw)
    return err.value


@pytest.mark.parametrize(("fmt", "expected"), [("JPEG", JPEG), ("PNG", PNG), ("GIF", GIF), ("WEBP", WEBP)])
def test_a_photo_is_recognised_by_decoding_it_and_gets_a_thumbnail_of_at_most_320_pixels(fmt, expected):
    found = examine(picture(fmt), max_bytes=10_000_000)
    assert found.content_type == expected
    thumb = Image.open(io.BytesIO(found.thumbnail))
    assert thumb.size == (320, 240)


def test_a_photo_with_transparency_keeps_it_in_a_png_thumbnail():
    found = examine(picture("PNG", mode="RGBA"), max_bytes=10_000_000)
    assert Image.open(io.BytesIO(found.thumbnail)).format == "PNG"


@pytest.mark.parametrize(("data", "expected"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", PDF),
    (xlsx(), XLSX),
    (office_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"), DOCX),
    (ole2("Workbook"), XLS),
    (ole2("WordDocument"), DOC),
], ids=["pdf", "xlsx", "docx", "xls", "doc"])
def test_documents_are_recognised_by_their_structure_and_get_no_thumbnail(data, expected):
    found = examine(data, max_bytes=10_000_000)
    assert (found.content_type, found.thumbnail) == (expected, None)


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500,  # a Windows program, whatever it is named
    b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
    b"<html><script>alert(1)</script></html>",
    office_zip("a.txt"),  # a zip, but no Office file
    office_zip("[Content_Types].xml", "ppt/presentation.xml"),
    ole2("SummaryInformation"),  # a compound file that is neither a workbook nor a document (an installer, say)
], ids=["exe", "elf", "html", "zip", "pptx", "msi"])
def test_anything_else_is_refused_saying_it_is_judged_by_content(data):
    err = refused(data, max_bytes=10_000_000)
    assert err.code == "error.evidence_type"
    assert "judged by its content" in t(err.code, "en", **err.params)
    assert "按内容判断" in t(err.code, "zh", **err.params)


def test_an_empty_file_is_refused():
    assert refused(b"").code == "error.evidence_empty"


def test_a_file_over_the_limit_is_refused_naming_its_size_and_the_limit():
    err = refused(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    assert err.code == "error.evidence_too_large"
    assert t(err.code, "en", **err.params) == "The file is too large (3 MB); an evidence file may be at most 2 MB."


def test_a_truncated_photo_is_refused_as_damaged():
    whole = picture("JPEG")
    assert refused(whole[: len(whole) // 2], max_bytes=10_000_000).code == "error.evidence_bad_image"
    assert refused(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, max_bytes=10_000_000).code == "error.evidence_bad_image"


@pytest.mark.parametrize("side", [8_000, 40_000], ids=["over our limit", "a decompression bomb"])
def test_an_image_claiming_too_many_pixels_is_refused_before_it_is_decoded(side):
    err = refused(png_claiming(side, side), max_bytes=10_000_000)
    assert err.code == "error.evidence_image_too_big"
    assert "50 megapixels" in t(err.code, "en", **err.params)


def test_a_photo_whose_content_is_another_kind_of_image_than_its_header_says_is_refused():
    assert refused(b"GIF89a" + picture("PNG")[6:], max_bytes=10_000_000).code == "error.evidence_bad_image"


def test_the_download_name_carries_the_ending_of_the_detected_type():
    assert evidence.download_name("approval", PDF) == "approval.pdf"
    assert evidence.download_name("setup.exe", PDF) == "setup.exe.pdf"
    assert evidence.download_name("Site.JPEG", JPEG) == "Site.JPEG"


def test_an_uploaded_name_keeps_no_folder_or_control_characters():
    assert evidence.clean_name("C:\\fakepath\\现场照片.png") == "现场照片.png"
    assert evidence.clean_name("../../etc/passwd\x00") == "passwd"
    assert evidence.clean_name("") == "evidence"
    assert len(evidence.clean_name("x" * 400 + ".pdf")) == 255
