"""Read an organisation tree (units: …) from YAML, as `import-units` and the demo take it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from content.models import UnitSpec
from content.reading import read_yaml, validate
from core.errors import ContentError


def load_unit_specs(path: Path) -> list[UnitSpec]:
    """Read a unit tree from YAML (`units:` list), refusing duplicate codes."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("units"), list):
        raise ContentError(str(path), "-", "expected a list under 'units' / 缺少 units 列表")
    specs = []
    for i, entry in enumerate(raw["units"]):
        if not isinstance(entry, dict):
            raise ContentError(str(path), f"unit #{i + 1}", "expected a mapping / 应为映射")
        specs.append(validate(UnitSpec, entry, path))
    seen: set[str] = set()

    def walk(nodes: Iterable[UnitSpec]) -> None:
        for n in nodes:
            if n.code in seen:
                raise ContentError(str(path), f"unit {n.code}", "duplicate unit code / 单位编码重复")
            seen.add(n.code)
            walk(n.children)

    walk(specs)
    return specs
