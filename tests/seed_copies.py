"""Copies of the fixture seeds with some fields of the `mini` template's items changed, for content tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import FIXTURE_SEEDS


def mini_seeds_with(tmp_path: Path, field: str, by_key: dict[str, object]) -> Path:
    """A copy of the fixture seeds in which each `mini` item named in `by_key` gets `field` set to its value."""
    root = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, root)
    path = root / "templates" / "mini.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section in data["sections"]:
        for item in section["items"]:
            if item["key"] in by_key:
                item[field] = by_key[item["key"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root
