"""Field types shared by every kind of seed content (pydantic), so no domain borrows another's."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Characters no text of ours may hold: the control characters other than tab and line breaks, unpaired
# surrogates and the non-characters U+FFFE / U+FFFF. An Excel workbook (XML 1.0) cannot hold them, and
# PostgreSQL refuses NUL; an import refuses a text with one, an export drops them.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def chinese_text(value: str) -> str:
    """Refuse an empty Chinese text or one with no Chinese characters in it."""
    value = value.strip()
    if not value:
        raise ValueError("Chinese text is empty / 中文文本为空")
    if not CJK.search(value):
        raise ValueError("Chinese text has no Chinese characters / 中文文本中没有汉字")
    return value


def english_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("English text is empty / 英文文本为空")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
