"""Who may do what where, proved against the services on SQLite and PostgreSQL.

One table: every role × every action × a unit of the user's own, one in its sub-tree, one
outside it (and the organisation as a whole for the administrators' actions). The roles
are granted on city C1 with its sub-tree (C1-K1 below it; C2 is another city); the admin
holds a grant on the whole organisation. Then what the table cannot show: a grant revoked
or an account deactivated takes effect at the next call, a crafted call for another unit is
refused, an admin ticks only with a unit role too, and the pickers' scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from admin.setup import initialize
from checklists import campaigns, changes, queries
from content.models import UnitSpec
from content.units import load_unit_specs
from core.errors import DomainError, Forbidden, InvalidInput
from core.i18n import t
from org import authz
from org.accounts import create_user
from org.models import Actor
from org.units import import_units
from store.db import make_engine, session_factory, snapshot, transaction
from store.schema import ChecklistEvent, ChecklistStatus, OrgUnit, RoleGrant, TemplateItem, User
from tests.conftest import FIXTURE_SEEDS, NOW, _fresh_pg_database

PASSWORD = "kV-35-ready-for-summer"

# The role table, written out again here (not read from org.authz), so the code is checked against it.
MAY = {
    "unit_member": {"unit.read", "item.done", "item.note", "item.evidence"},
    "unit_lead": {"unit.read", "item.done", "item.note", "item.evidence", "item.na", "item.reopen",
                  "item.waive_evidence", "declaration.sign", "event.declare",
                  "finding.raise"},  # issue 10: findings from inspections
    "drill_coordinator": {"unit.read", "drill.plan", "drill.change", "drill.cancel", "drill.review", "event.declare",
                          "finding.raise"},  # issue 10: findings from inspections
    "executive": {"unit.read", "declaration.sign_company"},  # issue 10: the executive signs the company's
    "admin": {"unit.read", "admin.users", "admin.units", "admin.campaigns", "admin.templates"},
}
ROLES = list(MAY)
UNIT_ACTIONS = ["unit.read", "item.done", "item.note", "item.evidence", "item.na", "item.reopen", "item.waive_evidence",
                "declaration.sign", "declaration.sign_company", "drill.plan", "drill.change", "drill.cancel", "drill.review", "event.declare",
                "finding.raise"]  # issue 10: findings from inspections
ORG_ACTIONS = ["admin.users", "admin.units", "admin.campaigns", "admin.templates"]
PLACES = {"own unit": "C1", "in sub-tree": "C1-K1", "outside": "C2", "organisation": None}


@dataclass
class Org:
    engine: Engine
    campaign_id: int
    units: dict[str, int]
    items: dict[str, int]
    people: dict[str, Actor]

    def unit(self, code: str | None) -> int | None:
        return None if code is None else self.units[code]

    def version(self, s: Session, code: str, item: str) -> int:
        return s.scalar(select(ChecklistStatus.version).where(
            ChecklistStatus.campaign_id == self.campaign_id, ChecklistStatus.unit_id == self.units[code],
            ChecklistStatus.item_id == self.items[item]))

    def change(self, who: str, code: str, item: str, action: str, *, text: str = "") -> changes.ChangeResult:
        """A change as the pages make it: its own transaction, at the version currently stored."""
        with transaction(self.engine) as s:
            return changes.change_item(self.campaign_id, self.units[code], self.items[item], action,
                                       expected_version=self.version(s, code, item), text=text, session=s,
                                       actor=self.people[who], now=NOW)

    def events(self) -> int:
        with snapshot(self.engine) as s:
            return s.scalar(select(func.count()).select_from(ChecklistEvent))


def person(s: Session, username: str, grants: list[tuple[str, str | None]]) -> Actor:
    user = create_user(username, PASSWORD, username.title(), session=s, now=NOW, grants=grants)  # type: ignore[arg-type]
    return Actor(user.id, user.username, user.display_name)


def build_org(engine: Engine) -> Org:
    """The fixture tree (P → C1 → C1-K1, C1-K2; P → C2), one person per role on C1 and its sub-tree, an
    admin of the whole organisation, and a campaign in which item cable-seal is already done everywhere."""
    with transaction(engine) as s:
        import_units(load_unit_specs(FIXTURE_SEEDS / "demo_org.yaml"), session=s)  # the command line
        people = {role: person(s, role, [(role, "C1")]) for role in ROLES if role != "admin"}
        people["admin"] = person(s, "admin", [("admin", None)])
        people["province_lead"] = person(s, "province_lead", [("unit_lead", "P")])
        people["nobody"] = person(s, "nobody", [])
        campaign = campaigns.open_campaign("2027 迎峰度夏", "mini", peak_start=date(2027, 6, 15),
                                           starts_on=date(2026, 10, 1), unit_codes=["P", "C1", "C1-K1", "C1-K2", "C2"],
                                           session=s, actor=people["admin"], now=NOW)
        units = {u.code: u.id for u in s.scalars(select(OrgUnit))}
        items = {i.key.removeprefix("mini-"): i.id for i in s.scalars(select(TemplateItem))}
    org = Org(engine, campaign.id, units, items, people)
    for code in ("C1", "C1-K1", "C2"):
        org.change("province_lead", code, "cable-seal", "done")
    return org


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    """One organisation per engine for the whole table; every attempt in it is rolled back."""
    drop = None
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('authz') / 'authz.db'}")
    else:
        url, drop = _fresh_pg_database(request.getfixturevalue("pg_admin_url"))
        engine = make_engine(url)
    initialize(engine, FIXTURE_SEEDS, now=NOW)
    yield build_org(engine)
    engine.dispose()
    if drop:
        drop()


@pytest.fixture
def fresh_org(engine: Engine) -> Org:
    """An organisation of its own, for tests that change grants or accounts."""
    return build_org(engine)


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        try:
            yield s
        finally:
            s.rollback()


def service_for(org: Org, action: str, code: str | None) -> Callable[[Session, Actor], object]:
    """The use-case that takes `action`, as a call of (session, actor); the bare check where no service exists yet
    (evidence, declarations, drills and templates come with later issues)."""
    unit_id, cid = org.unit(code), org.campaign_id

    def change(item: str, kind: str, text: str = "") -> Callable[[Session, Actor], object]:
        return lambda s, a: changes.change_item(cid, unit_id, org.items[item], kind, text=text, session=s, actor=a,
                                                now=NOW, expected_version=org.version(s, code, item))

    services: dict[str, Callable[[Session, Actor], object]] = {
        "unit.read": lambda s, a: queries.unit_checklist(cid, unit_id, session=s, actor=a),
        "item.done": change("plan-approved", "done"),
        "item.note": change("duty-roster", "note", "已与调度确认"),
        "item.na": change("cable-patrol", "na", "本单位无电缆隧道"),
        "item.reopen": change("cable-seal", "reopen"),
        "admin.campaigns": lambda s, a: campaigns.open_campaign(
            "2027 防汛", "mini", peak_start=date(2027, 5, 1), starts_on=date(2026, 11, 1), unit_codes=["C2"],
            session=s, actor=a, now=NOW),
        "admin.units": lambda s, a: import_units(
            [UnitSpec(code="C3", name_zh="丙市公司", name_en="City C", kind="city")], parent_code="P", session=s,
            actor=a),
        "admin.users": lambda s, a: create_user("newcomer", "summer-grid-2027-peak", "新同事", session=s, now=NOW,
                                                grants=[("unit_member", "C2")], actor=a),
    }
    return services.get(action, lambda s, a: authz.authorize(a, action, unit_id, session=s))


def cases() -> Iterator[pytest.param]:
    for role in ROLES:
        for place, code in PLACES.items():
            for action in UNIT_ACTIONS if code else ORG_ACTIONS:
                may = action in MAY[role] and (place != "outside" or role == "admin")
                yield pytest.param(role, action, place, may,
                                   id=f"{role}-{action}-{place.replace(' ', '_')}-{'allowed' if may else 'refused'}")


@pytest.mark.parametrize(("role", "action", "place", "may"), list(cases()))
def test_who_may_do_what_where(org, role, action, place, may):
    attempt = service_for(org, action, PLACES[place])
    with rolled_back(org.engine) as s:
        if may:
            attempt(s, org.people[role])
        else:
            with pytest.raises(Forbidden):
                attempt(s, org.people[role])
    with snapshot(org.engine) as s:
        assert authz.allowed(org.people[role], action, org.unit(PLACES[place]), session=s) is may


def test_a_crafted_call_for_another_units_item_is_refused_and_logs_nothing(fresh_org):
    before = fresh_org.events()
    with pytest.raises(Forbidden) as refused:
        fresh_org.change("unit_lead", "C2", "plan-approved", "done")  # C2 is not in the lead's sub-tree
    assert refused.value.params == {"action": "item.done", "unit": "C2"}
    assert fresh_org.events() == before


def test_a_revoked_grant_is_refused_at_the_next_call(fresh_org):
    fresh_org.change("unit_member", "C1-K1", "plan-approved", "done")
    with transaction(fresh_org.engine) as s:
        s.execute(delete(RoleGrant).where(RoleGrant.user_id == fresh_org.people["unit_member"].user_id))
    with pytest.raises(Forbidden):
        fresh_org.change("unit_member", "C1-K1", "duty-roster", "note", text="还能写吗")
    with snapshot(fresh_org.engine) as s:
        assert authz.scope_unit_ids(fresh_org.people["unit_member"], "unit.read", session=s) == set()


def test_a_deactivated_account_is_refused_at_the_next_call_whatever_it_was_granted(fresh_org):
    fresh_org.change("unit_lead", "C1-K1", "plan-approved", "done")
    with transaction(fresh_org.engine) as s:
        s.execute(update(User).where(User.username == "unit_lead").values(is_active=False))
    with pytest.raises(Forbidden) as refused:
        fresh_org.change("unit_lead", "C1-K1", "plan-approved", "reopen")
    assert refused.value.code == "error.account_inactive"
    with snapshot(fresh_org.engine) as s, pytest.raises(Forbidden):
        queries.unit_checklist(fresh_org.campaign_id, fresh_org.units["C1"], session=s,
                               actor=fresh_org.people["unit_lead"])


def test_an_admin_ticks_items_only_once_also_granted_a_unit_role(fresh_org):
    with pytest.raises(Forbidden):
        fresh_org.change("admin", "C1-K1", "plan-approved", "done")
    with transaction(fresh_org.engine) as s:
        s.add(RoleGrant(user_id=fresh_org.people["admin"].user_id, role="unit_member",
                        unit_id=fresh_org.units["C1-K1"], include_subtree=True))
    assert fresh_org.change("admin", "C1-K1", "plan-approved", "done").status == "done"
    with pytest.raises(Forbidden):  # a member's role: still no N/A
        fresh_org.change("admin", "C1-K1", "cable-patrol", "na", text="不涉及")


def test_a_grant_without_its_sub_tree_covers_the_unit_alone(fresh_org):
    with transaction(fresh_org.engine) as s:
        s.execute(update(RoleGrant).where(RoleGrant.user_id == fresh_org.people["unit_lead"].user_id)
                  .values(include_subtree=False))
    fresh_org.change("unit_lead", "C1", "plan-approved", "done")
    with pytest.raises(Forbidden):
        fresh_org.change("unit_lead", "C1-K1", "plan-approved", "done")
    with snapshot(fresh_org.engine) as s:
        assert authz.scope_unit_ids(fresh_org.people["unit_lead"], "item.done", session=s) == {fresh_org.units["C1"]}


@pytest.mark.parametrize(("who", "action", "codes"), [
    ("unit_member", "unit.read", {"C1", "C1-K1", "C1-K2"}),
    ("unit_member", "item.na", set()),
    ("unit_lead", "item.na", {"C1", "C1-K1", "C1-K2"}),
    ("executive", "unit.read", {"C1", "C1-K1", "C1-K2"}),
    ("executive", "item.done", set()),
    ("drill_coordinator", "drill.plan", {"C1", "C1-K1", "C1-K2"}),
    ("admin", "unit.read", {"P", "C1", "C1-K1", "C1-K2", "C2"}),
    ("admin", "item.done", set()),
    ("province_lead", "item.reopen", {"P", "C1", "C1-K1", "C1-K2", "C2"}),
    ("nobody", "unit.read", set()),
])
def test_pickers_offer_exactly_the_units_in_scope(org, who, action, codes):
    with snapshot(org.engine) as s:
        assert authz.scope_unit_ids(org.people[who], action, session=s) == {org.units[c] for c in codes}


def test_an_items_history_outside_the_scope_is_refused(org):
    with snapshot(org.engine) as s:
        item = org.items["cable-seal"]
        assert len(queries.item_history(org.campaign_id, org.units["C1-K1"], item, session=s,
                                        actor=org.people["executive"])) == 1
        with pytest.raises(Forbidden):
            queries.item_history(org.campaign_id, org.units["C2"], item, session=s, actor=org.people["executive"])


def test_only_an_admin_lets_units_join_or_closes_a_campaign_and_a_closed_one_takes_no_ticks(fresh_org):
    with pytest.raises(Forbidden), transaction(fresh_org.engine) as s:
        campaigns.add_units(fresh_org.campaign_id, ["C1-K2"], session=s, actor=fresh_org.people["unit_lead"],
                            joined_on=NOW.date(), now=NOW)
    with pytest.raises(Forbidden), transaction(fresh_org.engine) as s:
        campaigns.close_campaign(fresh_org.campaign_id, session=s, actor=fresh_org.people["unit_lead"], now=NOW)
    with transaction(fresh_org.engine) as s:
        closed = campaigns.close_campaign(fresh_org.campaign_id, session=s, actor=fresh_org.people["admin"], now=NOW)
    assert closed.status == "closed"
    with pytest.raises(InvalidInput) as again, transaction(fresh_org.engine) as s:
        campaigns.close_campaign(fresh_org.campaign_id, session=s, actor=fresh_org.people["admin"], now=NOW)
    assert again.value.code == "error.campaign_already_closed"
    with pytest.raises(InvalidInput) as refused:
        fresh_org.change("unit_lead", "C1-K1", "plan-approved", "done")
    assert refused.value.code == "error.campaign_closed"


@pytest.mark.parametrize(("lang", "text"), [
    ("zh", "您无权在单位 C2 标记条目不适用。"),
    ("en", "You may not mark items not applicable for unit C2."),
])
def test_a_refusal_names_the_action_and_the_unit_in_the_users_language(org, lang, text):
    with rolled_back(org.engine) as s, pytest.raises(DomainError) as refused:
        service_for(org, "item.na", "C2")(s, org.people["unit_lead"])
    assert t(refused.value.code, lang, **refused.value.params) == text
