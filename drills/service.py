"""Drill-type use-cases (catalogue and the required-drill rules). Planning, conducting and reviewing
drills build on this."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.schema import DrillRule, DrillType


@dataclass(frozen=True)
class DrillTypeView:
    """A drill type as the catalogue shows it (a read model, not a database row).

    Objectives are {key, text_zh, text_en, live_only, criteria_zh, criteria_en}; injects
    {key, minute, text_zh, text_en}, in time order. Scenario, injects, roles, outside parties and
    safety plan are the defaults a drill of this type starts from.
    """

    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    sources: tuple[str, ...]
    plan_level: str
    forms: tuple[str, ...]
    unannounced_allowed: bool
    frequency_months: int
    typical_duration_hours: float
    disciplines: tuple[str, ...]
    objectives: tuple[dict, ...]
    scenario_zh: str
    scenario_en: str
    injects: tuple[dict, ...]
    roles: tuple[str, ...]
    external_participants: tuple[str, ...]
    safety_plan_zh: str
    safety_plan_en: str


@dataclass(frozen=True)
class DrillRuleView:
    """A required-drill rule: which drills count (types, plan levels, forms), how often, for which units."""

    key: str
    text_zh: str
    text_en: str
    sources: tuple[str, ...]
    drill_types: tuple[str, ...]
    plan_levels: tuple[str, ...]
    forms: tuple[str, ...]
    counts: str
    interval_months: int
    per_shift: bool
    before_peak: bool
    applies_to: tuple[str, ...]
    only_where_planned: bool = False


def list_drill_types(*, session: Session) -> list[DrillTypeView]:
    """Every drill type in catalogue order."""
    return [
        DrillTypeView(
            key=d.key, name_zh=d.name_zh, name_en=d.name_en, description_zh=d.description_zh,
            description_en=d.description_en, sources=tuple(d.sources), plan_level=d.plan_level,
            forms=tuple(d.forms), unannounced_allowed=bool(d.unannounced_allowed),
            frequency_months=d.frequency_months, typical_duration_hours=d.typical_duration_hours,
            disciplines=tuple(d.disciplines), objectives=tuple(d.objectives), scenario_zh=d.scenario_zh,
            scenario_en=d.scenario_en, injects=tuple(d.injects), roles=tuple(d.roles),
            external_participants=tuple(d.external_participants), safety_plan_zh=d.safety_plan_zh,
            safety_plan_en=d.safety_plan_en,
        )
        for d in session.scalars(select(DrillType).order_by(DrillType.id))
    ]


def list_drill_rules(*, session: Session) -> list[DrillRuleView]:
    """Every required-drill rule, in the order of the seed file."""
    return [
        DrillRuleView(
            key=r.key, text_zh=r.text_zh, text_en=r.text_en, sources=tuple(r.sources),
            drill_types=tuple(r.drill_types), plan_levels=tuple(r.plan_levels), forms=tuple(r.forms),
            counts=r.counts, interval_months=r.interval_months, per_shift=bool(r.per_shift),
            before_peak=bool(r.before_peak), applies_to=tuple(r.applies_to), only_where_planned=bool(r.only_where_planned),
        )
        for r in session.scalars(select(DrillRule).order_by(DrillRule.position, DrillRule.id))
    ]
