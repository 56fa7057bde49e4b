"""Strings of one area: the lead's working day (my items across units and seasons, bulk ticking)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.nothing_selected": {"zh": "请至少选择一个条目。", "en": "Select at least one item."},
    "error.duplicate_selection": {"zh": "同一条目被选择了两次。", "en": "The same item is selected twice."},
}
