"""Strings of one area: the drill planner's rules (clash checks, the working calendar, suggested slots)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "cli.ics_row": {"zh": "演练 {id}  {start}  {title}（{status}）", "en": "drill {id}  {start}  {title} ({status})"},
    "cli.ics_written": {"zh": "已将 {count} 次演练写入 {file}", "en": "Wrote {count} drill(s) to {file}"},
    # The plan inventory (drills/inventory.py).
    "drl.plan_bad_code": {"zh": "预案编号不能为空，且不超过 {max} 个字符", "en": "A plan's code cannot be empty or longer than {max} characters"},
    "drl.plan_bad_title": {"zh": "预案名称不能为空，且不超过 {max} 个字", "en": "A plan's title cannot be empty or longer than {max} characters"},
    "drl.plan_bad_level": {"zh": "预案层级须为综合应急预案、专项应急预案或现场处置方案（收到：{level}）", "en": "A plan is comprehensive, special or on-site response (got {level})"},
    "drl.plan_revised_before_issued": {"zh": "修订日期不能早于发布日期", "en": "A plan cannot be revised before it was issued"},
    "drl.plan_code_taken": {"zh": "{unit} 已有编号为 {code} 的预案", "en": "{unit} already has a plan {code}"},
    "drl.unknown_plan": {"zh": "找不到这个预案（编号 {plan}）", "en": "Plan {plan} does not exist"},
    # Running a drill (drills/conduct.py).
    "drl.not_a_controller": {"zh": "只有演练协调员、导调人员或评估人员可以操作演练进程", "en": "Only the drill's coordinator, controllers or evaluators can run it"},
    "drl.not_running": {"zh": "演练须处于“准备就绪”或“已实施”状态（当前：{status}）", "en": "The drill must be ready or held (it is {status})"},
    "drl.outside_drill_time": {"zh": "该时间不在演练时段内（最晚可在演练结束后一天内补记）", "en": "That time is outside the drill (entries may be written up to a day after its end)"},
    "drl.unknown_inject": {"zh": "情景时间线中没有事件 {inject}", "en": "The scenario timeline has no inject {inject}"},
    "drl.inject_already_released": {"zh": "事件 {inject} 已经下达过", "en": "Inject {inject} was already released"},
    "drl.inject_not_released": {"zh": "事件 {inject} 尚未下达，不能记录对它的处置", "en": "Inject {inject} has not been released, so no response to it can be logged"},
    "drl.response_empty": {"zh": "请填写处置情况", "en": "Write what was done"},
    "drl.response_too_long": {"zh": "处置记录不能超过 {max} 个字", "en": "A response note cannot be longer than {max} characters"},
    "drl.response_in_future": {"zh": "处置时间不能晚于现在", "en": "A response cannot be logged in the future"},
    "drl.response_before_inject": {"zh": "处置时间早于事件 {inject} 的下达时间", "en": "The response is timed before inject {inject} was released"},
    "drl.timeline_size": {"zh": "情景时间线须有 1 至 {max} 个事件", "en": "A scenario timeline needs 1 to {max} injects"},
    "drl.timeline_bad_minute": {"zh": "第 {row} 个事件的时间（分钟）不是整数", "en": "Inject {row}: its minute is not a whole number"},
    "drl.timeline_bad_key": {"zh": "第 {row} 个事件的编号为空或重复（{key}）", "en": "Inject {row}: its key is empty or repeated ({key})"},
    "drl.timeline_minute_outside": {"zh": "第 {row} 个事件在第 {minute} 分钟，超出演练时长 {length} 分钟", "en": "Inject {row} is at minute {minute}, beyond the drill's {length} minutes"},
    "drl.timeline_bad_text": {"zh": "第 {row} 个事件缺少内容或内容过长", "en": "Inject {row} has no text, or too long a text"},
    # The planning service's refusals (drills/planning.py).
    "drl.refused": {"zh": "演练未保存：有 {count} 项冲突必须先解决", "en": "The drill was not saved: {count} clash(es) must be resolved first"},
    "drl.form_not_allowed": {"zh": "该演练类型不采用这种演练形式（{form}）", "en": "This drill type is not held in that form ({form})"},
    "drl.unannounced_not_allowed": {"zh": "该演练类型不安排不预先通知的演练", "en": "This drill type is not held unannounced"},
    "drl.too_long": {"zh": "一次演练不能超过 {hours} 小时", "en": "A drill cannot last longer than {hours} hours"},
    "drl.unknown_unit": {"zh": "找不到参演单位（编号 {unit}），或该单位已停用", "en": "Participating unit {unit} does not exist or is deactivated"},
    "drl.unknown_person": {"zh": "找不到人员（编号 {person}），或该账号已停用", "en": "Person {person} does not exist or the account is deactivated"},
    "drl.unknown_campaign": {"zh": "找不到备战活动（编号 {campaign}）", "en": "Campaign {campaign} does not exist"},
    "drl.unknown_type": {"zh": "没有这个演练类型：{type}", "en": "There is no drill type {type}"},
    "drl.unknown_drill": {"zh": "找不到这次演练（编号 {drill}）", "en": "Drill {drill} does not exist"},
    "drl.no_coordinator": {"zh": "请指定演练协调人", "en": "Name the drill's coordinator"},
    "drl.stale": {"zh": "“{drill}”已被他人修改，请刷新后再改", "en": "“{drill}” was changed by someone else; reload it and try again"},
    "drl.not_changeable": {"zh": "已实施、已评估或已取消的演练不能再修改", "en": "A drill that was held, reviewed or cancelled can no longer be changed"},
    "drl.bad_time": {"zh": "开始和结束时间无效", "en": "The start and end times are not valid"},
    "drl.cancel_needs_reason": {"zh": "取消演练须写明原因", "en": "Cancelling a drill needs a reason"},
    "drl.not_cancellable": {"zh": "已实施的演练不能取消", "en": "A drill that was held cannot be cancelled"},
    "drl.bad_transition": {"zh": "演练不能从“{before}”改为“{after}”", "en": "A drill cannot go from “{before}” to “{after}”"},
    "drl.not_begun": {"zh": "演练尚未开始，不能登记为已实施", "en": "The drill has not begun, so it cannot be recorded as held"},
    "drl.no_attendance": {"zh": "请至少登记一个实际参演的单位", "en": "Record at least one unit that took part"},
    "drl.not_a_participant": {"zh": "{unit} 不在这次演练的参演名单中", "en": "{unit} is not on this drill's list of participants"},
    "drl.severity.error": {"zh": "错误", "en": "Error"},
    "drl.severity.warning": {"zh": "提醒", "en": "Warning"},
    "drl.role.coordinator": {"zh": "协调人", "en": "coordinator"},
    "drl.role.evaluator": {"zh": "评估员", "en": "evaluator"},
    "drl.role.participant": {"zh": "参演人员", "en": "participant"},
    "drl.window.high_load": {"zh": "高负荷时段", "en": "high-load window"},
    "drl.window.heat": {"zh": "高温时段", "en": "heat period"},
    "drl.window.typhoon": {"zh": "台风影响时段", "en": "typhoon period"},
    "drl.window.other": {"zh": "管控时段", "en": "restricted window"},
    "drl.all_units": {"zh": "全部单位", "en": "all units"},
    "drl.day.workday": {"zh": "工作日", "en": "working day"},
    "drl.day.weekend": {"zh": "周末", "en": "weekend"},
    "drl.day.holiday": {"zh": "法定节假日", "en": "public holiday"},
    "drl.day.adjusted_workday": {"zh": "调休上班日", "en": "adjusted working day"},
    # One message per finding code (drills/schedule.py); the code itself is shown beside it.
    "drl.invalid_time": {
        "zh": "演练结束时间（{end}）必须晚于开始时间（{start}）。",
        "en": "The drill must end ({end}) after it starts ({start}).",
    },
    "drl.clash_unit": {
        "zh": "{units} 在同一时段已参加演练“{drill}”（{start} 至 {end}）。",
        "en": "{units} already take(s) part in the drill “{drill}” at that time ({start} to {end}).",
    },
    "drl.clash_person": {
        "zh": "{person}（本次演练的{role}）在同一时段已是演练“{drill}”的{other_role}（{start} 至 {end}）。",
        "en": "{person} (this drill's {role}) is already the {other_role} of the drill “{drill}” at that time "
        "({start} to {end}).",
    },
    "drl.holiday": {
        "zh": "{days} 是法定节假日（{holiday}）。",
        "en": "{days}: public holiday ({holiday}).",
    },
    "drl.weekend": {
        "zh": "{days} 是周末，且不是调休上班日。",
        "en": "{days}: weekend, not an adjusted working day.",
    },
    "drl.calendar_unknown": {
        "zh": "节假日数据尚未包含 {year} 年的国务院放假安排：调休上班日和调休放假日未知，请人工核对日期。",
        "en": "The holiday data does not yet hold the State Council's {year} schedule: adjusted working days and "
        "days off in lieu are unknown, so check the dates by hand.",
    },
    "drl.peak_window": {
        "zh": "与{kind}“{name}”（{start} 至 {end}，{units}）重叠。",
        "en": "Overlaps the {kind} “{name}” ({start} to {end}, {units}).",
    },
    "drl.after_peak": {
        "zh": "演练在高峰开始日（{peak}）之后结束，而该演练须在高峰前完成。",
        "en": "The drill ends after the peak starts ({peak}), but it must be held before the peak.",
    },
    "drl.unplaced.no_days": {
        "zh": "“{drill}”：今天（{today}）到高峰开始日（{peak}）之间已没有可安排的日期。",
        "en": "“{drill}”: no day is left between today ({today}) and the peak start ({peak}).",
    },
    "drl.unplaced.too_long": {
        "zh": "“{drill}”：时长 {hours} 小时，超过一个工作日的工作时间（{day_hours} 小时）。",
        "en": "“{drill}”: {hours} h is longer than a working day ({day_hours} h).",
    },
    "drl.unplaced.weekly_limit": {
        "zh": "“{drill}”：高峰前每一周 {units} 的演练都已达到每周上限（{limit} 次）。",
        "en": "“{drill}”: every week before the peak, {units} already reach(es) the limit of {limit} drill(s) a week.",
    },
    "drl.unplaced.busy": {
        "zh": "“{drill}”：高峰前每个可用时段都与其他演练的单位或人员冲突，或处于禁止演练的高峰时段。",
        "en": "“{drill}”: every free slot before the peak clashes with another drill's units or people, or "
        "falls in a peak window where drills are not allowed.",
    },
    "drl.status.planned": {"zh": "已计划", "en": "planned"},
    "drl.status.ready": {"zh": "准备就绪", "en": "ready"},
    "drl.status.conducted": {"zh": "已实施", "en": "conducted"},
    "drl.status.reviewed": {"zh": "已评估", "en": "reviewed"},
    "drl.status.cancelled": {"zh": "已取消", "en": "cancelled"},
    # Lines of an exported calendar event's description (drills/calendar.py).
    "drl.ics.units": {"zh": "参演单位：{units}", "en": "Units: {units}"},
    "drl.ics.organizer": {"zh": "组织人：{name}", "en": "Organiser: {name}"},
    "drl.ics.status": {"zh": "状态：{state}", "en": "Status: {state}"},
    "drl.suggest_summary": {
        "zh": "已为 {placed} 项演练建议时间，{unplaced} 项未能安排。",
        "en": "{placed} drill(s) placed, {unplaced} could not be placed.",
    },
}
