"""A lead whose season runs several templates sees the unit's readiness per template on the checklist page."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from checklists.campaigns import open_campaign
from org.models import Actor
from store.db import make_engine, transaction
from store.schema import User
from tests.conftest import NOW
from tests.demo_fixtures import one_off_button, sign_in
from ui import state


def test_a_season_of_two_templates_shows_the_units_readiness_per_template(app, demo_db):
    with transaction(make_engine(demo_db)) as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        season = open_campaign("2027 汛期与度夏", ["summer-peak", "typhoon-flood"], peak_start=date(2027, 6, 15),
                               starts_on=date(2026, 11, 1), peak_end=date(2027, 9, 15), unit_codes=["C01-K01"],
                               anchors={"typhoon-flood": date(2027, 4, 15)},
                               session=s, actor=Actor(admin.id, admin.username, admin.display_name), now=NOW)
        season_id = season.id
    at = sign_in(app, "lead")
    at.session_state[state.LANG] = "en"
    at.run()
    at.selectbox(key="cl_campaign_en").set_value(season_id).run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert {"Summer peak", "Typhoon and flood season"} <= set(labels)
    assert {m.label: m.value for m in at.metric}["Summer peak"] == "0%"
    done = one_off_button(at, "done")  # the first item: summer peak's
    done.click().run()
    assert not at.exception, at.exception
    after = {m.label: m.value for m in at.metric}
    assert after["Summer peak"] != "0%" and after["Typhoon and flood season"] == "0%"
