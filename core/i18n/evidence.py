"""Strings of one area: evidence files attached to items (photos, PDFs, spreadsheets, Word files), and
the rule that an item requiring evidence is ticked done only with a file or a reason a lead accepts."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.evidence_empty": {"zh": "文件是空的，请选择要上传的佐证文件。", "en": "The file is empty; choose the evidence file to attach."},
    "error.evidence_too_large": {
        "zh": "文件过大（{size} MB），佐证文件最大 {max} MB。",
        "en": "The file is too large ({size} MB); an evidence file may be at most {max} MB.",
    },
    "error.evidence_type": {
        "zh": "这不是照片、PDF、表格或 Word 文件（按内容判断，而非文件名）。",
        "en": "This is not a photo, PDF, spreadsheet or Word file (judged by its content, not its name).",
    },
    "error.evidence_bad_image": {
        "zh": "这张图片已损坏或不完整，无法打开。",
        "en": "This image is damaged or incomplete and cannot be opened.",
    },
    "error.evidence_image_too_big": {
        "zh": "这张图片像素过多（超过 {max} 百万像素），请缩小后再上传。",
        "en": "This image has too many pixels (over {max} megapixels); scale it down and attach it again.",
    },
    "error.evidence_not_found": {"zh": "找不到该佐证文件。", "en": "No such evidence file."},
    "error.evidence_missing": {
        "zh": "佐证文件“{name}”在文件目录中找不到（{path}），请联系管理员。",
        "en": "The evidence file “{name}” is missing from the evidence directory ({path}); tell the administrator.",
    },
    "error.evidence_changed": {
        "zh": "佐证文件“{name}”在上传后被改动过：其内容与检查记录中的校验值（SHA-256 {sha}…）不一致。",
        "en": "The evidence file “{name}” was changed after it was attached: its content does not match the "
        "hash in the log (SHA-256 {sha}…).",
    },
    "error.evidence_required": {
        "zh": "“{item}”需要佐证：请先上传文件；若确实无法提供，请本单位负责人填写书面理由后标记完成。",
        "en": "“{item}” requires evidence: attach a file first, or ask your lead, who can accept a written "
        "reason instead.",
    },
    "error.evidence_reason_required": {
        "zh": "“{item}”需要佐证：请上传文件，或填写没有佐证文件的书面理由。",
        "en": "“{item}” requires evidence: attach a file, or write the reason there is none.",
    },
    "action.item.waive_evidence": {"zh": "接受无佐证文件的书面理由", "en": "accept a written reason instead of evidence"},
    "cl.btn_evidence": {"zh": "上传佐证", "en": "Evidence"},
    "cl.saved_evidence": {"zh": "已上传佐证：{item}", "en": "Evidence attached: {item}"},
    "evd.button_help": {"zh": "佐证文件", "en": "Evidence files"},
    "evd.required": {"zh": "需佐证", "en": "evidence required"},
    "evd.count": {"zh": "佐证 {n} 份", "en": "{n} evidence file(s)"},
    "evd.upload": {
        "zh": "上传佐证（照片、PDF、表格或 Word 文件，最大 {max} MB）",
        "en": "Attach evidence (a photo, PDF, spreadsheet or Word file, at most {max} MB)",
    },
    "evd.attach": {"zh": "上传", "en": "Attach"},
    "evd.pick_first": {"zh": "请先选择要上传的文件。", "en": "Choose a file to attach first."},
    "evd.none": {"zh": "尚未上传佐证文件。", "en": "No evidence file attached yet."},
    "evd.download": {"zh": "下载", "en": "Download"},
    "evd.file_line": {"zh": "{size} · {who} · {when} · SHA-256 {sha}", "en": "{size} · {who} · {when} · SHA-256 {sha}"},
    "evd.unreadable": {"zh": "无法读取：{reason}", "en": "Cannot be read: {reason}"},
    "evd.need_file": {"zh": "先上传佐证", "en": "Attach a file first"},
    "evd.done_hint": {
        "zh": "需佐证：请先上传文件后再标记完成，或请负责人确认书面理由。",
        "en": "Evidence required: attach a file before ticking it done, or ask your lead to accept a written reason.",
    },
    "evd.waive_form_title": {
        "zh": "没有佐证文件而标记完成：{item}",
        "en": "Mark done without an evidence file: {item}",
    },
    "evd.waive_reason": {"zh": "没有佐证文件的理由（必填）", "en": "Why there is no evidence file (required)"},
    "evd.history_file": {"zh": "{name}（SHA-256 {sha}）", "en": "{name} (SHA-256 {sha})"},
    "evd.history_waived": {"zh": "无佐证文件，负责人接受理由：{text}", "en": "No evidence file; the lead accepted the reason: {text}"},
}
