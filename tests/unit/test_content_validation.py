"""A seed file with a mistake is refused with a message naming the file, the item and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content.bundle import load_content
from core.errors import ContentError
from tests.conftest import FIXTURE_SEEDS


def seeds_with(tmp_path: Path, edit) -> Path:
    """A copy of the fixture seeds with one edit applied to the `mini` template."""
    root = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, root)
    path = root / "templates" / "mini.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def first_item(data: dict) -> dict:
    return data["sections"][0]["items"][0]


CASES = [
    ("unknown directive ID", lambda d: first_item(d).update(sources=["S9.9"]), "mini-plan-approved", "S9.9"),
    ("duplicate item key", lambda d: d["sections"][1]["items"][0].update(key="mini-plan-approved"),
     "mini-plan-approved", "duplicate item key"),
    ("missing Chinese text", lambda d: first_item(d).pop("text_zh"), "text_zh", "required"),
    ("Chinese text without Chinese", lambda d: first_item(d).update(text_zh="plan approved"), "text_zh",
     "no Chinese characters"),
    ("due rule not a number", lambda d: first_item(d).update(due_days_before_peak="30 days"),
     "due_days_before_peak", "integer"),
    ("due rule out of range", lambda d: first_item(d).update(due_days_before_peak=400),
     "due_days_before_peak", "365"),
    ("unknown criticality", lambda d: first_item(d).update(criticality="urgent"), "criticality", "critical"),
    ("unknown field", lambda d: first_item(d).update(colour="red"), "colour", "unknown field"),
    ("item without sources", lambda d: first_item(d).update(sources=[]), "sources", "at least 1"),
]


@pytest.mark.parametrize(("case", "edit", "place", "problem"), CASES, ids=[c[0] for c in CASES])
def test_a_template_with_a_mistake_is_refused_naming_file_item_and_problem(tmp_path, case, edit, place, problem):
    seeds = seeds_with(tmp_path, edit)
    with pytest.raises(ContentError) as err:
        load_content(seeds)
    message = str(err.value)
    assert "mini.yaml" in message
    assert place in message
    assert problem in message
    if case not in ("duplicate item key", "unknown field"):
        assert "mini-plan-approved" in message  # the item is named, not just a field path


def test_a_yaml_syntax_error_names_the_file(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    (root / "templates" / "mini.yaml").write_text("key: mini\nsections: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"mini\.yaml.*YAML"):
        load_content(root)


def test_a_drill_type_citing_an_unknown_directive_is_refused(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    path = root / "drill_types.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["drill_types"][0]["sources"] = ["S7.7"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    assert "drill_types.yaml" in str(err.value)
    assert "cable-fire" in str(err.value)
    assert "S7.7" in str(err.value)


def test_two_templates_may_share_an_item_word_for_word(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    data = yaml.safe_load((root / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    data["key"] = "mini2"
    (root / "templates" / "mini2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    content = load_content(root)
    assert {i.key for i in content.templates["mini2"].items()} == {i.key for i in content.templates["mini"].items()}


def test_a_shared_item_key_with_a_different_item_behind_it_is_refused(tmp_path):
    root = seeds_with(tmp_path, lambda d: None)
    data = yaml.safe_load((root / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    data["key"] = "mini2"
    data["sections"][0]["items"][0]["due_days_before_peak"] = 20  # same key, another due rule
    (root / "templates" / "mini2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"mini2\.yaml.*mini-plan-approved.*shared with template mini"):
        load_content(root)
