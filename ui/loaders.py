"""Cached read-only loaders for the pages: they call domain queries (no SQL here) and return read models.

Data caches are keyed on the database's change counter (state.change_key()).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from admin.demo import demo_account_rows
from checklists import evidence as evidence_files
from checklists.campaigns import (
    CampaignView,
    TemplateChoice,
    campaign_units,
    list_campaigns,
    season_templates,
    template_choices,
)
from checklists.events import EventProgress, EventView, list_events
from checklists.events import event_progress as _event_progress
from checklists.my_items import Filters, MyItem, items_of_units
from checklists.queries import ChecklistRow, HistoryEntry, directive_titles, item_history, unit_checklist
from core.i18n import t
from drills.service import DrillTypeView, list_drill_types
from org import audit, authz, people
from org import queries as org_queries
from org.models import Actor
from org.queries import UnitView
from readiness.on_time import OnTime, on_time_rate
from readiness.series import readiness_series, unit_readiness
from store.db import snapshot
from ui import state


def demo_accounts_table(lang: str) -> list[dict[str, str]]:
    """The demo accounts to show on the sign-in page, only in a database that holds demo data."""
    with snapshot(state.engine()) as s:
        rows = demo_account_rows(session=s)
    return [
        {
            t("login.col_user", lang): r.username,
            t("login.col_role", lang): t(f"role.{r.role}", lang),
            t("login.col_name", lang): r.display_name,
            t("login.col_unit", lang): (r.unit_zh if lang == "zh" else r.unit_en) or "—",
        }
        for r in rows
    ]


@st.cache_data(max_entries=64, show_spinner=False)
def campaigns(key: int, *, closed_too: bool = False) -> list[CampaignView]:
    """The open campaigns (with `closed_too`, past seasons as well), the latest peak first."""
    with snapshot(state.engine()) as s:
        return list_campaigns(session=s, only_open=not closed_too)


@st.cache_data(max_entries=64, show_spinner=False)
def units_of(campaign_id: int, key: int) -> list[UnitView]:
    with snapshot(state.engine()) as s:
        return campaign_units(campaign_id, session=s)


@st.cache_data(max_entries=16, show_spinner=False)
def all_units(key: int) -> list[UnitView]:
    with snapshot(state.engine()) as s:
        return org_queries.all_units(session=s)


def home_unit_id(user_id: int) -> int | None:
    with snapshot(state.engine()) as s:
        return org_queries.home_unit_id(user_id, session=s)


# Access is never cached: grants and the active flag are read on every run, so a revoked grant or
# a deactivated account takes effect at the user's next click. Only the data behind a check is cached.


def scope(actor: Actor, action: str = "unit.read") -> set[int]:
    """The ids of the units on which the user may take `action` now (the pickers offer only these): read
    once per run (the navigation and the page ask alike), never carried over to the next run."""
    memo = state.run_memo()
    key = ("scope", actor.user_id, action)
    if key not in memo:
        with snapshot(state.engine()) as s:
            memo[key] = frozenset(authz.scope_unit_ids(actor, action, session=s))
    return set(memo[key])


def actions_on(actor: Actor, unit_id: int) -> frozenset[str]:
    """Every action the user may take on the unit now (the controls to show)."""
    with snapshot(state.engine()) as s:
        return authz.actions_on(actor, unit_id, session=s)


def authorize(actor: Actor, action: str, unit_id: int | None) -> None:
    """Refuse (core.errors.Forbidden) unless the user may take `action` on the unit now."""
    with snapshot(state.engine()) as s:
        authz.authorize(actor, action, unit_id, session=s)


def checklist(actor: Actor, campaign_id: int, unit_id: int, key: int) -> list[ChecklistRow]:
    """The unit's checklist, for a user who may read the unit (checked afresh, then served from the cache)."""
    authorize(actor, "unit.read", unit_id)
    return _checklist(campaign_id, unit_id, key)


@st.cache_data(max_entries=256, show_spinner=False)
def _checklist(campaign_id: int, unit_id: int, key: int) -> list[ChecklistRow]:
    with snapshot(state.engine()) as s:
        return unit_checklist(campaign_id, unit_id, session=s)


SHOWN = "shown_rows"  # session key: {(campaign, unit): (change key, rows)} the checklist last drew


def remember_rows(campaign_id: int, unit_id: int, key: int, rows: list[ChecklistRow]) -> None:
    st.session_state.setdefault(SHOWN, {})[(campaign_id, unit_id)] = (key, rows)


def patch_row(campaign_id: int, unit_id: int, key_after: int, row: ChecklistRow) -> None:
    """After this tab's own change, which the database counted as `key_after`: when the rows it drew were
    those of the key just before, they with this one row changed are exactly the rows of `key_after`
    (nobody else wrote in between), so the next draw need not read the unit's whole checklist again."""
    shown = st.session_state.get(SHOWN, {}).get((campaign_id, unit_id))
    if shown is None or shown[0] != key_after - 1:
        return
    rows = [row if (r.item_id, r.occurrence) == (row.item_id, row.occurrence) else r for r in shown[1]]
    remember_rows(campaign_id, unit_id, key_after, rows)


def checklist_now(actor: Actor, campaign_id: int, unit_id: int) -> list[ChecklistRow]:
    """The unit's rows as they are now: those this tab has just patched when still current, else read."""
    key = state.change_key()
    shown = st.session_state.get(SHOWN, {}).get((campaign_id, unit_id))
    if shown is not None and shown[0] == key:
        authorize(actor, "unit.read", unit_id)
        return shown[1]
    rows = checklist(actor, campaign_id, unit_id, key)
    remember_rows(campaign_id, unit_id, key, rows)
    return rows


def row_now(actor: Actor, campaign_id: int, unit_id: int, row: ChecklistRow, key: int | None = None) -> ChecklistRow | None:
    """One row as it is now, for an item's own rerun: from the rows this tab drew, patched after its own
    change, while nobody else has written since; else from the unit's rows read afresh. `key`: the
    change counter when the caller knows it (its own write's), else it is read."""
    key = state.change_key() if key is None else key
    shown = st.session_state.get(SHOWN, {}).get((campaign_id, unit_id))
    # The tab drew these rows for this user, and a change of its own since was authorized by the service.
    rows = shown[1] if shown is not None and shown[0] == key else checklist_now(actor, campaign_id, unit_id)
    return next((r for r in rows if (r.item_id, r.occurrence) == (row.item_id, row.occurrence)), None)


def history(actor: Actor, campaign_id: int, unit_id: int, item_id: int, occurrence: str = "") -> list[HistoryEntry]:
    with snapshot(state.engine()) as s:
        return item_history(campaign_id, unit_id, item_id, session=s, actor=actor, occurrence=occurrence)


@st.cache_data(max_entries=128, show_spinner=False)
def readiness_by_unit(campaign_id: int, as_of: date, key: int) -> pd.DataFrame:
    with snapshot(state.engine()) as s:
        return unit_readiness(campaign_id, as_of, session=s)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_series(campaign_id: int, unit_id: int, start: date, end: date, key: int) -> pd.DataFrame:
    """Readiness of the unit's sub-tree day by day, without a rights check: for a caller that checked them
    this run (the dashboard, against the scope it read)."""
    with snapshot(state.engine()) as s:
        return readiness_series(campaign_id, start=start, end=end, root_unit_id=unit_id, session=s)


@st.cache_data(max_entries=8, show_spinner=False)
def drill_types(key: int) -> list[DrillTypeView]:
    with snapshot(state.engine()) as s:
        return list_drill_types(session=s)


@st.cache_data(max_entries=8, show_spinner=False)
def directives(key: int) -> dict[str, dict[str, str]]:
    with snapshot(state.engine()) as s:
        return directive_titles(session=s)


# The admin page. Rights and people are read afresh on every run; units, templates and campaigns
# are cached on the change counter like every other read.


def admin_rights(actor: Actor) -> frozenset[str]:
    """The administrative actions the user holds on the whole organisation now."""
    with snapshot(state.engine()) as s:
        return authz.actions_on(actor, None, session=s) & frozenset(authz.ADMIN_ACTIONS)


def users(actor: Actor) -> list[people.UserView]:
    with snapshot(state.engine()) as s:
        return people.list_users(session=s, actor=actor)


def audit_entries(actor: Actor, target_kind: str | None) -> list[audit.AuditEntry]:
    with snapshot(state.engine()) as s:
        return audit.audit_log(session=s, actor=actor, target_kind=target_kind)


@st.cache_data(max_entries=64, show_spinner=False)
def templates_of(campaign_id: int, key: int) -> list[TemplateChoice]:
    """The templates a season runs, in its order."""
    with snapshot(state.engine()) as s:
        return season_templates(campaign_id, session=s)


@st.cache_data(max_entries=8, show_spinner=False)
def templates(key: int) -> list[TemplateChoice]:
    with snapshot(state.engine()) as s:
        return template_choices(session=s)


@st.cache_data(max_entries=8, show_spinner=False)
def every_campaign(key: int) -> list[CampaignView]:
    """Open and closed campaigns, the latest peak first."""
    with snapshot(state.engine()) as s:
        return list_campaigns(session=s, only_open=False)


def on_time(actor: Actor, campaign_id: int, unit_id: int, as_of: date, key: int) -> OnTime:
    """The unit's own in-season on-time figure as of a day, for a user who may read the unit."""
    authorize(actor, "unit.read", unit_id)
    return _on_time(campaign_id, unit_id, as_of, key)


@st.cache_data(max_entries=256, show_spinner=False)
def _on_time(campaign_id: int, unit_id: int, as_of: date, key: int) -> OnTime:
    with snapshot(state.engine()) as s:
        return on_time_rate(campaign_id, as_of, session=s, unit_id=unit_id)


@st.cache_data(max_entries=64, show_spinner=False)
def events_of(campaign_id: int, key: int) -> list[EventView]:
    """A season's events, the latest first (the page shows those touching the user's units)."""
    with snapshot(state.engine()) as s:
        return list_events(campaign_id, session=s)


@st.cache_data(max_entries=256, show_spinner=False)
def event_progress(event_id: int, key: int) -> list[EventProgress]:
    with snapshot(state.engine()) as s:
        return _event_progress(event_id, session=s)


def my_items(actor: Actor, today: date, key: int) -> list[MyItem]:
    """Every obligation due now on the units the user may tick, in any state: the scope is read afresh,
    the items come from the cache until anything changes (a checkbox click does not read them again)."""
    return _items_of_units(frozenset(scope(actor, "item.done")), today, key)


@st.cache_data(max_entries=64, show_spinner=False)
def _items_of_units(unit_ids: frozenset[int], today: date, key: int) -> list[MyItem]:
    with snapshot(state.engine()) as s:
        return items_of_units(unit_ids, session=s, today=today, filters=Filters(statuses=frozenset()))


# Evidence files: read only while an item's evidence panel is open, never cached (the access check and
# the file's hash check run on every read).


def evidence_list(actor: Actor, campaign_id: int, unit_id: int, item_id: int,
                  occurrence: str = "") -> list[evidence_files.EvidenceMeta]:
    """The files attached to an item occurrence, newest first, for a user who may read the unit."""
    with snapshot(state.engine()) as s:
        return evidence_files.evidence_of(campaign_id, unit_id, item_id, occurrence, session=s, actor=actor)


def evidence_content(actor: Actor, evidence_id: int) -> tuple[evidence_files.EvidenceMeta, bytes]:
    """A file's bytes for a user who may read its unit; refused (a DomainError) when it was changed or is gone."""
    with snapshot(state.engine()) as s:
        return evidence_files.read_evidence(evidence_id, session=s, actor=actor)


def evidence_thumbnail(actor: Actor, evidence_id: int) -> bytes | None:
    with snapshot(state.engine()) as s:
        return evidence_files.thumbnail(evidence_id, session=s, actor=actor)
