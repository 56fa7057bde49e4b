"""A database made by an earlier release migrates to this one without losing a single event, and every
unit's readiness series reads exactly as that release showed it, on every day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

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


LOG_WRITES = ["UPDATE checklist_events SET text = 'rewritten'", "DELETE FROM checklist_events",
              "UPDATE evidence_files SET file_name = 'other.pdf'", "DELETE FROM evidence_files"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _attach_as_lead(engine) -> None:
    """Attach a file to the first open one-off item of a unit of the lead's, as the lead."""
    from sqlalchemy import select

    from checklists.evidence import attach_evidence
    from core.config import Settings
    from org.models import Actor
    from store.db import transaction
    from store.schema import ChecklistStatus, OrgUnit, User

    with transaction(engine) as s:
        lead = s.scalar(select(User).where(User.username == "lead"))
        status = s.scalars(select(ChecklistStatus).join(OrgUnit, OrgUnit.id == ChecklistStatus.unit_id)
                           .where(OrgUnit.code == "C1-K1").order_by(ChecklistStatus.item_id)).first()
        attach_evidence(status.campaign_id, status.unit_id, status.item_id, status.occurrence, "plan.pdf", PDF,
                        expected_version=status.version, session=s, actor=Actor(lead.id, lead.username,
                                                                               lead.display_name),
                        now=status.updated_at or datetime(2026, 11, 2, 3, tzinfo=UTC),
                        settings=Settings(evidence_dir=None))


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.stem for f in FIXTURE_FILES])
def test_after_the_upgrade_the_log_takes_evidence_and_it_and_the_files_still_refuse_updates_and_deletes(
        empty_engine, fixture):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from store.db import transaction

    data = json.loads(fixture.read_text(encoding="utf-8"))
    load(empty_engine, data)
    migrate(empty_engine)
    _attach_as_lead(empty_engine)
    with snapshot(empty_engine) as s:
        kept = observed(empty_engine, campaign_ids(session=s), date.fromisoformat(data["observed"]["end"]))["events"]
        assert all(projection_differences(cid, session=s) == [] for cid in campaign_ids(session=s))
    assert kept[:-1] == data["observed"]["events"] and kept[-1][4] == "evidence"
    for statement in LOG_WRITES:
        with pytest.raises(DBAPIError, match="append-only"), transaction(empty_engine) as s:
            s.execute(text(statement))
    with snapshot(empty_engine) as s:
        assert s.execute(text("SELECT COUNT(*) FROM template_items WHERE requires_evidence")).scalar() == 0


def test_a_downgrade_keeps_the_log_unless_it_holds_evidence_which_it_refuses(empty_engine):
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from store.db import alembic_config
    from store.schema import ChecklistEvent

    fixture = FIXTURE_FILES[-1]
    data = json.loads(fixture.read_text(encoding="utf-8"))
    load(empty_engine, data)
    migrate(empty_engine)
    command.downgrade(alembic_config(empty_engine), "0007")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM checklist_events")).scalar() == len(data["observed"]["events"])
    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
        conn.execute(text("DELETE FROM checklist_events"))
    migrate(empty_engine)
    _attach_as_lead(empty_engine)
    with pytest.raises(RuntimeError, match="Cannot downgrade"):
        command.downgrade(alembic_config(empty_engine), "0007")
    assert schema_state(empty_engine) == "ready"
    with snapshot(empty_engine) as s:
        assert s.query(ChecklistEvent).filter(ChecklistEvent.action == "evidence").count() == 1


def _drill_type_rows(engine) -> list[dict]:
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(engine, only=["drill_types"])
    table = meta.tables["drill_types"]
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(table).order_by(table.c.id)).mappings()]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.stem for f in FIXTURE_FILES])
def test_drill_types_of_an_earlier_database_get_a_plan_level_and_forms_and_init_then_loads_their_details(
        empty_engine, fixture):
    from admin.setup import initialize
    from tests.conftest import FIXTURE_SEEDS, NOW

    data = json.loads(fixture.read_text(encoding="utf-8"))
    assert data["tables"]["drill_types"], "the fixture should hold a drill type to carry over"
    load(empty_engine, data)
    migrate(empty_engine)

    (row,) = _drill_type_rows(empty_engine)
    assert "scopes" not in row and "modes" not in row
    assert (row["plan_level"], _json(row["forms"])) == ("special", ["full_scale"])  # was single_subject, live
    assert _json(row["roles"]) == ["controller", "evaluator"] and _json(row["injects"]) == []
    assert row["name_zh"] == data["tables"]["drill_types"][0]["name_zh"]
    assert row["content_hash"] == ""  # the next init loads the seed file's content over it

    _, report = initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    assert "drill type cable-fire" in report.updated
    assert report.added == ["drill rule onsite-plan-half-year"]
    (row,) = _drill_type_rows(empty_engine)
    assert (row["plan_level"], _json(row["forms"])) == ("onsite", ["tabletop", "full_scale"])
    assert [i["key"] for i in _json(row["injects"])] == ["cf-inj-alarm", "cf-inj-smoke"]


def test_a_downgrade_below_0009_gives_drill_types_their_scopes_and_modes_back_and_drops_the_rules(empty_engine):
    from alembic import command
    from sqlalchemy import inspect

    from admin.setup import initialize
    from store.db import alembic_config
    from tests.conftest import FIXTURE_SEEDS, NOW

    load(empty_engine, json.loads(FIXTURE_FILES[-1].read_text(encoding="utf-8")))
    initialize(empty_engine, FIXTURE_SEEDS, now=NOW)
    command.downgrade(alembic_config(empty_engine), "0008")

    assert "drill_rules" not in inspect(empty_engine).get_table_names()
    (row,) = _drill_type_rows(empty_engine)
    assert (_json(row["scopes"]), _json(row["modes"])) == (["single_subject"], ["live", "tabletop"])
    assert "plan_level" not in row and "injects" not in row

    _, report = initialize(empty_engine, FIXTURE_SEEDS, now=NOW)  # and up again
    assert schema_state(empty_engine) == "ready"
    assert report.updated == ["drill type cable-fire"] and report.added == ["drill rule onsite-plan-half-year"]
