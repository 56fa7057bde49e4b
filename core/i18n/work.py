"""Strings of one area: the lead's working day (my items across units and seasons, bulk ticking)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.nothing_selected": {"zh": "请至少选择一个条目。", "en": "Select at least one item."},
    "error.duplicate_selection": {"zh": "同一条目被选择了两次。", "en": "The same item is selected twice."},
    "page.my_items": {"zh": "我的待办", "en": "My open items"},
    "my.search": {"zh": "搜索条目", "en": "Search the items"},
    "my.search_hint": {"zh": "输入关键词，如 电缆、值班", "en": "words from the item, e.g. cable, duty"},
    "my.status": {"zh": "状态", "en": "State"},
    "my.overdue_only": {"zh": "只看逾期", "en": "Overdue only"},
    "cl.section_now": {"zh": "本分项现已完成 {done}/{applicable}", "en": "This section now: {done}/{applicable} done"},
    "my.more_filters": {"zh": "更多筛选", "en": "More filters"},
    "my.template": {"zh": "模板", "en": "Template"},
    "my.discipline": {"zh": "专业", "en": "Discipline"},
    "my.event": {"zh": "事件", "en": "Event"},
    "my.count": {"zh": "共 {n} 项，其中逾期 {overdue} 项", "en": "{n} item(s), {overdue} overdue"},
    "my.narrow": {
        "zh": "仅显示前 {shown} 项（共 {count} 项），请用筛选缩小范围。",
        "en": "Showing the first {shown} of {count}; narrow the filters to see the rest.",
    },
    "my.pick": {"zh": "选择", "en": "Select"},
    "my.bulk_note": {"zh": "批量完成的备注（可选）", "en": "Note for the selected items (optional)"},
    "my.bulk_done": {"zh": "将所选 {n} 项标记完成", "en": "Mark the {n} selected done"},
    "my.bulk_saved": {"zh": "已将 {n} 项标记完成", "en": "{n} item(s) marked done"},
}
