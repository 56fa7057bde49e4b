"""Organisation content models and the signed-in actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from checklists.models import Strict, chinese_text, english_text

UnitKind = Literal["province", "city", "county", "department", "station", "plant"]
Role = Literal["unit_lead", "drill_coordinator", "executive", "admin"]


class UnitSpec(Strict):
    """A unit of the organisation as written in a YAML import, with its children."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=64)
    name_zh: str
    name_en: str
    kind: UnitKind
    children: list[UnitSpec] = Field(default_factory=list)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every change records this user."""

    user_id: int
    username: str
    display_name: str
