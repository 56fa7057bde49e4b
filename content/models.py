"""Seed content models (pydantic): directives, checklist templates, drill types and organisation units."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt, field_validator, model_validator

from core.fields import KEY_PATTERN, Strict, chinese_text, english_text

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


# ── Drill types ──

Scope = Literal["comprehensive", "single_subject"]
Mode = Literal["live", "tabletop"]


class Objective(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    text_zh: str
    text_en: str

    _zh = field_validator("text_zh")(chinese_text)
    _en = field_validator("text_en")(english_text)


class DrillType(Strict):
    """A kind of emergency exercise, the directives it carries out and how often it is due."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    sources: list[str] = Field(min_length=1)
    scopes: list[Scope] = Field(min_length=1)
    modes: list[Mode] = Field(min_length=1)
    frequency_months: StrictInt = Field(ge=1, le=60)
    typical_duration_hours: float = Field(gt=0, le=72)
    disciplines: list[Discipline] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)

    @model_validator(mode="after")
    def _unique_objectives(self) -> DrillType:
        keys = [o.key for o in self.objectives]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"objective {dupes[0]}: duplicate objective key / 目标键重复")
        return self


# ── Organisation units (imports) ──

UnitKind = Literal["province", "city", "county", "department", "station", "plant"]


class UnitSpec(Strict):
    """A unit of the organisation as written in a YAML import, with its children."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=64)
    name_zh: str
    name_en: str
    kind: UnitKind
    children: list[UnitSpec] = Field(default_factory=list)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)
