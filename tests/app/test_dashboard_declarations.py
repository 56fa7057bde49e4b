"""Declarations on the dashboard: the demo's units below the company have signed off; the executive signs
the company's, which then shows with its frozen figures; a past day shows what had been signed by then."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from store.db import make_engine, snapshot
from store.schema import Declaration
from tests.app.test_dashboard_page import dashboard, view
from tests.conftest import NOW


def declarations_table(app):
    return next(d.value for d in app.dataframe if "signer" in d.value.columns)


def count(url: str) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(Declaration))


def sign_button(app):
    return next(b for b in app.button if b.key and b.key.startswith("decl_sign_"))


def test_the_executive_signs_the_companys_declaration_once_every_unit_below_has(app, demo_db):
    view(dashboard(app), "declarations")
    before = count(demo_db)
    assert len(declarations_table(app)) == before  # every unit below the company, signed two days ago
    button = sign_button(app)
    assert button.disabled  # not before confirming
    unit_id = button.key.removeprefix("decl_sign_")
    app.text_area(key=f"decl_statement_{unit_id}").input("全公司已做好迎峰度夏准备。")
    app.checkbox(key=f"decl_confirm_{unit_id}").check().run()
    sign_button(app).click().run()
    assert not app.exception
    assert count(demo_db) == before + 1
    table = declarations_table(app)
    assert "江南省电力公司" in set(table["unit"]) and "陈刚（公司领导）" in set(table["signer"])
    assert any("已签署 江南省电力公司 的准备就绪声明" in t.value for t in app.toast)


def test_a_lead_is_offered_the_sign_off_of_their_own_unit_and_a_coordinator_none(app):
    view(dashboard(app, "lead"), "declarations")
    unit = app.selectbox(key="db_unit_zh")
    assert sign_button(app).key == f"decl_sign_{unit.value}"  # their county (signed off again: a newer one)
    app.switch_page("app_pages/my_checklist.py").run()
    app.button(key="sign_out").click().run()
    view(dashboard(app, "coordinator"), "declarations")
    assert not any(b.key and b.key.startswith("decl_sign_") for b in app.button)


def test_on_a_day_before_the_sign_offs_none_shows_and_nothing_can_be_signed(app):
    view(dashboard(app), "declarations")
    app.date_input(key="db_as_of").set_value(NOW.date() - timedelta(days=5)).run()
    assert not any("signer" in d.value.columns for d in app.dataframe)
    assert not any(b.key and b.key.startswith("decl_sign_") for b in app.button)
