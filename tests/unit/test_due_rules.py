"""Each item has exactly one due rule — days before the peak, a recurrence, or the events that trigger
it — and loading refuses a template that gives none, two, or a one-off item built on a recurring one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content.bundle import content_hash, load_content
from core.errors import ContentError
from tests.conftest import FIXTURE_SEEDS, ROOT
from tests.seed_copies import mini_seeds_with

PEAK_TEMPLATE = ROOT / "tests" / "fixtures" / "season" / "mini-peak.yaml"


def refusal(seeds: Path) -> ContentError:
    with pytest.raises(ContentError) as err:
        load_content(seeds)
    return err.value


def test_an_item_with_a_recurrence_and_due_days_is_refused_naming_both_rules(tmp_path):
    err = refusal(mini_seeds_with(tmp_path, "recurs", {"mini-duty-roster": "weekly"}))
    assert "mini-duty-roster" in err.problem or "mini-duty-roster" in err.where
    assert "due_days_before_peak, recurs" in err.problem
    assert "期限规则" in err.problem_in("zh")


def test_an_item_with_no_due_rule_is_refused(tmp_path):
    err = refusal(mini_seeds_with(tmp_path, "due_days_before_peak", {"mini-duty-roster": None}))
    assert "has none" in err.problem


def test_an_unknown_recurrence_or_event_kind_is_refused(tmp_path):
    refusal(mini_seeds_with(tmp_path / "a", "recurs", {"mini-duty-roster": "daily"}))
    bad_trigger = {"mini-duty-roster": {"events": ["earthquake"], "when": "before", "hours": 4}}
    refusal(mini_seeds_with(tmp_path / "b", "trigger", bad_trigger))


def test_a_one_off_item_cannot_build_on_a_recurring_one(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    data = yaml.safe_load(PEAK_TEMPLATE.read_text(encoding="utf-8"))
    data["sections"][0]["items"].append({
        "key": "mini-patrol-report", "text_zh": "巡视总结已上报", "text_en": "The patrol summary is reported",
        "sources": ["S1.2b"], "criticality": "normal", "discipline": "operations", "due_days_before_peak": 5,
        "after": ["mini-weekly-patrol"], "evidence_zh": "总结", "evidence_en": "Summary"})
    (seeds / "templates" / "mini-peak.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    err = refusal(seeds)
    assert "mini-patrol-report" in err.where or "mini-patrol-report" in err.problem
    assert "mini-weekly-patrol" in err.problem and "recurring" in err.problem


def test_recurring_and_triggered_items_load_with_their_rules(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    shutil.copy(PEAK_TEMPLATE, seeds / "templates")
    items = {i.key: i for i in load_content(seeds).templates["mini-peak"].items()}
    assert (items["mini-weekly-patrol"].recurs, items["mini-weekly-patrol"].recurs_within) == ("weekly", "peak")
    assert items["mini-monthly-review"].recurs_within == "season"
    trigger = items["mini-brace-before"].trigger
    assert (trigger.events, trigger.when, trigger.hours) == (["typhoon"], "before", 24)
    assert {i.kind for i in items.values()} == {"recurring", "triggered"}


def test_a_one_off_item_hashes_as_before_the_new_rules_existed():
    # The fixture template `mini` has only one-off items: its content hash is the one pinned in the
    # upgrade fixtures, so seasons pinned to it stay loadable.
    content = load_content(FIXTURE_SEEDS)
    dumped = content.templates["mini"].model_dump()
    assert all("recurs" not in i and "trigger" not in i and "recurs_within" not in i
               for s in dumped["sections"] for i in s["items"])
    assert content_hash(content.templates["mini"]) == _pinned_hash()


def _pinned_hash() -> str:
    import json

    world = json.loads((ROOT / "tests" / "fixtures" / "upgrade" / "world-0005.json").read_text(encoding="utf-8"))
    [row] = [t for t in world["tables"]["templates"] if t["key"] == "mini"]
    return row["content_hash"]
