"""A unit lead's working day in a real browser: the overdue items, two ticked at once with a note, one
marked not applicable with a reason, a photo attached as evidence and shown as a thumbnail, the unit's
workbook downloaded, two rows changed in it and uploaded back (preview, then applied), and a row that a
colleague changed meanwhile refused with her name."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import ROOT
from tests.e2e.test_browser import sign_in

MEMBER = "张敏（县公司员工）"


def photo() -> bytes:
    picture = Image.new("RGB", (640, 480), (30, 120, 200))
    for x in range(0, 640, 40):
        for y in range(0, 480, 40):
            picture.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def go_to(page: Page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def download_workbook(page: Page, tmp_path: Path, name: str) -> Path:
    go_to(page, "离线填报 (Excel)", "离线填报 (Excel)")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel 检查表").click()
    path = tmp_path / name
    info.value.save_as(path)
    return path


def header(sheet) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[1]}


def needing_evidence() -> set[str]:
    """The item keys the templates mark as needing an evidence file (a workbook cannot attach one)."""
    keys = set()
    for path in (ROOT / "seeds" / "templates").glob("*.yaml"):
        for section in yaml.safe_load(path.read_text(encoding="utf-8"))["sections"]:
            keys |= {i["key"] for i in section["items"] if i.get("requires_evidence")}
    return keys


def open_one_off_rows(sheet) -> list[int]:
    """Rows of one-off items (no occurrence) still open that need no evidence file, as the workbook shows them."""
    cols = header(sheet)
    skip = needing_evidence()
    return [r for r in range(2, sheet.max_row + 1)
            if sheet.cell(r, cols["状态"]).value == "未完成" and not sheet.cell(r, cols["周期/事件"]).value
            and sheet.cell(r, cols["条目编号"]).value not in skip]


def upload_workbook(page: Page, path: Path) -> None:
    page.locator("[class*='st-key-xl_upload'] input[type=file]").set_input_files(str(path))


@pytest.mark.clock("2027-05-20T09:00")  # four weeks before the peak: the one-off items' due days are passing
def test_a_lead_works_through_the_overdue_items_evidence_and_the_workbook(server, browser, tmp_path: Path):
    lead = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
                               ).new_page()
    member = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    try:
        sign_in(lead, server, "lead")

        # The overdue items only, then two of them ticked at once with one note.
        go_to(lead, "我的待办", "我的待办")
        count = lead.get_by_text(re.compile(r"^共 \d+ 项，其中逾期 \d+ 项$"))
        total, overdue = (int(n) for n in re.findall(r"\d+", count.inner_text()))
        assert 0 < overdue < total
        lead.get_by_text("只看逾期").click()
        expect(count).to_have_text(f"共 {overdue} 项，其中逾期 {overdue} 项")
        picks = lead.locator("[class*='st-key-pick_'] input[type=checkbox]")
        picks.nth(0).check(force=True)
        expect(lead.get_by_role("button", name="将所选 1 项标记完成")).to_be_visible()
        picks.nth(1).check(force=True)
        lead.get_by_label("批量完成的备注（可选）").first.fill("周例会逐项核对")
        lead.get_by_role("button", name="将所选 2 项标记完成").click()
        expect(lead.get_by_text("已将 2 项标记完成").first).to_be_visible()
        expect(count).to_have_text(f"共 {overdue - 2} 项，其中逾期 {overdue - 2} 项")

        # One item not applicable, with a reason.
        lead.get_by_role("button", name="不适用", exact=True).first.click()
        lead.get_by_label("原因（必填）").fill("本县无海上风电接入")
        lead.get_by_role("button", name="确认").click()
        expect(lead.get_by_text(re.compile("已标记不适用")).first).to_be_visible()

        # A photo as evidence on the checklist: it shows as a thumbnail.
        go_to(lead, "我的检查表", "我的检查表")
        lead.locator("[class*='st-key-evidence_'] button").first.click()
        uploader = lead.locator("[class*='st-key-upload_'] input[type=file]").first
        uploader.set_input_files(files=[{"name": "变压器油位.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
        expect(lead.get_by_text("变压器油位.jpg").first).to_be_visible()  # staged in the upload control
        lead.get_by_role("button", name="上传", exact=True).first.click()
        expect(lead.get_by_text(re.compile("已上传佐证")).first).to_be_visible()
        thumbnail = lead.get_by_test_id("stImage").locator("img").first
        expect(thumbnail).to_be_visible()
        assert lead.evaluate("(img) => img.naturalWidth > 0 && img.naturalWidth <= 320", thumbnail.element_handle())
        # And it downloads back byte for byte.
        with lead.expect_download() as got:
            file_row = lead.get_by_test_id("stHorizontalBlock").filter(has_text="变压器油位.jpg").last
            file_row.locator("[class*='st-key-download_'] button").click()
        assert got.value.suggested_filename == "变压器油位.jpg"
        assert Path(got.value.path()).read_bytes() == photo()

        # The workbook: two open rows set done, uploaded back, previewed, applied.
        first = download_workbook(lead, tmp_path, "first.xlsx")
        book = load_workbook(first)
        sheet = book.worksheets[0]
        cols = header(sheet)
        rows = open_one_off_rows(sheet)[:2]
        assert len(rows) == 2
        for r in rows:
            sheet.cell(r, cols["状态"]).value = "已完成"
        sheet.cell(rows[0], cols["备注"]).value = "离线填报：现场核对"
        book.save(first)
        upload_workbook(lead, first)
        expect(lead.get_by_text(re.compile(r"2 行将更改，\d+ 行无变化，0 行有错误"))).to_be_visible()
        lead.get_by_role("button", name="确认更改 2 行").click()
        expect(lead.get_by_text("已更改 2 行").first).to_be_visible()
        expect(lead.get_by_text(re.compile("行将更改"))).to_have_count(0)  # the page has run again: a fresh workbook

        # A colleague adds a note to an item after the lead's download: that row is refused, naming her.
        second = download_workbook(lead, tmp_path, "second.xlsx")
        book = load_workbook(second)
        sheet = book.worksheets[0]
        cols = header(sheet)
        row = open_one_off_rows(sheet)[0]
        key = sheet.cell(row, cols["条目编号"]).value

        sign_in(member, server, "member")
        go_to(member, "我的待办", "我的待办")
        member.get_by_label("搜索条目").fill(key)
        member.get_by_label("搜索条目").press("Enter")
        expect(member.get_by_text(re.compile(r"^共 1 项"))).to_be_visible()
        member.get_by_role("button", name="备注", exact=True).first.click()
        member.get_by_label("备注内容").fill("现场已复核，待负责人确认")
        member.get_by_role("button", name="确认").click()
        expect(member.get_by_text(re.compile("已添加备注")).first).to_be_visible()

        sheet.cell(row, cols["状态"]).value = "不适用"
        sheet.cell(row, cols["不适用原因"]).value = "设备已退役"
        book.save(second)
        upload_workbook(lead, second)
        expect(lead.get_by_text(re.compile(r"0 行将更改，\d+ 行无变化，1 行有错误"))).to_be_visible()
        # the preview table (a canvas grid) names her in the row's outcome cell
        expect(lead.get_by_test_id("stDataFrame").get_by_text(re.compile(f"下载后已被 {re.escape(MEMBER)} 于"))
               ).to_be_attached()
        expect(lead.get_by_role("button", name=re.compile("确认更改"))).to_have_count(0)
    finally:
        lead.context.close()
        member.context.close()
