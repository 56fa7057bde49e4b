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


def seeds_with_templates(tmp_path: Path, *templates: Path) -> Path:
    """A copy of the fixture seeds with more template files (e.g. tests/fixtures/season/*.yaml)."""
    root = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, root)
    for template in templates:
        shutil.copy(template, root / "templates")
    return root


def fixture_org(engine, seeds: Path, people: dict[str, list]) -> dict:
    """Load `seeds` and its organisation into a new database and create the people named (username →
    grants, e.g. [("unit_lead", "C1")]), each with the password "correct-horse"; their Actors by name."""
    from admin.setup import initialize
    from content.units import load_unit_specs
    from org.accounts import create_user
    from org.models import Actor
    from org.units import import_units
    from store.db import transaction
    from tests.conftest import NOW

    initialize(engine, seeds, now=NOW)
    actors = {}
    with transaction(engine) as s:
        import_units(load_unit_specs(seeds / "demo_org.yaml"), session=s, now=NOW)
        for username, grants in people.items():
            user = create_user(username, "correct-horse", username.title(), session=s, now=NOW, grants=grants)
            actors[username] = Actor(user.id, user.username, user.display_name)
    return actors
