"""A database made by an earlier release migrates to this one without losing a single event, and every
unit's readiness series reads exactly as that release showed it, on every day."""

from __future__ import annotations

import json
from datetime import date

import pytest

from checklists.rebuild import campaign_ids, projection_differences
from store.db import migrate, schema_state, snapshot
from tests.upgrade_fixtures import FIXTURES, load, observed

FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))


def test_there_is_a_database_of_an_earlier_release_to_upgrade():
    assert FIXTURE_FILES, "no fixture in tests/fixtures/upgrade (python -m tests.upgrade_fixtures writes one)"


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.stem for f in FIXTURE_FILES])
def test_an_earlier_database_migrates_with_every_event_and_every_days_readiness_kept(empty_engine, fixture):
    data = json.loads(fixture.read_text(encoding="utf-8"))
    load(empty_engine, data)
    assert schema_state(empty_engine) != "ready" or data["revision"] == _head(empty_engine)

    migrate(empty_engine)

    assert schema_state(empty_engine) == "ready"
    before = data["observed"]
    with snapshot(empty_engine) as s:
        ids = campaign_ids(session=s)
    after = observed(empty_engine, ids, date.fromisoformat(before["end"]))
    assert after["events"] == before["events"]
    assert after["series"].keys() == before["series"].keys()
    for root, days in before["series"].items():
        assert after["series"][root] == days, f"readiness of {root} changed"
    with snapshot(empty_engine) as s:
        assert all(projection_differences(cid, session=s) == [] for cid in ids)


def _head(engine) -> str:
    from alembic.script import ScriptDirectory

    from store.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
