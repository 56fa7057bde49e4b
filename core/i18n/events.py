"""Strings of one area: season events (heat waves, typhoon/rainstorm warnings, orderly power use),
recurring checks and the on-time rate."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "event.kind.heat_wave": {"zh": "高温/负荷预警", "en": "Heat-wave / load alert"},
    "event.kind.typhoon": {"zh": "台风预警", "en": "Typhoon warning"},
    "event.kind.rainstorm": {"zh": "暴雨预警", "en": "Rainstorm warning"},
    "event.kind.orderly_power": {"zh": "有序用电指令", "en": "Orderly-power-use order"},
    "event.level.none": {"zh": "未分级", "en": "no level"},
    "event.level.blue": {"zh": "蓝色", "en": "blue"},
    "event.level.yellow": {"zh": "黄色", "en": "yellow"},
    "event.level.orange": {"zh": "橙色", "en": "orange"},
    "event.level.red": {"zh": "红色", "en": "red"},
    "event.status.open": {"zh": "进行中", "en": "active"},
    "event.status.closed": {"zh": "已结束", "en": "closed"},
    "event.when.before": {"zh": "登陆/开始前 {hours} 小时", "en": "{hours} h before landfall / start"},
    "event.when.during": {"zh": "开始后 {hours} 小时内", "en": "within {hours} h of the start"},
    "event.when.after": {"zh": "结束后 {hours} 小时内", "en": "within {hours} h after the end"},
    "error.event_kind": {
        "zh": "未知的事件类型 {kind}（可选：{kinds}）",
        "en": "Unknown event kind {kind} (one of: {kinds})",
    },
    "error.event_level": {
        "zh": "未知的预警级别 {level}（可选：{levels}）",
        "en": "Unknown warning level {level} (one of: {levels})",
    },
    "error.landfall_only_typhoon": {
        "zh": "只有台风预警才有预计登陆时间。",
        "en": "Only a typhoon warning has an expected landfall.",
    },
    "error.landfall_before_start": {
        "zh": "预计登陆时间不能早于预警开始时间。",
        "en": "The expected landfall cannot be before the warning starts.",
    },
    "error.event_end_before_start": {
        "zh": "事件结束时间必须晚于开始时间。",
        "en": "The event must end after it starts.",
    },
    "error.event_unit_not_in_season": {
        "zh": "以下单位未参加本备战活动，不能为其发布事件：{unit}",
        "en": "These units do not take part in the season, so no event can be declared for them: {unit}",
    },
    "error.event_not_found": {"zh": "找不到事件 {event}", "en": "Event {event} not found"},
    "error.event_closed": {"zh": "事件“{name}”已结束。", "en": "The event “{name}” is already closed."},
    "error.bad_datetime": {
        "zh": "时间格式无效：{value}（例如 2027-07-12 08:00，按 {zone} 时间）",
        "en": "Invalid date and time: {value} (e.g. 2027-07-12 08:00, {zone} time)",
    },
    "error.peak_end_required": {
        "zh": "模板 {template} 含有周期性检查项，须填写高峰结束日。",
        "en": "Template {template} has recurring checks: give the day the peak ends.",
    },
    "error.one_campaign_needed": {
        "zh": "当前有 {count} 个进行中的备战活动，请用 --campaign 指定一个。",
        "en": "{count} campaigns are open: name one with --campaign.",
    },
    "cl.due_after_event": {"zh": "事件结束后确定截止时间", "en": "due once the event ends"},
    "cl.period": {"zh": "周期 {period}", "en": "period {period}"},
    "cl.on_time": {"zh": "按时完成率", "en": "On-time rate"},
    "cl.on_time_help": {
        "zh": "度夏期间已到期的周期性与事件检查中，按期完成的比例（按权重）：{met} / {due}",
        "en": "Of the recurring and event checks due so far, the share (by weight) done by their due time: {met} / {due}",
    },
    "cl.readiness_help": {
        "zh": "一次性检查项的加权完成率（不含不适用项），高峰前应达到 100%。",
        "en": "Weighted completion of the one-off items (not-applicable ones left out); 100 % is the goal by the peak.",
    },
    "cl.season_checks": {
        "zh": "度夏期间检查（周期性与事件）— 待办 {n} 项",
        "en": "In-season checks (recurring and events) — {n} open",
    },
    "page.events": {"zh": "季节事件", "en": "Season events"},
    "ev.declare_title": {"zh": "发布事件", "en": "Declare an event"},
    "ev.kind": {"zh": "事件类型", "en": "Kind"},
    "ev.level": {"zh": "预警级别", "en": "Warning level"},
    "ev.name": {"zh": "名称", "en": "Name"},
    "ev.name_hint": {"zh": "例如：台风“海燕”（可不填）", "en": "e.g. Typhoon Haiyan (optional)"},
    "ev.start_day": {"zh": "开始日期", "en": "Start day"},
    "ev.start_time": {"zh": "开始时间", "en": "Start time"},
    "ev.has_landfall": {"zh": "有预计登陆时间（台风）", "en": "Expected landfall (typhoon)"},
    "ev.landfall_day": {"zh": "预计登陆日期", "en": "Landfall day"},
    "ev.landfall_time": {"zh": "预计登陆时间", "en": "Landfall time"},
    "ev.units": {"zh": "涉及单位", "en": "Units"},
    "ev.declare": {"zh": "发布", "en": "Declare"},
    "ev.declared": {
        "zh": "已发布“{name}”，为相关单位生成 {count} 项检查。",
        "en": "“{name}” declared: {count} check(s) created for its units.",
    },
    "ev.none": {"zh": "本备战活动还没有涉及您所在单位的事件。", "en": "No event of this season concerns your units yet."},
    "ev.facts": {
        "zh": "开始 {start} · 级别 {level} · 预计登陆 {landfall} · 结束 {end}",
        "en": "starts {start} · level {level} · landfall {landfall} · ends {end}",
    },
    "ev.all_units": {"zh": "合计", "en": "All units"},
    "ev.col_unit": {"zh": "单位", "en": "Unit"},
    "ev.col_na": {"zh": "不适用", "en": "N/A"},
    "ev.col_total": {"zh": "检查项", "en": "Checks"},
    "ev.end_day": {"zh": "结束日期", "en": "End day"},
    "ev.end_time": {"zh": "结束时间", "en": "End time"},
    "ev.close": {"zh": "结束事件", "en": "Close the event"},
    "ev.closed": {"zh": "事件“{name}”已结束。", "en": "The event “{name}” is closed."},
    "cli.event_declared": {
        "zh": "已发布事件 #{id}“{name}”（{kind}），涉及 {units} 个单位，生成 {count} 项检查：",
        "en": "declared event #{id} “{name}” ({kind}) for {units} unit(s): {count} check(s) created:",
    },
    "cli.event_obligation": {"zh": "  {unit}  {item}  截止 {due}", "en": "  {unit}  {item}  due {due}"},
    "cli.event_due_after_end": {"zh": "事件结束后确定", "en": "set when the event ends"},
    "cli.event_closed": {
        "zh": "事件 #{id}“{name}”已结束（结束时间 {end}）",
        "en": "event #{id} “{name}” closed (ended {end})",
    },
    "cli.event_line": {
        "zh": "#{id}  {status}  {kind}  {name}  开始 {start}  单位 {units}  完成 {done}/{applicable}",
        "en": "#{id}  {status}  {kind}  {name}  starts {start}  units {units}  done {done}/{applicable}",
    },
    "cli.no_events": {"zh": "没有事件。", "en": "No events."},
}
