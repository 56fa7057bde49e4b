"""Strings of one area: The admin command line (manage.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
}
