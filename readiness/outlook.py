"""The readiness outlook: the target trajectory to the peak start, and a forecast with an honest band.

Dates and DataFrames in, figures out (no database access, no web).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from store.schema import TARGET_SHAPES  # the shapes a campaign may choose (its column's CHECK)

_SHAPES = {
    "linear": lambda x: x,
    "front_loaded": lambda x: 1 - (1 - x) ** 2,
    "back_loaded": lambda x: x**2,
    "s_curve": lambda x: 3 * x**2 - 2 * x**3,
}


def _as_date(day) -> date:
    """A date from a date, a datetime, a pandas Timestamp or an ISO string (time of day dropped)."""
    if isinstance(day, datetime):  # pandas' Timestamp too
        return day.date()
    if isinstance(day, date):
        return day
    return pd.Timestamp(day).date()


def _check_shape(shape: str) -> None:
    if shape not in _SHAPES:
        raise ValueError(f"unknown target shape {shape!r}; expected one of {TARGET_SHAPES}")


def target_on(day, *, starts_on: date, peak_start: date, shape: str) -> float:
    """The planned readiness (0..1) on `day`: 0 up to the campaign's start, 1 from the peak start on,
    and in between the shape applied to the fraction of the time elapsed."""
    _check_shape(shape)
    day, starts_on, peak_start = _as_date(day), _as_date(starts_on), _as_date(peak_start)
    if day >= peak_start:
        return 1.0
    if day <= starts_on:
        return 0.0
    x = (day - starts_on).days / (peak_start - starts_on).days
    return float(_SHAPES[shape](x))


def target_series(days: Iterable, *, starts_on: date, peak_start: date, shape: str) -> pd.Series:
    """`target_on` for each of `days`, as floats. A Series of days keeps its index (so the result can sit
    next to it as a column); any other sequence of days becomes the index (so it can be plotted as is)."""
    _check_shape(shape)
    if isinstance(days, pd.Series):
        index = days.index
        values = list(days)
    else:
        values = list(days)
        index = pd.Index(values)
    return pd.Series(
        [target_on(d, starts_on=starts_on, peak_start=peak_start, shape=shape) for d in values],
        index=index, dtype=float,
    )


@dataclass(frozen=True)
class Forecast:
    """Where readiness is heading by the peak start, at the recent rate of progress.

    `rate` is done weight per day; `now`, `mid`, `low` and `high` are readiness (0..1); `low`..`high` is the
    central `level` band. `band` holds day, low, mid, high for every day from as_of to peak_start.
    """

    as_of: date
    peak_start: date
    window_days: int
    rate: float
    now: float
    mid: float
    low: float
    high: float
    level: float
    band: pd.DataFrame = field(compare=False, repr=False)


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def forecast(
    series: pd.DataFrame, *, as_of: date, peak_start: date, window: int = 14, level: float = 0.8
) -> Forecast | None:
    """Readiness at the peak start if work goes on as it has lately, with a `level` band.

    Method: take the day-to-day increments of the done weight over the last `window` days up to as_of
    (n of them, fewer if the series is shorter); their mean m is the rate, their sample standard deviation
    s its day-to-day variation. Over the h days to the peak start the done weight is projected to
    done_now + m·h, with standard deviation s·√(h + h²/n): the sum of h days' variation (s²·h) plus the
    uncertainty of the mean rate itself (s²/n, times h²). The band is ± z·sd, z the two-sided normal
    quantile for `level`. Readiness is that done weight over the weight applicable at as_of (total − na),
    clamped to 0..1: scope added later is not foreseen. Days missing from the series carry the previous
    running totals (no change that day); rows after as_of are ignored.

    None when as_of is not before the peak start, when fewer than 3 increments are available, or when
    nothing applies at as_of.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    if window < 1:
        raise ValueError(f"window must be at least 1 day, not {window}")
    as_of, peak_start = _as_date(as_of), _as_date(peak_start)
    horizon = (peak_start - as_of).days
    if horizon <= 0 or series.empty:
        return None

    rows = series[["day", "done", "na", "total"]].copy()
    rows["day"] = pd.to_datetime(rows["day"])
    rows = rows[rows["day"] <= pd.Timestamp(as_of)]
    if rows.empty:
        return None
    rows = rows.groupby("day").last().sort_index()
    daily = rows.reindex(pd.date_range(rows.index[0], pd.Timestamp(as_of), freq="D")).ffill()

    done_now = float(daily["done"].iloc[-1])
    applicable = float(daily["total"].iloc[-1] - daily["na"].iloc[-1])
    increments = daily["done"].diff().dropna().iloc[-window:].astype(float).tolist()
    n = len(increments)
    if n < 3 or applicable <= 0:
        return None

    m = statistics.fmean(increments)
    s = statistics.stdev(increments)
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)

    def at(k: int) -> tuple[float, float, float]:
        """Readiness low, mid, high k days after as_of."""
        centre = done_now + m * k
        half = z * s * math.sqrt(k + k * k / n)
        return _clamp((centre - half) / applicable), _clamp(centre / applicable), _clamp((centre + half) / applicable)

    band = pd.DataFrame(
        [(as_of + timedelta(days=k), *at(k)) for k in range(horizon + 1)], columns=["day", "low", "mid", "high"]
    )
    low, mid, high = at(horizon)
    return Forecast(
        as_of=as_of, peak_start=peak_start, window_days=n, rate=m, now=done_now / applicable,
        mid=mid, low=low, high=high, level=level, band=band,
    )
