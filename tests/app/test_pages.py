"""Every page, driven through AppTest from app.py, on a copy of the demo database."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select

from checklists.campaigns import list_campaigns
from checklists.queries import unit_checklist
from org.queries import home_unit_id
from store.db import make_engine, snapshot
from store.schema import ChecklistEvent, ChecklistStatus, User
from tests.conftest import NOW
from tests.demo_fixtures import one_off_button, set_clock, sign_in


def texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.info] + [e.value for e in at.error] + [e.value for e in at.success]
    return "\n".join(str(p) for p in parts)


def event_count(url: str) -> int:
    with snapshot(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(ChecklistEvent))


def test_the_login_page_lists_the_demo_accounts(app):
    assert not app.exception
    assert "登录" in app.title[0].value or "迎峰备战" in app.title[0].value
    shown = app.dataframe[0].value
    assert set(shown.iloc[:, 0]) == {"lead", "member", "coordinator", "executive", "admin"}
    assert "peakready-demo" in texts(app)


def test_a_wrong_password_is_refused_in_the_users_language(app):
    sign_in(app, "lead", "wrong-password")
    assert [e.value for e in app.error] == ["用户名或密码不正确。"]
    app.radio(key="lang").set_value("en").run()
    sign_in(app, "lead", "wrong-password")
    assert [e.value for e in app.error] == ["Wrong username or password."]


def test_a_lead_signs_in_and_lands_on_their_units_checklist(app):
    sign_in(app, "lead")
    assert not app.exception
    assert app.title[0].value == "我的检查表"
    unit = app.selectbox(key="cl_unit_zh")
    assert "县" in unit.format_func(unit.value)  # the lead's own county company
    assert len([b for b in app.button if b.key and b.key.startswith(("done_", "reopen_"))]) >= 20


def test_ticking_an_item_records_it_under_the_signed_in_user(app, demo_db):
    sign_in(app, "lead")
    before = event_count(demo_db)
    button = one_off_button(app, "done")
    item_id = int(button.key.removeprefix("done_"))
    button.click().run()
    assert not app.exception
    assert any("已标记完成" in toast.value for toast in app.toast)
    assert event_count(demo_db) == before + 1
    with snapshot(make_engine(demo_db)) as s:
        event = s.scalars(select(ChecklistEvent).order_by(ChecklistEvent.id.desc())).first()
        assert s.get(User, event.actor_id).username == "lead"
        assert event.item_id == item_id and event.action == "done"
    # the button for that item now offers to reopen it
    assert any(b.key == f"reopen_{item_id}" for b in app.button)


def test_not_applicable_asks_for_a_reason_first(app, demo_db):
    sign_in(app, "lead")
    button = one_off_button(app, "na")
    item_id = int(button.key.removeprefix("na_"))
    button.click().run()
    before = event_count(demo_db)
    form_text = app.text_input(key=f"text_na_{item_id}")
    confirm = next(b for b in app.button if b.label == "确认")
    confirm.click().run()
    assert any("必须填写原因" in e.value for e in app.error)
    assert event_count(demo_db) == before
    form_text = app.text_input(key=f"text_na_{item_id}")
    form_text.input("本单位无此设备")
    next(b for b in app.button if b.label == "确认").click().run()
    assert event_count(demo_db) == before + 1
    with snapshot(make_engine(demo_db)) as s:
        row = s.scalars(select(ChecklistStatus).where(ChecklistStatus.item_id == item_id,
                                                      ChecklistStatus.na_reason == "本单位无此设备")).first()
        assert row is not None and row.status == "na"


def visible_rows(at) -> set[str]:
    """The row keys (item, and occurrence for a recurring or event check) of the items shown."""
    return {b.key.removeprefix("history_") for b in at.button if b.key and b.key.startswith("history_")}


def lead_checklist(url: str) -> list:
    with snapshot(make_engine(url)) as s:
        [campaign] = list_campaigns(session=s)
        unit = home_unit_id(s.scalar(select(User.id).where(User.username == "lead")), session=s)
        return unit_checklist(campaign.id, unit, session=s)


def test_when_the_demo_was_made_no_one_off_item_is_overdue_only_missed_monthly_checks(app, demo_db):
    sign_in(app, "lead")
    app.segmented_control(key="cl_show_zh").set_value("overdue").run()
    overdue = [r for r in lead_checklist(demo_db) if r.overdue(NOW.date())]
    assert all(r.kind == "recurring" and r.due < NOW.date() for r in overdue)
    assert visible_rows(app) == {r.row_key for r in overdue}
    assert app.metric[2].value == str(len(overdue))


def test_the_overdue_filter_shows_exactly_the_open_items_past_their_due_date(app, demo_db, monkeypatch):
    set_clock(monkeypatch, "2027-05-20T10:00:00+08:00")
    sign_in(app, "lead")
    app.segmented_control(key="cl_show_zh").set_value("overdue").run()
    assert not app.exception
    today = date(2027, 5, 20)
    overdue = {r.row_key for r in lead_checklist(demo_db) if r.overdue(today)}
    assert any("_" not in k for k in overdue), "by late May some open one-off items are past their due date"
    assert visible_rows(app) == overdue
    assert app.metric[2].value == str(len(overdue))
    assert app.metric[3].value == "26 天"  # 2027-05-20 → peak start 2027-06-15


def test_the_dashboard_shows_the_readiness_chart_and_moves_when_an_item_is_ticked(app):
    sign_in(app, "lead")
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception
    assert app.title[0].value == "准备度趋势"
    before = app.metric[0].value
    assert before.endswith("%")
    app.switch_page("app_pages/my_checklist.py").run()
    one_off_button(app, "done").click().run()
    app.switch_page("app_pages/dashboard.py").run()
    after = app.metric[0].value
    assert float(after.rstrip("%")) > float(before.rstrip("%"))


def test_the_executive_sees_the_province_and_one_level_down(app):
    sign_in(app, "executive")
    app.switch_page("app_pages/dashboard.py").run()
    assert not app.exception
    unit = app.selectbox(key="db_unit_zh")
    assert "省" in unit.format_func(unit.value)
    actions = next(d.value for d in app.dataframe if "drill" in d.value.columns)
    children = next(d.value for d in app.dataframe if "why" in d.value.columns)
    # the demo's reviewed drill raised two, and three hazards were found in inspections in the lead's city
    assert len(actions) == 5 and len(children) >= 3
    assert next(m for m in app.metric if m.label == "未关闭的整改").value == "5"


def test_the_drill_type_catalogue_lists_each_type_with_its_directives(app):
    sign_in(app, "coordinator")
    app.switch_page("app_pages/drill_types.py").run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert any("黑启动" in label for label in labels)
    assert any("电缆" in label for label in labels)
    assert "S2.2.2-2d" in texts(app)


def test_the_catalogue_shows_plan_level_forms_criteria_injects_roles_safety_plan_and_the_rules(app):
    sign_in(app, "coordinator")
    app.switch_page("app_pages/drill_types.py").run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert any("大面积停电" in label and "综合应急预案" in label for label in labels)
    assert any("人员密集场所" in label and "现场处置方案" in label for label in labels)
    shown = texts(app)
    for words in ("功能演练", "实战演练", "可不打招呼进行", "导调人员", "安全员", "消防救援（119）"):
        assert words in shown, words
    objectives = [table.value for table in app.table if "评估标准" in table.value.columns]
    assert len(objectives) == len(labels)  # one table of objectives and criteria per drill type
    rows = pd.concat(objectives)
    synchronise = rows[rows["目标"].str.contains("同期并列")].iloc[0]
    assert synchronise["仅实战/功能演练"] and "相角差" in synchronise["评估标准"]
    assert any("T+0" in list(table.value.iloc[:, 0]) for table in app.table)  # an inject timeline
    assert any("不使用明火" in text.value for text in app.text)  # a safety plan
    rules = app.table[-1].value
    assert "每一项现场处置方案至少每半年演练一次" in list(rules["要求"])
    assert any("须在高峰开始前完成" in cell for cell in rules["频次"])


def test_the_catalogue_reads_in_english(app):
    app.radio(key="lang").set_value("en").run()
    sign_in(app, "coordinator")
    app.switch_page("app_pages/drill_types.py").run()
    assert not app.exception
    assert any("Large-area blackout" in e.label and "Comprehensive plan" in e.label for e in app.expander)
    rules = app.table[-1].value
    assert any("per shift" in cell for cell in rules["How often"])
    assert "Live only" in app.table[0].value.columns


def test_switching_to_english_translates_the_pages(app):
    app.radio(key="lang").set_value("en").run()
    sign_in(app, "lead")
    assert app.title[0].value == "My checklist"
    app.switch_page("app_pages/drill_types.py").run()
    assert app.title[0].value == "Drill-type catalogue"


def test_signing_out_returns_to_the_login_page(app):
    sign_in(app, "lead")
    app.button(key="sign_out").click().run()
    assert app.text_input(key="login_username") is not None
    assert app.dataframe[0].value.shape[0] == 5


def test_a_tick_on_an_item_someone_else_just_changed_is_refused_with_who_and_when(app, demo_db):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    sign_in(app, "lead")
    button = one_off_button(app, "done")
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    other.run()
    sign_in(other, "member")  # a member of the lead's county, on the same unit by default
    assert other.selectbox(key="cl_unit_zh").value == app.selectbox(key="cl_unit_zh").value
    other.button(key=button.key).click().run()
    before = event_count(demo_db)

    button.click().run()  # the lead still sees the item as open
    assert any("张敏（县公司员工）" in e.value and "已被" in e.value for e in app.error)
    assert event_count(demo_db) == before


def test_an_items_history_lists_every_change_newest_first(app):
    sign_in(app, "lead")
    button = one_off_button(app, "done")
    item_id = button.key.removeprefix("done_")
    button.click().run()
    app.button(key=f"reopen_{item_id}").click().run()
    app.button(key=f"history_{item_id}").click().run()
    log = app.dataframe[-1].value
    assert list(log["操作"])[:2] == ["重新打开", "完成"]
    assert set(log["操作人"][:2]) == {"王磊（县公司负责人）"}


def test_choosing_a_sub_unit_in_drill_down_opens_it(app):
    sign_in(app, "executive")
    app.switch_page("app_pages/dashboard.py").run()
    drill = app.selectbox(key="db_drill")
    city = drill.options[1]
    drill.select_index(1).run()
    assert not app.exception
    unit = app.selectbox(key="db_unit_zh")
    assert unit.format_func(unit.value).strip() == city
    assert app.selectbox(key="db_drill").value is None  # ready for the next level down
