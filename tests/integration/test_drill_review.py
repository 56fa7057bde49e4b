"""After a drill, through the services on a real database: each objective is rated P / S / M / U with its
strengths and areas for improvement, the after-action report is issued once every objective is rated (the
drill is then reviewed), and a corrective action lands on its owner unit's checklist, where it counts in
the unit's readiness until it is ticked done with evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from checklists import campaigns, changes, evidence, queries, rebuild
from checklists.corrective import CORRECTIVE_TEMPLATE
from core.config import Settings
from core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, StaleWrite
from drills import planning, review
from readiness import on_time
from readiness.series import unit_readiness
from store.db import snapshot, transaction
from store.schema import CorrectiveAction, DrillLogEntry
from tests.conftest import NOW
from tests.integration.test_drill_planning import at, plan  # noqa: F401  (plan is a fixture)
from tests.integration.test_evidence import png

HELD_AT = at(2026, 12, 8, 13)
AFTER = at(2026, 12, 9, 10)


@pytest.fixture
def held(plan):  # noqa: F811
    """A tabletop drill of C1-K1 and C1-K2 with evaluator `eva`, held on 2026-12-08 with both units."""
    saved = plan.save(plan.draft(start=at(2026, 12, 8), units=("C1-K1", "C1-K2"), evaluators=("eva",)))
    with transaction(plan.engine) as s:
        planning.set_status(saved.drill_id, "ready", expected_version=1, session=s, actor=plan.people["coord"],
                            now=NOW)
        planning.record_conducted(saved.drill_id, attended_unit_ids=[plan.units["C1-K1"], plan.units["C1-K2"]],
                                  attended_person_ids=[plan.people["eva"].user_id], expected_version=2, session=s,
                                  actor=plan.people["coord"], now=HELD_AT)
    plan.drill_id = saved.drill_id
    return plan


def objectives(world) -> list[str]:
    with snapshot(world.engine) as s:
        return [e.objective_key for e in review.evaluations(world.drill_id, session=s)]


def rate(world, key: str, rating: str, who: str = "eva", **texts) -> None:
    with transaction(world.engine) as s:
        review.evaluate(world.drill_id, key, rating, session=s, actor=world.people[who], now=AFTER, **texts)


def the_report(world) -> review.Report:
    with snapshot(world.engine) as s:
        return review.report(world.drill_id, session=s, aar_due_days=14)


def save(world, summary: str, version: int, who: str = "coord") -> int:
    with transaction(world.engine) as s:
        return review.save_report(world.drill_id, summary, expected_version=version, session=s,
                                  actor=world.people[who], now=AFTER, aar_due_days=14)


def issue(world, version: int, who: str = "coord") -> None:
    with transaction(world.engine) as s:
        review.issue_report(world.drill_id, expected_version=version, session=s, actor=world.people[who], now=AFTER)


def raise_action(world, unit: str = "C1-K1", who: str = "coord", **more) -> int:
    values = {"description": "补充抢修队夜间集结的联系名单", "due_on": date(2026, 12, 20), "criticality": "major"} | more
    with transaction(world.engine) as s:
        return review.raise_action(world.drill_id, unit_id=world.units[unit], session=s, actor=world.people[who],
                                   now=AFTER, **values)


def checklist_row(world, unit: str, occurrence: str) -> queries.ChecklistRow:
    with snapshot(world.engine) as s:
        return next(r for r in queries.unit_checklist(world.campaign_id, world.units[unit], session=s)
                    if r.occurrence == occurrence)


def readiness_of(world, unit: str, as_of: date) -> tuple[int, int]:
    with snapshot(world.engine) as s:
        table = unit_readiness(world.campaign_id, as_of, session=s)
    row = table[table["unit_id"] == world.units[unit]].iloc[0]
    return int(row["done"]), int(row["total"])


def test_the_evaluator_rates_every_objective_and_issuing_the_report_marks_the_drill_reviewed(held):
    keys = objectives(held)
    assert keys and the_report(held).rated == 0
    for key in keys:
        rate(held, key, "P", strengths="汇报链条清晰")
    version = save(held, "推演总体顺利，通信保障需加强", 0)
    report = the_report(held)
    assert (report.status, report.version, report.rated) == ("draft", 1, len(keys))
    assert report.due_on == date(2026, 12, 22)  # the drill's day + 14 days
    issue(held, version)
    report = the_report(held)
    assert report.status == "issued" and report.issued_by == "Coord" and not report.overdue(date(2027, 1, 30))
    with snapshot(held.engine) as s:
        assert planning.get_drill(held.drill_id, session=s).status == "reviewed"
        kinds = [e.kind for e in s.scalars(select(DrillLogEntry).where(DrillLogEntry.drill_id == held.drill_id))]
    assert kinds.count("evaluation") == len(keys) and "report" in kinds and kinds[-1] == "status"


def test_a_rating_is_replaced_and_the_log_keeps_what_it_replaced(held):
    key = objectives(held)[0]
    rate(held, key, "S", improvements="信息报送偏慢")
    rate(held, key, "P", strengths="复评通过")
    evaluation = the_report(held).evaluations[0]
    assert (evaluation.rating, evaluation.strengths, evaluation.improvements) == ("P", "复评通过", "")
    with snapshot(held.engine) as s:
        entries = [e.data for e in s.scalars(select(DrillLogEntry).where(DrillLogEntry.kind == "evaluation")
                                             .order_by(DrillLogEntry.id))]
    assert entries[-1]["before"]["rating"] == "S" and entries[-1]["after"]["rating"] == "P"


@pytest.mark.parametrize(("rating", "texts", "error", "code"), [
    ("M", {}, InvalidInput, "rev.improvement_required"),
    ("U", {"strengths": "到位及时"}, InvalidInput, "rev.improvement_required"),
    ("X", {}, InvalidInput, "rev.bad_rating"),
    ("P", {"strengths": "长" * 5000}, InvalidInput, "rev.text_too_long"),
])
def test_a_bad_evaluation_is_refused_in_the_users_language_and_nothing_is_stored(held, rating, texts, error, code):
    with pytest.raises(error) as refused:
        rate(held, objectives(held)[0], rating, **texts)
    assert refused.value.code == code
    assert the_report(held).rated == 0


def test_an_unknown_objective_is_refused(held):
    with pytest.raises(NotFound):
        rate(held, "no-such-objective", "P")


def test_only_an_evaluator_or_a_reviewing_coordinator_evaluates(held):
    with pytest.raises(Forbidden):
        rate(held, objectives(held)[0], "P", who="lead")
    rate(held, objectives(held)[0], "P", who="coord")  # drill.review on the lead unit
    assert the_report(held).evaluations[0].evaluator == "Coord"


def test_a_drill_not_yet_held_cannot_be_evaluated(plan):  # noqa: F811
    saved = plan.save(plan.draft(start=at(2026, 12, 8), evaluators=("eva",)))
    plan.drill_id = saved.drill_id
    with pytest.raises(InvalidTransition) as refused:
        rate(plan, objectives(plan)[0], "P")
    assert refused.value.code == "rev.not_held"


def test_issuing_needs_a_summary_and_every_objective_rated_and_then_the_evaluations_are_final(held):
    keys = objectives(held)
    with pytest.raises(InvalidInput) as refused:
        issue(held, 0)
    assert refused.value.code == "rev.summary_required"
    version = save(held, "摘要", 0)
    rate(held, keys[0], "P")
    if len(keys) > 1:
        with pytest.raises(InvalidInput) as refused:
            issue(held, version)
        assert refused.value.code == "rev.unrated" and keys[1] in refused.value.params["objectives"]
    for key in keys[1:]:
        rate(held, key, "S", improvements="需加强")
    issue(held, version)
    with pytest.raises(InvalidTransition) as refused:
        rate(held, keys[0], "U", improvements="迟到")
    assert refused.value.code == "rev.issued"


def test_a_report_saved_meanwhile_by_someone_else_refuses_the_stale_save(held):
    save(held, "第一稿", 0, who="coord")
    with pytest.raises(StaleWrite):
        save(held, "另一份第一稿", 0, who="eva")
    assert the_report(held).summary == "第一稿"


def test_a_corrective_action_is_an_item_of_its_owner_unit_and_weighs_in_readiness_until_closed_with_evidence(held):
    day = AFTER.date() + timedelta(days=1)
    done_before, total_before = readiness_of(held, "C1-K1", day)
    with snapshot(held.engine) as s:
        checks = len(on_time.occurrences(held.campaign_id, session=s))
    action_id = raise_action(held, objective_key=objectives(held)[0], directive_id="S1.2b")
    row = checklist_row(held, "C1-K1", f"A{action_id}")
    assert (row.kind, row.status, row.text_zh, row.due) == ("corrective", "open", "补充抢修队夜间集结的联系名单",
                                                           date(2026, 12, 20))
    assert row.requires_evidence and row.sources == ["S1.2b"] and row.drill_title == "防汛桌面推演"
    assert row.counts_before_peak and row.current(day)
    assert readiness_of(held, "C1-K1", day) == (done_before, total_before + 2)  # major: weight 2
    assert readiness_of(held, "C1-K2", day)[1] == readiness_of(held, "C1-K2", AFTER.date() - timedelta(days=1))[1]

    # A member cannot close it without a file; with one attached the tick goes through.
    member = held.people["eva"]
    with transaction(held.engine) as s, pytest.raises(InvalidInput) as refused:
        changes.mark_done(held.campaign_id, held.units["C1-K1"], row.item_id, expected_version=0,
                          occurrence=row.occurrence, session=s, actor=member, now=AFTER)
    assert refused.value.code == "error.evidence_required"
    with transaction(held.engine) as s:
        evidence.attach_evidence(held.campaign_id, held.units["C1-K1"], row.item_id, row.occurrence, "名单.png", png(),
                                 expected_version=0, session=s, actor=member, now=AFTER,
                                 settings=Settings(evidence_dir=None))
        changes.mark_done(held.campaign_id, held.units["C1-K1"], row.item_id, expected_version=1,
                          occurrence=row.occurrence, session=s, actor=member, now=AFTER)
    assert readiness_of(held, "C1-K1", day) == (done_before + 2, total_before + 2)
    with snapshot(held.engine) as s:
        (action,) = review.corrective_actions(session=s, drill_id=held.drill_id)
        assert action.closed and action.evidence_count == 1 and action.unit_code == "C1-K1"
        assert review.corrective_actions(session=s, campaign_id=held.campaign_id, open_only=True) == []
        # The projections agree with the log, and the on-time rate of the season's checks leaves it out.
        assert rebuild.projection_differences(held.campaign_id, session=s) == []
        assert len(on_time.occurrences(held.campaign_id, session=s)) == checks


def test_an_open_corrective_action_past_its_day_is_overdue_and_lists_as_open(held):
    raise_action(held, unit="C1-K2", criticality="critical", due_on=date(2026, 12, 10))
    with snapshot(held.engine) as s:
        (action,) = review.corrective_actions(session=s, campaign_id=held.campaign_id, open_only=True)
    assert action.criticality == "critical" and action.overdue(date(2026, 12, 11)) and not action.overdue(
        date(2026, 12, 10))
    assert checklist_row(held, "C1-K2", action.occurrence).overdue(date(2026, 12, 11))


@pytest.mark.parametrize(("more", "code"), [
    ({"description": "  "}, "rev.description_required"),
    ({"due_on": date(2026, 12, 1)}, "rev.due_in_past"),
    ({"criticality": "urgent"}, "rev.bad_criticality"),
    ({"directive_id": "S9.9"}, "rev.unknown_directive"),
    ({"concerns_item": "no-such-item"}, "rev.unknown_item"),
    ({"objective_key": "no-such-objective"}, "rev.unknown_objective"),
])
def test_a_bad_corrective_action_is_refused_and_nothing_is_written(held, more, code):
    with pytest.raises((InvalidInput, NotFound)) as refused:
        raise_action(held, **more)
    assert refused.value.code == code
    with snapshot(held.engine) as s:
        assert s.scalars(select(CorrectiveAction)).all() == []
        assert not [r for r in queries.unit_checklist(held.campaign_id, held.units["C1-K1"], session=s)
                    if r.kind == "corrective"]


def test_an_owner_unit_outside_the_drill_and_the_reviewers_scope_is_refused(held):
    with pytest.raises(Forbidden):
        raise_action(held, unit="C2")  # coord reviews C1 only, and C2 was not in the drill
    raise_action(held, unit="C1-DISP")  # not in the drill, but in coord's scope


def test_the_corrective_template_is_not_offered_for_a_season(held):
    raise_action(held)
    with snapshot(held.engine) as s:
        assert CORRECTIVE_TEMPLATE not in {t.key for t in campaigns.template_choices(session=s)}
    with transaction(held.engine) as s, pytest.raises(NotFound):
        campaigns.open_campaign("另一季", CORRECTIVE_TEMPLATE, peak_start=date(2027, 7, 1), starts_on=date(2027, 1, 1),
                                unit_codes=["C1"], session=s, actor=held.people["admin"], now=NOW)


def test_corrective_actions_are_never_deleted_in_the_log(held):
    raise_action(held)
    with held.engine.connect() as c, pytest.raises(DBAPIError):
        c.execute(text("DELETE FROM drill_log WHERE kind = 'action'"))
