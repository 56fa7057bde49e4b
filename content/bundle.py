"""The whole content bundle from seeds/, and its directive coverage."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from content.drill_types import load_drill_types
from content.models import Directive, DrillType, Template
from content.reading import load_directives, load_templates


@dataclass(frozen=True)
class Content:
    directives: dict[str, Directive]
    templates: dict[str, Template]
    drill_types: dict[str, DrillType]


def load_content(seeds: Path) -> Content:
    """Load and cross-check every seed file; raises ContentError on the first mistake."""
    directives = load_directives(seeds / "directives.yaml")
    return Content(
        directives=directives,
        templates=load_templates(seeds / "templates", directives),
        drill_types=load_drill_types(seeds / "drill_types.yaml", directives),
    )


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


def coverage(content: Content) -> list[CoverageRow]:
    """Per directive, the items and drill types that cite it."""
    rows = []
    for d in content.directives.values():
        items = tuple(
            f"{t.key}:{i.key}" for t in content.templates.values() for i in t.items() if d.id in i.sources
        )
        drills = tuple(k for k, dt in content.drill_types.items() if d.id in dt.sources)
        rows.append(CoverageRow(d, items, drills))
    return rows


def content_hash(model: object) -> str:
    data = model.model_dump(mode="json")  # type: ignore[attr-defined]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
