"""Strings of the dashboard's directives tab (dashdi.) and events tab (dashev.)."""

STRINGS: dict[str, dict[str, str]] = {
    # The directives of the general manager's safety speech, each with how far it is carried out.
    "dashdi.none": {
        "zh": "当日该单位没有引用讲话要求的检查项。",
        "en": "On that day no item of this unit refers to a directive of the speech.",
    },
    "dashdi.how": {
        "zh": "每个检查项计入它所落实的每一条要求（按权重，不适用项不计）；周期性与事件触发的检查到期后才计入。",
        "en": "Each item counts towards every directive it carries out (by weight, N/A left out); recurring "
              "and event checks count from their due day.",
    },
    "dashdi.worst": {
        "zh": "落实最滞后的要求是 {id}（{title}）：完成 {share}，逾期 {overdue} 项。",
        "en": "The directive furthest behind is {id} ({title}): {share} carried out, {overdue} overdue.",
    },
    "dashdi.all_done": {
        "zh": "当日涉及的各条要求均已全部落实。",
        "en": "Every directive these items refer to is fully carried out on that day.",
    },
    "dashdi.col_id": {"zh": "要求编号", "en": "Directive"},
    "dashdi.col_title": {"zh": "要求内容", "en": "What it asks"},
    "dashdi.col_readiness": {"zh": "落实进度", "en": "Carried out"},
    "dashdi.col_open": {"zh": "未完成", "en": "Open"},
    "dashdi.col_overdue": {"zh": "已逾期", "en": "Overdue"},
    "dashdi.col_lagging": {"zh": "最滞后的单位", "en": "Units furthest behind"},
    "dashdi.col_lagging_help": {
        "zh": "在这条要求上完成比例最低、且未完成的单位，最多三个。",
        "en": "Up to three units below 100 % on this directive, the lowest first.",
    },
    # The season events under way on the day, with their checks per unit.
    "dashev.none": {
        "zh": "{day} 当天没有进行中的季节事件。",
        "en": "No season event is under way on {day}.",
    },
    "dashev.title": {"zh": "{kind} · {name} · {level}", "en": "{kind} · {name} · {level}"},
    "dashev.began": {"zh": "开始：{at}", "en": "Began {at}"},
    "dashev.landfall": {"zh": "预计登陆：{at}", "en": "Expected landfall {at}"},
    "dashev.ends": {"zh": "结束：{at}", "en": "End {at}"},
    "dashev.how": {
        "zh": "各单位的事件检查项按当日结束时的状态统计（件数，不适用项不计）。",
        "en": "Each unit's checks for the event as they stood at the end of the day (counted, N/A left out).",
    },
    "dashev.no_checks": {
        "zh": "所示单位中没有此事件的检查项。",
        "en": "None of this event's checks falls to the units shown.",
    },
    "dashev.all_units": {"zh": "合计", "en": "All units"},
    "dashev.col_unit": {"zh": "单位", "en": "Unit"},
    "dashev.col_done": {"zh": "已完成", "en": "Done"},
    "dashev.col_applicable": {"zh": "适用", "en": "Applicable"},
    "dashev.col_open": {"zh": "未完成", "en": "Open"},
    "dashev.col_progress": {"zh": "完成进度", "en": "Progress"},
}
