"""Strings of one area: the drill planner's tools — the suggested schedule, running a drill (injects,
responses, the timeline from Excel: admin/drill_timeline.py), the plan inventory and the annual drill
plan (admin/annual_plan_workbook.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "dpt.tab_conduct": {"zh": "实施", "en": "Conduct"},
    "dpt.tab_plans": {"zh": "预案与年度计划", "en": "Plans & annual plan"},
    "dpt.col_start": {"zh": "开始", "en": "Starts"},
    "dpt.col_end": {"zh": "结束", "en": "Ends"},
    # The suggested schedule
    "dpt.sg_heading": {"zh": "建议排期", "en": "Suggested schedule"},
    "dpt.sg_intro": {
        "zh": "系统为您所辖单位尚未安排的必须演练寻找可行时段：不冲突、尽量避开周末和节假日，并在高峰开始前均匀分布。"
        "采纳前不会写入任何内容。",
        "en": "Finds workable slots for the required drills your units have not yet put on the calendar: no clashes, "
        "weekends and holidays avoided where possible, spread evenly before the peak starts. Nothing is saved until "
        "you accept.",
    },
    "dpt.sg_propose": {"zh": "生成建议排期", "en": "Suggest a schedule"},
    "dpt.sg_summary": {
        "zh": "已为 **{placed}** 项演练找到时段；**{unplaced}** 项未能安排。",
        "en": "Slots found for **{placed}** drill(s); **{unplaced}** could not be placed.",
    },
    "dpt.sg_col_warnings": {"zh": "提示", "en": "Warnings"},
    "dpt.sg_unplaced": {"zh": "以下 {n} 项未能安排，原因如下：", "en": "These {n} could not be placed, because:"},
    "dpt.sg_nothing": {"zh": "没有可采纳的建议。", "en": "There is no suggestion to accept."},
    "dpt.sg_pick": {"zh": "只采纳所选的演练", "en": "Accept only the drills chosen here"},
    "dpt.sg_accept_all": {"zh": "全部采纳（{n} 项）", "en": "Accept all ({n})"},
    "dpt.sg_accept_some": {"zh": "采纳所选", "en": "Accept the chosen ones"},
    "dpt.sg_discard": {"zh": "全部放弃", "en": "Accept none"},
    "dpt.sg_choose": {
        "zh": "请先在上面的列表中选择要采纳的演练。",
        "en": "First choose the drills to accept in the list above.",
    },
    "dpt.sg_gone": {
        "zh": "这份建议已失效，请重新生成。",
        "en": "This suggestion is no longer available; ask for a new one.",
    },
    "dpt.sg_refused": {
        "zh": "未安排任何演练：在此期间有时段已被占用（见下表）。请重新生成建议排期。",
        "en": "No drill was planned: a slot was taken in the meantime (see the table below). Ask for a new "
        "suggestion.",
    },
    "dpt.sg_accepted": {"zh": "已按建议安排 {n} 项演练。", "en": "Planned {n} drill(s) as suggested."},
    # Conducting a drill
    "dpt.cd_none": {
        "zh": "没有可实施的演练：演练须已计划、准备就绪或已实施。",
        "en": "No drill to run: a drill must be planned, ready or held.",
    },
    "dpt.cd_pick": {"zh": "演练", "en": "Drill"},
    "dpt.cd_when": {"zh": "{when} · {status}", "en": "{when} · {status}"},
    "dpt.cd_no_injects": {"zh": "本次演练还没有情景事件。", "en": "This drill has no injects yet."},
    "dpt.cd_col_minute": {"zh": "分钟", "en": "Minute"},
    "dpt.cd_col_key": {"zh": "编号", "en": "Key"},
    "dpt.cd_col_text": {"zh": "事件内容", "en": "Inject"},
    "dpt.cd_col_released": {"zh": "下达时间", "en": "Released at"},
    "dpt.cd_col_first": {"zh": "首次处置用时（分钟）", "en": "First response (min)"},
    "dpt.cd_col_responses": {"zh": "处置记录", "en": "Responses"},
    "dpt.cd_general_heading": {"zh": "针对整个演练的处置记录", "en": "Responses to the drill as a whole"},
    "dpt.cd_col_at": {"zh": "处置时间", "en": "At"},
    "dpt.cd_col_general": {"zh": "处置情况", "en": "What was done"},
    "dpt.cd_needs_ready": {
        "zh": "演练准备就绪后，才能下达事件、记录处置情况。",
        "en": "Injects are released and responses logged once the drill is ready.",
    },
    "dpt.cd_not_yours": {
        "zh": "只有本次演练的协调员、导调人员和评估人员可以下达事件、记录处置情况。",
        "en": "Only the drill's coordinators, controllers and evaluators release injects and log responses.",
    },
    "dpt.cd_all_released": {"zh": "所有事件均已下达。", "en": "Every inject has been released."},
    "dpt.cd_release_heading": {"zh": "下达事件", "en": "Release an inject"},
    "dpt.cd_release": {"zh": "第 {minute} 分钟 · {inject}", "en": "Minute {minute} · {inject}"},
    "dpt.cd_released": {"zh": "事件 {inject} 已下达。", "en": "Inject {inject} released."},
    "dpt.cd_response_heading": {"zh": "记录处置情况", "en": "Log a response"},
    "dpt.cd_response": {"zh": "参演人员的处置", "en": "What the players did"},
    "dpt.cd_against": {"zh": "针对的事件", "en": "In response to"},
    "dpt.cd_whole_drill": {"zh": "整个演练（不针对具体事件）", "en": "The drill as a whole (no inject)"},
    "dpt.cd_at_day": {"zh": "处置日期", "en": "Day of the response"},
    "dpt.cd_at_time": {"zh": "处置时间", "en": "Time of the response"},
    "dpt.cd_at_help": {
        "zh": "留空表示现在；补记较早的处置时填写（日期留空表示今天）。",
        "en": "Leave blank for now; fill in to write up an earlier response (no day: today).",
    },
    "dpt.cd_at_needs_time": {
        "zh": "填写了处置日期，请同时填写处置时间。",
        "en": "A day was given for the response: give its time too.",
    },
    "dpt.cd_log": {"zh": "记录", "en": "Log it"},
    "dpt.cd_logged": {"zh": "处置情况已记录。", "en": "Response logged."},
    # The timeline from Excel (admin/drill_timeline.py)
    "dpt.tl_heading": {"zh": "从 Excel 导入情景时间线", "en": "Import the scenario timeline from Excel"},
    "dpt.tl_intro": {
        "zh": "下载当前时间线或空白模板，在 Excel 中编辑后上传，替换本次演练的全部事件。每行一个事件：编号、"
        "开始后第几分钟（0 至 {length}）、中文内容、英文内容。任何一行有误，整个文件都不会导入。",
        "en": "Download the current timeline or an empty template, edit it in Excel and upload it to replace all of "
        "the drill's injects. One inject a row: key, minute from the start (0 to {length}), Chinese text, English "
        "text. If any row is wrong, nothing of the file is imported.",
    },
    "dpt.tl_download": {"zh": "下载当前时间线", "en": "Download the current timeline"},
    "dpt.tl_template": {"zh": "下载空白模板", "en": "Download an empty template"},
    "dpt.tl_template_name": {"zh": "模板", "en": "template"},
    "dpt.tl_upload": {"zh": "上传填好的时间线（.xlsx）", "en": "Upload a filled-in timeline (.xlsx)"},
    "dpt.tl_col_problem": {"zh": "问题", "en": "Problem"},
    "dpt.tl_fix": {
        "zh": "有 {n} 处错误，请修改后重新上传；本次未作任何更改。",
        "en": "{n} problem(s) found: correct them and upload again. Nothing was changed.",
    },
    "dpt.tl_apply": {"zh": "用这 {n} 个事件替换时间线", "en": "Replace the timeline with these {n} injects"},
    "dpt.tl_done": {"zh": "时间线已替换为 {n} 个事件。", "en": "The timeline now has {n} injects."},
    "dpt.tl_refused": {
        "zh": "时间线文件有 {count} 处错误，未作任何更改。",
        "en": "The timeline file has {count} problem(s); nothing was changed.",
    },
    "dpt.tl_sheet": {"zh": "情景时间线", "en": "Timeline"},
    "dpt.tl_col.key": {"zh": "编号", "en": "Key"},
    "dpt.tl_col.minute": {"zh": "分钟", "en": "Minute"},
    "dpt.tl_col.text_zh": {"zh": "中文内容", "en": "Text (Chinese)"},
    "dpt.tl_col.text_en": {"zh": "英文内容", "en": "Text (English)"},
    "dpt.tl_not_timeline": {
        "zh": "该工作簿不是情景时间线（其格式为 {format}）。请使用本页下载的时间线或模板。",
        "en": "This workbook is not a scenario timeline (its format is {format}). Use a timeline or the template "
        "downloaded here.",
    },
    "dpt.tl_no_sheet": {"zh": "工作簿中没有时间线工作表。", "en": "The workbook has no timeline sheet."},
    "dpt.tl_empty": {"zh": "文件中没有任何事件。", "en": "The file holds no inject."},
    "dpt.tl_err.missing_key": {"zh": "第 {row} 行：缺少编号", "en": "Row {row}: no key"},
    "dpt.tl_err.key_too_long": {
        "zh": "第 {row} 行：编号超过 {max} 个字符",
        "en": "Row {row}: the key is longer than {max} characters",
    },
    "dpt.tl_err.duplicate_key": {
        "zh": "第 {row} 行：编号 {key} 与第 {first} 行重复",
        "en": "Row {row}: key {key} is already used in row {first}",
    },
    "dpt.tl_err.bad_minute": {
        "zh": "第 {row} 行：分钟“{value}”不是非负整数",
        "en": "Row {row}: the minute “{value}” is not a whole number of zero or more",
    },
    "dpt.tl_err.minute_outside": {
        "zh": "第 {row} 行：第 {minute} 分钟已超出演练时长（{length} 分钟）",
        "en": "Row {row}: minute {minute} is past the end of the drill ({length} minutes)",
    },
    "dpt.tl_err.missing_text": {
        "zh": "第 {row} 行：中文内容和英文内容至少填写一项",
        "en": "Row {row}: give the text in Chinese, in English or both",
    },
    "dpt.tl_err.text_too_long": {
        "zh": "第 {row} 行：内容超过 {max} 个字",
        "en": "Row {row}: the text is longer than {max} characters",
    },
    # The plan inventory
    "dpt.pl_heading": {"zh": "应急预案", "en": "Emergency plans"},
    "dpt.pl_show_withdrawn": {"zh": "显示已废止的预案", "en": "Show withdrawn plans"},
    "dpt.pl_none": {"zh": "您的单位还没有登记应急预案。", "en": "No emergency plan is recorded for your units yet."},
    "dpt.pl_flagged": {
        "zh": "{n} 项预案本季仍需演练（见“需演练”一列）。",
        "en": "{n} plan(s) still need a drill this season (see the “Needs a drill” column).",
    },
    "dpt.pl_col_flag": {"zh": "需演练", "en": "Needs a drill"},
    "dpt.pl_col_code": {"zh": "预案编号", "en": "Code"},
    "dpt.pl_col_title": {"zh": "预案名称", "en": "Plan"},
    "dpt.pl_col_issued": {"zh": "发布日期", "en": "Issued"},
    "dpt.pl_col_revised": {"zh": "修订日期", "en": "Revised"},
    "dpt.pl_col_last": {"zh": "最近一次演练", "en": "Last exercised"},
    "dpt.pl_active": {"zh": "有效", "en": "in force"},
    "dpt.pl_withdrawn": {"zh": "已废止", "en": "withdrawn"},
    "dpt.pl_add_heading": {"zh": "登记预案", "en": "Record a plan"},
    "dpt.pl_revise_heading": {"zh": "修订预案", "en": "Revise a plan"},
    "dpt.pl_withdraw_heading": {"zh": "废止预案", "en": "Withdraw a plan"},
    "dpt.pl_none_to_change": {
        "zh": "您有权管理的单位还没有有效的预案。",
        "en": "The units you manage have no plan in force.",
    },
    "dpt.pl_type": {"zh": "对应的演练类型", "en": "Drill type that exercises it"},
    "dpt.pl_type_help": {
        "zh": "用于判断哪些演练算作对本预案的演练；现场处置方案建议填写。",
        "en": "Which drills count as exercising this plan; worth giving for an on-site response plan.",
    },
    "dpt.pl_no_type": {"zh": "（不指定）", "en": "(none)"},
    "dpt.pl_add": {"zh": "登记", "en": "Record"},
    "dpt.pl_unit_and_issued": {
        "zh": "请选择单位并填写发布日期。",
        "en": "Choose the unit and give the day the plan was issued.",
    },
    "dpt.pl_added": {"zh": "预案 {code} 已登记。", "en": "Plan {code} recorded."},
    "dpt.pl_pick": {"zh": "预案", "en": "Plan"},
    "dpt.pl_new_title": {"zh": "新名称（可不填）", "en": "New title (optional)"},
    "dpt.pl_new_title_help": {"zh": "留空则保留原名称。", "en": "Leave blank to keep the title."},
    "dpt.pl_revise": {"zh": "保存修订", "en": "Save the revision"},
    "dpt.pl_pick_and_date": {"zh": "请选择预案并填写修订日期。", "en": "Choose a plan and give the day it was revised."},
    "dpt.pl_revised": {"zh": "已记录 {day} 的修订。", "en": "Revision of {day} recorded."},
    "dpt.pl_confirm": {"zh": "确认废止该预案", "en": "Yes, withdraw this plan"},
    "dpt.pl_withdraw_help": {
        "zh": "废止后不再要求针对它演练；以往的演练记录仍保留与它的关联。",
        "en": "A withdrawn plan needs no more drills; past drills keep their link to it.",
    },
    "dpt.pl_withdraw": {"zh": "废止", "en": "Withdraw"},
    "dpt.pl_pick_first": {"zh": "请先选择预案。", "en": "Choose a plan first."},
    "dpt.pl_confirm_first": {
        "zh": "请勾选确认后再废止。",
        "en": "Tick the box to confirm before withdrawing.",
    },
    "dpt.pl_withdrawn_done": {"zh": "预案已废止。", "en": "The plan is withdrawn."},
    # The annual drill plan (and admin/annual_plan_workbook.py)
    "dpt.ap_heading": {"zh": "年度演练计划", "en": "Annual drill plan"},
    "dpt.ap_year": {"zh": "年份", "en": "Year"},
    "dpt.ap_download": {"zh": "下载年度演练计划（Excel）", "en": "Download the annual plan (Excel)"},
    "dpt.ap_none": {"zh": "{year} 年您的单位没有演练。", "en": "Your units have no drill in {year}."},
    "dpt.ap_count": {
        "zh": "{year} 年：{units} 个单位，共 {n} 项（每个单位参加的演练各计一次，不含已取消的）。",
        "en": "{year}: {n} drill(s) over {units} unit(s) (each unit's drills counted; cancelled ones left out).",
    },
    "dpt.ap_month": {"zh": "{month}月", "en": "M{month}"},
    "dpt.ap_total": {"zh": "合计", "en": "Total"},
    "dpt.ap_list": {"zh": "逐项列表", "en": "Drill by drill"},
    "dpt.ap_sheet_list": {"zh": "{year}年演练计划", "en": "Drill plan {year}"},
    "dpt.ap_sheet_grid": {"zh": "{year}年按月汇总", "en": "By month {year}"},
    "dpt.ap_col.unit": {"zh": "单位编码", "en": "Unit code"},
    "dpt.ap_col.unit_name": {"zh": "单位", "en": "Unit"},
    "dpt.ap_col.month": {"zh": "月份", "en": "Month"},
    "dpt.ap_col.day": {"zh": "日期", "en": "Day"},
    "dpt.ap_col.title": {"zh": "演练名称", "en": "Drill"},
    "dpt.ap_col.type": {"zh": "演练类型", "en": "Drill type"},
    "dpt.ap_col.level": {"zh": "预案层级", "en": "Plan level"},
    "dpt.ap_col.form": {"zh": "形式", "en": "Form"},
    "dpt.ap_col.status": {"zh": "状态", "en": "Status"},
    "dpt.ap_col.total": {"zh": "合计", "en": "Total"},
    # The years
    "dpt.yr_heading": {"zh": "近三年预案演练情况", "en": "Plans exercised over three years"},
    "dpt.yr_intro": {
        "zh": "{first}—{last} 年每年实施的、针对各项有效预案的演练次数。",
        "en": "How many drills held in each year from {first} to {last} exercised each plan in force.",
    },
    "dpt.yr_never": {
        "zh": "{n} 项预案在这 {years} 年内一次也没有演练过。",
        "en": "{n} plan(s) were not exercised once in these {years} years.",
    },
}
