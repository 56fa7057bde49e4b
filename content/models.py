"""Seed content models (pydantic): directives, checklist templates, drill types and organisation units."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictInt,
    field_validator,
    model_serializer,
    model_validator,
)

from core.fields import KEY_PATTERN, Strict, chinese_text, english_text

Criticality = Literal["critical", "major", "normal"]
Discipline = Literal[
    "dispatch",
    "operations",
    "construction",
    "marketing",
    "rural_power",
    "news_logistics",
    "safety_supervision",
    "generation",
    "it_comms",
    "hr_training",
    "management",
]
DISCIPLINES: tuple[str, ...] = Discipline.__args__  # type: ignore[attr-defined]
# The kinds of unit in a provincial grid company. A dispatch centre is a unit of its own (the
# provincial one 省调, a city's 地调); a department (职能部门) says its function, one of the disciplines.
UnitKind = Literal[
    "province",  # 省公司本部
    "prov_dispatch",  # 省调控中心
    "city",  # 地市供电公司
    "city_dispatch",  # 地市调控中心
    "county",  # 县供电公司
    "department",  # 职能部门 (with its function)
    "station",  # 变电站 / 运维班组
    "plant",  # 电厂
]
UNIT_KIND_NAMES: tuple[str, ...] = UnitKind.__args__  # type: ignore[attr-defined]


def applies(applies_to: list[str] | None, functions: list[str] | None, kind: str, function: str | None) -> bool:
    """Whether an item applies to a unit of this kind and function.

    `applies_to` empty: every kind. `functions` restricts only units that have a function (a
    department): a county company, which does every function, gets the item when its kind does.
    """
    if applies_to and kind not in applies_to:
        return False
    return not functions or function is None or function in functions


WEIGHTS: dict[str, int] = {"critical": 3, "major": 2, "normal": 1}

# How often a recurring item falls due: once per calendar week (Monday to Sunday), month or quarter
# of its window, each period an obligation of its own due on the period's last day.
Recurrence = Literal["weekly", "monthly", "quarterly"]
RECURRENCES: tuple[str, ...] = Recurrence.__args__  # type: ignore[attr-defined]
# What dispatch declares for some units during the season (season_events): a heat-wave or load
# alert, a typhoon or rainstorm warning, an orderly-power-use order.
EventKind = Literal["heat_wave", "typhoon", "rainstorm", "orderly_power"]
EVENT_KINDS: tuple[str, ...] = EventKind.__args__  # type: ignore[attr-defined]
# When an event-triggered item falls due, relative to its event: `before` its landfall (a typhoon;
# otherwise its start), `during` it (hours after its start) or `after` it (hours after its end).
TriggerWhen = Literal["before", "during", "after"]


class Trigger(Strict):
    """The events an item becomes an obligation for, and when it is due relative to each."""

    events: list[EventKind] = Field(min_length=1)
    when: TriggerWhen
    hours: StrictInt = Field(ge=0, le=720)


class Directive(Strict):
    """A directive of the speeches: its stable ID, tags (C/D/R) and a short title."""

    id: str = Field(pattern=r"^S[12](\.[0-9A-Za-z]+)+(-[0-9a-z]+)?$")
    tags: list[Literal["C", "D", "R"]] = Field(min_length=1)
    title_zh: str
    title_en: str

    _zh = field_validator("title_zh")(chinese_text)
    _en = field_validator("title_en")(english_text)


class Item(Strict):
    """One checkable action: a unit lead can answer yes or no, an inspector can check it."""

    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    text_zh: str
    text_en: str
    sources: list[str] = Field(min_length=1)
    criticality: Criticality
    discipline: Discipline
    # Exactly one due rule: a one-off item is due so many days before the peak (negative: after it
    # starts); a recurring item once per period of its window (the peak: peak start → peak end, or
    # the season: campaign start → peak end); a triggered item once per event declared for the unit.
    due_days_before_peak: StrictInt | None = Field(default=None, ge=-90, le=365)
    recurs: Recurrence | None = None
    recurs_within: Literal["peak", "season"] = "peak"
    trigger: Trigger | None = None
    evidence_zh: str
    evidence_en: str
    # Keys of the items of the same template this one builds on; it may not fall due before any of them.
    after: list[Annotated[str, Field(pattern=KEY_PATTERN, max_length=96)]] = Field(default_factory=list)
    # The kinds of unit the item applies to (empty: every kind), and where needed the functions of
    # the departments it applies to (see `applies`).
    applies_to: list[UnitKind] = Field(default_factory=list)
    functions: list[Discipline] = Field(default_factory=list)
    # Ticked done only with a file attached (a photo, PDF, spreadsheet or Word file), or with a
    # written reason that a lead accepts (checklists.changes).
    requires_evidence: StrictBool = False

    _zh = field_validator("text_zh", "evidence_zh")(chinese_text)
    _en = field_validator("text_en", "evidence_en")(english_text)

    @model_serializer(mode="wrap")
    def _omit_empty_lists(self, handler: SerializerFunctionWrapHandler) -> Any:
        # An item without dependencies dumps exactly as before `after` existed, so the content hash
        # of a template that does not use it is unchanged (a pinned version stays loadable).
        data = handler(self)
        if isinstance(data, dict):
            for name in ("after", "applies_to", "functions", "due_days_before_peak", "recurs", "trigger"):
                if not getattr(self, name) and getattr(self, name) != 0:
                    data.pop(name, None)
            if self.recurs_within == "peak":
                data.pop("recurs_within", None)
            if not self.requires_evidence:
                data.pop("requires_evidence", None)
        return data

    @model_validator(mode="after")
    def _one_due_rule(self) -> Item:
        rules = [n for n in ("due_days_before_peak", "recurs", "trigger") if getattr(self, n) is not None]
        if len(rules) != 1:
            raise ValueError(f"item {self.key}: give exactly one of due_days_before_peak, recurs, trigger"
                             f" (has {', '.join(rules) or 'none'}) / 须且只能给出一种期限规则")
        if self.recurs_within != "peak" and self.recurs is None:
            raise ValueError(f"item {self.key}: recurs_within without recurs / 非周期条目不能设 recurs_within")
        return self

    @property
    def kind(self) -> str:
        """once, recurring or triggered."""
        return "recurring" if self.recurs else "triggered" if self.trigger else "once"

    @model_validator(mode="after")
    def _functions_only_for_departments(self) -> Item:
        if self.functions and "department" not in self.applies_to:
            raise ValueError(f"item {self.key}: functions narrow only departments; add department to applies_to"
                             " / functions 只限定职能部门，applies_to 中须含 department")
        return self

    def applies(self, kind: str, function: str | None) -> bool:
        return applies(self.applies_to, self.functions, kind, function)

    @property
    def weight(self) -> int:
        return WEIGHTS[self.criticality]


def _when(days: int) -> tuple[str, str]:
    """A due rule in words, English and Chinese."""
    if days > 0:
        return f"{days} days before the peak", f"高峰前{days}天"
    if days < 0:
        return f"{-days} days after the peak starts", f"高峰开始后{-days}天"
    return "on the day the peak starts", "高峰开始当天"


class Section(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    title_zh: str
    title_en: str
    items: list[Item] = Field(min_length=1)

    _zh = field_validator("title_zh")(chinese_text)
    _en = field_validator("title_en")(english_text)


class Template(Strict):
    """A checklist template: sections of items, at one version."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    version: StrictInt = Field(ge=1, le=2**31 - 1)  # a 32-bit integer column
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    # The day the due days count back from: the peak start, or the start of the flood season (a
    # season running the template is told that day).
    counts_from: Literal["peak_start", "flood_season"] = "peak_start"
    sections: list[Section] = Field(min_length=1)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)

    @model_serializer(mode="wrap")
    def _omit_default_start(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A template counting from the peak start dumps as before the field existed (same content hash).
        data = handler(self)
        if isinstance(data, dict) and self.counts_from == "peak_start":
            data.pop("counts_from", None)
        return data

    @model_validator(mode="after")
    def _unique_keys(self) -> Template:
        seen: set[str] = set()
        for section in self.sections:
            if section.key in seen:
                raise ValueError(f"section {section.key}: duplicate section key / 分区键重复")
            seen.add(section.key)
        seen.clear()
        for section in self.sections:
            for item in section.items:
                if item.key in seen:
                    raise ValueError(f"item {item.key}: duplicate item key / 条目键重复")
                seen.add(item.key)
        return self

    @model_validator(mode="after")
    def _dependencies_in_order(self) -> Template:
        """`after` names items of this template, without cycles, none of them due later than the item.

        Only the same template: each template counts its due days back from its own season start
        (typhoon-flood from the flood season), so due days of two templates cannot be compared.
        """
        by_key = {item.key: item for item in self.items()}
        for item in self.items():
            for i, dep in enumerate(item.after):
                if dep == item.key:
                    raise ValueError(f"item {item.key}: lists itself in after / 条目不能依赖自身")
                if dep in item.after[:i]:
                    raise ValueError(f"item {item.key}: lists {dep} twice in after / after 中重复列出 {dep}")
                if dep not in by_key:
                    raise ValueError(
                        f"item {item.key}: after names {dep}, which is not an item of this template"
                        f" / after 中的 {dep} 不是本模板的条目"
                    )
        cycle = _find_cycle({key: item.after for key, item in by_key.items()})
        if cycle:
            path = " → ".join(cycle)
            raise ValueError(f"item {cycle[0]}: dependency cycle {path} / 依赖关系成环 {path}")
        for item in self.items():
            for dep in item.after:
                before = by_key[dep]
                if item.kind == "once" and before.kind != "once":
                    raise ValueError(
                        f"item {item.key}: a one-off item cannot build on {dep}, which is {before.kind}"
                        f" / 一次性条目不能依赖周期性或事件触发的条目 {dep}"
                    )
                if item.kind != "once" or before.kind != "once":
                    continue
                if item.due_days_before_peak > before.due_days_before_peak:
                    mine_en, mine_zh = _when(item.due_days_before_peak)
                    theirs_en, theirs_zh = _when(before.due_days_before_peak)
                    raise ValueError(
                        f"item {item.key}: due {mine_en}, earlier than {dep} ({theirs_en}) which it builds on"
                        f" / 期限（{mine_zh}）早于其所依赖的条目 {dep}（{theirs_zh}）"
                    )
        return self

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


def _find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """A cycle of the dependency graph as [a, b, …, a], or [] if there is none (depth-first, in file order)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        path.append(key)
        for dep in graph.get(key, []):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[key] = 2
        return []

    for key in graph:
        if key not in state:
            found = visit(key)
            if found:
                return found
    return []


# ── Drill types ──

# The emergency plan a drill exercises: the unit's comprehensive plan (综合应急预案), a special plan
# (专项应急预案) or an on-site response plan (现场处置方案) of a post or team.
PlanLevel = Literal["comprehensive", "special", "onsite"]
PLAN_LEVELS: tuple[str, ...] = PlanLevel.__args__  # type: ignore[attr-defined]
# How a drill is run: a tabletop discussion (桌面推演), a functional / command-post drill (功能演练,
# including joint drills on the dispatcher training simulator) or a full-scale live drill (实战演练).
DrillForm = Literal["tabletop", "functional", "full_scale"]
DRILL_FORMS: tuple[str, ...] = DrillForm.__args__  # type: ignore[attr-defined]
# The people a drill needs, besides the players of the units taking part.
DrillRole = Literal[
    "commander",  # 总指挥
    "controller",  # 导调人员: runs the scenario and releases the injects
    "evaluator",  # 评估人员: rates each objective against its criteria
    "safety_officer",  # 安全员: may stop a live drill
    "role_player",  # 模拟人员: plays the outside parties that do not take part
    "simulator_operator",  # 仿真系统操作员 (dispatcher training simulator)
    "recorder",  # 记录员: keeps the drill log
    "observer",  # 观摩人员
]
DRILL_ROLES: tuple[str, ...] = DrillRole.__args__  # type: ignore[attr-defined]
# Outside bodies a drill may invite (or have a role player stand in for).
ExternalParty = Literal[
    "government",  # 地方政府及其应急管理部门
    "energy_regulator",  # 能源监管机构
    "fire_brigade_119",  # 消防救援 119
    "medical_120",  # 医疗急救 120
    "police_110",  # 公安 110
    "cyber_police",  # 公安网安部门
    "flood_control_hq",  # 防汛抗旱指挥部 / 水利部门
    "meteorology",  # 气象部门
    "power_plants",  # 并网发电企业
    "major_customers",  # 重要电力用户
    "telecom_operators",  # 通信运营商
    "media",  # 新闻媒体
]
EXTERNAL_PARTIES: tuple[str, ...] = ExternalParty.__args__  # type: ignore[attr-defined]
# Words that promise a time or a result without giving one: an objective names the number instead.
VAGUE = ("规定时间", "规定时限", "及时", "set time", "in good time", "promptly", "timely", "on time")
_VAGUE = re.compile("|".join(w if re.search(r"[\u4e00-\u9fff]", w) else rf"\b{w}\b" for w in VAGUE))
# An improvement-plan task (revise the plan, review settings after the drill) is not an objective.
AFTER_THE_DRILL = ("演练后", "演习后", "after the drill")
_DIGIT = re.compile(r"[0-9]")
# YAML folds a long block (>-) by joining its lines with a space, which Chinese does not put between words.
_FOLD = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _unfold(value: str) -> str:
    return _FOLD.sub("", value.strip())


def _measurable(where: str, *texts: str) -> None:
    for text in texts:
        found = _VAGUE.search(text.lower())
        if found:
            vague = found.group()
            raise ValueError(f"{where}: says {vague!r} without a number; give the time or the figure"
                             f" / 含“{vague}”而无具体数值，请写明时限或指标")


class Objective(Strict):
    """What a drill of this type shows, and how an evaluator tells whether it was shown."""

    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    text_zh: str
    text_en: str
    # Not observable in a tabletop: evaluated only in a functional or full-scale drill.
    live_only: StrictBool = False
    # What the evaluator checks, with the figure it is checked against.
    criteria_zh: str
    criteria_en: str

    _zh = field_validator("text_zh", "criteria_zh")(chinese_text)
    _en = field_validator("text_en", "criteria_en")(english_text)

    @model_validator(mode="after")
    def _is_measurable(self) -> Objective:
        where = f"objective {self.key}"
        _measurable(where, self.text_zh, self.text_en, self.criteria_zh, self.criteria_en)
        if any(w in t.lower() for w in AFTER_THE_DRILL for t in (self.text_zh, self.text_en)):
            raise ValueError(f"{where}: work after the drill belongs to the improvement plan, not to the"
                             " objectives / 演练后的整改工作属于改进计划，不是演练目标")
        if not (_DIGIT.search(self.criteria_zh) and _DIGIT.search(self.criteria_en)):
            raise ValueError(f"{where}: the criteria give no figure to check against (a time, a count, a share)"
                             " / 评估标准中没有可核对的数值（时限、数量或比例）")
        return self


class Inject(Strict):
    """One event of the scenario's timeline, released by a controller so many minutes into the drill."""

    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    minute: StrictInt = Field(ge=0, le=72 * 60)
    text_zh: str
    text_en: str

    _zh = field_validator("text_zh")(chinese_text)
    _en = field_validator("text_en")(english_text)


def _unique(where: str, what_en: str, what_zh: str, values: list[str]) -> None:
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"{where}: {dupes[0]} listed twice in {what_en} / {what_zh}中重复列出 {dupes[0]}")


class DrillType(Strict):
    """A kind of emergency exercise: the plan it exercises, its forms and objectives, the directives it
    carries out, and the defaults (scenario, injects, roles, outside parties, safety plan) a drill starts from."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    sources: list[str] = Field(min_length=1)
    plan_level: PlanLevel
    forms: list[DrillForm] = Field(min_length=1)
    unannounced_allowed: StrictBool = False  # may be held without telling the players beforehand
    frequency_months: StrictInt = Field(ge=1, le=60)
    typical_duration_hours: float = Field(gt=0, le=72)
    disciplines: list[Discipline] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)
    scenario_zh: str
    scenario_en: str
    injects: list[Inject] = Field(min_length=1)
    roles: list[DrillRole] = Field(min_length=1)
    external_participants: list[ExternalParty] = Field(default_factory=list)
    # How a live drill is kept from hurting anyone or anything; required when full_scale is a form.
    safety_plan_zh: str = ""
    safety_plan_en: str = ""

    _folded = field_validator("description_zh", "scenario_zh", "safety_plan_zh", mode="before")(
        lambda v: _unfold(v) if isinstance(v, str) else v)
    _zh = field_validator("name_zh", "scenario_zh")(chinese_text)
    _en = field_validator("name_en", "scenario_en")(english_text)
    _plan_zh = field_validator("safety_plan_zh")(lambda v: chinese_text(v) if v.strip() else "")
    _plan_en = field_validator("safety_plan_en")(lambda v: v.strip())

    @model_validator(mode="after")
    def _unique_objectives(self) -> DrillType:
        keys = [o.key for o in self.objectives]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"objective {dupes[0]}: duplicate objective key / 目标键重复")
        return self

    @model_validator(mode="after")
    def _consistent(self) -> DrillType:
        where = f"drill type {self.key}"
        _unique(where, "forms", "演练形式", list(self.forms))
        _unique(where, "roles", "角色", list(self.roles))
        _unique(where, "external_participants", "外部参与方", list(self.external_participants))
        _unique(where, "injects", "情景注入", [i.key for i in self.injects])
        if self.forms == ["tabletop"] and any(o.live_only for o in self.objectives):
            live = next(o.key for o in self.objectives if o.live_only)
            raise ValueError(f"objective {live}: live_only, but {self.key} is held only as a tabletop"
                             f" / 该目标只能在实战或功能演练中检验，而 {self.key} 只有桌面推演形式")
        if "tabletop" in self.forms and all(o.live_only for o in self.objectives):
            raise ValueError(f"{where}: a tabletop would have nothing to evaluate; give at least one objective"
                             " that is not live_only / 桌面推演没有可评估的目标，至少要有一个非 live_only 目标")
        if self.unannounced_allowed and self.forms == ["tabletop"]:
            raise ValueError(f"{where}: a tabletop cannot be held unannounced / 桌面推演不能不打招呼进行")
        for role in ("controller", "evaluator"):
            if role not in self.roles:
                raise ValueError(f"{where}: every drill needs the role {role} in roles / roles 中须有 {role}")
        if "full_scale" in self.forms:
            if not (self.safety_plan_zh and self.safety_plan_en):
                raise ValueError(f"{where}: a full-scale drill needs a safety plan (safety_plan_zh and"
                                 " safety_plan_en) / 实战演练须有安全保障方案")
            if "safety_officer" not in self.roles:
                raise ValueError(f"{where}: a full-scale drill needs a safety_officer in roles"
                                 " / 实战演练的 roles 中须有 safety_officer")
        minutes = [i.minute for i in self.injects]
        for earlier, later in zip(self.injects, self.injects[1:], strict=False):
            if later.minute < earlier.minute:
                raise ValueError(f"{where}: inject {later.key} (minute {later.minute}) is listed after {earlier.key}"
                                 f" (minute {earlier.minute}); list injects in time order / 情景注入须按时间先后排列")
        if minutes[-1] > self.typical_duration_hours * 60:
            raise ValueError(f"{where}: inject {self.injects[-1].key} at minute {minutes[-1]} is after the drill's"
                             f" typical end ({self.typical_duration_hours} h) / 情景注入时间超出演练典型时长")
        return self

    def satisfies(self, rule: DrillRule) -> bool:
        """Whether a drill of this type can count towards the rule (in at least one of its forms)."""
        named = self.key in rule.drill_types or self.plan_level in rule.plan_levels
        return named and (not rule.forms or any(f in rule.forms for f in self.forms))


class DrillRule(Strict):
    """A drill the rules require of a kind of unit: which drills count, and how often one is due."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    text_zh: str
    text_en: str
    sources: list[str] = Field(min_length=1)
    # Which drills count: of these types, or exercising plans of these levels …
    drill_types: list[Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]] = Field(default_factory=list)
    plan_levels: list[PlanLevel] = Field(default_factory=list)
    # … held in one of these forms (empty: any form).
    forms: list[DrillForm] = Field(default_factory=list)
    # any: one drill of any counting type within the interval meets it; each: every counting type (every
    # plan) needs its own drill within the interval.
    counts: Literal["any", "each"] = "any"
    interval_months: StrictInt = Field(ge=1, le=60)
    per_shift: StrictBool = False  # each shift of the unit (a dispatch centre's shifts) needs its own drill
    before_peak: StrictBool = False  # held in the season before the peak starts
    # An `each` rule that binds only units with such a plan in their inventory (the premises a unit runs):
    # a unit with none owes nothing, instead of showing a missing plan.
    only_where_planned: StrictBool = False
    applies_to: list[UnitKind] = Field(min_length=1)

    _zh = field_validator("text_zh")(chinese_text)
    _en = field_validator("text_en")(english_text)

    @model_validator(mode="after")
    def _names_what_counts(self) -> DrillRule:
        where = f"rule {self.key}"
        if not self.drill_types and not self.plan_levels:
            raise ValueError(f"{where}: name the drill_types or plan_levels that satisfy it"
                             " / 须注明满足本规则的演练类型（drill_types）或预案层级（plan_levels）")
        if self.only_where_planned and self.counts != "each":
            raise ValueError(f"{where}: only_where_planned needs counts: each"
                             " / only_where_planned 只能用于按每项预案计算（counts: each）的规则")
        for what_en, what_zh, values in (("drill_types", "演练类型", self.drill_types),
                                         ("plan_levels", "预案层级", self.plan_levels), ("forms", "演练形式", self.forms),
                                         ("applies_to", "单位类型", self.applies_to)):
            _unique(where, what_en, what_zh, list(values))
        return self


# ── Organisation units (imports) ──

class UnitSpec(Strict):
    """A unit of the organisation as written in a YAML import, with its children."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=64)
    name_zh: str
    name_en: str
    kind: UnitKind
    function: Discipline | None = None  # what a department does (dispatch, marketing …)
    children: list[UnitSpec] = Field(default_factory=list)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)

    @model_validator(mode="after")
    def _department_has_function(self) -> UnitSpec:
        if self.kind == "department" and self.function is None:
            raise ValueError(f"unit {self.code}: a department needs its function / 职能部门须注明其职能 (function)")
        return self
