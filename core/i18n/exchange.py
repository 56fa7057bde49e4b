"""Strings of one area: offline and bulk entry in Excel (a unit's checklist as .xlsx, down and back up)
and importing units and users from .xlsx / .csv."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "page.workbook": {"zh": "离线填报 (Excel)", "en": "Offline entry (Excel)"},
    # the workbook itself
    "xl.sheet": {"zh": "清单", "en": "Checklist"},
    "xl.col.unit": {"zh": "单位编码", "en": "Unit code"},
    "xl.col.item": {"zh": "条目编号", "en": "Item key"},
    "xl.col.occurrence": {"zh": "周期/事件", "en": "Occurrence"},
    "xl.col.section": {"zh": "分项", "en": "Section"},
    "xl.col.text": {"zh": "检查内容", "en": "Item"},
    "xl.col.criticality": {"zh": "重要程度", "en": "Criticality"},
    "xl.col.due": {"zh": "截止日期", "en": "Due"},
    "xl.col.state": {"zh": "状态", "en": "State"},
    "xl.col.reason": {"zh": "不适用原因", "en": "Reason if N/A"},
    "xl.col.note": {"zh": "备注", "en": "Note"},
    "xl.col.changed_by": {"zh": "最后修改人", "en": "Last changed by"},
    "xl.col.changed_at": {"zh": "最后修改时间", "en": "Last changed at"},
    "xl.col.version": {"zh": "版本", "en": "Version"},
    "xl.state.open": {"zh": "未完成", "en": "open"},
    "xl.state.done": {"zh": "已完成", "en": "done"},
    "xl.state.na": {"zh": "不适用", "en": "n/a"},
    "xl.state_help": {
        "zh": "请选择：未完成、已完成或不适用（不适用须填写原因）",
        "en": "Choose open, done or n/a (n/a needs a reason)",
    },
    "xl.state_help_title": {"zh": "状态", "en": "State"},
    "xl.state_error": {"zh": "只能填写：未完成、已完成、不适用", "en": "Only open, done or n/a"},
    # row outcomes
    "xl.outcome.unchanged": {"zh": "无变化", "en": "unchanged"},
    "xl.outcome.change": {"zh": "将更改", "en": "will change"},
    "xl.outcome.changed": {"zh": "已更改", "en": "changed"},
    "xl.reason_changed": {"zh": "（原因更改）", "en": " (new reason)"},
    "xl.note_changed": {"zh": "备注更改", "en": "new note"},
    "xl.err.unknown_unit": {"zh": "没有单位 {unit}", "en": "No unit {unit}"},
    "xl.err.unknown_item": {
        "zh": "单位 {unit} 在本活动中没有条目 {item} {occurrence}",
        "en": "Unit {unit} has no item {item} {occurrence} in this campaign",
    },
    "xl.err.bad_state": {
        "zh": "状态“{value}”无效（可填：未完成、已完成、不适用）",
        "en": "State “{value}” is not one of: open, done, n/a",
    },
    "xl.err.na_needs_reason": {"zh": "标记为不适用须填写原因", "en": "N/A needs a reason"},
    "xl.err.stale": {
        "zh": "下载后已被 {who} 于 {when} 修改（现为“{status}”），请重新下载后再填",
        "en": "Changed by {who} at {when} since the download (now “{status}”): download it again",
    },
    "xl.err.out_of_scope": {"zh": "单位 {unit} 不在您的权限范围内", "en": "Unit {unit} is outside your scope"},
    "xl.err.not_allowed": {"zh": "您无权在单位 {unit} {action}", "en": "You may not {action} for unit {unit}"},
    "xl.err.closed_campaign": {"zh": "该备战活动已关闭，不能再修改", "en": "The campaign is closed"},
    "xl.err.duplicate": {"zh": "与第 {first} 行是同一条目", "en": "The same item as row {first}"},
    "xl.err.bad_version": {"zh": "版本列缺失或无效，请重新下载", "en": "The version column is missing or not a number: download again"},
    "xl.err.too_long": {"zh": "文字过长（最多 {max} 个字符）", "en": "Text too long (at most {max} characters)"},
    # import summary and refusals
    "xl.summary": {
        "zh": "共 {rows} 行：{changes} 行将更改，{unchanged} 行无变化，{errors} 行有错误",
        "en": "{rows} row(s): {changes} to change, {unchanged} unchanged, {errors} in error",
    },
    "error.xl_rows_refused": {
        "zh": "有 {count} 行有错误（第 {rows} 行），未作任何更改。",
        "en": "{count} row(s) in error (rows {rows}); nothing was changed.",
    },
    "error.xl_not_workbook": {
        "zh": "这不是可读取的 Excel 工作簿（.xlsx）；旧版 .xls 请另存为 .xlsx。",
        "en": "This is not a readable Excel workbook (.xlsx); save an old .xls as .xlsx.",
    },
    "error.xl_too_big": {"zh": "文件过大（最多 {max_mb} MB）。", "en": "The file is too big (at most {max_mb} MB)."},
    "error.xl_unpacked_too_big": {
        "zh": "文件解压后超过 {max_mb} MB，可能已损坏，或不是普通的 Excel 工作簿，未读取。",
        "en": "The file unpacks to more than {max_mb} MB: it is damaged or not an ordinary Excel workbook, "
        "and was not read.",
    },
    "error.xl_not_ours": {
        "zh": "该工作簿不是从本系统下载的检查表（缺少 {sheet} 工作表）。",
        "en": "This workbook is not a checklist downloaded from PeakReady (no {sheet} sheet).",
    },
    "error.xl_format_version": {
        "zh": "工作簿格式版本为 {found}，本系统需要 {expected}，请重新下载。",
        "en": "The workbook's format version is {found}; {expected} is needed: download it again.",
    },
    "error.xl_missing_columns": {"zh": "工作表缺少列：{columns}", "en": "The sheet lacks columns: {columns}"},
    "error.xl_too_many_rows": {"zh": "行数过多（最多 {max} 行）。", "en": "Too many rows (at most {max})."},
    "error.xl_unit_not_in_campaign": {
        "zh": "单位 {unit} 未参加备战活动“{campaign}”。",
        "en": "Unit {unit} does not take part in the campaign “{campaign}”.",
    },
    # the page
    "xl.intro": {
        "zh": "下载单位检查表，离线填写状态、不适用原因和备注，再上传：先预览将要更改的内容，确认后全部一次生效（有错误的行则一行都不改）。",
        "en": "Download a unit's checklist, fill in states, reasons and notes offline, then upload it: you see "
        "what will change first, and it is applied all at once (or, with any row in error, not at all).",
    },
    "xl.download_heading": {"zh": "下载", "en": "Download"},
    "xl.download": {"zh": "下载 Excel 检查表", "en": "Download the checklist (.xlsx)"},
    "xl.download_help": {"zh": "共 {n} 行", "en": "{n} row(s)"},
    "xl.upload_heading": {"zh": "上传已填写的检查表", "en": "Upload a filled-in checklist"},
    "xl.upload": {"zh": "选择 .xlsx 文件", "en": "Choose an .xlsx file"},
    "xl.col_row": {"zh": "行", "en": "Row"},
    "xl.col_item": {"zh": "条目", "en": "Item"},
    "xl.col_change": {"zh": "更改", "en": "Change"},
    "xl.col_outcome": {"zh": "结果", "en": "Outcome"},
    "xl.apply": {"zh": "确认更改 {n} 行", "en": "Apply {n} change(s)"},
    "xl.applied": {"zh": "已更改 {n} 行", "en": "{n} row(s) changed"},
    "xl.nothing_to_apply": {"zh": "没有需要更改的行。", "en": "Nothing to change."},
    "xl.fix_errors": {
        "zh": "请先在文件中改正有错误的行，再重新上传；有错误时不会更改任何内容。",
        "en": "Correct the rows in error in the file and upload it again; nothing is changed while any row is in error.",
    },
    # command line
    "cli.xl_export_row": {"zh": "第 {row} 行 · {item} · {state}", "en": "Row {row} · {item} · {state}"},
    "cli.xl_exported": {"zh": "已将 {count} 行写入 {file}", "en": "Wrote {count} row(s) to {file}"},
    "cli.xl_row": {"zh": "第 {row} 行 · {item} · {change} · {outcome}", "en": "Row {row} · {item} · {change} · {outcome}"},
    "cli.xl_dry_run": {"zh": "试运行：未作任何更改。", "en": "Dry run: nothing was changed."},
    # importing units and users from a table
    "imp.col.code": {"zh": "单位编码", "en": "code"},
    "imp.col.parent_code": {"zh": "上级单位编码", "en": "parent_code"},
    "imp.col.name_zh": {"zh": "中文名称", "en": "name_zh"},
    "imp.col.name_en": {"zh": "英文名称", "en": "name_en"},
    "imp.col.kind": {"zh": "类型", "en": "kind"},
    "imp.col.function": {"zh": "职能", "en": "function"},
    "imp.col.username": {"zh": "用户名", "en": "username"},
    "imp.col.display_name": {"zh": "姓名", "en": "display_name"},
    "imp.col.password": {"zh": "密码", "en": "password"},
    "imp.col.roles": {"zh": "角色", "en": "roles"},
    "imp.row_error": {"zh": "第 {row} 行：{problem}", "en": "Row {row}: {problem}"},
    "error.imp_rows": {
        "zh": "文件中有 {count} 行有错误，未导入任何内容。",
        "en": "{count} row(s) of the file are in error; nothing was imported.",
    },
    "error.imp_file_kind": {
        "zh": "无法读取 {file}：只支持 .xlsx、.csv（以及单位的 .yaml）文件。",
        "en": "Cannot read {file}: only .xlsx and .csv (and .yaml for units) files are supported.",
    },
    "error.imp_not_readable": {"zh": "无法读取文件 {file}：{reason}", "en": "Cannot read the file {file}: {reason}"},
    "error.imp_missing_columns": {"zh": "文件缺少列：{columns}", "en": "The file lacks columns: {columns}"},
    "error.imp_no_rows": {"zh": "文件中没有数据行。", "en": "The file has no rows."},
    "error.imp_cell_too_long": {
        "zh": "第 {row} 行“{column}”列的内容过长（每格最多 {max} 个字符），未导入任何内容。",
        "en": "Row {row}, column “{column}” holds too much text (at most {max} characters a cell); nothing was "
        "imported.",
    },
    "error.imp_csv_unreadable": {
        "zh": "CSV 文件第 {row} 行附近无法读取：某个单元格过长（每格最多 {max} 个字符）或引号不成对；未导入任何内容。",
        "en": "The CSV file cannot be read near line {row}: a cell is too long (at most {max} characters) or its "
        "quotes do not pair up; nothing was imported.",
    },
    "error.imp_bad_character": {
        "zh": "第 {row} 行“{column}”列含有不可见的控制字符（如 NUL），请删除后再导入；未导入任何内容。",
        "en": "Row {row}, column “{column}” holds an invisible control character (such as NUL): remove it and "
        "import again; nothing was imported.",
    },
    "imp.err.missing": {"zh": "缺少 {column}", "en": "{column} is missing"},
    "imp.err.duplicate": {"zh": "{value} 与第 {first} 行重复", "en": "{value} is also on row {first}"},
    "imp.err.unknown_parent": {
        "zh": "上级单位 {parent} 既不在文件中也不在系统中",
        "en": "Parent unit {parent} is neither in the file nor in the organisation",
    },
    "imp.err.cycle": {"zh": "单位 {unit} 的上级关系形成了循环", "en": "Unit {unit}'s parents form a loop"},
    "imp.err.invalid": {"zh": "数据无效：{reason}", "en": "Invalid: {reason}"},
    "imp.err.too_deep": {
        "zh": "单位 {unit} 在文件中的层级超过 {max} 级",
        "en": "Unit {unit} sits more than {max} levels down the file's tree",
    },
    "imp.err.bad_grant": {
        "zh": "角色“{grant}”无效（格式：角色@单位编码 或 角色，以分号分隔）",
        "en": "Role “{grant}” is invalid (write role@UNIT-CODE or role, separated by semicolons)",
    },
    "cli.users_imported": {"zh": "已创建 {count} 个用户。", "en": "Created {count} user(s)."},
    "cli.user_imported": {"zh": "  {username}（{name}）：{grants}", "en": "  {username} ({name}): {grants}"},
    "cli.user_one_time_password": {
        "zh": "  {username} 的一次性密码：{password}（只显示这一次，首次登录须修改）",
        "en": "  One-time password of {username}: {password} (shown only now; to be changed at the first sign-in)",
    },
    "cli.no_grants": {"zh": "无角色", "en": "no role"},
}
