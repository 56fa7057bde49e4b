"""Strings of one area: Units and the organisation tree (imports, moves)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.unit_cycle": {
        "zh": "不能把单位 {unit} 挂到 {parent} 之下：{parent} 就是 {unit} 本身或它的下级单位。",
        "en": "Cannot place unit {unit} under {parent}: {parent} is {unit} itself or one of its sub-units.",
    },
    "error.unit_too_deep": {
        "zh": "导入后单位 {unit} 将位于组织树第 {max} 级以下，层级过深，未作任何更改。",
        "en": "After the import, unit {unit} would sit more than {max} levels down the organisation tree; "
        "nothing was changed.",
    },
    "units.imported": {
        "zh": "单位：新增 {created}，更新 {updated}，移动 {moved}",
        "en": "units: {created} new, {updated} updated, {moved} moved",
    },
    "units.moved": {"zh": "  {code}：{old} → {new}", "en": "  {code}: {old} → {new}"},
    "units.top_level": {"zh": "（顶层）", "en": "(top level)"},
}
