"""Readiness charts: DataFrame in, plotly Figure out (no Streamlit here)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go


def readiness_over_time(
    series: pd.DataFrame, *, peak_start: date, title: str, y_label: str, peak_label: str, today: date | None = None,
    today_label: str = "",
) -> go.Figure:
    """A line of daily readiness (0–100 %) with the peak-start date marked."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=pd.to_datetime(series["day"]),
            y=(series["readiness"] * 100).round(1),
            mode="lines",
            name=y_label,
            line={"width": 3},
            hovertemplate="%{x|%Y-%m-%d}<br>%{y:.1f}%<extra></extra>",
        )
    )
    fig.add_vline(x=pd.Timestamp(peak_start).timestamp() * 1000, line_dash="dash", line_color="firebrick")
    fig.add_annotation(x=pd.Timestamp(peak_start), y=100, text=peak_label, showarrow=False, yshift=10,
                       font={"color": "firebrick"})
    if today is not None:
        fig.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line_dash="dot", line_color="gray")
        if today_label:
            fig.add_annotation(x=pd.Timestamp(today), y=100, text=today_label, showarrow=False, yshift=10,
                               font={"color": "gray"})
    fig.update_layout(
        title=title,
        yaxis={"title": y_label, "range": [0, 105], "ticksuffix": "%"},
        xaxis={"title": None},
        margin={"l": 40, "r": 20, "t": 60, "b": 40},
        height=380,
        showlegend=False,
    )
    return fig


def units_bar(units: pd.DataFrame, *, name_col: str, title: str, x_label: str) -> go.Figure:
    """Horizontal bars of sub-tree readiness, weakest on top, for drilling down one level."""
    # plotly draws the first bar at the bottom: sort descending so the weakest unit is on top
    df = units.sort_values("sub_readiness", ascending=False, na_position="last")
    values = (df["sub_readiness"] * 100).round(1)
    fig = go.Figure(
        go.Bar(
            x=values,
            y=df[name_col],
            orientation="h",
            text=[f"{v:.0f}%" if v == v else "—" for v in values],
            textposition="outside",
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    fig.update_layout(title=title, xaxis={"title": x_label, "range": [0, 100], "ticksuffix": "%"},
                      height=max(240, 28 * len(df) + 80), margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig
