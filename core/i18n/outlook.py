"""Strings of the readiness outlook: the target trajectory, the forecast and its chart."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # the chart's texts (readiness.charts.readiness_outlook, keys as in OUTLOOK_LABELS)
    "outlook.title": {"zh": "{unit}：准备度展望", "en": "Readiness outlook: {unit}"},
    "outlook.readiness": {"zh": "实际准备度", "en": "Readiness so far"},
    "outlook.target": {"zh": "目标进度", "en": "Target"},
    "outlook.forecast": {"zh": "按近期速度预测", "en": "Forecast at the recent rate"},
    "outlook.band": {"zh": "预测的可能区间（{level}）", "en": "Likely range ({level})"},
    "outlook.scope": {"zh": "适用检查项权重（范围）", "en": "Applicable weight (scope)"},
    "outlook.peak": {"zh": "高峰开始", "en": "Peak start"},
    "outlook.today": {"zh": "今天", "en": "Today"},
    "outlook.y": {"zh": "准备度", "en": "Readiness"},
    "outlook.scope_axis": {"zh": "适用权重", "en": "Applicable weight"},
    # the target trajectory's shapes (readiness.outlook.TARGET_SHAPES)
    "outlook.shape.linear": {"zh": "匀速推进", "en": "Linear"},
    "outlook.shape.front_loaded": {"zh": "前紧后松", "en": "Front-loaded"},
    "outlook.shape.back_loaded": {"zh": "前松后紧", "en": "Back-loaded"},
    "outlook.shape.s_curve": {"zh": "S 形（先慢、中快、后慢）", "en": "S-curve (slow, fast, slow)"},
    # the forecast in words
    "outlook.sentence": {
        "zh": "照最近 {window} 天的进度推算，到 {day} 准备度约为 {low}–{high}。",
        "en": "Going on as in the last {window} days, readiness would be {low}–{high} by {day}.",
    },
    "outlook.no_forecast": {
        "zh": "已有的进度记录天数太少，暂时无法预测。",
        "en": "Too few days of progress recorded yet to make a forecast.",
    },
    "outlook.peak_started": {
        "zh": "高峰已经开始，不再预测；准备度以高峰开始日为准来衡量。",
        "en": "The peak has started, so there is no forecast; readiness is judged against the peak start.",
    },
    "outlook.target_gap": {"zh": "落后目标 {gap}", "en": "{gap} behind target"},
    "outlook.target_ahead": {"zh": "领先目标 {gap}", "en": "{gap} ahead of target"},
}
