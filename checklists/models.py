"""Content models (pydantic): directives and checklist templates, with their pure rules."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CJK = re.compile(r"[\u4e00-\u9fff]")

Criticality = Literal["critical", "major", "normal"]
Discipline = Literal[
    "dispatch",
    "operations",
    "construction",
    "marketing",
    "rural_power",
    "news_logistics",
    "safety_supervision",
    "generation",
    "it_comms",
    "hr_training",
    "management",
]
DISCIPLINES: tuple[str, ...] = Discipline.__args__  # type: ignore[attr-defined]
WEIGHTS: dict[str, int] = {"critical": 3, "major": 2, "normal": 1}


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


class Directive(Strict):
    """A directive of the speeches: its stable ID, tags (C/D/R) and a short title."""

    id: str = Field(pattern=r"^S[12](\.[0-9A-Za-z]+)+(-[0-9a-z]+)?$")
    tags: list[Literal["C", "D", "R"]] = Field(min_length=1)
    title_zh: str
    title_en: str

    _zh = field_validator("title_zh")(chinese_text)
    _en = field_validator("title_en")(english_text)


class Item(Strict):
    """One checkable action: a unit lead can answer yes or no, an inspector can check it."""

    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    text_zh: str
    text_en: str
    sources: list[str] = Field(min_length=1)
    criticality: Criticality
    discipline: Discipline
    due_days_before_peak: StrictInt = Field(ge=-90, le=365)
    evidence_zh: str
    evidence_en: str

    _zh = field_validator("text_zh", "evidence_zh")(chinese_text)
    _en = field_validator("text_en", "evidence_en")(english_text)

    @property
    def weight(self) -> int:
        return WEIGHTS[self.criticality]


class Section(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    title_zh: str
    title_en: str
    items: list[Item] = Field(min_length=1)

    _zh = field_validator("title_zh")(chinese_text)
    _en = field_validator("title_en")(english_text)


class Template(Strict):
    """A checklist template: sections of items, at one version."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    version: StrictInt = Field(ge=1)
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    sections: list[Section] = Field(min_length=1)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)

    @model_validator(mode="after")
    def _unique_keys(self) -> Template:
        seen: set[str] = set()
        for section in self.sections:
            if section.key in seen:
                raise ValueError(f"section {section.key}: duplicate section key / 分区键重复")
            seen.add(section.key)
        seen.clear()
        for section in self.sections:
            for item in section.items:
                if item.key in seen:
                    raise ValueError(f"item {item.key}: duplicate item key / 条目键重复")
                seen.add(item.key)
        return self

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]
