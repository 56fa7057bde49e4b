"""Load and validate seeds/drill_types.yaml."""

from __future__ import annotations

from pathlib import Path

from content.models import Directive, DrillType
from content.reading import check_sources, read_yaml, validate
from core.errors import ContentError


def load_drill_types(path: Path, directives: dict[str, Directive]) -> dict[str, DrillType]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("drill_types"), list):
        raise ContentError(str(path), "-", "expected a list under 'drill_types' / 缺少 drill_types 列表")
    out: dict[str, DrillType] = {}
    objective_owner: dict[str, str] = {}
    for i, entry in enumerate(raw["drill_types"]):
        if not isinstance(entry, dict):
            raise ContentError(str(path), f"drill type #{i + 1}", "expected a mapping / 应为映射")
        dt = validate(DrillType, entry, path)
        if dt.key in out:
            raise ContentError(str(path), f"drill type {dt.key}", "duplicate drill-type key / 演练类型键重复")
        check_sources(path, f"drill type {dt.key} › sources", dt.sources, directives)
        for o in dt.objectives:
            if o.key in objective_owner:
                raise ContentError(str(path), f"drill type {dt.key} › objective {o.key}", "duplicate objective key")
            objective_owner[o.key] = dt.key
        out[dt.key] = dt
    return out
