"""An item may name the items it builds on (`after`); loading refuses a template whose due dates contradict that order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from content.bundle import content_hash, load_content
from core.errors import ContentError
from tests.conftest import FIXTURE_SEEDS, REAL_SEEDS
from tests.seed_copies import mini_seeds_with

# The mini fixture: mini-plan-approved (due 30 days before the peak), mini-duty-roster (7),
# mini-cable-patrol (15), mini-cable-seal (10 days after the peak starts).


def seeds_with(tmp_path: Path, **after: list[str]) -> Path:
    """A copy of the fixture seeds whose `mini` items get the given `after` lists (by item key)."""
    return mini_seeds_with(tmp_path, "after", after)


def refusal(seeds: Path) -> ContentError:
    with pytest.raises(ContentError) as err:
        load_content(seeds)
    return err.value


def test_an_item_due_before_an_item_it_builds_on_is_refused_naming_both(tmp_path):
    # The plan (due 30 days before) cannot build on the roster (due 7 days before): it would fall due first.
    err = refusal(seeds_with(tmp_path, **{"mini-plan-approved": ["mini-duty-roster"]}))
    assert "mini.yaml" in err.file
    assert "mini-plan-approved" in err.where
    assert "mini-duty-roster" in err.problem
    assert "30 days before the peak" in err.problem and "7 days before the peak" in err.problem
    assert "高峰前30天" in err.problem_in("zh") and "mini-duty-roster" in err.problem_in("zh")


def test_an_item_due_after_the_peak_starts_cannot_come_before_what_it_builds_on(tmp_path):
    err = refusal(seeds_with(tmp_path, **{"mini-cable-patrol": ["mini-cable-seal"]}))
    assert "mini-cable-patrol" in err.where
    assert "10 days after the peak starts" in err.problem


def test_an_item_due_after_or_on_the_same_day_as_what_it_builds_on_is_accepted(tmp_path):
    content = load_content(seeds_with(tmp_path, **{
        "mini-duty-roster": ["mini-plan-approved", "mini-cable-patrol"],
        "mini-cable-seal": ["mini-cable-patrol"],
    }))
    items = {i.key: i for i in content.templates["mini"].items()}
    assert items["mini-duty-roster"].after == ["mini-plan-approved", "mini-cable-patrol"]


def test_an_after_key_that_is_no_item_of_the_template_is_refused(tmp_path):
    err = refusal(seeds_with(tmp_path, **{"mini-duty-roster": ["mini-no-such-item"]}))
    assert "mini-duty-roster" in err.where
    assert "mini-no-such-item" in err.problem
    assert "not an item of this template" in err.problem


def test_an_after_key_in_another_template_is_refused_because_due_days_count_from_different_seasons(tmp_path):
    root = seeds_with(tmp_path, **{"mini-duty-roster": ["other-plan"]})
    other = {
        "key": "other", "version": 1, "name_zh": "另一模板", "name_en": "Other",
        "sections": [{"key": "s", "title_zh": "分区", "title_en": "Section", "items": [{
            "key": "other-plan", "text_zh": "方案已批准", "text_en": "The plan is approved", "sources": ["S1.2b"],
            "criticality": "major", "discipline": "dispatch", "due_days_before_peak": 60,
            "evidence_zh": "批准文件", "evidence_en": "Approval",
        }]}],
    }
    (root / "templates" / "other.yaml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    err = refusal(root)
    assert "other-plan" in err.problem and "not an item of this template" in err.problem


def test_a_dependency_cycle_is_refused_naming_its_items(tmp_path):
    # Same due day, so only the cycle itself is wrong.
    root = seeds_with(tmp_path, **{"mini-cable-patrol": ["mini-plan-approved"], "mini-plan-approved": ["mini-cable-patrol"]})
    path = root / "templates" / "mini.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("due_days_before_peak: 15", "due_days_before_peak: 30"),
                    encoding="utf-8")
    err = refusal(root)
    assert "cycle" in err.problem
    assert "mini-plan-approved" in err.problem and "mini-cable-patrol" in err.problem
    assert "成环" in err.problem_in("zh")


def test_an_item_that_builds_on_itself_is_refused(tmp_path):
    err = refusal(seeds_with(tmp_path, **{"mini-duty-roster": ["mini-duty-roster"]}))
    assert "mini-duty-roster" in err.where
    assert "itself" in err.problem


def test_an_after_key_that_is_not_a_key_is_refused(tmp_path):
    err = refusal(seeds_with(tmp_path, **{"mini-duty-roster": ["Plan Approved"]}))
    assert "mini-duty-roster" in str(err)
    assert "after" in str(err)


def test_a_template_without_after_keeps_its_content_hash(tmp_path):
    # A pinned template version that does not use `after` must still load unchanged.
    plain = load_content(FIXTURE_SEEDS).templates["mini"]
    assert all("after" not in item for s in plain.model_dump()["sections"] for item in s["items"])
    with_after = load_content(seeds_with(tmp_path, **{"mini-duty-roster": ["mini-plan-approved"]})).templates["mini"]
    assert content_hash(with_after) != content_hash(plain)


# ── The shipped templates ──

ISSUE_ORDERS = [
    ("summer-peak", "sp-orderly-plan-approved", "sp-grid-reserve-capacity"),
    ("summer-peak", "sp-orderly-plan-approved", "sp-orderly-customer-check"),
    ("summer-peak", "sp-orderly-plan-approved", "sp-orderly-shedding-sequence"),
    ("summer-peak", "sp-orderly-plan-approved", "sp-publicity-government-report"),
    ("summer-peak", "grid-anti-accident-drill", "grid-contingency-analysis"),
    ("black-start", "bs-staff-training-exam", "bs-plan-issued-to-sites"),
]


def test_the_shipped_templates_load():
    content = load_content(REAL_SEEDS)
    assert set(content.templates) == {"summer-peak", "typhoon-flood", "black-start", "safety-inspection"}


@pytest.mark.parametrize(("template", "item", "builds_on"), ISSUE_ORDERS, ids=[f"{i}-after-{d}" for _, i, d in ISSUE_ORDERS])
def test_the_shipped_templates_keep_the_orders_the_work_is_done_in(template, item, builds_on):
    items = {i.key: i for i in load_content(REAL_SEEDS).templates[template].items()}
    assert builds_on in items[item].after
    assert items[item].due_days_before_peak <= items[builds_on].due_days_before_peak


def test_the_shipped_load_forecast_is_due_in_the_first_quarter():
    items = {i.key: i for i in load_content(REAL_SEEDS).templates["summer-peak"].items()}
    assert items["sp-grid-load-forecast"].due_days_before_peak >= 90


@pytest.mark.parametrize(("template", "item"), [
    ("summer-peak", "sp-service-hotline-seats"),
    ("typhoon-flood", "tf-comms-public-notices"),
    ("safety-inspection", "si-people-heat-measures"),
])
def test_shipped_outcomes_measured_during_the_season_recur_within_the_peak(template, item):
    items = {i.key: i for i in load_content(REAL_SEEDS).templates[template].items()}
    assert items[item].recurs in ("weekly", "monthly") and items[item].recurs_within == "peak"
    assert items[item].due_days_before_peak is None


@pytest.mark.parametrize("item", [
    "si-src-design-review", "si-src-procurement-spec", "safety-responsibility-letters", "si-resp-supervision-body",
])
def test_shipped_standing_checks_are_not_overdue_when_a_spring_campaign_opens(item):
    items = {i.key: i for i in load_content(REAL_SEEDS).templates["safety-inspection"].items()}
    assert items[item].due_days_before_peak <= 90
