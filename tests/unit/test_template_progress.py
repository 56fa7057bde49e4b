"""Readiness per template of a season: a shared item counts in every template that has it, once overall."""

from __future__ import annotations

from dataclasses import dataclass

from readiness.series import checklist_summary, template_progress


@dataclass(frozen=True)
class Row:
    status: str
    weight: int
    template_key: str
    templates: tuple[str, ...]


ROWS = [
    Row("done", 3, "summer", ("summer",)),
    Row("open", 1, "summer", ("summer",)),
    Row("done", 2, "summer", ("summer", "flood")),  # shared: listed under summer, also flood's
    Row("na", 2, "flood", ("flood",)),
    Row("open", 2, "flood", ("flood",)),
]


def test_a_shared_item_counts_in_each_template_that_has_it():
    progress = template_progress(ROWS, ["summer", "flood"]).set_index("template")
    assert progress.loc["summer", "items"] == 3 and progress.loc["flood", "items"] == 3
    assert progress.loc["summer", "readiness"] == 5 / 6  # done 3+2 of 3+1+2
    assert progress.loc["flood", "readiness"] == 2 / 4  # done 2 of 2+2+2 less the N/A 2


def test_the_overall_figure_counts_the_shared_item_once():
    assert checklist_summary(ROWS)["readiness"] == 5 / 8  # done 3+2 of 10 less the N/A 2


def test_a_template_with_no_items_for_the_unit_has_no_readiness():
    progress = template_progress(ROWS, ["black-start"]).set_index("template")
    assert progress.loc["black-start", "items"] == 0 and progress.loc["black-start", "readiness"] is None
