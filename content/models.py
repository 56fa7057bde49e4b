"""Seed content models (pydantic): directives, checklist templates, drill types and organisation units."""

from __future__ import annotations

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
    version: StrictInt = Field(ge=1)
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

Scope = Literal["comprehensive", "single_subject"]
Mode = Literal["live", "tabletop"]


class Objective(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=96)
    text_zh: str
    text_en: str

    _zh = field_validator("text_zh")(chinese_text)
    _en = field_validator("text_en")(english_text)


class DrillType(Strict):
    """A kind of emergency exercise, the directives it carries out and how often it is due."""

    key: str = Field(pattern=KEY_PATTERN, max_length=64)
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    sources: list[str] = Field(min_length=1)
    scopes: list[Scope] = Field(min_length=1)
    modes: list[Mode] = Field(min_length=1)
    frequency_months: StrictInt = Field(ge=1, le=60)
    typical_duration_hours: float = Field(gt=0, le=72)
    disciplines: list[Discipline] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)

    _zh = field_validator("name_zh")(chinese_text)
    _en = field_validator("name_en")(english_text)

    @model_validator(mode="after")
    def _unique_objectives(self) -> DrillType:
        keys = [o.key for o in self.objectives]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"objective {dupes[0]}: duplicate objective key / 目标键重复")
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
