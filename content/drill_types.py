"""Load and validate seeds/drill_types.yaml: the drill types and the rules saying which drills are required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from content.models import Directive, DrillRule, DrillType
from content.reading import check_sources, read_yaml, validate
from core.errors import ContentError

TOP_LEVEL = ("drill_types", "rules")


def load_drill_catalogue(path: Path, directives: dict[str, Directive]) -> tuple[dict[str, DrillType],
                                                                                 dict[str, DrillRule]]:
    """The drill types and the required-drill rules of the file, cross-checked against each other."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("drill_types"), list):
        raise ContentError(str(path), "-", "expected a list under 'drill_types' / 缺少 drill_types 列表")
    unknown = sorted(str(k) for k in raw if k not in TOP_LEVEL)
    if unknown:
        raise ContentError(str(path), unknown[0], "unknown top-level key (drill_types, rules) / 未知的顶层键")
    drill_types = _drill_types(path, raw["drill_types"], directives)
    rules = raw.get("rules") or []
    if not isinstance(rules, list):
        raise ContentError(str(path), "rules", "expected a list / 应为列表")
    return drill_types, _rules(path, rules, drill_types, directives)


def load_drill_types(path: Path, directives: dict[str, Directive]) -> dict[str, DrillType]:
    return load_drill_catalogue(path, directives)[0]


def _named(path: Path, label: str, key: Any, model: type, entry: dict) -> Any:
    """Validate one entry; the place of a mistake starts with the entry it is in (drill type cable-fire › …)."""
    try:
        return validate(model, entry, path)
    except ContentError as err:
        head = f"{label} {key}"
        if isinstance(key, str) and head not in err.where:
            raise ContentError(err.file, f"{head} › {err.where}" if err.where != "-" else head, err.problem) from None
        raise


def _drill_types(path: Path, entries: list, directives: dict[str, Directive]) -> dict[str, DrillType]:
    out: dict[str, DrillType] = {}
    objective_owner: dict[str, str] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ContentError(str(path), f"drill type #{i + 1}", "expected a mapping / 应为映射")
        dt = _named(path, "drill type", entry.get("key"), DrillType, entry)
        if dt.key in out:
            raise ContentError(str(path), f"drill type {dt.key}", "duplicate drill-type key / 演练类型键重复")
        check_sources(path, f"drill type {dt.key} › sources", dt.sources, directives)
        for o in dt.objectives:
            if o.key in objective_owner:
                raise ContentError(str(path), f"drill type {dt.key} › objective {o.key}",
                                   f"duplicate objective key (also in {objective_owner[o.key]})"
                                   f" / 目标键重复（{objective_owner[o.key]} 中已有）")
            objective_owner[o.key] = dt.key
        out[dt.key] = dt
    return out


def _rules(path: Path, entries: list, drill_types: dict[str, DrillType],
           directives: dict[str, Directive]) -> dict[str, DrillRule]:
    out: dict[str, DrillRule] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ContentError(str(path), f"rule #{i + 1}", "expected a mapping / 应为映射")
        rule = _named(path, "rule", entry.get("key"), DrillRule, entry)
        where = f"rule {rule.key}"
        if rule.key in out:
            raise ContentError(str(path), where, "duplicate rule key / 规则键重复")
        check_sources(path, f"{where} › sources", rule.sources, directives)
        for key in rule.drill_types:
            if key not in drill_types:
                raise ContentError(str(path), f"{where} › drill_types",
                                   f"unknown drill type {key!r} / 未知的演练类型 {key}")
        for key in rule.drill_types:
            if not drill_types[key].satisfies(rule):
                raise ContentError(str(path), f"{where} › forms",
                                   f"drill type {key} is never held in any of these forms"
                                   f" / 演练类型 {key} 没有本规则所列的演练形式")
        counting = [dt for dt in drill_types.values() if dt.satisfies(rule)]
        if not counting:
            raise ContentError(str(path), where, "no drill type satisfies it (check drill_types, plan_levels and"
                                                 " forms) / 没有任何演练类型能满足本规则")
        if rule.counts == "each":
            slow = next((dt for dt in counting if dt.frequency_months > rule.interval_months), None)
            if slow is not None:
                raise ContentError(
                    str(path), f"{where} › interval_months",
                    f"drill type {slow.key} is due every {slow.frequency_months} months, less often than the rule"
                    f" asks (every {rule.interval_months} months) / 演练类型 {slow.key} 的频次（每 {slow.frequency_months}"
                    f" 个月）低于本规则的要求（每 {rule.interval_months} 个月）",
                )
        out[rule.key] = rule
    return out
