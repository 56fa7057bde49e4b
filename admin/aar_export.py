"""A drill's after-action report to take away: an .xlsx workbook, and a printable HTML debrief for people
without an account.

Both hold the same content, gathered once by `debrief`: the drill (title, type, form, when in the local
zone, place, units, coordinator and evaluators), the report (status, due day, who issued it and when, its
summary), one row per objective with its rating, strengths and areas for improvement, and the improvement
plan, one row per corrective action with its owner unit, due day and state on the owner's checklist.

- `aar_workbook` writes three sheets (summary, evaluation, improvement plan) and the hidden meta sheet;
  text cells are never formulas (admin.xlsx.text).
- `aar_html` writes one self-contained page: inline CSS with a print stylesheet for A4, no scripts, no
  external resources (its Content-Security-Policy forbids both), every text HTML-escaped. It is a file
  people download and hand on.

Neither checks who asks: the caller decides who may take the report away (the command line is trusted).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import xlsx
from core.clock import format_local, local_day, local_zone, to_local
from core.errors import InvalidInput
from core.i18n import LANGUAGES, t
from drills import review
from drills.planning import DrillView, get_drill
from org.models import Actor
from store.schema import CampaignTemplate, Directive, OrgUnit, TemplateItem

FORMAT = "peakready-aar"
FORMAT_VERSION = 1
_DAY = "yyyy-mm-dd"

SUMMARY_FIELDS = ("drill", "type", "form", "when", "location", "lead", "units", "coordinator", "evaluators",
                  "drill_status", "report_status", "due", "issued_by", "issued_at", "rated", "actions", "summary",
                  "exported_at")
# (column id, width)
EVALUATION_COLUMNS: tuple[tuple[str, float], ...] = (
    ("key", 10), ("objective", 36), ("criteria", 36), ("rating", 26), ("strengths", 40), ("improvements", 40),
    ("evaluator", 14), ("recorded_at", 17))
PLAN_COLUMNS: tuple[tuple[str, float], ...] = (
    ("action", 9), ("unit_code", 13), ("unit_name", 24), ("description", 44), ("criticality", 10), ("due", 12),
    ("state", 10), ("from_objective", 10), ("directive", 30), ("item", 30), ("evidence", 10), ("overdue", 9))
_WRAPPED = {"objective", "criteria", "strengths", "improvements", "description", "directive", "item", "unit_name"}
RATING_COLOURS = {"P": "FFC6EFCE", "S": "FFFFF2CC", "M": "FFFCE4D6", "U": "FFFFC7CE"}


# ── What both exports show ───────────────────────────────────────────────────


@dataclass(frozen=True)
class Debrief:
    """The report as both exports show it, in one language: every value is text, but for the due days
    (dates) and the counts of evidence files."""

    lang: str
    drill: DrillView
    report: review.Report
    facts: tuple[tuple[str, object], ...]  # (summary field id, value)
    evaluations: tuple[dict[str, object], ...]  # column id → value, one per objective
    ratings: tuple[str | None, ...]  # each objective's rating code, in the same order
    actions: tuple[dict[str, object], ...]  # column id → value, one per corrective action
    overdue: tuple[bool, ...]  # each action's overdue flag, in the same order
    exported_at: str

    def label(self, cid: str) -> str:
        return t(f"aar.col.{cid}", self.lang)


def debrief(drill_id: int, *, session: Session, lang: str, aar_due_days: int, now: datetime,
            actor: Actor | None = None) -> Debrief:
    """Gather the drill, its report, evaluations and improvement plan in `lang` (NotFound for an unknown
    drill; Forbidden for a user who may read none of its units; `actor` None: the command line)."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    view = get_drill(drill_id, session=session, actor=actor)
    report = review.report(drill_id, session=session, aar_due_days=aar_due_days)
    today = local_day(now)
    zh = lang == "zh"
    joiner = "、" if zh else ", "
    nobody = t("aar.nobody", lang)
    names = _unit_names(view.unit_ids, session)

    def unit(code: str) -> str:
        name = names.get(code)
        return f"{code} {name[0 if zh else 1]}" if name else code

    evaluators = sorted(name for _, name, role in view.people if role == "evaluator")
    state = t(f"aar.report.{report.status}", lang)
    if report.overdue(today):
        state = t("aar.report_overdue", lang, state=state)
    open_actions = sum(not a.closed for a in report.actions)
    exported_at = f"{format_local(now)} ({local_zone().key})"
    facts: tuple[tuple[str, object], ...] = (
        ("drill", view.title),
        ("type", view.type_name_zh if zh else view.type_name_en),
        ("form", t(f"dt.form.{view.form}", lang)),
        ("when", _when(view, lang)),
        ("location", view.location or nobody),
        ("lead", unit(view.lead_unit_code)),
        ("units", joiner.join(unit(c) for c in view.unit_codes) or nobody),
        ("coordinator", view.coordinator_name),
        ("evaluators", joiner.join(evaluators) or nobody),
        ("drill_status", t(f"drl.status.{view.status}", lang)),
        ("report_status", state),
        ("due", report.due_on),
        ("issued_by", report.issued_by or nobody),
        ("issued_at", format_local(report.issued_at) if report.issued_at else nobody),
        ("rated", t("aar.rated", lang, rated=report.rated, total=len(report.evaluations))),
        ("actions", t("aar.actions_count", lang, total=len(report.actions), open=open_actions,
                      overdue=sum(a.overdue(today) for a in report.actions))),
        ("summary", report.summary),
        ("exported_at", exported_at),
    )
    evaluations = tuple({
        "key": e.objective_key,
        "objective": (e.text_zh or e.text_en) if zh else (e.text_en or e.text_zh),
        "criteria": (e.criteria_zh or e.criteria_en) if zh else (e.criteria_en or e.criteria_zh),
        "rating": t(f"rev.rating.{e.rating}", lang) if e.rating else t("aar.unrated", lang),
        "strengths": e.strengths,
        "improvements": e.improvements,
        "evaluator": e.evaluator,
        "recorded_at": format_local(e.recorded_at) if e.recorded_at else "",
    } for e in report.evaluations)
    directives = _directives({a.directive_id for a in report.actions if a.directive_id}, session)
    actions = tuple({
        "action": a.occurrence,
        "unit_code": a.unit_code,
        "unit_name": a.unit_name_zh if zh else a.unit_name_en,
        "description": a.description,
        "criticality": t(f"crit.{a.criticality}", lang),
        "due": a.due_on,
        "state": t(f"status.{a.status}", lang),
        "from_objective": a.objective_key or "",
        "directive": _directive(a.directive_id, directives, lang),
        "item": _item(a.concerns_item, a.campaign_id, lang, session),
        "evidence": a.evidence_count,
        "overdue": t("aar.yes" if a.overdue(today) else "aar.no", lang),
    } for a in report.actions)
    return Debrief(lang=lang, drill=view, report=report, facts=facts, evaluations=evaluations,
                   ratings=tuple(e.rating for e in report.evaluations), actions=actions,
                   overdue=tuple(a.overdue(today) for a in report.actions), exported_at=exported_at)


def _when(view: DrillView, lang: str) -> str:
    start, end = to_local(view.starts_at), to_local(view.ends_at)
    end_text = format_local(view.ends_at) if end.date() != start.date() else end.strftime("%H:%M")
    return t("aar.when", lang, start=format_local(view.starts_at), end=end_text, zone=local_zone().key)


def _unit_names(unit_ids: Sequence[int], session: Session) -> dict[str, tuple[str, str]]:
    if not unit_ids:
        return {}
    return {code: (zh, en) for code, zh, en in session.execute(
        select(OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en).where(OrgUnit.id.in_(list(unit_ids))))}


def _directives(ids: set[str], session: Session) -> dict[str, tuple[str, str]]:
    if not ids:
        return {}
    return {i: (zh, en) for i, zh, en in session.execute(
        select(Directive.id, Directive.title_zh, Directive.title_en).where(Directive.id.in_(ids)))}


def _directive(directive_id: str | None, titles: dict[str, tuple[str, str]], lang: str) -> str:
    if not directive_id:
        return ""
    title = titles.get(directive_id)
    return f"{directive_id} {title[0 if lang == 'zh' else 1]}" if title else directive_id


def _item(key: str | None, campaign_id: int, lang: str, session: Session) -> str:
    """The checklist item an action concerns, by its key and its text in the action's season."""
    if not key:
        return ""
    found = session.execute(
        select(TemplateItem.text_zh, TemplateItem.text_en)
        .join(CampaignTemplate, CampaignTemplate.template_id == TemplateItem.template_id)
        .where(CampaignTemplate.campaign_id == campaign_id, TemplateItem.key == key).limit(1)).first()
    return f"{key} {found[0] if lang == 'zh' else found[1]}" if found else key


# ── The workbook ─────────────────────────────────────────────────────────────


def aar_workbook(drill_id: int, *, session: Session, lang: str, aar_due_days: int, now: datetime) -> bytes:
    """The report as an .xlsx workbook in `lang`: sheets summary, evaluation and improvement plan."""
    return workbook(debrief(drill_id, session=session, lang=lang, aar_due_days=aar_due_days, now=now))


def workbook(d: Debrief) -> bytes:
    lang = d.lang
    wb = Workbook()
    summary = wb.active
    summary.title = t("aar.sheet.summary", lang)
    xlsx.header(summary, [("field", 18), ("value", 80)], d.label)
    for r, (fid, content) in enumerate(d.facts, start=2):
        xlsx.text(summary.cell(r, 1), t(f"aar.f.{fid}", lang))
        _cell(summary.cell(r, 2), content, wrap=True)
    summary.freeze_panes = "B2"

    evaluation = wb.create_sheet(t("aar.sheet.evaluation", lang))
    _table(evaluation, EVALUATION_COLUMNS, d.evaluations, d.label)
    rating_col = [c for c, _ in EVALUATION_COLUMNS].index("rating") + 1
    for r, rating in enumerate(d.ratings, start=2):
        if rating in RATING_COLOURS:
            colour = RATING_COLOURS[rating]
            evaluation.cell(r, rating_col).fill = PatternFill("solid", start_color=colour, end_color=colour)

    plan = wb.create_sheet(t("aar.sheet.plan", lang))
    _table(plan, PLAN_COLUMNS, d.actions, d.label)

    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("lang", lang),
                         ("drill_id", d.drill.id), ("report_version", d.report.version),
                         ("exported_at", d.exported_at)))
    return xlsx.saved(wb)


def _table(ws, columns: Sequence[tuple[str, float]], rows: Sequence[dict[str, object]], label) -> None:
    xlsx.header(ws, columns, label)
    for r, row in enumerate(rows, start=2):
        for col, (cid, _) in enumerate(columns, start=1):
            _cell(ws.cell(r, col), row[cid], wrap=cid in _WRAPPED)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _cell(cell, content: object, *, wrap: bool) -> None:
    xlsx.value(cell, content)
    if isinstance(content, date):
        cell.number_format = _DAY
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")


# ── The printable debrief ────────────────────────────────────────────────────


def aar_html(drill_id: int, *, session: Session, lang: str, aar_due_days: int, now: datetime) -> str:
    """The report as one self-contained, printable HTML page in `lang`."""
    return page(debrief(drill_id, session=session, lang=lang, aar_due_days=aar_due_days, now=now))


def _e(content: object) -> str:
    if isinstance(content, date):
        content = content.isoformat()
    return html.escape(str(content), quote=True)


def page(d: Debrief) -> str:
    lang = d.lang
    colon = "：" if lang == "zh" else ": "
    title = f"{t('aar.title', lang)} · {d.drill.title}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<main class="sheet">',
        "<header>",
        f'<p class="kicker">{_e(t("aar.title", lang))}</p>',
        f"<h1>{_e(d.drill.title)}</h1>",
    ]
    if d.report.status != "issued":
        parts.append(f'<p class="notice">{_e(t("aar.draft_notice", lang))}</p>')
    parts.append("</header>")

    facts = {fid: content for fid, content in d.facts}
    parts += [f'<section><h2>{_e(t("aar.sheet.summary", lang))}</h2>', '<table class="facts">']
    for fid, content in d.facts:
        if fid in ("summary", "exported_at"):
            continue
        parts.append(f'<tr><th scope="row">{_e(t(f"aar.f.{fid}", lang))}</th><td>{_e(content)}</td></tr>')
    parts.append("</table></section>")

    summary = str(facts["summary"]).strip()
    parts.append(f'<section><h2>{_e(t("aar.f.summary", lang))}</h2>')
    parts.append(f'<div class="text">{_e(summary)}</div>' if summary
                 else f'<p class="empty">{_e(t("aar.no_summary", lang))}</p>')
    parts.append("</section>")

    parts.append(f'<section><h2>{_e(t("aar.sheet.evaluation", lang))}</h2>')
    if not d.evaluations:
        parts.append(f'<p class="empty">{_e(t("aar.no_objectives", lang))}</p>')
    for row, rating in zip(d.evaluations, d.ratings, strict=True):
        parts += [
            '<article class="objective">',
            f'<h3><span class="key">{_e(row["key"])}</span> {_e(row["objective"])}</h3>',
            f'<p class="rating rating-{_e(rating or "none")}">{_e(row["rating"])}</p>',
        ]
        for cid in ("criteria", "strengths", "improvements"):
            if row[cid]:
                parts.append(f'<div class="field"><h4>{_e(d.label(cid))}</h4><div class="text">{_e(row[cid])}</div></div>')
        if row["evaluator"]:
            who = f'{_e(d.label("evaluator"))}{colon}{_e(row["evaluator"])}'
            when = f' · {_e(row["recorded_at"])}' if row["recorded_at"] else ""
            parts.append(f'<p class="by">{who}{when}</p>')
        parts.append("</article>")
    parts.append("</section>")

    parts.append(f'<section><h2>{_e(t("aar.sheet.plan", lang))}</h2>')
    if not d.actions:
        parts.append(f'<p class="empty">{_e(t("aar.no_actions", lang))}</p>')
    else:
        heads = ("action", "unit_name", "description", "criticality", "due", "state")
        parts.append('<table class="plan"><thead><tr>'
                     + "".join(f'<th scope="col">{_e(d.label(c))}</th>' for c in heads)
                     + "</tr></thead><tbody>")
        for row, overdue in zip(d.actions, d.overdue, strict=True):
            notes = [f'<div class="note">{_e(d.label(c))}{colon}{_e(row[c])}</div>'
                     for c in ("from_objective", "directive", "item") if row[c]]
            late = f'<div class="late">{_e(t("aar.overdue_mark", lang))}</div>' if overdue else ""
            parts.append(
                f'<tr class="{"overdue" if overdue else ""}">'
                f'<td class="nowrap">{_e(row["action"])}</td>'
                f'<td><span class="code">{_e(row["unit_code"])}</span><br>{_e(row["unit_name"])}</td>'
                f'<td><div class="text">{_e(row["description"])}</div>{"".join(notes)}</td>'
                f'<td class="nowrap">{_e(row["criticality"])}</td>'
                f'<td class="nowrap">{_e(row["due"])}{late}</td>'
                f'<td>{_e(row["state"])}<div class="note">'
                f'{_e(t("aar.evidence_count", lang, count=row["evidence"]))}</div></td>'
                "</tr>")
        parts.append("</tbody></table>")
    parts.append("</section>")

    parts += [f'<footer>{_e(t("aar.footer", lang, when=d.exported_at))}</footer>', "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #eceff3; color: #1f2328;
  font: 14px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue",
  Arial, sans-serif; }
.sheet { max-width: 210mm; margin: 16px auto; padding: 18mm 16mm; background: #fff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }
header { border-bottom: 2px solid #1f4e79; margin-bottom: 14px; padding-bottom: 8px; }
.kicker { margin: 0; color: #1f4e79; font-weight: 600; letter-spacing: .05em; }
h1 { margin: 2px 0 4px; font-size: 22px; }
h2 { margin: 22px 0 8px; font-size: 17px; color: #1f4e79; border-bottom: 1px solid #c9d3e0; padding-bottom: 3px; }
h3 { margin: 0 0 4px; font-size: 15px; }
h4 { margin: 6px 0 2px; font-size: 12px; color: #57606a; font-weight: 600; }
.notice { margin: 6px 0 0; padding: 6px 10px; background: #fff4ce; border-left: 4px solid #d4a72c; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border: 1px solid #d0d7de; }
.facts th { width: 28%; background: #f3f6fa; font-weight: 600; }
.plan thead th { background: #d9e1f2; }
.plan tr.overdue td { background: #fff1f0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.objective { border: 1px solid #d0d7de; border-radius: 4px; padding: 8px 10px; margin: 0 0 10px; }
.key, .code { font-family: "DejaVu Sans Mono", Consolas, monospace; color: #57606a; }
.rating { display: inline-block; margin: 2px 0 4px; padding: 1px 8px; border-radius: 3px; font-weight: 600;
  border: 1px solid #8c959f; }
.rating-P { background: #c6efce; border-color: #2da44e; }
.rating-S { background: #fff2cc; border-color: #bf8700; }
.rating-M { background: #fce4d6; border-color: #d1731a; }
.rating-U { background: #ffc7ce; border-color: #cf222e; }
.rating-none { background: #f6f8fa; color: #57606a; font-weight: 400; }
.by, .note { margin: 4px 0 0; font-size: 12px; color: #57606a; }
.late { font-size: 12px; color: #cf222e; font-weight: 600; }
.nowrap { white-space: nowrap; }
.empty { color: #57606a; font-style: italic; }
footer { margin-top: 24px; padding-top: 8px; border-top: 1px solid #d0d7de; font-size: 11px; color: #57606a; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { background: none; font-size: 10.5pt; }
  .sheet { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .objective, tr, .facts { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .rating, .notice, .plan thead th, .facts th, .plan tr.overdue td { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""
