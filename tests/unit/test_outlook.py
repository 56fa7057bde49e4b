"""The readiness outlook: the target trajectory, the forecast with its band, and the chart that shows them."""

from __future__ import annotations

import math
from datetime import date, timedelta
from statistics import NormalDist

import pandas as pd
import pytest

from readiness.charts import OUTLOOK_LABELS, readiness_outlook
from readiness.outlook import TARGET_SHAPES, forecast, target_on, target_series

START = date(2026, 5, 1)
PEAK = date(2026, 5, 11)  # ten days after the start: the middle is 05-06
Z80 = NormalDist().inv_cdf(0.9)  # two-sided 80 %


def series(done: list[int], *, total: int | list[int] = 100, na: int = 0, start: date = START) -> pd.DataFrame:
    """A daily series shaped like readiness.series.cumulative's: day, done, na, total, readiness."""
    totals = total if isinstance(total, list) else [total] * len(done)
    df = pd.DataFrame({
        "day": [start + timedelta(days=i) for i in range(len(done))],
        "done": done, "na": na, "total": totals,
    })
    applicable = df["total"] - df["na"]
    df["readiness"] = (df["done"] / applicable.where(applicable > 0)).astype(float)
    return df


# --- the target trajectory ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("shape", "fifth", "middle"), [
    ("linear", 0.2, 0.5),
    ("front_loaded", 0.36, 0.75),  # 1 − 0.8², 1 − 0.5²
    ("back_loaded", 0.04, 0.25),  # 0.2², 0.5²
    ("s_curve", 0.104, 0.5),  # 3·0.04 − 2·0.008, 3·0.25 − 2·0.125
])
def test_each_target_shape_runs_from_nothing_at_the_start_to_everything_at_the_peak(shape, fifth, middle):
    def on(day):
        return target_on(day, starts_on=START, peak_start=PEAK, shape=shape)

    assert on(date(2026, 4, 20)) == 0.0  # before the campaign
    assert on(START) == 0.0
    assert on(date(2026, 5, 3)) == pytest.approx(fifth)  # two days of ten
    assert on(date(2026, 5, 6)) == pytest.approx(middle)
    assert on(PEAK) == 1.0
    assert on(date(2026, 6, 1)) == 1.0  # after the peak start


def test_the_target_series_keeps_the_index_of_a_column_of_days():
    days = pd.Series([START, date(2026, 5, 6), PEAK], index=[10, 11, 12])
    target = target_series(days, starts_on=START, peak_start=PEAK, shape="linear")
    assert list(target.index) == [10, 11, 12]
    assert target.dtype == float
    assert list(target) == [0.0, 0.5, 1.0]


def test_a_target_series_of_a_date_range_is_indexed_by_the_days():
    days = pd.date_range(START, PEAK + timedelta(days=2))
    target = target_series(days, starts_on=START, peak_start=PEAK, shape="back_loaded")
    assert target.index.equals(days)
    assert target.iloc[5] == pytest.approx(0.25) and target.iloc[-1] == 1.0


def test_an_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="unknown target shape"):
        target_on(START, starts_on=START, peak_start=PEAK, shape="zigzag")
    with pytest.raises(ValueError, match="unknown target shape"):
        target_series([], starts_on=START, peak_start=PEAK, shape="zigzag")
    assert set(TARGET_SHAPES) == {"linear", "front_loaded", "back_loaded", "s_curve"}


# --- the forecast ------------------------------------------------------------------------------------------

def test_a_steady_rate_forecasts_a_straight_line_to_the_peak():
    s = series([0, 2, 4, 6, 8, 10, 12, 14, 16, 18])  # 05-01..05-10, +2 a day, 100 applicable
    f = forecast(s, as_of=date(2026, 5, 10), peak_start=date(2026, 5, 20))
    assert f is not None
    assert f.window_days == 9 and f.rate == 2.0 and f.now == 0.18
    assert f.mid == pytest.approx(0.38)  # (18 + 2·10) / 100
    assert f.low == f.mid == f.high  # no variation in the data: no band
    assert list(f.band["day"]) == [date(2026, 5, 10) + timedelta(days=k) for k in range(11)]
    assert f.band["mid"].tolist() == pytest.approx([(18 + 2 * k) / 100 for k in range(11)])
    assert (f.band["low"] == f.band["high"]).all()


def test_a_noisy_rate_gives_a_band_as_wide_as_the_variation_and_the_uncertain_mean_say():
    s = series([10, 13, 14, 18, 19, 23], total=220, na=20)  # increments 3, 1, 4, 1, 4; 200 applicable
    f = forecast(s, as_of=date(2026, 5, 6), peak_start=date(2026, 5, 16), level=0.8)
    assert f is not None
    n, h = 5, 10
    m = (3 + 1 + 4 + 1 + 4) / n  # 2.6
    s_ = math.sqrt(((3 - m) ** 2 + (1 - m) ** 2 + (4 - m) ** 2 + (1 - m) ** 2 + (4 - m) ** 2) / (n - 1))  # √2.3
    half = Z80 * s_ * math.sqrt(h + h * h / n) / 200
    assert f.rate == pytest.approx(2.6) and f.window_days == 5 and f.level == 0.8
    assert f.mid == pytest.approx((23 + m * h) / 200)  # 0.245
    assert f.low < f.mid < f.high
    assert f.high - f.mid == pytest.approx(half) and f.mid - f.low == pytest.approx(half)


def test_the_band_opens_from_nothing_today_to_its_full_width_at_the_peak():
    f = forecast(series([10, 13, 14, 18, 19, 23], total=200), as_of=date(2026, 5, 6), peak_start=date(2026, 5, 16))
    first, last = f.band.iloc[0], f.band.iloc[-1]
    assert first["low"] == first["mid"] == first["high"] == f.now
    assert (last["low"], last["mid"], last["high"]) == (f.low, f.mid, f.high)
    widths = (f.band["high"] - f.band["low"]).tolist()
    assert widths == sorted(widths)


def test_a_wider_level_gives_a_wider_band():
    s = series([10, 13, 14, 18, 19, 23], total=200)
    narrow = forecast(s, as_of=date(2026, 5, 6), peak_start=date(2026, 5, 16), level=0.5)
    wide = forecast(s, as_of=date(2026, 5, 6), peak_start=date(2026, 5, 16), level=0.95)
    assert narrow.mid == wide.mid
    assert wide.high - wide.low > narrow.high - narrow.low


def test_a_forecast_beyond_everything_is_clamped_at_100_percent():
    s = series([80, 84, 91, 95, 99], total=110, na=10)  # 4 to 7 a day, 100 applicable, ten days to go
    f = forecast(s, as_of=date(2026, 5, 5), peak_start=date(2026, 5, 15))
    assert f.mid == 1.0 and f.high == 1.0
    assert f.band["high"].max() == 1.0


def test_a_stalled_campaign_forecasts_where_it_stands():
    f = forecast(series([30, 30, 30, 30, 30]), as_of=date(2026, 5, 5), peak_start=date(2026, 5, 15))
    assert f.rate == 0.0 and f.low == f.mid == f.high == f.now == 0.3


def test_there_is_no_forecast_once_the_peak_has_started():
    s = series(list(range(0, 40, 2)))
    assert forecast(s, as_of=date(2026, 5, 11), peak_start=date(2026, 5, 11)) is None
    assert forecast(s, as_of=date(2026, 5, 15), peak_start=date(2026, 5, 11)) is None


def test_there_is_no_forecast_from_fewer_than_three_days_of_progress():
    assert forecast(series([0, 2, 4]), as_of=date(2026, 5, 3), peak_start=PEAK) is None  # two increments
    f = forecast(series([0, 2, 4, 6]), as_of=date(2026, 5, 4), peak_start=PEAK)
    assert f is not None and f.window_days == 3


def test_there_is_no_forecast_when_nothing_applies():
    assert forecast(series([0, 0, 0, 0, 0], total=0), as_of=date(2026, 5, 5), peak_start=PEAK) is None


def test_only_the_last_window_days_set_the_rate():
    s = series([0, 10, 20, 30, 32, 34, 36])  # fast at first, then +2 a day
    f = forecast(s, as_of=date(2026, 5, 7), peak_start=PEAK, window=3)
    assert f.window_days == 3 and f.rate == 2.0


def test_scope_added_mid_window_changes_readiness_now_but_not_the_rate():
    done = [0, 2, 4, 6, 8, 10, 12]
    steady = forecast(series(done, total=100), as_of=date(2026, 5, 7), peak_start=date(2026, 5, 17))
    grown = forecast(series(done, total=[100, 100, 100, 150, 150, 150, 150]), as_of=date(2026, 5, 7),
                     peak_start=date(2026, 5, 17))
    assert grown.rate == steady.rate == 2.0
    assert steady.now == pytest.approx(12 / 100) and grown.now == pytest.approx(12 / 150)
    assert grown.mid == pytest.approx((12 + 2 * 10) / 150)


def test_rows_after_the_as_of_date_are_ignored():
    known = series([0, 3, 4, 8, 9, 13])
    with_future = series([0, 3, 4, 8, 9, 13, 60, 90], total=[100] * 6 + [300, 300])
    as_of, peak = date(2026, 5, 6), date(2026, 5, 20)
    a = forecast(known, as_of=as_of, peak_start=peak)
    b = forecast(with_future, as_of=as_of, peak_start=peak)
    assert a == b
    pd.testing.assert_frame_equal(a.band, b.band)


# --- the chart ---------------------------------------------------------------------------------------------

LABELS = {key: f"<{key}>" for key in OUTLOOK_LABELS}


def outlook_figure(*, as_of: date, peak: date, starts_on: date = START):
    days = (as_of - starts_on).days + 1
    s = series([3 * i for i in range(days)], total=[100] * (days // 2) + [120] * (days - days // 2), start=starts_on)
    target = target_series(pd.date_range(starts_on, peak + timedelta(days=7)), starts_on=starts_on,
                           peak_start=peak, shape="s_curve")
    f = forecast(s, as_of=as_of, peak_start=peak) if as_of < peak else None
    return readiness_outlook(s, peak_start=peak, starts_on=starts_on, labels=LABELS, target=target, forecast=f,
                             as_of=as_of)


def annotation(fig, key):
    (found,) = [a for a in fig.layout.annotations if a.name == key]
    return found


def test_the_chart_has_readiness_target_forecast_band_and_scope():
    fig = outlook_figure(as_of=date(2026, 5, 20), peak=date(2026, 6, 15))
    by_meta = {tr.meta: tr for tr in fig.data}
    assert sorted(by_meta) == ["band", "forecast", "readiness", "scope", "target"]
    assert by_meta["band"].fill == "toself"
    assert all("–" in text for text in by_meta["band"].text)  # the hover gives low–high
    target_x = pd.to_datetime(by_meta["target"].x)
    assert target_x.min() == pd.Timestamp(START) and target_x.max() == pd.Timestamp(2026, 6, 22)
    assert list(fig.layout.xaxis.range) == [pd.Timestamp(START), pd.Timestamp(2026, 6, 22)]


def test_the_scope_is_drawn_on_the_right_hand_axis():
    fig = outlook_figure(as_of=date(2026, 5, 20), peak=date(2026, 6, 15))
    (scope,) = [tr for tr in fig.data if tr.meta == "scope"]
    assert scope.yaxis == "y2"
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert list(scope.y)[-1] == 120  # work added mid-season shows as scope


def test_the_peak_label_at_the_right_edge_is_anchored_to_the_right():
    fig = outlook_figure(as_of=date(2026, 5, 20), peak=date(2026, 6, 15))  # 45 of 52 days: the right edge
    assert annotation(fig, "peak").xanchor == "right"
    assert annotation(fig, "today").xanchor == "left"
    assert annotation(fig, "peak").yref == "paper" and annotation(fig, "peak").yanchor == "bottom"


def test_the_labels_of_lines_a_day_apart_are_one_above_the_other():
    fig = outlook_figure(as_of=date(2026, 6, 14), peak=date(2026, 6, 15))
    assert annotation(fig, "peak").yshift != annotation(fig, "today").yshift


def test_the_labels_of_lines_far_apart_share_a_row():
    fig = outlook_figure(as_of=date(2026, 5, 5), peak=date(2026, 6, 15))
    assert annotation(fig, "peak").yshift == annotation(fig, "today").yshift


def test_an_as_of_after_the_peak_widens_the_range_and_draws_no_forecast():
    fig = outlook_figure(as_of=date(2026, 6, 20), peak=date(2026, 6, 15))
    assert {tr.meta for tr in fig.data} == {"readiness", "target", "scope"}
    assert fig.layout.xaxis.range[1] == pd.Timestamp(2026, 6, 27)
    assert annotation(fig, "today").xanchor == "right"


def test_the_chart_texts_come_from_the_labels_given():
    fig = outlook_figure(as_of=date(2026, 5, 20), peak=date(2026, 6, 15))
    assert fig.layout.title.text == "<title>"
    assert {tr.meta: tr.name for tr in fig.data} == {m: f"<{m}>" for m in ("readiness", "target", "forecast",
                                                                            "band", "scope")}
    assert {a.text for a in fig.layout.annotations} == {"<peak>", "<today>"}
    assert fig.layout.yaxis.title.text == "<y>" and fig.layout.yaxis2.title.text == "<scope_axis>"


def test_a_target_aligned_with_the_series_rows_is_drawn_on_its_days():
    s = series([0, 2, 4, 6])
    target = target_series(s["day"], starts_on=START, peak_start=PEAK, shape="linear")
    fig = readiness_outlook(s, peak_start=PEAK, starts_on=START, labels=LABELS, target=target, scope=False)
    (line,) = [tr for tr in fig.data if tr.meta == "target"]
    assert list(pd.to_datetime(line.x)) == list(pd.to_datetime(s["day"]))
    assert list(line.y) == [0.0, 10.0, 20.0, 30.0]
    assert {tr.meta for tr in fig.data} == {"readiness", "target"}
