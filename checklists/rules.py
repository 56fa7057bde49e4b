"""Pure rules of an item's life: which action leads where, and what it does to readiness."""

from __future__ import annotations

from core.errors import InvalidTransition

# action → status it leads to (None: the status stays as it is)
ACTION_TARGET: dict[str, str | None] = {"done": "done", "na": "na", "reopen": "open", "note": None}

# action → statuses it may start from
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "done": frozenset({"open", "na"}),
    "na": frozenset({"open", "done"}),
    "reopen": frozenset({"done", "na"}),
    "note": frozenset({"open", "done", "na"}),
}


def check_transition(action: str, before: str) -> None:
    """Refuse an action that makes no sense from the item's current status."""
    if before not in ALLOWED_FROM[action]:
        raise InvalidTransition(action=action, status=before)


def weight_deltas(before: str, after: str, weight: int) -> tuple[int, int]:
    """Change of (done weight, not-applicable weight) when an item goes from `before` to `after`."""
    done = (weight if after == "done" else 0) - (weight if before == "done" else 0)
    na = (weight if after == "na" else 0) - (weight if before == "na" else 0)
    return done, na
