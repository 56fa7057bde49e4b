"""Cached read-only loaders for the pages; data caches are keyed on the event log's high-water mark."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import select

from admin.demo import demo_accounts
from admin.setup import get_meta
from checklists.service import ChecklistRow, campaign_units, list_campaigns, unit_checklist
from drills.service import list_drill_types
from readiness.series import readiness_series, unit_readiness
from store.db import snapshot
from store.schema import Directive, OrgUnit, RoleGrant, User
from ui import state
from ui.strings import t


def demo_accounts_table(lang: str) -> list[dict[str, str]]:
    """The demo accounts to show on the login page, only in a database that holds demo data."""
    with snapshot(state.engine()) as s:
        if get_meta("demo", session=s) != "1":
            return []
        rows = []
        root = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        for acc in demo_accounts(root.code if root else "", ""):
            user = s.scalar(select(User).where(User.username == acc.username))
            if user is None:
                continue
            grant = s.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
            unit = s.get(OrgUnit, grant.unit_id) if grant and grant.unit_id else None
            rows.append({
                t("login.col_user", lang): acc.username,
                t("login.col_role", lang): t(f"role.{acc.role}", lang),
                t("login.col_name", lang): user.display_name,
                t("login.col_unit", lang): getattr(unit, f"name_{lang}") if unit else "—",
            })
        return rows


def campaigns() -> list:
    with snapshot(state.engine()) as s:
        return list_campaigns(session=s)


def units_of(campaign_id: int) -> list[OrgUnit]:
    with snapshot(state.engine()) as s:
        return campaign_units(campaign_id, session=s)


def all_units() -> list[OrgUnit]:
    with snapshot(state.engine()) as s:
        return list(s.scalars(select(OrgUnit).order_by(OrgUnit.path)))


def home_unit_id(user_id: int) -> int | None:
    """The unit of the user's first grant on a unit (the default unit of their pages)."""
    with snapshot(state.engine()) as s:
        return s.scalar(
            select(RoleGrant.unit_id).where(RoleGrant.user_id == user_id, RoleGrant.unit_id.is_not(None))
            .order_by(RoleGrant.id)
        )


@st.cache_data(max_entries=256, show_spinner=False)
def checklist(campaign_id: int, unit_id: int, hwm: tuple[int, int]) -> list[ChecklistRow]:
    with snapshot(state.engine()) as s:
        return unit_checklist(campaign_id, unit_id, session=s)


@st.cache_data(max_entries=128, show_spinner=False)
def readiness_by_unit(campaign_id: int, as_of: date, hwm: tuple[int, int]) -> pd.DataFrame:
    with snapshot(state.engine()) as s:
        return unit_readiness(campaign_id, as_of, session=s)


@st.cache_data(max_entries=128, show_spinner=False)
def series(campaign_id: int, unit_id: int, start: date, end: date, hwm: tuple[int, int]) -> pd.DataFrame:
    with snapshot(state.engine()) as s:
        return readiness_series(campaign_id, start=start, end=end, root_unit_id=unit_id, session=s)


@st.cache_data(ttl=300, show_spinner=False)
def drill_types() -> list[dict]:
    with snapshot(state.engine()) as s:
        return [
            {c.name: getattr(dt, c.name) for c in dt.__table__.columns} for dt in list_drill_types(session=s)
        ]


@st.cache_data(ttl=300, show_spinner=False)
def directive_titles() -> dict[str, dict[str, str]]:
    with snapshot(state.engine()) as s:
        return {d.id: {"zh": d.title_zh, "en": d.title_en} for d in s.scalars(select(Directive))}
