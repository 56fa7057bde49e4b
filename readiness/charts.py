"""Readiness charts: DataFrame in, plotly Figure out (no Streamlit here)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from readiness.outlook import Forecast


class Prebuilt(go.Figure):
    """A figure this module built, handed on as its spec (`fig.to_dict()`, e.g. kept in a cache): to_dict()
    returns the spec as it is, neither validated again nor copied, which is most of a chart's cost on a warm
    page. Only for drawing (st.plotly_chart reads to_dict()); its own traces and layout are empty."""

    def __init__(self, spec: dict) -> None:
        super().__init__(_validate=False)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def from_spec(spec: dict) -> go.Figure:
    return Prebuilt(spec)


OUTLOOK_LABELS = ("title", "readiness", "target", "forecast", "band", "scope", "peak", "today", "y", "scope_axis")

_EDGE = 0.85  # a line right of this fraction of the x range has its label to its left, so it is not cut
_CLOSE = 0.08  # two lines nearer than this fraction of the x range have their labels one above the other
_ROW = 18  # px between the two rows of labels
_PLOT_PX = 600  # a narrow plot's width, to estimate whether two labels on one row would overlap


def _text_px(text: str) -> int:
    """A rough width of a 12 px label: wide (CJK) characters count about twice."""
    return sum(13 if ord(ch) > 0x2E7F else 7 for ch in text)


def _vline_labels(lines: list[tuple[str, date, str]], x0: date, x1: date) -> list[dict]:
    """Annotations at the top for vertical lines (key, day, text): anchored away from the chart's right edge,
    and stacked when the lines are close or their labels would overlap on one row."""
    span = max((x1 - x0).days, 1)
    placed = []
    for key, day, text in lines:
        frac = (day - x0).days / span
        anchor = "right" if frac > _EDGE else "left"
        width = _text_px(text) / _PLOT_PX
        left = frac - width if anchor == "right" else frac
        placed.append({"key": key, "day": day, "text": text, "frac": frac, "anchor": anchor,
                       "extent": (left, left + width), "yshift": 0})
    if len(placed) == 2:
        a, b = placed
        close = abs(a["frac"] - b["frac"]) < _CLOSE
        overlap = a["extent"][0] < b["extent"][1] + 0.01 and b["extent"][0] < a["extent"][1] + 0.01
        if close or overlap:
            placed[0]["yshift"] = _ROW  # the first line given (the peak start) on the upper row
    return placed


def readiness_outlook(
    series: pd.DataFrame, *, peak_start: date, starts_on: date, labels: dict[str, str],
    target: pd.Series | None = None, forecast: Forecast | None = None, as_of: date | None = None,
    scope: bool = True,
) -> go.Figure:
    """Readiness over time (0–100 %) with the target trajectory, the forecast and its band, the peak-start
    and as-of lines, and the applicable weight (the scope) on a right-hand axis.

    `labels` holds the texts, keys as in OUTLOOK_LABELS. `target` is target readiness (0..1) indexed by
    day, e.g. `target_series(pd.date_range(starts_on, peak_start + timedelta(days=7)), …)`, or a Series
    aligned with the rows of `series`. The x range runs from starts_on to a week after the peak start (or
    after as_of, if later).
    """
    days = pd.to_datetime(series["day"])
    end = max(peak_start, as_of or peak_start) + timedelta(days=7)
    fig = go.Figure()

    if target is not None:
        index = target.index
        if isinstance(index, pd.DatetimeIndex) or (len(index) and all(isinstance(d, date) for d in index)):
            target_x = pd.to_datetime(pd.Series(index))
        else:
            target_x = days.reindex(index)
        fig.add_trace(go.Scatter(
            x=target_x, y=(target.to_numpy(dtype=float) * 100).round(1), mode="lines", name=labels["target"],
            meta="target", legendrank=2, line={"color": "#2ca02c", "width": 2, "dash": "dash"},
            hovertemplate="%{x|%Y-%m-%d}<br>%{y:.0f}%<extra>" + labels["target"] + "</extra>",
        ))

    if forecast is not None:
        band = forecast.band
        band_x = pd.to_datetime(band["day"])
        low, mid, high = ((band[c] * 100).round(1) for c in ("low", "mid", "high"))
        ranges = [f"{lo:.0f}–{hi:.0f}%" for lo, hi in zip(low, high, strict=True)]
        fig.add_trace(go.Scatter(  # a closed polygon: along the upper edge, back along the lower one
            x=pd.concat([band_x, band_x[::-1]]), y=pd.concat([high, low[::-1]]), mode="lines", fill="toself",
            fillcolor="rgba(255, 127, 14, 0.18)", line={"width": 0, "color": "rgba(255, 127, 14, 0)"},
            name=labels["band"], meta="band", legendrank=4, text=ranges + ranges[::-1], hoveron="points",
            hovertemplate="%{x|%Y-%m-%d}<br>%{text}<extra>" + labels["band"] + "</extra>",
        ))
        fig.add_trace(go.Scatter(
            x=band_x, y=mid, mode="lines", name=labels["forecast"], meta="forecast", legendrank=3, customdata=ranges,
            line={"color": "#ff7f0e", "width": 2, "dash": "dot"},
            hovertemplate="%{x|%Y-%m-%d}<br>%{y:.1f}% (%{customdata})<extra>" + labels["forecast"] + "</extra>",
        ))

    fig.add_trace(go.Scatter(
        x=days, y=(series["readiness"] * 100).round(1), mode="lines", name=labels["readiness"], meta="readiness", legendrank=1,
        line={"color": "#1f77b4", "width": 3},
        hovertemplate="%{x|%Y-%m-%d}<br>%{y:.1f}%<extra>" + labels["readiness"] + "</extra>",
    ))

    if scope:
        fig.add_trace(go.Scatter(
            x=days, y=series["total"] - series["na"], mode="lines", name=labels["scope"], meta="scope", legendrank=5, yaxis="y2",
            line={"color": "#9e9e9e", "width": 1},
            hovertemplate="%{x|%Y-%m-%d}<br>%{y}<extra>" + labels["scope"] + "</extra>",
        ))
        fig.update_layout(yaxis2={"title": labels["scope_axis"], "overlaying": "y", "side": "right",
                                  "rangemode": "tozero", "showgrid": False, "zeroline": False})

    lines = [("peak", peak_start, labels["peak"])]
    if as_of is not None:
        lines.append(("today", as_of, labels["today"]))
    colors = {"peak": "firebrick", "today": "gray"}
    for line in _vline_labels(lines, starts_on, end):
        x = pd.Timestamp(line["day"])
        fig.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line={"color": colors[line["key"]], "width": 1.5,
                            "dash": "dash" if line["key"] == "peak" else "dot"})
        fig.add_annotation(x=x, xref="x", y=1, yref="paper", yanchor="bottom", xanchor=line["anchor"],
                           yshift=line["yshift"], text=line["text"], showarrow=False, name=line["key"],
                           font={"color": colors[line["key"]], "size": 12})

    fig.update_layout(
        title={"text": labels["title"]},
        xaxis={"title": None, "range": [pd.Timestamp(starts_on), pd.Timestamp(end)]},
        yaxis={"title": labels["y"], "range": [0, 105], "ticksuffix": "%"},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12, "yanchor": "top"},
        margin={"l": 50, "r": 60 if scope else 20, "t": 90, "b": 40},
        height=420,
        hovermode="closest",
    )
    return fig


def readiness_heatmap(matrix: pd.DataFrame, *, x_title: str, y_title: str, hover_open: pd.DataFrame | None = None,
                      open_label: str = "") -> go.Figure:
    """Units (rows) × groups (columns) of readiness 0..1 (NaN: nothing applies), red to green, the value written
    in each cell; `hover_open` (same shape) adds the open items to each cell's hover."""
    z = (matrix * 100).round(0)
    text = [[("—" if v != v else f"{v:.0f}%") for v in row] for row in z.to_numpy()]
    custom = hover_open.reindex_like(matrix).fillna(0).astype(int).to_numpy() if hover_open is not None else None
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=list(matrix.columns), y=list(matrix.index), text=text, texttemplate="%{text}",
        customdata=custom, zmin=0, zmax=100, colorscale="RdYlGn", colorbar={"ticksuffix": "%"},
        hovertemplate="%{y} · %{x}: %{text}" + (f"<br>{open_label}: %{{customdata}}" if custom is not None else "")
                      + "<extra></extra>",
        hoverongaps=False,
    ))
    fig.update_layout(xaxis={"title": x_title, "side": "top", "tickangle": -30}, yaxis={"title": y_title,
                      "autorange": "reversed"}, height=max(260, 30 * len(matrix.index) + 140),
                      margin={"l": 10, "r": 10, "t": 90, "b": 20})
    return fig


def year_over_year(this: pd.DataFrame, last: pd.DataFrame | None, *, labels: dict[str, str]) -> go.Figure:
    """Two seasons' readiness on one axis of days to their own peak start (0: the peak starts); labels: "this",
    "last", "x", "y", "peak"."""
    fig = go.Figure()
    for meta, frame, style in (("last", last, {"color": "gray", "dash": "dot", "width": 2}),
                               ("this", this, {"width": 3})):
        if frame is None or frame.empty:
            continue
        fig.add_trace(go.Scatter(x=frame["offset"], y=(frame["readiness"] * 100).round(1), mode="lines",
                                 name=labels[meta], meta=meta, line=style,
                                 hovertemplate="%{x}: %{y:.1f}%<extra>" + labels[meta] + "</extra>"))
    fig.add_vline(x=0, line_dash="dash", line_color="firebrick")
    fig.add_annotation(x=0, y=1, yref="paper", yanchor="bottom", text=labels["peak"], showarrow=False,
                       xanchor="right", font={"color": "firebrick"})
    fig.update_layout(xaxis={"title": labels["x"]}, yaxis={"title": labels["y"], "range": [0, 105],
                      "ticksuffix": "%"}, height=360, legend={"orientation": "h", "y": -0.2},
                      margin={"l": 40, "r": 20, "t": 40, "b": 40})
    return fig


def hazard_heatmap(counts: pd.DataFrame, ages: pd.DataFrame, *, labels: dict[str, str]) -> go.Figure:
    """The hazard register as units (rows) × hazard categories (columns): each cell written with its number of
    open findings and coloured by their age in days (`ages`, same shape; the older, the redder), blank where
    there is none. labels: "count", "age" (the hover's words), "days" (the colour bar's title)."""
    counts = counts.fillna(0).astype(int)
    ages = ages.reindex_like(counts).where(counts > 0)
    text = [[str(n) if n else "" for n in row] for row in counts.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=[[None if a != a else float(a) for a in row] for row in ages.to_numpy(dtype=float)],
        x=list(counts.columns), y=list(counts.index), text=text, texttemplate="%{text}",
        customdata=counts.to_numpy().tolist(), zmin=0, colorscale="YlOrRd",
        colorbar={"title": {"text": labels["days"]}},
        hovertemplate="%{y} · %{x}<br>" + labels["count"] + ": %{customdata}<br>" + labels["age"]
                      + ": %{z:.0f}<extra></extra>",
        hoverongaps=False,
    ))
    fig.update_layout(xaxis={"side": "top", "tickangle": -30}, yaxis={"autorange": "reversed"},
                      height=max(260, 30 * len(counts.index) + 140), margin={"l": 10, "r": 10, "t": 90, "b": 20})
    return fig
