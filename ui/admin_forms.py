"""The admin page's sections: users and their grants, units, campaigns, and the admin audit log.

Each change runs one use-case in one transaction (the use-case checks the user's rights itself and
writes the audit entry), then the page reruns so every table shows the new state; the outcome is
flashed at the top of the page in the user's language.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from checklists.campaigns import TARGET_SHAPES, add_units, close_campaign, open_campaign, set_target_shape
from content.models import DISCIPLINES, UNIT_KIND_NAMES
from core.clock import format_local
from org import people
from org.accounts import create_user
from org.authz import ROLE_ACTIONS
from org.queries import UnitView
from org.shifts import SHIFT_UNIT_KINDS, add_shift, set_shift_active, shifts_of
from org.sso import link_identity
from org.units import create_unit, move_unit, rename_unit, set_unit_active
from store.db import snapshot, transaction
from ui import loaders, state, widgets

SECRET = "admin_new_password"  # (username, password) to show once after a create or a reset
ROLES = tuple(ROLE_ACTIONS)


def _apply(change: Callable[..., object], success: str, **params: object) -> None:
    """Run `change(session)` in one transaction, flash the outcome and rerun the page."""
    def run() -> str:
        with transaction(state.engine()) as s:
            result = change(s)
        if isinstance(result, tuple):  # a new password to hand over once
            st.session_state[SECRET] = result
        return state.t(success, **params)

    state.run_action(run)
    st.rerun()


def _labels(options, label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A format_func with every label fixed now, in the language of this run (a test reading the widget
    later, outside the run, sees the same labels)."""
    fixed = {o: label(o) for o in options}
    return fixed.__getitem__


def _unit_text(unit: UnitView) -> str:
    inactive = "" if unit.is_active else f" · {state.t('admin.inactive')}"
    return f"{widgets.unit_label(unit)} ({unit.code}){inactive}"


def _unit_picker(label: str, units: Sequence[UnitView], *, key: str, none_label: str | None = None) -> UnitView | None:
    """A select over units (optionally with a 'none' choice first), kept per language."""
    by_id = {u.id: u for u in units}
    ids: list[int | None] = ([None] if none_label else []) + list(by_id)
    labels = {i: none_label if i is None else _unit_text(by_id[i]) for i in ids}
    chosen = st.selectbox(label, ids, key=widgets.lang_key(key), format_func=labels.__getitem__)
    return by_id.get(chosen)  # type: ignore[arg-type]


def _grant_text(g: people.GrantView) -> str:
    where = state.t("admin.whole_org") if g.unit_id is None else f"{getattr(g, f'unit_{state.lang()}')} ({g.unit_code})"
    scope = state.t("admin.with_subtree") if g.include_subtree and g.unit_id is not None else ""
    return f"{state.t(f'role.{g.role}')} · {where}{scope}"


# ── Users and grants ─────────────────────────────────────────────────────────


def users_section(who, key: int) -> None:
    secret = st.session_state.pop(SECRET, None)
    if secret:
        st.success(state.t("admin.password_once", user=state.escape_markdown(secret[0])))
        st.code(secret[1], language=None)
    users = loaders.users(who)
    units = loaders.all_units(key)
    active_units = [u for u in units if u.is_active]
    st.dataframe(pd.DataFrame([{
        state.t("admin.col_username"): u.username,
        state.t("admin.col_name"): u.display_name,
        state.t("admin.col_active"): u.is_active,
        state.t("admin.col_must_change"): u.must_change_password,
        state.t("admin.col_grants"): "; ".join(_grant_text(g) for g in u.grants) or "—",
    } for u in users]), hide_index=True, width="stretch")

    with st.expander(state.t("admin.new_user"), icon=":material/person_add:"), st.form("admin_new_user", clear_on_submit=True):
        username = st.text_input(state.t("admin.username"), key="au_username", max_chars=64)
        display_name = st.text_input(state.t("admin.display_name"), key="au_name", max_chars=128)
        role = st.selectbox(state.t("admin.role"), [None, *ROLES], key=widgets.lang_key("au_role"),
                            format_func=_labels([None, *ROLES], lambda r: state.t("admin.no_role") if r is None
                                                    else state.t(f"role.{r}")))
        unit = _unit_picker(state.t("admin.unit"), active_units, key="au_unit", none_label=state.t("admin.whole_org"))
        st.caption(state.t("admin.new_user_hint"))
        if st.form_submit_button(state.t("admin.create_user"), type="primary"):
            grants = [(role, unit.code if unit else None)] if role else []

            def create(s):
                password = people.temporary_password(username.strip())
                create_user(username, password, display_name, session=s, now=state.utcnow(), grants=grants,
                            must_change_password=True, actor=who)
                return (username.strip(), password)

            _apply(create, "admin.user_created", user=username.strip())

    if not users:
        return
    st.subheader(state.t("admin.manage_user"))
    user = widgets.select_by_id(state.t("admin.user"), users, key="admin_user", fmt=lambda u: (
        f"{u.username} — {u.display_name}" + ("" if u.is_active else f" · {state.t('admin.inactive')}")))
    left, right = st.columns(2, gap="large")
    with left:
        _account_controls(who, user)
    with right:
        _grant_controls(who, user, active_units)


def _account_controls(who, user: people.UserView) -> None:
    st.markdown(f"**{state.t('admin.account')}**")
    if user.id == who.user_id:  # one's own password is changed on the change-password page
        st.caption(state.t("admin.own_account"))
        return
    if user.is_active:
        if st.button(state.t("admin.deactivate_user"), key="admin_deactivate_user", icon=":material/block:"):
            _apply(lambda s: people.deactivate_user(user.id, session=s, actor=who, now=state.utcnow()),
                   "admin.user_deactivated", user=user.username)
    elif st.button(state.t("admin.reactivate_user"), key="admin_reactivate_user", icon=":material/undo:"):
        _apply(lambda s: people.reactivate_user(user.id, session=s, actor=who, now=state.utcnow()),
               "admin.user_reactivated", user=user.username)
    if st.button(state.t("admin.reset_password"), key="admin_reset_password", icon=":material/key:",
                 help=state.t("admin.reset_password_help")):
        _apply(lambda s: (user.username, people.reset_password(user.id, session=s, actor=who, now=state.utcnow())),
               "admin.password_reset", user=user.username)
    with st.form(f"admin_sso_{user.id}"):
        identity = st.text_input(state.t("admin.sso_identity"), value=user.sso_identity or "", max_chars=255,
                                 key=f"sso_identity_{user.id}", help=state.t("admin.sso_identity_help"))
        if st.form_submit_button(state.t("admin.sso_save")):
            _apply(lambda s: link_identity(user.id, identity or None, session=s, actor=who, now=state.utcnow()),
                   "admin.sso_saved", user=user.username)


def _grant_controls(who, user: people.UserView, active_units: Sequence[UnitView]) -> None:
    st.markdown(f"**{state.t('admin.grants')}**")
    if not user.grants:
        st.caption(state.t("admin.no_grants"))
    for g in user.grants:
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.write(_grant_text(g))
        own_admin = g.role == "admin" and g.unit_id is None and user.id == who.user_id
        if not own_admin and button.button(state.t("admin.revoke"), key=f"admin_revoke_{g.id}"):
            _apply(lambda s, gid=g.id: people.revoke_grant(gid, session=s, actor=who, now=state.utcnow()),
                   "admin.grant_revoked", user=user.username)
    with st.form("admin_add_grant", clear_on_submit=True):
        role = st.selectbox(state.t("admin.role"), ROLES, key=widgets.lang_key("ag_role"),
                            format_func=_labels(ROLES, lambda r: state.t(f"role.{r}")))
        unit = _unit_picker(state.t("admin.unit"), active_units, key="ag_unit", none_label=state.t("admin.whole_org"))
        subtree = st.checkbox(state.t("admin.include_subtree"), value=True, key="ag_subtree")
        if st.form_submit_button(state.t("admin.add_grant")):
            _apply(lambda s: people.grant_role(user.id, role, unit.code if unit else None, include_subtree=subtree,
                                               session=s, actor=who, now=state.utcnow()),
                   "admin.grant_added", user=user.username)


# ── Units ────────────────────────────────────────────────────────────────────


def units_section(who, key: int) -> None:
    units = loaders.all_units(key)
    st.dataframe(pd.DataFrame([{
        state.t("admin.col_code"): u.code,
        state.t("admin.col_unit"): widgets.unit_label(u),
        state.t("admin.col_kind"): state.t(f"kind.{u.kind}") + (f" · {state.t(f'disc.{u.function}')}" if u.function
                                                                 else ""),
        state.t("admin.col_active"): u.is_active,
    } for u in units]), hide_index=True, width="stretch", height=300)
    active = [u for u in units if u.is_active]

    with st.expander(state.t("admin.new_unit"), icon=":material/add_business:"), st.form("admin_new_unit", clear_on_submit=True):
        code = st.text_input(state.t("admin.unit_code"), key="nu_code", max_chars=64,
                             help=state.t("admin.unit_code_help"))
        name_zh = st.text_input(state.t("admin.name_zh"), key="nu_zh")
        name_en = st.text_input(state.t("admin.name_en"), key="nu_en")
        kind = st.selectbox(state.t("admin.kind"), UNIT_KIND_NAMES, key=widgets.lang_key("nu_kind"),
                            format_func=_labels(UNIT_KIND_NAMES, lambda k: state.t(f"kind.{k}")))
        functions = [None, *DISCIPLINES]
        function = st.selectbox(state.t("admin.function"), functions, key=widgets.lang_key("nu_function"),
                                format_func=_labels(functions, lambda f: state.t("admin.no_function") if f is None
                                                    else state.t(f"disc.{f}")))
        parent = _unit_picker(state.t("admin.parent"), active, key="nu_parent", none_label=state.t("admin.top_level"))
        if st.form_submit_button(state.t("admin.create_unit"), type="primary"):
            _apply(lambda s: create_unit(code, name_zh, name_en, kind, parent.code if parent else None, session=s,
                                         actor=who, now=state.utcnow(), function=function),
                   "admin.unit_created", unit=code.strip().upper())

    if not units:
        return
    st.subheader(state.t("admin.manage_unit"))
    unit = widgets.select_by_id(state.t("admin.unit"), units, key="admin_unit", fmt=_unit_text)
    rename, move, status = st.columns(3, gap="large")
    with rename, st.form(f"admin_rename_{unit.id}"):
        name_zh = st.text_input(state.t("admin.name_zh"), value=unit.name_zh, key=f"rn_zh_{unit.id}")
        name_en = st.text_input(state.t("admin.name_en"), value=unit.name_en, key=f"rn_en_{unit.id}")
        if st.form_submit_button(state.t("admin.rename")):
            _apply(lambda s: rename_unit(unit.id, name_zh, name_en, session=s, actor=who, now=state.utcnow()),
                   "admin.unit_renamed", unit=unit.code)
    with move, st.form(f"admin_move_{unit.id}"):
        # Not under itself or anything below it; only under an active unit.
        targets = [u for u in active if not u.path.startswith(unit.path) and u.id != unit.parent_id]
        parent = _unit_picker(state.t("admin.new_parent"), targets, key=f"mv_parent_{unit.id}",
                              none_label=None if unit.parent_id is None else state.t("admin.top_level"))
        st.caption(state.t("admin.move_hint"))
        if st.form_submit_button(state.t("admin.move"), disabled=parent is None and unit.parent_id is None):
            _apply(lambda s: move_unit(unit.id, parent.code if parent else None, session=s, actor=who,
                                       now=state.utcnow()),
                   "admin.unit_moved", unit=unit.code)
    with status:
        st.markdown(f"**{state.t('admin.status')}**")
        st.caption(state.t("admin.active") if unit.is_active else state.t("admin.inactive_hint"))
        if unit.is_active:
            if st.button(state.t("admin.deactivate_unit"), key=f"admin_deactivate_unit_{unit.id}", icon=":material/block:"):
                _apply(lambda s: set_unit_active(unit.id, False, session=s, actor=who, now=state.utcnow()),
                       "admin.unit_deactivated", unit=unit.code)
        elif st.button(state.t("admin.reactivate_unit"), key=f"admin_reactivate_unit_{unit.id}", icon=":material/undo:"):
            _apply(lambda s: set_unit_active(unit.id, True, session=s, actor=who, now=state.utcnow()),
                   "admin.unit_reactivated", unit=unit.code)
    if unit.kind in SHIFT_UNIT_KINDS:
        _shift_controls(who, unit)


def _shift_controls(who, unit: UnitView) -> None:
    """A dispatch centre's shifts: the list, a new one, and taking one off the list or back."""
    st.subheader(state.t("shift.title"))
    st.caption(state.t("shift.caption"))
    with snapshot(state.engine()) as s:  # a handful of rows, read when an administrator opens the centre
        shifts = shifts_of([unit.id], session=s, active_only=False).get(unit.id, [])
    if shifts:
        st.dataframe(pd.DataFrame([{
            state.t("shift.code"): x.code, state.t("shift.name_zh"): x.name_zh, state.t("shift.name_en"): x.name_en,
            state.t("shift.active"): x.is_active} for x in shifts]), hide_index=True, width="stretch")
    else:
        st.caption(state.t("shift.none"))
    add, status = st.columns(2, gap="large")
    with add, st.form(f"admin_add_shift_{unit.id}", clear_on_submit=True):
        code = st.text_input(state.t("shift.code"), key=f"sh_code_{unit.id}", max_chars=32)
        name_zh = st.text_input(state.t("shift.name_zh"), key=f"sh_zh_{unit.id}", max_chars=100)
        name_en = st.text_input(state.t("shift.name_en"), key=f"sh_en_{unit.id}", max_chars=100)
        if st.form_submit_button(state.t("shift.add")):
            _apply(lambda s: add_shift(unit.id, code, name_zh, name_en, session=s, actor=who, now=state.utcnow()),
                   "shift.added", shift=state.escape_markdown(code.strip()))
    if not shifts:
        return
    with status:
        chosen = widgets.select_by_id(state.t("shift.choose"), shifts, key=f"sh_pick_{unit.id}",
                                      fmt=lambda x: f"{state.name(x)} ({x.code})"
                                      + ("" if x.is_active else f" · {state.t('admin.inactive')}"))
        if chosen.is_active:
            if st.button(state.t("shift.deactivate"), key=f"sh_deactivate_{chosen.id}", icon=":material/block:"):
                _apply(lambda s: set_shift_active(chosen.id, False, session=s, actor=who, now=state.utcnow()),
                       "shift.deactivated", shift=state.escape_markdown(chosen.code))
        elif st.button(state.t("shift.reactivate"), key=f"sh_reactivate_{chosen.id}", icon=":material/undo:"):
            _apply(lambda s: set_shift_active(chosen.id, True, session=s, actor=who, now=state.utcnow()),
                   "shift.reactivated", shift=state.escape_markdown(chosen.code))


# ── Campaigns ────────────────────────────────────────────────────────────────


def _tree_codes(root: UnitView, units: Sequence[UnitView], subtree: bool) -> list[str]:
    return [u.code for u in units if u.id == root.id or (subtree and u.path.startswith(root.path))]


def campaigns_section(who, key: int) -> None:
    campaigns = loaders.every_campaign(key)
    shapes = _labels(TARGET_SHAPES, lambda x: state.t(f"admin.shape.{x}"))
    if campaigns:
        st.dataframe(pd.DataFrame([{
            state.t("admin.col_campaign"): c.name,
            state.t("admin.col_status"): state.t(f"admin.campaign_{c.status}"),
            state.t("admin.col_starts"): c.starts_on.isoformat(),
            state.t("admin.col_peak"): c.peak_start.isoformat(),
            state.t("admin.col_peak_end"): c.peak_end.isoformat() if c.peak_end else "—",
            state.t("admin.col_shape"): shapes(c.target_shape),
        } for c in campaigns]), hide_index=True, width="stretch")
    else:
        st.info(state.t("admin.no_campaigns"))
    active = [u for u in loaders.all_units(key) if u.is_active]
    templates = loaders.templates(key)
    today = state.today()

    with st.expander(state.t("admin.open_campaign"), icon=":material/flag:"), st.form("admin_open_campaign", clear_on_submit=True):
        name = st.text_input(state.t("admin.campaign_name"), key="oc_name", max_chars=128)
        newest: dict = {}
        for tp in templates:  # by key, the newest version of each first
            newest.setdefault(tp.key, tp)
        names = _labels(list(newest), lambda k: f"{state.name(newest[k])} v{newest[k].version}")
        chosen = st.multiselect(state.t("admin.templates"), list(newest), default=list(newest),
                                key=widgets.lang_key("oc_templates"), format_func=names)
        starts_on = st.date_input(state.t("admin.starts_on"), value=today, key="oc_starts")
        peak_start = st.date_input(state.t("admin.peak_start"), value=date(today.year + 1, 6, 15), key="oc_peak")
        peak_end = st.date_input(state.t("admin.peak_end"), value=date(today.year + 1, 9, 15), key="oc_peak_end")
        # A template counting its due days from another day (the flood season) is told that day.
        anchored = {k: tp.counts_from for k, tp in newest.items() if tp.counts_from}
        starts = {k: st.date_input(state.t(f"anchor.{start}"), value=date(today.year + 1, 4, 15), key=f"oc_anchor_{k}")
                  for k, start in anchored.items()}
        shape = st.selectbox(state.t("admin.target_shape"), TARGET_SHAPES, key=widgets.lang_key("oc_shape"),
                             format_func=shapes, help=state.t("admin.target_shape_help"))
        root = _unit_picker(state.t("admin.campaign_units"), active, key="oc_root")
        subtree = st.checkbox(state.t("admin.include_subtree"), value=True, key="oc_subtree")
        if st.form_submit_button(state.t("admin.open"), type="primary", disabled=not templates or not active):
            _apply(lambda s: open_campaign(name, chosen, peak_start=peak_start, starts_on=starts_on, peak_end=peak_end,
                                           anchors={k: v for k, v in starts.items() if k in chosen},
                                           unit_codes=_tree_codes(root, active, subtree), session=s, actor=who,
                                           now=state.utcnow(), target_shape=shape),
                   "admin.campaign_opened", name=name.strip())

    open_ones = [c for c in campaigns if c.status == "open"]
    if not open_ones:
        return
    st.subheader(state.t("admin.manage_campaign"))
    campaign = widgets.select_by_id(state.t("admin.campaign"), open_ones, key="admin_campaign", fmt=lambda c: c.name)
    join, reshape, close = st.columns(3, gap="large")
    with join, st.form(f"admin_join_{campaign.id}", clear_on_submit=True):
        root = _unit_picker(state.t("admin.join_units"), active, key=f"jc_root_{campaign.id}")
        subtree = st.checkbox(state.t("admin.include_subtree"), value=True, key=f"jc_subtree_{campaign.id}")
        if st.form_submit_button(state.t("admin.join")):
            _apply(lambda s: add_units(campaign.id, _tree_codes(root, active, subtree), session=s, actor=who,
                                       joined_on=today, now=state.utcnow()),
                   "admin.units_joined", name=campaign.name)
    with reshape:
        reshaped = st.selectbox(state.t("admin.target_shape"), TARGET_SHAPES,
                                index=TARGET_SHAPES.index(campaign.target_shape),
                                key=widgets.lang_key(f"cp_shape_{campaign.id}"), format_func=shapes)
        if st.button(state.t("admin.save_shape"), key=f"cp_shape_save_{campaign.id}",
                     disabled=reshaped == campaign.target_shape, icon=":material/show_chart:"):
            _apply(lambda s: set_target_shape(campaign.id, reshaped, session=s, actor=who, now=state.utcnow()),
                   "admin.shape_changed", name=campaign.name, shape=shapes(reshaped))
    with close:
        sure = st.checkbox(state.t("admin.close_confirm"), key=f"cc_sure_{campaign.id}")
        if st.button(state.t("admin.close"), key=f"admin_close_{campaign.id}", disabled=not sure,
                     icon=":material/lock:"):
            _apply(lambda s: close_campaign(campaign.id, session=s, actor=who, now=state.utcnow()),
                   "admin.campaign_was_closed", name=campaign.name)


# ── The audit log ────────────────────────────────────────────────────────────


def _action_text(action: str) -> str:
    key = f"audit.{action}"
    text = state.t(key)
    return action if text == key else text  # an action this version has no words for yet shows its code


def _change_text(value: dict | None) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_section(who, key: int) -> None:
    kinds = ["all", "user", "unit", "campaign"]
    kind = st.segmented_control(state.t("admin.audit_show"), kinds, default="all",
                                key=widgets.lang_key("audit_kind"),
                                format_func=_labels(kinds, lambda k: state.t(f"admin.audit_{k}"))) or "all"
    entries = loaders.audit_entries(who, None if kind == "all" else kind)
    if not entries:
        st.info(state.t("admin.audit_empty"))
        return
    st.dataframe(pd.DataFrame([{
        state.t("admin.col_when"): format_local(e.occurred_at),
        state.t("admin.col_who"): e.who,
        state.t("admin.col_action"): _action_text(e.action),
        state.t("admin.col_target"): e.target,
        state.t("admin.col_before"): _change_text(e.before),
        state.t("admin.col_after"): _change_text(e.after),
    } for e in entries]), hide_index=True, width="stretch")
    st.caption(state.t("admin.audit_note", n=len(entries)))
