"""The whole content bundle from seeds/, and its directive coverage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from content.drill_types import load_drill_catalogue
from content.models import Directive, DrillRule, DrillType, Item, Template, UnitSpec
from content.reading import load_directives, load_templates


@dataclass(frozen=True)
class Content:
    directives: dict[str, Directive]
    templates: dict[str, Template]
    drill_types: dict[str, DrillType]
    # Which drills the rules require of which kinds of unit, and how often (seeds/drill_types.yaml `rules`).
    drill_rules: dict[str, DrillRule]


def load_content(seeds: Path) -> Content:
    """Load and cross-check every seed file; raises ContentError on the first mistake."""
    directives = load_directives(seeds / "directives.yaml")
    templates = load_templates(seeds / "templates", directives)
    drill_types, drill_rules = load_drill_catalogue(seeds / "drill_types.yaml", directives)
    return Content(directives=directives, templates=templates, drill_types=drill_types, drill_rules=drill_rules)


@dataclass(frozen=True)
class CoverageRow:
    directive: Directive
    items: tuple[str, ...]  # "template:item" keys citing it
    drill_types: tuple[str, ...]

    @property
    def missing(self) -> list[str]:
        """What the directive's tags demand and nothing supplies: 'C' and/or 'D'."""
        out = []
        if "C" in self.directive.tags and not self.items:
            out.append("C")
        if "D" in self.directive.tags and not self.drill_types:
            out.append("D")
        return out


def unit_profiles(units: Iterable[UnitSpec]) -> set[tuple[str, str | None]]:
    """The (kind, function) pairs of an organisation tree, children included."""
    found: set[tuple[str, str | None]] = set()
    for unit in units:
        found.add((unit.kind, unit.function))
        found |= unit_profiles(unit.children)
    return found


def applies_somewhere(item: Item, profiles: Iterable[tuple[str, str | None]]) -> bool:
    """Whether the item applies to at least one unit of these (kind, function) pairs."""
    return any(item.applies(kind, function) for kind, function in profiles)


def coverage(content: Content, units: Iterable[UnitSpec] | None = None) -> list[CoverageRow]:
    """Per directive, the items and drill types that cite it.

    Given an organisation (`units`, a tree such as seeds/demo_org.yaml), an item counts only if it
    applies to at least one of its units: a directive carried out only by items no unit gets is uncovered.
    """
    profiles = None if units is None else unit_profiles(units)
    counted = [
        (t, i) for t in content.templates.values() for i in t.items()
        if profiles is None or applies_somewhere(i, profiles)
    ]
    rows = []
    for d in content.directives.values():
        items = tuple(f"{t.key}:{i.key}" for t, i in counted if d.id in i.sources)
        drills = tuple(k for k, dt in content.drill_types.items() if d.id in dt.sources)
        rows.append(CoverageRow(d, items, drills))
    return rows


def content_hash(model: object) -> str:
    data = model.model_dump(mode="json")  # type: ignore[attr-defined]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
