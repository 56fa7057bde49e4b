"""The signed-in actor and the roles a user can be granted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["unit_member", "unit_lead", "drill_coordinator", "executive", "admin"]


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every change records this user."""

    user_id: int
    username: str
    display_name: str
