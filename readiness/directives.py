"""How far each directive of the safety speech is carried out, from a standing table (readiness.standing).

Every obligation counts for each directive it cites (its `sources`), whatever its kind:

- one-off items and corrective actions count whatever their due day, as in pre-peak readiness (the whole
  run-up is the scope; one not yet due is open, not overdue);
- a recurring or event occurrence counts once it is due by the day (`due` ≤ as_of): the directive is
  carried out by these too, and one not yet due (or whose due day is not known yet) is left out, so it
  neither lowers readiness nor makes a unit lag.

Readiness is weighted (readiness.formula): done weight / weight not marked N/A.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from readiness.formula import readiness

COLUMNS = ["directive_id", "items", "done", "applicable", "readiness", "open_items", "overdue_items",
           "lagging_units"]
MAX_LAGGING = 3


def _counted(table: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """The obligations that count on the day, one row per (obligation, directive it cites)."""
    once = table["kind"].isin(("once", "corrective"))
    due_by = table["due"].map(lambda d: as_of is None or (d is not None and not pd.isna(d) and d <= as_of))
    rows = table[once | due_by]
    rows = rows.assign(directive_id=rows["sources"].map(lambda s: list(dict.fromkeys(s or ()))))
    rows = rows.explode("directive_id").dropna(subset=["directive_id"])
    is_open = rows["status"] == "open"
    overdue = is_open & rows["due"].map(lambda d: as_of is not None and d is not None and not pd.isna(d) and d < as_of)
    return rows.assign(w_done=rows["weight"].where(rows["status"] == "done", 0),
                       w_app=rows["weight"].where(rows["status"] != "na", 0),
                       is_open=is_open, is_overdue=overdue)


def _sums(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = rows.groupby(by, sort=True).agg(items=("w_done", "size"), done=("w_done", "sum"),
                                          applicable=("w_app", "sum"), open_items=("is_open", "sum"),
                                          overdue_items=("is_overdue", "sum")).reset_index()
    out["readiness"] = readiness(out["done"], 0, out["applicable"])
    return out.astype({c: int for c in ("items", "done", "applicable", "open_items", "overdue_items")})


def directive_progress(table: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """Per directive cited in the table: items (obligations counted), done and applicable (weights, N/A
    left out), readiness, open_items, overdue_items (open, due before the day) and lagging_units: the ids
    of the (at most three) units with the lowest readiness on it among those below 100 %, lowest first.

    Worst first: by readiness (none last), then most overdue, then id. `as_of` None: every occurrence
    counts and none is overdue."""
    rows = _counted(table, as_of) if not table.empty else table
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = _sums(rows, ["directive_id"])
    per_unit = _sums(rows, ["directive_id", "unit_id"])
    behind = per_unit[per_unit["readiness"] < 1].sort_values(["directive_id", "readiness", "unit_id"])
    lagging = {d: [int(i) for i in g["unit_id"].head(MAX_LAGGING)] for d, g in behind.groupby("directive_id")}
    out["lagging_units"] = out["directive_id"].map(lambda d: lagging.get(d, []))
    out = out.sort_values(["readiness", "overdue_items", "directive_id"], ascending=[True, False, True],
                          na_position="last", kind="stable")
    return out[COLUMNS].reset_index(drop=True)


def directive_by_unit(table: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """Readiness per directive (rows) and unit (columns), counted as in directive_progress; NaN where a
    unit has nothing applicable on a directive. For a heatmap."""
    rows = _counted(table, as_of) if not table.empty else table
    if rows.empty:
        return pd.DataFrame()
    per_unit = _sums(rows, ["directive_id", "unit_id"])
    return per_unit.pivot(index="directive_id", columns="unit_id", values="readiness")
