"""Strings of one area: Signing in, sessions and sign-in throttling."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
}
