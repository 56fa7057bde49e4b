"""Fuzzing the content load (manage.py init, which reads seeds/ and loads its templates, directives and drill
types): the fixture seeds with a template, the directives or the drill catalogue changed at random — a value
replaced by text with control characters, an enormous number, a list, nothing; a field dropped or added; keys
repeated; the text cut short, nested without end or not UTF-8 — and new template files. Whatever comes in,
the load either brings the database to exactly what the files say (leaving a version a season has pinned as
it was), or refuses with a ContentError naming the file and the place (its problem in both languages), or a
domain error, and the database exactly as before."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from admin.setup import initialize
from content.bundle import content_hash, load_content
from core.errors import ContentError, DomainError
from store.db import snapshot
from store.schema import CampaignTemplate, Template
from tests.conftest import FIXTURE_SEEDS, NOW, build_world
from tests.integration.fuzz_support import assert_clear_refusal, cjk_text, dump, hostile_text, note

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
FILES = ("templates/mini.yaml", "templates/mini.yaml", "templates/mini.yaml", "directives.yaml", "drill_types.yaml")

# What a value in a seed file may become: text with control characters or formulas (YAML writes control
# characters as escapes such as \0), numbers too big for any column, wrong types, nothing.
VALUES = st.one_of(
    hostile_text(), cjk_text(), st.sampled_from(["", " ", "=1+1", "测试 =HYPERLINK(\"x\")"]),
    st.integers(), st.sampled_from([2**31, 2**63, 10**30, -1, 0, 1, 2, 1.5, float("nan"), float("inf"), True, None]),
    st.lists(st.sampled_from(["S1.1a", "S9.9z", "", "dispatch", "county", 3]), max_size=3),
    st.dictionaries(st.sampled_from(["key", "x", "text_zh"]), st.sampled_from(["a", 1, None]), max_size=2),
)


def paths(node: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a parsed YAML tree: dict keys and list positions, the root excluded."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += [(*at, key), *paths(value, (*at, key))]
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += [(*at, i), *paths(value, (*at, i))]
    return found


def parent_of(tree: Any, path: tuple) -> Any:
    for step in path[:-1]:
        tree = tree[step]
    return tree


@st.composite
def mutated(draw: st.DrawFn, tree: Any) -> Any:
    """The tree with one to three places changed: a value replaced, a field dropped, a field added, an entry
    of a list repeated (a key twice) or dropped."""
    for _ in range(draw(st.integers(1, 3))):
        places = paths(tree)
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent, last = parent_of(tree, path), path[-1]
        how = draw(st.sampled_from(["replace", "replace", "drop", "add", "repeat"]))
        if how == "replace":
            parent[last] = draw(VALUES)
        elif how == "drop":
            del parent[last]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "text_zh", "version", "key"]))] = draw(VALUES)
        elif how == "repeat" and isinstance(parent, list):
            parent.insert(last, parent[last])
    return tree


@st.composite
def seed_texts(draw: st.DrawFn) -> tuple[str, bytes]:
    """One seed file's new content: its YAML changed at random and written back, or its text damaged."""
    name = draw(st.sampled_from(FILES))
    original = (FIXTURE_SEEDS / name).read_text(encoding="utf-8")
    how = draw(st.sampled_from(["tree", "tree", "tree", "version", "line twice", "cut", "deep", "bytes"]))
    if how == "tree":
        tree = draw(mutated(yaml.safe_load(original)))
        return name, yaml.safe_dump(tree, allow_unicode=draw(st.booleans()), sort_keys=False).encode()
    if how == "version":  # the same template as another version, or a new version with a change
        version = draw(st.sampled_from([1, 2, 3, 2**31 - 1, 2**31]))
        text = original.replace("version: 1", f"version: {version}")
        if draw(st.booleans()):
            text = text.replace("值班表已发布", draw(st.sampled_from(["值班表已发布并公示", "值班表\\0已发布"])))
        return "templates/mini.yaml", text.encode()
    if how == "line twice":
        lines = original.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        return name, "".join([*lines[:i + 1], lines[i], *lines[i + 1:]]).encode()
    if how == "cut":
        return name, original.encode()[:draw(st.integers(0, len(original.encode()) - 1))]
    if how == "deep":
        depth = draw(st.sampled_from([50, 500, 5000]))
        return name, (original + "\nextra: " + "[" * depth + "]" * depth + "\n").encode()
    return name, draw(st.binary(max_size=512))


@st.composite
def new_templates(draw: st.DrawFn) -> tuple[str, bytes]:
    """A new template file: the mini template under another key (the file's name), changed at random."""
    key = draw(st.sampled_from(["fz", "fz-two", "FZ", "fz_three", "mini"]))
    tree = yaml.safe_load((FIXTURE_SEEDS / "templates" / "mini.yaml").read_text(encoding="utf-8"))
    tree["key"] = draw(st.sampled_from([key, key, "other"]))
    for section in tree["sections"]:
        for item in section["items"]:  # its own item keys, unless a shared one is kept on purpose
            item["key"] = draw(st.sampled_from([item["key"].replace("mini", "fz"), item["key"]]))
    if draw(st.booleans()):
        tree = draw(mutated(tree))
    return f"templates/{key}.yaml", yaml.safe_dump(tree, allow_unicode=True).encode()


@pytest.fixture
def world(engine):
    return build_world(engine)  # the campaign pins mini v1


def pinned_templates(engine) -> dict[tuple[str, int], str]:
    with snapshot(engine) as s:
        return dict(((r.key, r.version), r.content_hash) for r in s.scalars(
            select(Template).join(CampaignTemplate, CampaignTemplate.template_id == Template.id)))


def load_loaded_or_refused(world, files: list[tuple[str, bytes]]) -> None:
    seeds = Path(tempfile.mkdtemp(prefix="fuzz-seeds-"))
    try:
        shutil.copytree(FIXTURE_SEEDS, seeds, dirs_exist_ok=True)
        for name, content in files:
            (seeds / name).write_bytes(content)
        before, pinned = dump(world.engine), pinned_templates(world.engine)
        try:
            initialize(world.engine, seeds, now=NOW)
        except (ContentError, DomainError) as exc:
            note(f"refused: {type(exc).__name__} {getattr(exc, 'code', '')}")
            assert_clear_refusal(exc)
            assert dump(world.engine) == before
            return
        except Exception as exc:  # anything else is a bug of the loader
            raise AssertionError(f"{type(exc).__name__}: {exc} for {files!r}"[:2000]) from exc
        note("loaded")
        content = load_content(seeds)
        with snapshot(world.engine) as s:
            stored = {(r.key, r.version): r.content_hash for r in s.scalars(select(Template))}
        for template in content.templates.values():
            assert stored[(template.key, template.version)] == content_hash(template)
        assert pinned_templates(world.engine) == pinned  # a pinned version never changes
    finally:
        shutil.rmtree(seeds, ignore_errors=True)


@FUZZ
@given(file=seed_texts())
def test_any_change_to_a_seed_file_is_loaded_exactly_or_refused_clearly_changing_nothing(world, file):
    load_loaded_or_refused(world, [file])


@FUZZ
@given(files=st.lists(new_templates(), min_size=1, max_size=2))
def test_a_new_template_file_is_added_exactly_or_refused_clearly_changing_nothing(world, files):
    load_loaded_or_refused(world, files)


@pytest.mark.parametrize(("text", "problem"), [
    ("version: 2147483648", "less than or equal to 2147483647"),  # was a DataError / OverflowError
    ('text_zh: "值班表\\0已发布"', "control character"),  # was a DataError on PostgreSQL
    ('text_zh: "值班表\\ud800已发布"', "control character"),  # was a UnicodeEncodeError
    ("version: 1\nversion: 2", "found the key 'version' twice"),  # was silently version 2
    ("extra: " + "[" * 5000 + "]" * 5000, "nested too deeply"),  # was a RecursionError
])
def test_the_loader_names_what_is_wrong_where_a_database_error_or_a_crash_used_to_be(world, text, problem):
    original = (FIXTURE_SEEDS / "templates" / "mini.yaml").read_text(encoding="utf-8")
    if text.startswith("text_zh"):
        changed = original.replace("text_zh: 值班表已发布", text)
    elif text.startswith("version"):
        changed = original.replace("version: 1", text)
    else:
        changed = original + "\n" + text + "\n"
    before = dump(world.engine)
    seeds = Path(tempfile.mkdtemp(prefix="fuzz-seeds-"))
    try:
        shutil.copytree(FIXTURE_SEEDS, seeds, dirs_exist_ok=True)
        (seeds / "templates" / "mini.yaml").write_text(changed, encoding="utf-8")
        with pytest.raises(ContentError) as refused:
            initialize(world.engine, seeds, now=NOW)
    finally:
        shutil.rmtree(seeds, ignore_errors=True)
    assert refused.value.file.endswith("mini.yaml") and problem in refused.value.problem
    assert_clear_refusal(refused.value)
    assert dump(world.engine) == before
