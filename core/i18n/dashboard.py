"""Strings of the executive's dashboard: headline figures, units at risk, drill-down."""

STRINGS: dict[str, dict[str, str]] = {
    "dash.readiness_help": {
        "zh": "已完成权重 ÷ 适用权重（一次性检查项与演练整改）。目标进度当日应为 {target}。",
        "en": "Done weight over applicable weight (one-off items and drill corrective actions). The target "
              "for this day is {target}.",
    },
    "dash.days_into_peak": {"zh": "高峰已开始", "en": "Into the peak"},
    "dash.critical_open": {"zh": "关键项未完成", "en": "Critical items open"},
    "dash.critical_open_help": {
        "zh": "关键等级的一次性检查项与整改中，截至当日仍未完成的项数。",
        "en": "One-off items and corrective actions of critical level still open on the day.",
    },
    "dash.overdue": {"zh": "逾期项", "en": "Overdue items"},
    "dash.overdue_help": {
        "zh": "截至当日已过应完成日期仍未完成的检查项（含周期性与事件触发的检查）。",
        "en": "Items past their due day and still open on the day, recurring and event checks included.",
    },
    "dash.drills_missing": {"zh": "必备演练缺项", "en": "Required drills missing"},
    "dash.drills_missing_help": {
        "zh": "按演练规则应举行而尚未举行（或已逾期、未登记预案或值）的要求数；只计已实际举行的演练。",
        "en": "Drill requirements not met by a drill actually held: missing, overdue, or with no plan or shift "
              "on record.",
    },
    "dash.on_time": {"zh": "高峰期按时率", "en": "On-time rate in season"},
    "dash.on_time_help": {
        "zh": "高峰开始后，周期性与事件触发的检查在到期前完成的权重占比；高峰开始前不计。",
        "en": "Once the peak has started: the share (by weight) of recurring and event checks done by the time "
              "they fell due. Not counted before the peak.",
    },
    "dash.scope": {"zh": "适用范围（权重）", "en": "Scope (weight)"},
    "dash.scope_help": {
        "zh": "适用的一次性检查项与整改的总权重。事件和整改在季中增加的工作算作范围增加，而不是进度下降。",
        "en": "Total weight of the applicable one-off items and corrective actions. Work added mid-season by "
              "events and corrective actions shows here as more scope, not as lost progress.",
    },
    "dash.view": {"zh": "查看", "en": "View"},
    "dash.tab.heatmap": {"zh": "热力图与模板", "en": "Heatmap and templates"},
    "dash.tab.drills": {"zh": "演练覆盖", "en": "Drill coverage"},
    "dash.tab.events": {"zh": "季节事件", "en": "Events"},
    "dash.tab.directives": {"zh": "讲话要求落实", "en": "Directives"},
    "dash.heat_empty": {"zh": "该单位当日没有需计入准备度的检查项。", "en": "No item weighs in readiness here on that day."},
    "dash.heat_by": {"zh": "按", "en": "By"},
    "dash.heat_by_section": {"zh": "检查表章节", "en": "Checklist section"},
    "dash.heat_by_discipline": {"zh": "专业", "en": "Discipline"},
    "dash.heat_open": {"zh": "未完成项", "en": "Items open"},
    "dash.per_template": {"zh": "各模板准备度", "en": "Readiness per template"},
    "dash.col_template": {"zh": "模板", "en": "Template"},
    "dash.tab.yoy": {"zh": "同比上季", "en": "Year over year"},
    "dash.yoy_none": {"zh": "没有可比的上一季（同一模板的更早备战活动）。",
                      "en": "There is no season before this one running the same template to compare with."},
    "dash.yoy_x": {"zh": "距高峰开始的天数（负数为高峰前）", "en": "Days from the peak start (negative: before it)"},
    "dash.yoy_same_day": {
        "zh": "距高峰开始 {days} 天时，{last} 的准备度为 {then}，本季为 {now}（{diff} 个百分点）。",
        "en": "{days} days before the peak start, {last} stood at {then}; this season stands at {now} ({diff} pp).",
    },
    "dash.yoy_no_same_day": {"zh": "{last} 在同一天数时还没有数据可比。",
                             "en": "{last} has no figure for the same number of days before its peak."},
    "error.declaration_not_in_season": {"zh": "单位 {unit} 未参加本备战活动，不能签署准备就绪声明。",
                                        "en": "Unit {unit} takes no part in this campaign: it has nothing to declare."},
    "error.declaration_waits": {
        "zh": "{unit} 的下级单位尚未全部签署：{units}。请待其签署后再签署本单位。",
        "en": "Not every sub-unit of {unit} has signed off yet: {units}. Sign this unit off after them.",
    },
    "dash.tab.declarations": {"zh": "就绪声明", "en": "Declarations"},
    "decl.none": {"zh": "截至当日，本单位及下属单位尚无准备就绪声明。",
                  "en": "No readiness declaration had been signed here by that day."},
    "decl.col_signer": {"zh": "签署人", "en": "Signed by"},
    "decl.col_at": {"zh": "签署时间", "en": "Signed at"},
    "decl.col_then": {"zh": "签署时准备度", "en": "Readiness when signed"},
    "decl.col_now": {"zh": "当日准备度", "en": "Readiness on the day"},
    "decl.col_open": {"zh": "签署时未完成项", "en": "Items open when signed"},
    "decl.col_since": {"zh": "签署后的变化", "en": "Changes since"},
    "decl.since": {"zh": "撤回完成 {undone} 项，新增 {added} 项，完成 {closed} 项",
                   "en": "{undone} undone, {added} added, {closed} closed"},
    "decl.sign_title": {"zh": "签署 {unit} 的准备就绪声明", "en": "Sign off the readiness of {unit}"},
    "decl.waiting": {"zh": "下级单位签署后才能签署本单位：{units}。", "en": "These sub-units must sign off first: {units}."},
    "decl.statement": {"zh": "声明说明（可选）", "en": "Statement (optional)"},
    "decl.confirm": {
        "zh": "我确认本单位已按要求做好迎峰准备；签署时的数据与未完成项将被固定记录，不可更改。",
        "en": "I confirm this unit is ready for the peak as required; the figures and open items as of now are "
              "recorded for good and cannot be changed.",
    },
    "decl.sign": {"zh": "签署声明", "en": "Sign the declaration"},
    "decl.signed": {"zh": "已签署 {unit} 的准备就绪声明。", "en": "The readiness declaration of {unit} is signed."},
    "dash.ranking": {"zh": "下级单位排名（有风险的在前）", "en": "Sub-units ranked (at risk first)"},
    "dash.col_gap": {"zh": "距目标差距", "en": "Gap to target"},
    "dash.col_gap_help": {
        "zh": "当日目标进度减去实际准备度；正数表示落后。",
        "en": "The day's target minus readiness: positive means behind.",
    },
    "dash.col_forecast": {"zh": "高峰开始时预测", "en": "Forecast at peak start"},
    "dash.col_critical_overdue": {"zh": "逾期关键项", "en": "Critical overdue"},
    "dash.col_why": {"zh": "风险原因", "en": "Why at risk"},
    "dash.risk_forecast": {"zh": "预计高峰前完不成", "en": "not forecast to finish by the peak"},
    "dash.risk_critical": {"zh": "关键项逾期", "en": "critical items overdue"},
    "dash.risk_drills": {"zh": "必备演练未举行", "en": "required drills not held"},
}
