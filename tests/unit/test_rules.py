"""The pure rules of an item's life and of readiness."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from checklists.rules import check_transition, weight_deltas
from core.errors import InvalidTransition
from readiness.formula import readiness
from readiness.series import cumulative

ALLOWED = [("done", "open"), ("done", "na"), ("na", "open"), ("na", "done"), ("reopen", "done"),
           ("reopen", "na"), ("note", "open"), ("note", "done"), ("note", "na")]
REFUSED = [("done", "done"), ("na", "na"), ("reopen", "open")]


@pytest.mark.parametrize(("action", "before"), ALLOWED)
def test_an_action_is_allowed_from_a_sensible_status(action, before):
    check_transition(action, before)


@pytest.mark.parametrize(("action", "before"), REFUSED)
def test_an_action_that_changes_nothing_is_refused(action, before):
    with pytest.raises(InvalidTransition):
        check_transition(action, before)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [("open", "done", (3, 0)), ("done", "open", (-3, 0)), ("open", "na", (0, 3)), ("na", "open", (0, -3)),
     ("done", "na", (-3, 3)), ("na", "done", (3, -3)), ("done", "done", (0, 0))],
)
def test_a_status_change_moves_done_and_not_applicable_weight(before, after, expected):
    assert weight_deltas(before, after, 3) == expected


@pytest.mark.parametrize(("done", "na", "total", "expected"),
                         [(0, 0, 10, 0.0), (5, 0, 10, 0.5), (5, 5, 10, 1.0), (0, 10, 10, None), (0, 0, 0, None)])
def test_readiness_is_done_weight_over_applicable_weight(done, na, total, expected):
    assert readiness(done, na, total) == expected


def test_running_totals_fill_every_day_and_start_from_earlier_deltas():
    deltas = pd.DataFrame({"day": [date(2026, 10, 1), date(2026, 10, 3)], "done": [0, 2], "na": [0, 1],
                           "total": [10, 0]})
    out = cumulative(deltas, start=date(2026, 10, 2), end=date(2026, 10, 4))
    assert list(out["day"]) == [date(2026, 10, 2), date(2026, 10, 3), date(2026, 10, 4)]
    assert list(out["total"]) == [10, 10, 10]
    assert list(out["readiness"]) == [0.0, pytest.approx(2 / 9), pytest.approx(2 / 9)]


def test_running_totals_of_nothing_are_zero_with_no_readiness():
    out = cumulative(pd.DataFrame(columns=["day", "done", "na", "total"]), start=date(2026, 1, 1),
                     end=date(2026, 1, 2))
    assert len(out) == 2
    assert out["readiness"].isna().all()
