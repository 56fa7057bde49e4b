"""Evidence files: a photo, PDF, spreadsheet or Word file attached to an item occurrence, kept in the
database or a shared directory, its hash in the log, served only to those who may see the unit; and an
item that requires evidence is ticked done only with a file, or with a reason its lead accepts."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from admin.setup import initialize
from checklists import campaigns, changes, evidence, queries, rebuild
from core.config import Settings
from core.errors import Forbidden, InvalidInput, NotFound, StaleWrite
from core.i18n import t
from org.accounts import create_user
from org.models import Actor
from store.db import snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus, EvidenceFile
from tests.conftest import NOW, build_world
from tests.seed_copies import mini_seeds_with

LATER = NOW + timedelta(hours=1)


def png(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 20)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(empty_engine, tmp_path):
    """The fixture world, its contingency plan (mini-plan-approved) requiring evidence, and an outsider
    who is a member of C2 only."""
    initialize(empty_engine, mini_seeds_with(tmp_path, "requires_evidence", {"mini-plan-approved": True}), now=NOW)
    w = build_world(empty_engine)
    with transaction(empty_engine) as s:
        user = create_user("outsider", "correct-horse", "赵强", session=s, now=NOW, grants=[("unit_member", "C2")])
    w.outsider = Actor(user.id, user.username, user.display_name)
    return w


def row(world, unit: str, item: str) -> queries.ChecklistRow:
    with snapshot(world.engine) as s:
        return next(r for r in queries.unit_checklist(world.campaign_id, world.units[unit], session=s)
                    if r.item_id == world.items[item])


def attach(world, name: str, data: bytes, *, unit: str = "C1-K1", item: str = "plan-approved", actor=None,
           version: int | None = None, settings: Settings | None = None, at=NOW) -> evidence.Attached:
    with transaction(world.engine) as s:
        return evidence.attach_evidence(
            world.campaign_id, world.units[unit], world.items[item], "", name, data,
            expected_version=row(world, unit, item).version if version is None else version,
            session=s, actor=actor or world.other, now=at, settings=settings or Settings(evidence_dir=None))


def log(world) -> list[ChecklistEvent]:
    with snapshot(world.engine) as s:
        return list(s.scalars(select(ChecklistEvent).order_by(ChecklistEvent.id)))


def files_of(world, unit: str = "C1-K1", item: str = "plan-approved", actor=None) -> list[evidence.EvidenceMeta]:
    with snapshot(world.engine) as s:
        return evidence.evidence_of(world.campaign_id, world.units[unit], world.items[item], "", session=s,
                                    actor=actor or world.lead)


def read(world, evidence_id: int, actor=None, settings: Settings | None = None):
    with snapshot(world.engine) as s:
        return evidence.read_evidence(evidence_id, session=s, actor=actor or world.lead,
                                      settings=settings or Settings(evidence_dir=None))


def message(err: InvalidInput, lang: str = "en") -> str:
    return t(err.code, lang, **err.params)


# ── Attaching, listing, reading ──────────────────────────────────────────────


def test_a_photo_attached_by_a_member_is_kept_with_a_thumbnail_and_its_hash_in_the_log(world):
    data = png()
    attached = attach(world, "现场照片.png", data)
    [event] = log(world)
    assert (event.id, event.action, event.status_before, event.status_after) == (attached.event_id, "evidence",
                                                                                  "open", "open")
    assert (event.text, event.evidence_id) == ("现场照片.png", attached.evidence_id)
    assert event.evidence_sha256 == hashlib.sha256(data).hexdigest()
    after = row(world, "C1-K1", "plan-approved")
    assert (after.status, after.version, after.evidence_count, after.requires_evidence) == ("open", 1, 1, True)
    assert after.note == ""  # a file's name is no note
    [meta] = files_of(world)
    assert (meta.file_name, meta.content_type, meta.size_bytes, meta.storage) == ("现场照片.png", "image/png",
                                                                                  len(data), "db")
    assert meta.is_image and meta.has_thumbnail and meta.uploaded_by == "李娜"
    with snapshot(world.engine) as s:
        thumb = Image.open(io.BytesIO(evidence.thumbnail(meta.id, session=s, actor=world.lead)))
    assert max(thumb.size) <= 320
    assert read(world, meta.id) == (meta, data)


def test_files_are_listed_newest_first_and_other_occurrences_count_none(world):
    first = attach(world, "plan.pdf", PDF)
    second = attach(world, "photo.png", png(), at=LATER)
    assert [f.id for f in files_of(world)] == [second.evidence_id, first.evidence_id]
    assert files_of(world)[1].has_thumbnail is False
    assert row(world, "C1-K1", "plan-approved").evidence_count == 2
    assert row(world, "C1-K2", "plan-approved").evidence_count == 0  # another unit
    assert row(world, "C1-K1", "duty-roster").evidence_count == 0  # another item


def test_the_history_shows_each_file_with_its_hash(world):
    data = png()
    attach(world, "photo.png", data)
    with snapshot(world.engine) as s:
        [entry] = queries.item_history(world.campaign_id, world.units["C1-K1"], world.items["plan-approved"],
                                       session=s, actor=world.lead)
    assert (entry.action, entry.text, entry.evidence_sha256) == ("evidence", "photo.png",
                                                                 hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("statement", ["UPDATE evidence_files SET file_name = 'other.pdf'",
                                       "DELETE FROM evidence_files"])
def test_an_evidence_file_is_never_updated_or_deleted(world, statement):
    attach(world, "plan.pdf", PDF)
    with pytest.raises(DBAPIError, match="append-only"), transaction(world.engine) as s:
        s.execute(text(statement))
    assert [f.file_name for f in files_of(world)] == ["plan.pdf"]


def test_a_user_who_may_not_see_the_unit_can_neither_list_read_see_a_thumbnail_nor_attach(world):
    attached = attach(world, "photo.png", png())
    with pytest.raises(Forbidden):
        files_of(world, actor=world.outsider)
    with pytest.raises(Forbidden):
        read(world, attached.evidence_id, actor=world.outsider)
    with pytest.raises(Forbidden), snapshot(world.engine) as s:
        evidence.thumbnail(attached.evidence_id, session=s, actor=world.outsider)
    with pytest.raises(Forbidden):
        attach(world, "mine.pdf", PDF, actor=world.outsider)
    assert len(files_of(world)) == 1
    with pytest.raises(NotFound):
        read(world, attached.evidence_id + 99)


def test_an_executive_who_may_read_the_unit_may_read_its_files_but_not_attach(world):
    with transaction(world.engine) as s:
        user = create_user("exec", "correct-horse", "陈刚", session=s, now=NOW, grants=[("executive", "P")])
    executive = Actor(user.id, user.username, user.display_name)
    attached = attach(world, "plan.pdf", PDF)
    assert read(world, attached.evidence_id, actor=executive)[1] == PDF
    with pytest.raises(Forbidden):
        attach(world, "more.pdf", PDF, actor=executive)


# ── Storage in a directory ──────────────────────────────────────────────────


def test_with_an_evidence_directory_the_file_is_stored_under_its_hash_not_in_the_database(world, tmp_path):
    settings = Settings(evidence_dir=tmp_path / "shared")
    attached = attach(world, "plan.pdf", PDF, settings=settings)
    digest = hashlib.sha256(PDF).hexdigest()
    path = tmp_path / "shared" / digest[:2] / digest
    assert path.read_bytes() == PDF
    assert [p.name for p in path.parent.iterdir()] == [digest]  # no temporary file left behind
    with snapshot(world.engine) as s:
        stored = s.get(EvidenceFile, attached.evidence_id)
        assert (stored.storage, stored.data) == ("dir", None)
    assert read(world, attached.evidence_id, settings=settings)[1] == PDF


def test_a_file_replaced_in_the_directory_is_refused_by_name_while_the_log_keeps_the_original_hash(world, tmp_path):
    settings = Settings(evidence_dir=tmp_path / "shared")
    attached = attach(world, "批准文件.pdf", PDF, settings=settings)
    digest = hashlib.sha256(PDF).hexdigest()
    (tmp_path / "shared" / digest[:2] / digest).write_bytes(PDF.replace(b"Catalog", b"Catalod"))
    with pytest.raises(InvalidInput) as err:
        read(world, attached.evidence_id, settings=settings)
    assert err.value.code == "error.evidence_changed"
    assert "批准文件.pdf" in message(err.value, "zh") and digest[:12] in message(err.value)
    assert log(world)[0].evidence_sha256 == digest


def test_a_file_missing_from_the_directory_is_not_found_with_a_clear_message(world, tmp_path):
    settings = Settings(evidence_dir=tmp_path / "shared")
    attached = attach(world, "plan.pdf", PDF, settings=settings)
    digest = hashlib.sha256(PDF).hexdigest()
    (tmp_path / "shared" / digest[:2] / digest).unlink()
    with pytest.raises(NotFound) as err:
        read(world, attached.evidence_id, settings=settings)
    assert err.value.code == "error.evidence_missing" and "plan.pdf" in message(err.value)


# ── Refusals ────────────────────────────────────────────────────────────────


def test_a_program_named_like_a_pdf_is_refused_by_its_content_and_nothing_is_kept(world, tmp_path):
    settings = Settings(evidence_dir=tmp_path / "shared")
    with pytest.raises(InvalidInput) as err:
        attach(world, "report.pdf", b"MZ\x90\x00" + b"\x00" * 200, settings=settings)
    assert err.value.code == "error.evidence_type"
    assert "judged by its content" in message(err.value)
    assert log(world) == [] and files_of(world) == []
    assert row(world, "C1-K1", "plan-approved").version == 0
    assert not (tmp_path / "shared").exists()


def test_a_file_over_the_limit_is_refused_naming_the_limit(world):
    with pytest.raises(InvalidInput) as err:
        attach(world, "big.pdf", PDF + b"0" * 20_000, settings=Settings(evidence_max_mb=0.01))
    assert err.value.code == "error.evidence_too_large"
    assert "(0.02 MB)" in message(err.value) and "at most 0.01 MB" in message(err.value)
    assert files_of(world) == []


def test_attaching_at_a_stale_version_is_refused_and_writes_no_file(world, tmp_path):
    world.change("C1-K1", "duty-roster", "note", text="x")  # another item: no conflict
    world.change("C1-K1", "plan-approved", "note", actor=world.lead, text="等待批复")
    settings = Settings(evidence_dir=tmp_path / "shared")
    with pytest.raises(StaleWrite):
        attach(world, "plan.pdf", PDF, version=0, settings=settings)
    assert files_of(world) == []
    assert not (tmp_path / "shared").exists()


def test_a_closed_campaign_takes_no_more_evidence(world):
    with transaction(world.engine) as s:
        campaigns.close_campaign(world.campaign_id, session=s, actor=world.admin, now=NOW)
    with pytest.raises(InvalidInput) as err:
        attach(world, "plan.pdf", PDF)
    assert err.value.code == "error.campaign_closed"
    assert files_of(world) == []


# ── An item that requires evidence ───────────────────────────────────────────


def test_a_member_cannot_tick_an_evidence_item_done_without_a_file(world):
    for words in ("", "文件在档案室"):
        with pytest.raises(InvalidInput) as err:
            world.change("C1-K1", "plan-approved", "done", actor=world.other, text=words)
        assert err.value.code == "error.evidence_required"
    assert "The contingency plan is revised and approved" in message(err.value)
    assert "应急预案已修编并经批准" in message(err.value, "zh")
    assert "ask your lead" in message(err.value)
    assert log(world) == []


def test_a_member_ticks_an_evidence_item_done_once_a_file_is_attached(world):
    attach(world, "plan.pdf", PDF)
    result = world.change("C1-K1", "plan-approved", "done", actor=world.other)
    assert (result.status, result.version) == ("done", 2)
    assert log(world)[-1].evidence_waived is None


def test_an_item_that_does_not_require_evidence_is_ticked_as_before(world):
    assert world.change("C1-K1", "duty-roster", "done", actor=world.other).status == "done"


def test_a_lead_ticks_it_done_without_a_file_only_with_a_written_reason_which_the_log_marks(world):
    with pytest.raises(InvalidInput) as err:
        world.change("C1-K1", "plan-approved", "done", actor=world.lead)
    assert err.value.code == "error.evidence_reason_required"
    world.change("C1-K1", "plan-approved", "done", actor=world.lead, text="原件在省公司，已当面核验")
    [event] = log(world)
    assert (event.action, event.text, event.evidence_waived) == ("done", "原件在省公司，已当面核验", True)
    assert row(world, "C1-K1", "plan-approved").note == "原件在省公司，已当面核验"
    with snapshot(world.engine) as s:
        [entry] = queries.item_history(world.campaign_id, world.units["C1-K1"], world.items["plan-approved"],
                                       session=s)
    assert entry.evidence_waived


def test_bulk_ticking_by_a_member_is_refused_whole_when_one_item_lacks_its_evidence(world):
    picked = [row(world, "C1-K1", "duty-roster"), row(world, "C1-K1", "plan-approved")]
    with pytest.raises(InvalidInput) as err, transaction(world.engine) as s:
        changes.mark_many_done(world.campaign_id, world.units["C1-K1"],
                               [changes.Tick(r.item_id, r.version) for r in picked], note="周例会核对",
                               session=s, actor=world.other, now=NOW)
    assert err.value.code == "error.evidence_required"
    assert "应急预案已修编并经批准" in message(err.value, "zh")
    assert log(world) == []


def test_bulk_ticking_by_a_lead_with_a_note_accepts_the_note_as_the_reason(world):
    picked = [row(world, "C1-K1", "duty-roster"), row(world, "C1-K1", "plan-approved")]
    with transaction(world.engine) as s:
        changes.mark_many_done(world.campaign_id, world.units["C1-K1"],
                               [changes.Tick(r.item_id, r.version) for r in picked], note="周例会核对，原件已查",
                               session=s, actor=world.lead, now=NOW)
    assert [(e.item_id, e.evidence_waived) for e in log(world)] == [(world.items["duty-roster"], None),
                                                                    (world.items["plan-approved"], True)]


# ── The projections ─────────────────────────────────────────────────────────


def test_the_projections_rebuilt_from_a_log_with_evidence_events_match_the_live_ones(world):
    world.change("C1-K1", "plan-approved", "note", text="正在审批")
    attach(world, "plan.pdf", PDF, at=LATER)
    world.change("C1-K1", "plan-approved", "done", actor=world.other, at=LATER)
    attach(world, "photo.png", png(), unit="C1-K2", at=LATER)
    world.change("C1-K2", "plan-approved", "done", text="原件在档案室", at=LATER)
    attach(world, "after.png", png(), unit="C1-K2", at=LATER + timedelta(hours=1))
    with snapshot(world.engine) as s:
        assert rebuild.projection_differences(world.campaign_id, session=s) == []
        before = s.execute(select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.status,
                                  ChecklistStatus.version, ChecklistStatus.note, ChecklistStatus.updated_at)
                           .order_by(ChecklistStatus.unit_id, ChecklistStatus.item_id)).all()
    with transaction(world.engine) as s:
        rebuild.rebuild_projections(world.campaign_id, session=s)
    with snapshot(world.engine) as s:
        assert rebuild.projection_differences(world.campaign_id, session=s) == []
        after = s.execute(select(ChecklistStatus.unit_id, ChecklistStatus.item_id, ChecklistStatus.status,
                                 ChecklistStatus.version, ChecklistStatus.note, ChecklistStatus.updated_at)
                          .order_by(ChecklistStatus.unit_id, ChecklistStatus.item_id)).all()
        assert s.scalar(select(func.count()).select_from(EvidenceFile)) == 3
    assert after == before
    k2 = row(world, "C1-K2", "plan-approved")
    assert (k2.status, k2.note, k2.version) == ("done", "原件在档案室", 3)
