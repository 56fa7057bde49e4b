"""Drill-type content models (pydantic)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt, field_validator, model_validator

from checklists.models import KEY_PATTERN, Discipline, Strict, chinese_text, english_text

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
