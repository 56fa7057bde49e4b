"""Strings of the dashboard's dash_drills tab."""

STRINGS: dict[str, dict[str, str]] = {
    "dashdr.empty": {
        "zh": "该单位及其下级在本季既无必备演练要求，也没有安排或举行的演练。",
        "en": "This unit and the units below it owe no drill this season and have none planned or held.",
    },
    "dashdr.as_of": {
        "zh": "截至 {day}：只计当日及以前实际举行、且有本单位参加记录的演练；“已安排”指当日起至高峰开始日"
              "（{peak}）前日程上尚未举行的演练。已取消的演练一律不计。",
        "en": "As of {day}: only drills actually held by that day, with the unit recorded as taking part, count "
              "as conducted; planned means on the calendar from that day until the peak starts ({peak}) and not "
              "yet held. Cancelled drills never count.",
    },
    "dashdr.by_rule": {"zh": "按演练规则", "en": "By drill rule"},
    "dashdr.by_type": {"zh": "按演练类型", "en": "By drill type"},
    "dashdr.by_unit": {"zh": "各单位各类演练：已举行 / 应举行", "en": "Per unit and drill type: conducted / required"},
    "dashdr.by_type_help": {
        "zh": "“已举行”“已安排”为演练场次，“缺口”为既未达标、也没有安排演练的要求项数。已达标的要求记在达标"
              "演练的类型下，已安排的记在所安排演练的类型下；尚无着落的要求记在每一种可满足它的类型下（如只按"
              "预案级别规定的年度演练），所以各类型合计可能多于按规则统计的数量。按值考核的规则，每个值各算一项。",
        "en": "Conducted and planned count drills; gaps count requirements neither met nor with a drill planned. "
              "A met requirement counts under the type of the drill that met it, one with a drill planned under "
              "that drill's type, and one with neither under every type that could meet it (a yearly drill of "
              "any plan of a level, say), so the types may add up to more than the rules. A rule checked per "
              "shift counts once for each shift.",
    },
    "dashdr.col_rule": {"zh": "规则", "en": "Rule"},
    "dashdr.col_required": {"zh": "应举行", "en": "Required"},
    "dashdr.col_met": {"zh": "已达标", "en": "Met"},
    "dashdr.col_share": {"zh": "达标比例", "en": "Share met"},
    "dashdr.col_planned": {"zh": "已安排待举行", "en": "Planned, not yet held"},
    "dashdr.col_missing": {"zh": "缺失且未安排", "en": "Missing, nothing planned"},
    "dashdr.col_overdue": {"zh": "已逾期", "en": "Overdue"},
    "dashdr.col_no_record": {"zh": "未登记预案或值", "en": "No plan or shift on record"},
    "dashdr.col_unit": {"zh": "单位", "en": "Unit"},
    "dashdr.series_conducted": {"zh": "已举行", "en": "Conducted"},
    "dashdr.series_planned": {"zh": "已安排", "en": "Planned"},
    "dashdr.series_missing": {"zh": "缺口（未安排）", "en": "Gaps with nothing planned"},
    "dashdr.count": {"zh": "场次 / 项数", "en": "Drills / requirements"},
}
