"""How far each directive of the speech is carried out, computed by hand on small standing tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from readiness.directives import COLUMNS, directive_by_unit, directive_progress
from readiness.standing import COLUMNS as STANDING

DAY = date(2027, 5, 10)


def row(unit: int, item: str, status: str, sources: list[str], *, weight: int = 1, kind: str = "once",
        occurrence: str = "", due: date | None = date(2027, 6, 1)) -> dict:
    return {"unit_id": unit, "item_id": sum(map(ord, item)), "item_key": item, "occurrence": occurrence, "kind": kind,
            "before_peak": kind in ("once", "corrective"), "status": status, "weight": weight,
            "criticality": "normal", "discipline": "ops", "sources": sources, "template_key": "t",
            "templates": ("t",), "section_key": "t/s", "section_zh": "节", "section_en": "Section", "due": due,
            "created_on": date(2027, 3, 1), "event_id": None}


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=STANDING)


def by_id(progress: pd.DataFrame) -> dict[str, dict]:
    return {r["directive_id"]: r for r in progress.to_dict("records")}


def test_an_item_citing_two_directives_counts_in_both():
    progress = by_id(directive_progress(table(
        row(1, "a", "done", ["S1.1a", "S1.2b"], weight=3),
        row(1, "b", "open", ["S1.2b"], weight=1),
    ), DAY))
    assert (progress["S1.1a"]["items"], progress["S1.1a"]["done"], progress["S1.1a"]["applicable"]) == (1, 3, 3)
    assert progress["S1.1a"]["readiness"] == 1.0
    assert (progress["S1.2b"]["items"], progress["S1.2b"]["done"], progress["S1.2b"]["applicable"]) == (2, 3, 4)
    assert progress["S1.2b"]["readiness"] == pytest.approx(0.75)
    assert progress["S1.2b"]["open_items"] == 1


def test_a_directive_cited_twice_by_one_item_counts_it_once():
    progress = by_id(directive_progress(table(row(1, "a", "done", ["S1.1a", "S1.1a"], weight=2)), DAY))
    assert (progress["S1.1a"]["items"], progress["S1.1a"]["done"]) == (1, 2)


def test_an_item_marked_na_leaves_the_base_but_is_still_one_of_the_items():
    progress = by_id(directive_progress(table(
        row(1, "a", "done", ["S2.1b"], weight=2),
        row(1, "b", "na", ["S2.1b"], weight=5),
        row(1, "c", "open", ["S2.1b"], weight=2),
    ), DAY))["S2.1b"]
    assert (progress["items"], progress["done"], progress["applicable"]) == (3, 2, 4)
    assert progress["readiness"] == pytest.approx(0.5)
    assert progress["open_items"] == 1


def test_a_directive_whose_only_item_is_na_has_no_readiness_and_comes_last():
    progress = directive_progress(table(
        row(1, "a", "na", ["S9"]),
        row(1, "b", "done", ["S1"]),
    ), DAY)
    assert list(progress["directive_id"]) == ["S1", "S9"]
    assert pd.isna(progress["readiness"].iloc[-1]) and progress["lagging_units"].iloc[-1] == []


def test_a_recurring_occurrence_not_yet_due_is_not_overdue_nor_counted_and_one_past_due_is_both():
    progress = by_id(directive_progress(table(
        row(1, "w", "open", ["S1.3a"], kind="recurring", occurrence="2027-W18", due=date(2027, 5, 9)),
        row(1, "w", "open", ["S1.3a"], kind="recurring", occurrence="2027-W19", due=date(2027, 5, 16)),
        row(1, "w", "done", ["S1.3a"], kind="recurring", occurrence="2027-W20", due=date(2027, 5, 10)),
    ), DAY))["S1.3a"]
    # W18 is past due and open; W20 falls due today and is done; W19 is not due yet, so left out.
    assert (progress["items"], progress["open_items"], progress["overdue_items"]) == (2, 1, 1)
    assert progress["readiness"] == pytest.approx(0.5)


def test_an_event_check_with_no_due_day_yet_is_left_out_and_a_one_off_not_yet_due_counts_without_being_overdue():
    progress = by_id(directive_progress(table(
        row(1, "review", "open", ["S2.4.1"], kind="event", occurrence="E7", due=None),
        row(1, "plan", "open", ["S2.4.1"], weight=2, due=date(2027, 6, 1)),
        row(1, "old", "open", ["S2.4.1"], weight=1, due=date(2027, 5, 1)),
    ), DAY))["S2.4.1"]
    assert (progress["items"], progress["applicable"], progress["open_items"], progress["overdue_items"]) == (2, 3, 2, 1)


def test_the_lagging_units_are_the_three_lowest_below_100_percent_lowest_first():
    progress = by_id(directive_progress(table(
        row(1, "a", "done", ["S1"]),                                         # unit 1: 100 %, not lagging
        row(2, "a", "done", ["S1"]), row(2, "b", "open", ["S1"]),            # unit 2: 50 %
        row(3, "a", "open", ["S1"]),                                         # unit 3: 0 %
        row(4, "a", "done", ["S1"], weight=3), row(4, "b", "open", ["S1"]),  # unit 4: 75 %
        row(5, "a", "open", ["S1"], weight=2), row(5, "b", "done", ["S1"]),  # unit 5: 33 %
        row(6, "a", "na", ["S1"]),                                           # unit 6: nothing applies
    ), DAY))["S1"]
    assert progress["lagging_units"] == [3, 5, 2]


def test_units_tied_on_readiness_lag_in_the_order_of_their_ids():
    progress = by_id(directive_progress(table(*(row(u, "a", "open", ["S1"]) for u in (9, 4, 7, 2))), DAY))["S1"]
    assert progress["lagging_units"] == [2, 4, 7]


def test_no_unit_lags_on_a_directive_when_every_item_is_done():
    progress = by_id(directive_progress(table(
        row(1, "a", "done", ["S1"]), row(2, "a", "done", ["S1"]), row(2, "b", "na", ["S1"]),
    ), DAY))["S1"]
    assert progress["readiness"] == 1.0 and progress["lagging_units"] == []


def test_the_directives_come_worst_first_then_the_most_overdue():
    progress = directive_progress(table(
        row(1, "a", "done", ["A"]), row(1, "b", "open", ["A"]),
        row(1, "c", "done", ["B"]), row(1, "d", "open", ["B"], due=date(2027, 5, 1)),
        row(1, "e", "open", ["C"]),
        row(1, "f", "done", ["D"]),
    ), DAY)
    assert list(progress["directive_id"]) == ["C", "B", "A", "D"]
    assert list(progress.columns) == COLUMNS


def test_an_empty_table_or_one_citing_nothing_gives_no_directive():
    assert directive_progress(table(), DAY).empty
    assert list(directive_progress(table(), DAY).columns) == COLUMNS
    assert directive_progress(table(row(1, "a", "done", [])), DAY).empty


def test_directive_by_unit_is_each_directives_readiness_per_unit():
    grid = directive_by_unit(table(
        row(1, "a", "done", ["S1", "S2"]), row(1, "b", "open", ["S1"]),
        row(2, "a", "na", ["S1"]), row(2, "c", "done", ["S2"], weight=2), row(2, "d", "open", ["S2"], weight=2),
    ), DAY)
    assert grid.loc["S1", 1] == pytest.approx(0.5) and pd.isna(grid.loc["S1", 2])
    assert grid.loc["S2", 1] == 1.0 and grid.loc["S2", 2] == pytest.approx(0.5)
