"""Strings of one area: Units and the organisation tree (imports, moves)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
}
