"""The planner's review tab: after a drill, rate each objective (P / S / M / U with strengths and areas for
improvement), write and issue the after-action report, and turn areas for improvement into corrective
actions on the owner units' checklists (the improvement plan), with the report's downloads.

Each button acts in a callback, one use-case of drills.review in one transaction; the service checks the
user's rights itself, the page only hides forms from users who may not use them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from admin import aar_export
from core.clock import format_local
from core.config import get_settings
from core.errors import DomainError
from drills import findings, review
from drills.planning import DrillView
from org.models import Actor
from org.queries import UnitView
from store.db import snapshot, transaction
from ui import drill_views, loaders, state, widgets

RATINGS = ("P", "S", "M", "U")
CRITICALITIES = ("critical", "major", "normal")
PICKED = "rv_drill"


@st.cache_data(max_entries=64, show_spinner=False)
def _report(drill_id: int, due_days: int, key: int) -> review.Report:
    with snapshot(state.engine()) as s:
        return review.report(drill_id, session=s, aar_due_days=due_days)


@st.cache_data(max_entries=16, show_spinner=False)
def _items(campaign_id: int, key: int) -> dict[str, tuple[str, str]]:
    with snapshot(state.engine()) as s:
        return review.season_items(campaign_id, session=s)


@st.cache_data(max_entries=16, show_spinner=False)
def _files(drill_id: int, lang: str, due_days: int, now: datetime, key: int, actor: Actor) -> tuple[bytes, bytes]:
    """The report as a workbook and as a printable page for a user who may read the drill, built once per
    minute and change (and user: the service checks who asks)."""
    with snapshot(state.engine()) as s:
        d = aar_export.debrief(drill_id, session=s, lang=lang, aar_due_days=due_days, now=now, actor=actor)
    return aar_export.workbook(d), aar_export.page(d).encode("utf-8")


def _may_review(drill_id: int) -> bool:
    """Read afresh on every run, like every right."""
    with snapshot(state.engine()) as s:
        return review.may_review_drill(drill_id, state.actor(), session=s)


def _act(change: Callable[[object], str]) -> None:
    try:
        with transaction(state.engine()) as s:
            state.flash("success", change(s))
    except DomainError as err:
        state.flash("error", state.error_text(err))


def review_tab(drills: Sequence[DrillView], units: Mapping[int, UnitView], season_units: Sequence[UnitView],
               key: int) -> None:
    """The held drills the user sees, the chosen one's evaluation, report and improvement plan."""
    held = [d for d in drills if d.status in review.HELD]
    if not held:
        st.info(state.t("rv.none_held"))
        return
    latest = held[-1].id
    view = widgets.select_by_id(state.t("rv.pick"), held, key=PICKED, default_id=latest, fmt=drill_views.drill_label)
    report = _report(view.id, get_settings().aar_due_days, key)
    may = _may_review(view.id)
    _status_line(report)
    st.markdown(f"#### {state.t('rv.evaluation')}")
    _evaluations(view, report, editable=may and view.status == "conducted")
    st.markdown(f"#### {state.t('rv.report')}")
    _report_form(view, report, editable=may and view.status == "conducted")
    st.markdown(f"#### {state.t('rv.plan')}")
    _actions_table(report.actions)
    if may:
        _action_form(view, units, season_units, key)
    _downloads(view, key)


def _downloads(view: DrillView, key: int) -> None:
    """The report as Excel, and as a printable page to hand to people without an account."""
    a, b = st.columns(2)
    now = state.utcnow().replace(second=0, microsecond=0)
    xlsx, page = _files(view.id, state.lang(), get_settings().aar_due_days, now, key, state.actor())
    a.download_button(state.t("rv.download_xlsx"), xlsx, file_name=f"aar-{view.id}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key=f"rv_xlsx_{view.id}", on_click="ignore")
    b.download_button(state.t("rv.download_html"), page,
                      file_name=f"aar-{view.id}.html", mime="text/html", key=f"rv_html_{view.id}",
                      on_click="ignore", help=state.t("rv.download_html_help"))


def _status_line(report: review.Report) -> None:
    today = state.today()
    words = state.t("rv.status_issued", when=format_local(report.issued_at), who=report.issued_by) \
        if report.status == "issued" else state.t("rv.status_draft", due=report.due_on.isoformat())
    line = f"{words} · {state.t('rv.rated', n=report.rated, of=len(report.evaluations))}"
    if report.overdue(today):
        st.warning(f"{line} · {state.t('rv.report_overdue', days=(today - report.due_on).days)}")
    else:
        st.caption(line)


def _rating_label(rating: str | None) -> str:
    return state.t(f"rev.rating.{rating}") if rating else state.t("rv.unrated")


def _evaluations(view: DrillView, report: review.Report, *, editable: bool) -> None:
    lang = state.lang()
    for e in report.evaluations:
        title = f"{_rating_label(e.rating)} · {e.text_zh if lang == 'zh' else e.text_en}"
        with st.expander(state.escape_markdown(title), expanded=editable and e.rating is None):
            criteria = e.criteria_zh if lang == "zh" else e.criteria_en
            if criteria:
                st.caption(state.t("rv.criteria", text=state.escape_markdown(criteria)))
            if not editable:
                _evaluation_text(e)
                continue
            k = f"{view.id}_{e.objective_key}"
            labels = {r: _rating_label(r) for r in RATINGS}  # fixed now: a test reads them outside the run
            with st.form(f"rv_eval_form_{k}"):
                st.radio(state.t("rv.rating"), RATINGS, index=RATINGS.index(e.rating) if e.rating else None,
                         format_func=labels.__getitem__, key=f"rv_rating_{k}", horizontal=True)
                st.text_area(state.t("rv.strengths"), value=e.strengths, key=f"rv_strengths_{k}",
                             max_chars=review.MAX_TEXT)
                st.text_area(state.t("rv.improvements"), value=e.improvements, key=f"rv_improve_{k}",
                             max_chars=review.MAX_TEXT, help=state.t("rv.improvements_help"))
                st.form_submit_button(state.t("rv.save_rating"), key=f"rv_eval_{k}", on_click=_on_evaluate,
                                      args=(view.id, e.objective_key, k))


def _evaluation_text(e: review.Evaluation) -> None:
    if e.strengths:
        widgets.plain(f"{state.t('rv.strengths')}: {e.strengths}")
    if e.improvements:
        widgets.plain(f"{state.t('rv.improvements')}: {e.improvements}")
    if e.evaluator:
        st.caption(state.t("rv.rated_by", who=e.evaluator, when=format_local(e.recorded_at)))


def _on_evaluate(drill_id: int, objective_key: str, k: str) -> None:
    rating = st.session_state.get(f"rv_rating_{k}")
    if rating is None:
        state.flash("error", state.t("rv.pick_rating"))
        return
    who = state.actor()

    def change(s) -> str:
        review.evaluate(drill_id, objective_key, rating, strengths=st.session_state.get(f"rv_strengths_{k}", ""),
                        improvements=st.session_state.get(f"rv_improve_{k}", ""), session=s, actor=who,
                        now=state.utcnow())
        return state.t("rv.rating_saved", rating=rating)

    _act(change)


def _report_form(view: DrillView, report: review.Report, *, editable: bool) -> None:
    if not editable:
        widgets.plain(report.summary or state.t("rv.no_summary"))
        return
    with st.form(f"rv_report_form_{view.id}"):
        st.text_area(state.t("rv.summary"), value=report.summary, key=f"rv_summary_{view.id}",
                     max_chars=review.MAX_TEXT, help=state.t("rv.summary_help"))
        a, b = st.columns(2)
        a.form_submit_button(state.t("rv.save_report"), key=f"rv_save_{view.id}", on_click=_on_save,
                             args=(view.id, report.version))
        b.form_submit_button(state.t("rv.issue"), key=f"rv_issue_{view.id}", type="primary", on_click=_on_issue,
                             args=(view.id, report.version))


def _on_save(drill_id: int, version: int) -> None:
    who = state.actor()
    summary = st.session_state.get(f"rv_summary_{drill_id}", "")

    def change(s) -> str:
        review.save_report(drill_id, summary, expected_version=version, session=s, actor=who, now=state.utcnow(),
                           aar_due_days=get_settings().aar_due_days)
        return state.t("rv.report_saved")

    _act(change)


def _on_issue(drill_id: int, version: int) -> None:
    """Issue what is in the box: saved first when it was changed, then issued, in one transaction."""
    who = state.actor()
    summary = st.session_state.get(f"rv_summary_{drill_id}", "")

    def change(s) -> str:
        now = state.utcnow()
        current = review.report(drill_id, session=s, aar_due_days=get_settings().aar_due_days)
        v = version
        if summary.strip() != current.summary:
            v = review.save_report(drill_id, summary, expected_version=version, session=s, actor=who, now=now,
                                   aar_due_days=get_settings().aar_due_days)
        review.issue_report(drill_id, expected_version=v, session=s, actor=who, now=now)
        return state.t("rv.issued")

    _act(change)


def _actions_table(actions: Sequence[review.ActionView]) -> None:
    if not actions:
        st.caption(state.t("rv.no_actions"))
        return
    today = state.today()
    lang = state.lang()
    st.dataframe(pd.DataFrame([{
        "unit": f"{a.unit_name_zh if lang == 'zh' else a.unit_name_en} ({a.unit_code})",
        "description": a.description,
        "criticality": state.t(f"crit.{a.criticality}"),
        "due": a.due_on,
        "state": state.t("rv.overdue") if a.overdue(today) else state.t(f"status.{a.status}"),
        "files": a.evidence_count,
    } for a in actions]), hide_index=True, width="stretch", column_config={
        "unit": state.t("rv.col_unit"), "description": state.t("rv.col_description"),
        "criticality": state.t("rv.col_criticality"), "due": state.t("rv.col_due"),
        "state": state.t("rv.col_state"), "files": state.t("rv.col_files")})


def _action_form(view: DrillView, units: Mapping[int, UnitView], season_units: Sequence[UnitView],
                 key: int) -> None:
    """A new corrective action: the drill's units first, then the season's other units."""
    owners = [u for u in view.unit_ids if u in units] + sorted(
        (u.id for u in season_units if u.id not in view.unit_ids), key=lambda u: units[u].path if u in units else "")
    objectives = {o["key"]: o.get("text_zh" if state.lang() == "zh" else "text_en", o["key"]) for o in view.objectives}
    directive_titles = loaders.directives(key)
    owner_labels = {u: widgets.unit_label(units[u]).strip() for u in owners}
    criticalities = {c: state.t(f"crit.{c}") for c in CRITICALITIES}
    categories = {c: state.t(f"hazard.cat.{c}") for c in findings.CATEGORIES}
    derived = findings.CATEGORIES.index(findings.category_of(view.type_key))
    objective_labels = {None: "—", **objectives}
    directive_labels = {None: "—", **{d: f"{d} {t[state.lang()]}" for d, t in directive_titles.items()}}
    zh = state.lang() == "zh"
    items = _items(view.campaign_id, key) if view.campaign_id is not None else {}
    item_labels = {None: "—", **{k: f"{(t[0] if zh else t[1])[:60]} ({k})" for k, t in items.items()}}
    with st.expander(state.t("rv.new_action"), expanded=False), st.form(f"rv_action_form_{view.id}"):
        a, b = st.columns(2)
        a.selectbox(state.t("rv.owner"), owners, format_func=owner_labels.__getitem__,
                    key=widgets.lang_key(f"rv_owner_{view.id}"))
        b.selectbox(state.t("rv.criticality"), CRITICALITIES, index=1, format_func=criticalities.__getitem__,
                    key=widgets.lang_key(f"rv_crit_{view.id}"))
        st.selectbox(state.t("hz.category"), list(categories), index=derived, format_func=categories.__getitem__,
                     key=widgets.lang_key(f"rv_category_{view.id}"))
        st.text_area(state.t("rv.description"), key=f"rv_desc_{view.id}", max_chars=review.MAX_TEXT)
        c, d = st.columns(2)
        c.date_input(state.t("rv.due"), value=state.today() + timedelta(days=30), min_value=state.today(),
                     key=f"rv_due_{view.id}")
        d.selectbox(state.t("rv.objective"), list(objective_labels), format_func=objective_labels.__getitem__,
                    key=widgets.lang_key(f"rv_obj_{view.id}"))
        e, f = st.columns(2)
        e.selectbox(state.t("rv.directive"), list(directive_labels), format_func=directive_labels.__getitem__,
                    key=widgets.lang_key(f"rv_dir_{view.id}"))
        f.selectbox(state.t("rv.item"), list(item_labels), format_func=item_labels.__getitem__,
                    key=widgets.lang_key(f"rv_item_{view.id}"))
        st.form_submit_button(state.t("rv.add_action"), key=f"rv_add_{view.id}", type="primary",
                              on_click=_on_action, args=(view.id,))


def _on_action(drill_id: int) -> None:
    def value(name: str):
        return st.session_state.get(widgets.lang_key(f"{name}_{drill_id}"))

    owner = value("rv_owner")
    due = st.session_state.get(f"rv_due_{drill_id}")
    if owner is None or due is None:
        state.flash("error", state.t("rv.owner_and_due"))
        return
    who = state.actor()
    description = st.session_state.get(f"rv_desc_{drill_id}", "")

    def change(s) -> str:
        review.raise_action(drill_id, unit_id=owner, description=description, due_on=due,
                            criticality=value("rv_crit") or "major", category=value("rv_category"),
                            objective_key=value("rv_obj"),
                            directive_id=value("rv_dir"), concerns_item=value("rv_item"), session=s, actor=who,
                            now=state.utcnow())
        return state.t("rv.action_added")

    _act(change)
    if st.session_state.get(state.FLASH, ("",))[0] == "success":
        st.session_state.pop(f"rv_desc_{drill_id}", None)
