"""Evidence on My checklist, driven through AppTest on a copy of the demo database: a lead attaches a
photo and sees its thumbnail and a download button; an item that requires evidence cannot be ticked by a
member without a file, while its lead may tick it on a written reason."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from checklists.campaigns import list_campaigns
from checklists.queries import unit_checklist
from org.queries import home_unit_id
from store.db import make_engine, snapshot
from store.schema import ChecklistEvent, EvidenceFile, User
from tests.app.walker import _send_label
from tests.demo_fixtures import sign_in
from ui import state


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 140, 90)).save(out, "PNG")
    return out.getvalue()


def checklist_page(app, username: str):
    """My checklist in English, showing the open items (every section with one is open)."""
    at = sign_in(app, username)
    at.session_state[state.LANG] = "en"
    at.run()
    show = at.button_group(key="cl_show_en")
    _send_label(show, "button_group", show.options[1])  # as a click on "open" in the browser
    at.run()
    assert at.button_group(key="cl_show_en").value == "open"
    assert not at.exception, at.exception
    return at


def home_rows(url: str) -> list:
    """The one-off items of the demo lead's (and member's) county in the open season."""
    with snapshot(make_engine(url)) as s:
        [campaign] = list_campaigns(session=s)
        unit = home_unit_id(s.scalar(select(User.id).where(User.username == "lead")), session=s)
        return [r for r in unit_checklist(campaign.id, unit, session=s) if r.kind == "once"]


def needing_evidence(url: str):
    """An open item of the county that requires evidence and has no file yet."""
    return next(r for r in home_rows(url) if r.requires_evidence and not r.evidence_count and r.status == "open")


def last_event(url: str) -> ChecklistEvent:
    with snapshot(make_engine(url)) as s:
        return s.scalars(select(ChecklistEvent).order_by(ChecklistEvent.id.desc())).first()


def test_a_lead_attaches_a_photo_and_sees_its_thumbnail_and_a_download_button(app, demo_db):
    at = checklist_page(app, "lead")
    row = needing_evidence(demo_db)
    at.button(key=f"evidence_{row.row_key}").click().run()
    assert any("0 evidence file(s)" in c.value for c in [*at.markdown, *at.caption])
    assert any("No evidence file attached yet." in c.value for c in at.caption)
    at.file_uploader(key=f"upload_{row.row_key}").upload("现场照片.png", png(), "image/png")
    at.button(key=f"attach_{row.row_key}").click().run()
    assert not at.exception, at.exception
    assert any("Evidence attached" in t.value for t in at.toast)
    assert len(at.image) == 1
    [download] = [d for d in at.download_button if d.key.endswith(f"_{row.row_key}")]
    assert download.label == "Download"
    assert any(t.value == "现场照片.png" for t in at.text)
    event = last_event(demo_db)
    assert (event.action, event.item_id, event.text) == ("evidence", row.item_id, "现场照片.png")
    with snapshot(make_engine(demo_db)) as s:
        stored = s.get(EvidenceFile, event.evidence_id)
        assert (stored.content_type, stored.sha256) == ("image/png", event.evidence_sha256)
    # the upload control is empty again, and the item now counts one file and may be ticked done
    assert not any(u.value for u in at.file_uploader)
    assert any("1 evidence file(s)" in c.value for c in [*at.markdown, *at.caption])
    at.button(key=f"history_{row.row_key}").click().run()  # the log names the file and its hash
    shown = at.dataframe[-1].value
    assert f"现场照片.png (SHA-256 {event.evidence_sha256[:12]})" in list(shown.iloc[:, -1])
    at.button(key=f"done_{row.row_key}").click().run()
    assert last_event(demo_db).action == "done" and last_event(demo_db).evidence_waived is None


def test_a_file_that_is_not_a_document_or_photo_is_refused_with_the_reason(app, demo_db):
    at = checklist_page(app, "lead")
    row = needing_evidence(demo_db)
    before = last_event(demo_db).id
    at.button(key=f"evidence_{row.row_key}").click().run()
    at.file_uploader(key=f"upload_{row.row_key}").upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 300,
                                                           "application/pdf")
    at.button(key=f"attach_{row.row_key}").click().run()
    assert any("judged by its content" in e.value for e in at.error)
    assert last_event(demo_db).id == before


def test_a_member_is_told_to_attach_a_file_and_cannot_tick_an_evidence_item_done(app, demo_db):
    at = checklist_page(app, "member")
    row = needing_evidence(demo_db)
    assert not [b for b in at.button if b.key == f"done_{row.row_key}"]
    assert any("Attach a file first" in c.value for c in at.caption)
    others = [r for r in home_rows(demo_db) if r.status == "open" and not r.requires_evidence]
    assert any(b.key == f"done_{others[0].row_key}" for b in at.button)  # the others are ticked as before


def test_a_members_bulk_tick_including_an_evidence_item_is_refused_naming_it(app, demo_db):
    row = needing_evidence(demo_db)
    at = sign_in(app, "member")
    at.session_state[state.LANG] = "en"
    at.switch_page("app_pages/my_items.py").run()
    at.text_input(key="my_search").input(row.text_zh[:8]).run()
    pick = next(c for c in at.checkbox if c.key and c.key.startswith("pick_") and c.key.endswith(f"_{row.item_id}"))
    before = last_event(demo_db).id
    pick.check().run()
    next(b for b in at.button if b.key and b.key.startswith("bulk_done_")).click().run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error)
    assert "requires evidence" in message and "ask your lead" in message and row.text_en[:30] in message
    assert last_event(demo_db).id == before


def test_a_lead_ticks_an_evidence_item_done_without_a_file_on_a_written_reason(app, demo_db):
    at = checklist_page(app, "lead")
    row = needing_evidence(demo_db)
    before = last_event(demo_db).id
    at.button(key=f"done_{row.row_key}").click().run()
    assert last_event(demo_db).id == before  # the form opens first
    assert any("Mark done without an evidence file" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert any("requires evidence" in e.value for e in at.error)
    assert last_event(demo_db).id == before
    at.button(key=f"done_{row.row_key}").click().run()
    at.text_input(key=f"text_done_{row.row_key}").input("原件在省公司，已当面核验")
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert not at.exception, at.exception
    event = last_event(demo_db)
    assert (event.action, event.item_id, event.text, event.evidence_waived) == (
        "done", row.item_id, "原件在省公司，已当面核验", True)
