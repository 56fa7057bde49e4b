"""Strings of one area: the drill plan as an Excel workbook (admin/drill_workbook.py) and its commands."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "dxl.sheet": {"zh": "演练计划", "en": "Drill plan"},
    "dxl.col.id": {"zh": "编号", "en": "ID"},
    "dxl.col.type": {"zh": "演练类型", "en": "Drill type"},
    "dxl.col.type_name": {"zh": "类型名称", "en": "Type name"},
    "dxl.col.form": {"zh": "形式", "en": "Form"},
    "dxl.col.title": {"zh": "标题", "en": "Title"},
    "dxl.col.start": {"zh": "开始", "en": "Start"},
    "dxl.col.end": {"zh": "结束", "en": "End"},
    "dxl.col.location": {"zh": "地点", "en": "Location"},
    "dxl.col.lead": {"zh": "牵头单位", "en": "Lead unit"},
    "dxl.col.units": {"zh": "参演单位", "en": "Units taking part"},
    "dxl.col.coordinator": {"zh": "协调人", "en": "Coordinator"},
    "dxl.col.evaluators": {"zh": "评估人员", "en": "Evaluators"},
    "dxl.col.unannounced": {"zh": "不预先通知", "en": "Unannounced"},
    "dxl.col.status": {"zh": "状态", "en": "Status"},
    "dxl.yes": {"zh": "是", "en": "yes"},
    "dxl.no": {"zh": "否", "en": "no"},
    "dxl.help.form": {
        "zh": "桌面推演、功能演练或实战演练（也可填 tabletop / functional / full_scale）",
        "en": "Tabletop, functional or full-scale live (or tabletop / functional / full_scale)",
    },
    "dxl.help.unannounced": {"zh": "是或否（空白为否）", "en": "yes or no (blank: no)"},
    # The file as a whole
    "dxl.not_a_plan": {
        "zh": "该工作簿不是演练计划（其格式为 {format}）。请使用从本系统导出的演练计划或模板。",
        "en": "This workbook is not a drill plan (its format is {format}). Use a drill plan or the template "
        "exported from PeakReady.",
    },
    "dxl.no_plan_sheet": {"zh": "工作簿中没有演练计划工作表。", "en": "The workbook has no drill plan sheet."},
    # A row's problems (one per rule code)
    "dxl.err.bad_id": {"zh": "编号“{value}”不是数字（新演练请留空）", "en": "The ID “{value}” is not a number (leave it blank for a new drill)"},
    "dxl.err.already_planned": {
        "zh": "编号 {id} 的演练（“{title}”，{start}）已在计划中；导入只新建演练：要将本行作为新演练，请清空编号"
        "（或导入时忽略编号列）",
        "en": "Drill {id} (“{title}”, {start}) is already planned; the import only adds new drills: to plan this row "
        "as a new one, clear its ID (or import ignoring the ID column)",
    },
    "dxl.err.duplicate_id": {"zh": "编号 {id} 与第 {first} 行重复", "en": "ID {id} is the same as in row {first}"},
    "dxl.err.unknown_type": {"zh": "没有这个演练类型：{type}", "en": "There is no drill type {type}"},
    "dxl.err.bad_form": {
        "zh": "演练形式“{form}”无效（应为桌面推演、功能演练或实战演练）",
        "en": "The form “{form}” is not one of tabletop, functional, full-scale",
    },
    "dxl.err.form_not_allowed": {
        "zh": "演练类型 {type} 不采用这种形式（{form}），可用：{forms}",
        "en": "The drill type {type} is not held in that form ({form}); it is held as {forms}",
    },
    "dxl.err.missing_title": {"zh": "缺少标题", "en": "The title is missing"},
    "dxl.err.title_too_long": {"zh": "标题过长（最多 {max} 个字）", "en": "The title is too long (at most {max} characters)"},
    "dxl.err.location_too_long": {"zh": "地点过长（最多 {max} 个字）", "en": "The location is too long (at most {max} characters)"},
    "dxl.err.bad_start": {
        "zh": "开始时间“{value}”无法识别（应为日期和时间，如 2027-05-12 09:00）",
        "en": "The start “{value}” is not a date and time (e.g. 2027-05-12 09:00)",
    },
    "dxl.err.bad_end": {
        "zh": "结束时间“{value}”无法识别（应为日期和时间，如 2027-05-12 12:00）",
        "en": "The end “{value}” is not a date and time (e.g. 2027-05-12 12:00)",
    },
    "dxl.err.far_start": {
        "zh": "开始时间“{value}”不在可安排的年份内（{first}–{last} 年）",
        "en": "The start “{value}” is outside the years a drill can be planned in ({first}–{last})",
    },
    "dxl.err.far_end": {
        "zh": "结束时间“{value}”不在可安排的年份内（{first}–{last} 年）",
        "en": "The end “{value}” is outside the years a drill can be planned in ({first}–{last})",
    },
    "dxl.err.unknown_unit": {"zh": "没有这个单位代码，或该单位已停用：{unit}", "en": "No active unit has the code {unit}"},
    "dxl.err.unknown_person": {"zh": "没有这个用户名，或该账号已停用：{person}", "en": "No active account has the username {person}"},
    "dxl.err.bad_flag": {"zh": "“不预先通知”应填是或否（收到：{value}）", "en": "“Unannounced” takes yes or no (got {value})"},
    "dxl.err.unannounced_not_allowed": {"zh": "演练类型 {type} 不安排不预先通知的演练", "en": "The drill type {type} is not held unannounced"},
    "dxl.err.refused": {"zh": "该行无效：{reason}", "en": "The row is not valid: {reason}"},
    "dxl.other_row": {"zh": "（即本文件第 {row} 行）。", "en": " (row {row} of this file)."},
    # A row's outcome
    "dxl.outcome.planned": {"zh": "已计划（演练 {id}）", "en": "planned (drill {id})"},
    "dxl.outcome.ok": {"zh": "可以计划", "en": "can be planned"},
    "dxl.outcome.skipped": {"zh": "已跳过（已取消的演练）", "en": "skipped (a cancelled drill)"},
    "dxl.outcome.error": {"zh": "有错误", "en": "in error"},
    "dxl.no_codes": {"zh": "无", "en": "none"},
    "dxl.summary": {
        "zh": "共 {rows} 行：{planned} 行已计划（其中 {warnings} 行有提醒），{skipped} 行跳过，{errors} 行有错误",
        "en": "{rows} row(s): {planned} planned ({warnings} with warnings), {skipped} skipped, {errors} in error",
    },
    "dxl.summary_preview": {
        "zh": "共 {rows} 行：{planned} 行可以计划（其中 {warnings} 行有提醒），{skipped} 行跳过，{errors} 行有错误",
        "en": "{rows} row(s): {planned} can be planned ({warnings} with warnings), {skipped} skipped, {errors} in error",
    },
    # manage.py import-drills / export-drills
    "cli.dxl_row": {"zh": "第 {row} 行 · {start} · {title} · {codes} · {outcome}", "en": "Row {row} · {start} · {title} · {codes} · {outcome}"},
    "cli.dxl_export_row": {"zh": "第 {row} 行 · 演练 {id} · {start} · {title}（{status}）", "en": "Row {row} · drill {id} · {start} · {title} ({status})"},
    "cli.dxl_template": {"zh": "已将空白演练计划（模板）写入 {file}", "en": "Wrote an empty drill plan (the template) to {file}"},
}
