"""The heatmap's rows are the children of the unit looked at, each holding its sub-tree; its cells say the
readiness and the items still open."""

from __future__ import annotations

import math

import pandas as pd

from readiness.charts import readiness_heatmap
from readiness.standing import progress_by, rolled_to_children

PATHS = {1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/2/3/4/", 5: "/1/5/"}


def rows(*units_status_weight) -> pd.DataFrame:
    return pd.DataFrame([{"unit_id": u, "status": s, "weight": w, "before_peak": True, "section_key": "t/a"}
                         for u, s, w in units_status_weight])


def test_each_row_goes_to_the_child_whose_sub_tree_holds_its_unit():
    table = rolled_to_children(rows((1, "open", 1), (2, "done", 1), (4, "done", 2), (5, "open", 3)), 1, PATHS)
    assert list(table["row_unit"]) == [1, 2, 2, 5]  # the parent keeps its own; a great-grandchild rolls up to 2


def test_a_child_looked_at_has_its_own_children_as_rows():
    table = rolled_to_children(rows((3, "open", 1), (4, "done", 2)), 2, PATHS)
    assert list(table["row_unit"]) == [3, 3]


def test_progress_per_row_and_section_weighs_done_against_applicable():
    table = rolled_to_children(rows((2, "done", 1), (4, "open", 2), (4, "na", 5), (5, "na", 3)), 1, PATHS)
    by = progress_by(table, ["row_unit", "section_key"]).set_index("row_unit")
    assert by.loc[2, "readiness"] == 1 / 3 and by.loc[2, "open_items"] == 1
    assert math.isnan(by.loc[5, "readiness"])  # nothing applies: no figure, not 0 %


def test_the_heatmap_writes_each_cells_percent_and_a_dash_where_nothing_applies():
    matrix = pd.DataFrame({"预案": [0.5, float("nan")], "电缆": [1.0, 0.25]}, index=["甲市", "乙市"])
    fig = readiness_heatmap(matrix, x_title="", y_title="", hover_open=matrix.fillna(0) * 4, open_label="未完成")
    cell = fig.data[0]
    assert [list(r) for r in cell.text] == [["50%", "100%"], ["—", "25%"]]
    assert list(cell.y) == ["甲市", "乙市"] and list(cell.x) == ["预案", "电缆"]
    assert "未完成" in cell.hovertemplate
