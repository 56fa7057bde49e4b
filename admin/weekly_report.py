"""The executive's weekly readiness report for a unit's sub-tree as of a day: an .xlsx workbook, and a
printable one-page HTML summary for the weekly safety meeting.

Both show what `build` gathers once, every figure recomputed for the day asked (admin.dashboard):
- the headline figures, each with the week before and the change;
- the daily readiness series with the campaign's target trajectory (to the peak start), which the
  workbook charts natively (an Excel line chart over the series cells, not a picture);
- the child units ranked, those at risk first, each with the reasons;
- the critical items overdue on the day (open, critical, due before the day: what the ranking counts);
- drill coverage per rule (drills.coverage.rule_coverage; `missing` there counts every requirement neither
  met nor planned: missing, overdue and no record, so a row adds up);
- the corrective actions open on the day (the standing table's, described by drills.review);
- the sub-tree's declarations as signed by the day (each unit's latest).

`workbook` writes one sheet each and the hidden meta sheet; text cells are never formulas (admin.xlsx).
`page` writes one self-contained page (inline CSS with an A4 print stylesheet, no scripts, every text
HTML-escaped) with the figures, the units at risk and the first overdue critical items.
Neither checks who asks: the caller does (the command line is trusted).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import dashboard, xlsx
from admin.dashboard import top_unit  # noqa: F401 - the report's root by default (manage.py)
from admin.declarations import DeclarationView, latest
from core.clock import format_local, local_zone, utcnow
from core.errors import InvalidInput, NotFound
from core.i18n import LANGUAGES, t
from drills.coverage import rule_coverage
from drills.review import corrective_actions
from readiness.outlook import target_on
from store.schema import Campaign, OrgUnit, TemplateItem

FORMAT = "peakready-weekly-report"
FORMAT_VERSION = 1
OVERDUE_ON_PAGE = 12  # the page lists the first ones; the workbook has them all
_DAY = "yyyy-mm-dd"
_PCT = "0.0%"
_POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'
_DELTA = "+0;-0;0"
_RISK = PatternFill("solid", start_color="FFFFE0E0", end_color="FFFFE0E0")

# (figure id, kind): a Headline field, shown as a percentage, a count or days.
FIGURES: tuple[tuple[str, str], ...] = (
    ("readiness", "pct"), ("target", "pct"), ("days_to_peak", "days"), ("critical_open", "count"),
    ("overdue", "count"), ("drills_missing", "count"), ("actions_open", "count"), ("on_time", "pct"),
    ("scope", "count"))
FACTS = ("campaign", "unit", "as_of", "peak_start", "exported_at")
# (column id, width)
SERIES_COLUMNS: tuple[tuple[str, float], ...] = (
    ("day", 12), ("readiness", 11), ("target", 11), ("done", 12), ("na", 12), ("total", 12))
RANKING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("rank", 6), ("unit_code", 14), ("unit_name", 28), ("readiness", 10), ("target", 10), ("gap", 10),
    ("forecast_low", 10), ("forecast_mid", 10), ("forecast_high", 10), ("critical_overdue", 10),
    ("drills_missing", 10), ("at_risk", 9), ("reasons", 50))
OVERDUE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("unit_code", 14), ("unit_name", 28), ("item", 50), ("occurrence", 11), ("due", 12), ("days_overdue", 9))
COVERAGE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("rule", 60), ("required", 10), ("met", 10), ("planned", 10), ("missing", 14))
ACTION_COLUMNS: tuple[tuple[str, float], ...] = (
    ("unit_code", 14), ("unit_name", 28), ("description", 50), ("drill", 30), ("criticality", 10), ("due", 12),
    ("days_overdue", 9))
DECLARATION_COLUMNS: tuple[tuple[str, float], ...] = (
    ("unit", 28), ("signed_by", 16), ("signed_at", 17), ("readiness", 10), ("open_items", 10))
_PERCENT_COLUMNS = {"readiness", "target", "gap", "forecast_low", "forecast_mid", "forecast_high"}
_WRAPPED = {"unit_name", "reasons", "item", "description", "drill", "rule", "unit"}


# ── What both formats show ───────────────────────────────────────────────────


@dataclass(frozen=True)
class Figure:
    id: str
    kind: str  # pct / count / days
    value: float | int | None
    before: float | int | None  # a week earlier; None before the season's first week
    change: float | int | None  # value − before (percentages: in points, ×100); None for days


@dataclass(frozen=True)
class Report:
    """The report in one language: rows are column id → value (text, numbers, dates, None)."""

    lang: str
    campaign_id: int
    campaign_name: str
    unit_id: int
    unit_code: str
    unit_name: str
    as_of: date
    starts_on: date
    peak_start: date
    exported_at: str
    figures: tuple[Figure, ...]
    series: tuple[dict[str, object], ...]  # every day from the season's start to the peak start (or the day)
    ranking: tuple[dict[str, object], ...]  # child units, at risk first; `risky` flags them
    overdue: tuple[dict[str, object], ...]  # critical items overdue, the longest overdue first
    coverage: tuple[dict[str, object], ...]  # one row per drill rule, then the total
    actions: tuple[dict[str, object], ...]  # open corrective actions, by due day
    declarations: tuple[dict[str, object], ...]

    def label(self, cid: str) -> str:
        return t(f"report.col.{cid}", self.lang)

    def figure(self, fid: str) -> Figure:
        return next(f for f in self.figures if f.id == fid)

    @property
    def at_risk(self) -> tuple[dict[str, object], ...]:
        return tuple(r for r in self.ranking if r["risky"])

    def facts(self) -> tuple[tuple[str, object], ...]:
        return (("campaign", self.campaign_name), ("unit", f"{self.unit_code} {self.unit_name}"),
                ("as_of", self.as_of), ("peak_start", self.peak_start), ("exported_at", self.exported_at))


def build(campaign_id: int, unit_id: int, as_of: date, *, session: Session, lang: str,
          now: datetime | None = None) -> Report:
    """Gather the report of the unit's sub-tree as of the day, in `lang` (InvalidInput for a day before the
    season began)."""
    if lang not in LANGUAGES:
        raise InvalidInput("error.invalid_input")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("error.campaign_not_found", campaign=campaign_id)
    if as_of < campaign.starts_on:
        raise InvalidInput("report.before_start", day=as_of.isoformat(), start=campaign.starts_on.isoformat())
    zh = lang == "zh"
    units = dashboard.subtree(unit_id, session=session)
    names = {i: (code, zh_name if zh else en_name, path) for i, code, zh_name, en_name, path in session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en, OrgUnit.path)
        .where(OrgUnit.id.in_(units)))}
    if unit_id not in names:
        raise NotFound("error.not_found")
    now_, before = dashboard.headline_and_week_before(campaign_id, unit_id, as_of, session=session)
    table = dashboard.subtree_standing(campaign_id, unit_id, as_of, session=session)
    actions = {(a.unit_id, a.item_id, a.occurrence): a
               for a in corrective_actions(session=session, campaign_id=campaign_id, unit_ids=units)}
    moment = now or utcnow()
    return Report(
        lang=lang, campaign_id=campaign_id, campaign_name=campaign.name, unit_id=unit_id,
        unit_code=names[unit_id][0], unit_name=names[unit_id][1], as_of=as_of, starts_on=campaign.starts_on,
        peak_start=campaign.peak_start, exported_at=f"{format_local(moment)} ({local_zone().key})",
        figures=_figures(now_, before),
        series=_series(campaign, unit_id, as_of, session),
        ranking=_ranking(campaign, unit_id, as_of, names, lang, session),
        overdue=_overdue(table, as_of, names, actions, lang, session),
        coverage=_coverage(campaign_id, as_of, units, lang, session),
        actions=_actions(table, as_of, names, actions, lang),
        declarations=tuple(_declaration(d, names[d.unit_id][1]) for d in sorted(
            latest(campaign_id, units, session=session, as_of=as_of).values(), key=lambda d: names[d.unit_id][2])),
    )


def _number(x: object) -> float | int | None:
    """A plain Python number (numpy's turned into Python's), None for nothing (None, NaN)."""
    if hasattr(x, "item"):
        x = x.item()
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return x


def _figures(now: dashboard.Headline, before: dashboard.Headline | None) -> tuple[Figure, ...]:
    out = []
    for fid, kind in FIGURES:
        value = _number(getattr(now, fid))
        earlier = None if before is None else _number(getattr(before, fid))
        change = None
        if kind != "days" and value is not None and earlier is not None:
            change = (value - earlier) * 100 if kind == "pct" else value - earlier
        out.append(Figure(fid, kind, value, earlier, change))
    return tuple(out)


def _series(campaign: Campaign, unit_id: int, as_of: date, session: Session) -> tuple[dict[str, object], ...]:
    done = {r.day: r for r in dashboard.unit_series(campaign.id, unit_id, as_of, session=session).itertuples()}
    last = max(as_of, campaign.peak_start)
    rows = []
    day = campaign.starts_on
    while day <= last:
        r = done.get(day)
        rows.append({"day": day, "readiness": _number(r.readiness) if r else None,
                     "target": target_on(day, starts_on=campaign.starts_on, peak_start=campaign.peak_start,
                                         shape=campaign.target_shape),
                     "done": _number(r.done) if r else None, "na": _number(r.na) if r else None,
                     "total": _number(r.total) if r else None})
        day += timedelta(days=1)
    return tuple(rows)


def _pct(value: object) -> str:
    return "—" if value is None else f"{value:.1%}"


def _ranking(campaign: Campaign, unit_id: int, as_of: date, names: dict, lang: str, session: Session
             ) -> tuple[dict[str, object], ...]:
    joiner = "；" if lang == "zh" else "; "
    ranked = dashboard.child_ranking(campaign.id, unit_id, as_of, session=session)
    rows = []
    for rank, r in enumerate(ranked.itertuples(), start=1):
        reasons = []
        if r.risk_forecast:
            reasons.append(t("report.risk.peak", lang, readiness=_pct(_number(r.readiness)))
                           if as_of >= campaign.peak_start
                           else t("report.risk.forecast", lang, mid=_pct(_number(r.forecast_mid))))
        if r.risk_critical:
            reasons.append(t("report.risk.critical", lang, n=int(r.critical_overdue)))
        if r.risk_drills:
            reasons.append(t("report.risk.drills", lang, n=int(r.drills_missing)))
        code, name, _ = names[int(r.unit_id)]
        rows.append({
            "rank": rank, "unit_code": code, "unit_name": name,
            **{c: _number(getattr(r, c)) for c in ("readiness", "target", "gap", "forecast_low", "forecast_mid",
                                                    "forecast_high", "critical_overdue", "drills_missing")},
            "at_risk": t("report.yes" if r.at_risk else "report.no", lang), "reasons": joiner.join(reasons),
            "risky": bool(r.at_risk), "unit_id": int(r.unit_id)})
    return tuple(rows)


def _item_texts(item_ids: set[int], lang: str, session: Session) -> dict[int, str]:
    if not item_ids:
        return {}
    return {i: zh if lang == "zh" else en for i, zh, en in session.execute(
        select(TemplateItem.id, TemplateItem.text_zh, TemplateItem.text_en).where(TemplateItem.id.in_(item_ids)))}


def _overdue(table, as_of: date, names: dict, actions: dict, lang: str, session: Session
             ) -> tuple[dict[str, object], ...]:
    if table.empty:
        return ()
    late = table[(table["status"] == "open") & (table["criticality"] == "critical")
                 & table["due"].map(lambda d: d is not None and d < as_of)]
    texts = _item_texts({int(i) for i in late["item_id"]}, lang, session)
    rows = []
    for r in late.itertuples():
        key = (int(r.unit_id), int(r.item_id), r.occurrence)
        code, name, path = names[int(r.unit_id)]
        text = actions[key].description if key in actions else texts.get(int(r.item_id), r.item_key)
        rows.append({"unit_code": code, "unit_name": name, "item": text, "occurrence": r.occurrence, "due": r.due,
                     "days_overdue": (as_of - r.due).days, "item_key": r.item_key, "path": path})
    rows.sort(key=lambda x: (-x["days_overdue"], x["path"], x["item_key"], x["occurrence"]))
    return tuple(rows)


def _coverage(campaign_id: int, as_of: date, units: set[int], lang: str, session: Session
              ) -> tuple[dict[str, object], ...]:
    rows = [{"rule": r.rule_zh if lang == "zh" else r.rule_en, "rule_key": r.rule_key, "required": int(r.required),
             "met": int(r.met), "planned": int(r.planned),
             "missing": int(r.missing) + int(r.overdue) + int(r.no_record)}
            for r in rule_coverage(campaign_id, as_of, session=session, unit_ids=units).itertuples()]
    total = {"rule": t("report.total", lang), "rule_key": ""}
    total |= {c: sum(r[c] for r in rows) for c in ("required", "met", "planned", "missing")}
    return (*rows, total)


def _actions(table, as_of: date, names: dict, actions: dict, lang: str) -> tuple[dict[str, object], ...]:
    if table.empty:
        return ()
    open_ = table[(table["kind"] == "corrective") & (table["status"] == "open")]
    found = [actions[k] for k in zip(open_["unit_id"].astype(int), open_["item_id"].astype(int),
                                     open_["occurrence"], strict=True) if k in actions]
    return tuple({
        "unit_code": a.unit_code, "unit_name": names[a.unit_id][1], "description": a.description,
        "drill": a.drill_title, "criticality": t(f"crit.{a.criticality}", lang), "due": a.due_on,
        "days_overdue": max((as_of - a.due_on).days, 0), "id": a.id}
        for a in sorted(found, key=lambda a: (a.due_on, a.id)))


def _declaration(d: DeclarationView, unit: str) -> dict[str, object]:
    return {"unit": unit, "signed_by": d.signer, "signed_at": format_local(d.signed_at), "readiness": d.readiness,
            "open_items": len(d.open_items)}


# ── The workbook ─────────────────────────────────────────────────────────────


def workbook(r: Report) -> bytes:
    """The report as an .xlsx workbook: summary (with the chart), series, ranking, overdue critical items,
    drill coverage, open corrective actions, declarations, and the hidden meta sheet."""
    lang = r.lang
    wb = Workbook()
    summary = wb.active
    summary.title = t("report.sheet.summary", lang)
    series = wb.create_sheet(t("report.sheet.series", lang))
    _summary(summary, r)
    _table(series, SERIES_COLUMNS, r.series, r.label)
    summary.add_chart(_chart(series, len(r.series), lang), "G1")

    ranking = wb.create_sheet(t("report.sheet.ranking", lang))
    _table(ranking, RANKING_COLUMNS, r.ranking, r.label)
    for i, row in enumerate(r.ranking, start=2):
        if row["risky"]:
            for col in range(1, len(RANKING_COLUMNS) + 1):
                ranking.cell(i, col).fill = _RISK
    _table(wb.create_sheet(t("report.sheet.overdue", lang)), OVERDUE_COLUMNS, r.overdue, r.label)
    coverage = wb.create_sheet(t("report.sheet.coverage", lang))
    _table(coverage, COVERAGE_COLUMNS, r.coverage, r.label)
    for col in range(1, len(COVERAGE_COLUMNS) + 1):
        coverage.cell(len(r.coverage) + 1, col).font = Font(bold=True)
    _table(wb.create_sheet(t("report.sheet.actions", lang)), ACTION_COLUMNS, r.actions, r.label)
    declarations = wb.create_sheet(t("report.sheet.declarations", lang))
    _table(declarations, DECLARATION_COLUMNS, r.declarations, r.label)
    if not r.declarations:
        xlsx.text(declarations.cell(2, 1), t("report.none_yet", lang))

    xlsx.meta_sheet(wb, (("format", FORMAT), ("format_version", FORMAT_VERSION), ("lang", lang),
                         ("campaign_id", r.campaign_id), ("unit_id", r.unit_id), ("as_of", r.as_of.isoformat()),
                         ("exported_at", r.exported_at)))
    return xlsx.saved(wb)


def _summary(ws, r: Report) -> None:
    lang = r.lang
    xlsx.text(ws.cell(1, 1), t("report.title", lang))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for row, (fid, content) in enumerate(r.facts(), start=2):
        xlsx.text(ws.cell(row, 1), t(f"report.fact.{fid}", lang))
        ws.cell(row, 1).font = Font(bold=True)
        _cell(ws.cell(row, 2), content, wrap=False)
    first = len(FACTS) + 3
    for col, cid in enumerate(("figure", "value", "before", "change"), start=1):
        cell = ws.cell(first, col)
        xlsx.text(cell, r.label(cid))
        cell.font = Font(bold=True)
        cell.fill = xlsx.HEADER
    for row, f in enumerate(r.figures, start=first + 1):
        xlsx.text(ws.cell(row, 1), t(f"report.fig.{f.id}", lang))
        for col, content in ((2, f.value), (3, f.before)):
            cell = ws.cell(row, col)
            if content is None:
                xlsx.text(cell, "—")
                cell.alignment = Alignment(horizontal="right")
            else:
                cell.value = content
                cell.number_format = _PCT if f.kind == "pct" else "0"
        if f.change is not None:
            ws.cell(row, 4).value = f.change
            ws.cell(row, 4).number_format = _POINTS if f.kind == "pct" else _DELTA
    for col, width in zip("ABCD", (34, 26, 13, 12), strict=True):
        ws.column_dimensions[col].width = width


def _chart(series, rows: int, lang: str) -> LineChart:
    """Readiness and the target over the days, a native line chart over the series sheet's cells."""
    chart = LineChart()
    chart.title = t("report.chart_title", lang)
    chart.height, chart.width = 9, 18
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.x_axis.number_format = "mm-dd"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides the axes otherwise
    chart.add_data(Reference(series, min_col=2, max_col=3, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(series, min_col=1, min_row=2, max_row=rows + 1))
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    for s in chart.series:
        s.smooth = False
    chart.legend.position = "b"
    return chart


def _table(ws, columns: Sequence[tuple[str, float]], rows: Sequence[dict[str, object]], label) -> None:
    xlsx.header(ws, columns, label)
    for r, row in enumerate(rows, start=2):
        for col, (cid, _) in enumerate(columns, start=1):
            cell = ws.cell(r, col)
            _cell(cell, row[cid], wrap=cid in _WRAPPED)
            if cid in _PERCENT_COLUMNS and isinstance(row[cid], float):
                cell.number_format = _PCT
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows), 1) + 1}"


def _cell(cell, content: object, *, wrap: bool) -> None:
    xlsx.value(cell, content)
    if isinstance(content, date):
        cell.number_format = _DAY
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")


# ── The printable page ───────────────────────────────────────────────────────


def _e(content: object) -> str:
    if isinstance(content, date):
        content = content.isoformat()
    return html.escape(str(content), quote=True)


def _shown(f: Figure, lang: str) -> tuple[str, str | None]:
    """A figure and its week's change as the page shows them."""
    if f.kind == "days":
        if f.value is not None and f.value < 0:
            return t("report.days_into_peak", lang, n=-f.value), None
        return t("report.days_left", lang, n=f.value), None
    value = _pct(f.value) if f.kind == "pct" else str(f.value)
    if f.change is None:
        return value, None
    if not f.change:
        change = "±0.0 pp" if f.kind == "pct" else "±0"
    else:
        change = f"{f.change:+.1f} pp" if f.kind == "pct" else f"{f.change:+d}"
    return value, t("report.week_change", lang, change=change)


def page(r: Report) -> str:
    """The one-page summary: figures, the units at risk, the first overdue critical items."""
    lang = r.lang
    subtitle = t("report.subtitle", lang, campaign=r.campaign_name, unit=f"{r.unit_code} {r.unit_name}",
                 day=r.as_of.isoformat())
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(t('report.title', lang))} · {_e(subtitle)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<main class="sheet">',
        f'<header><h1>{_e(t("report.title", lang))}</h1><p class="sub">{_e(subtitle)}</p></header>',
        '<section class="figures">',
    ]
    for f in r.figures:
        value, change = _shown(f, lang)
        parts.append(f'<div class="fig fig-{_e(f.id)}"><div class="label">{_e(t(f"report.fig.{f.id}", lang))}</div>'
                     f'<div class="value">{_e(value)}</div>'
                     + (f'<div class="change">{_e(change)}</div>' if change else "") + "</div>")
    parts.append("</section>")

    parts.append(f'<section><h2>{_e(t("report.at_risk_units", lang))}</h2>')
    if not r.at_risk:
        parts.append(f'<p class="empty">{_e(t("report.no_at_risk", lang))}</p>')
    else:
        heads = ("unit_name", "readiness", "forecast_mid", "reasons")
        parts.append('<table class="risk"><thead><tr>'
                     + "".join(f'<th scope="col">{_e(r.label(c))}</th>' for c in heads) + "</tr></thead><tbody>")
        for row in r.at_risk:
            parts.append(f'<tr><td><span class="code">{_e(row["unit_code"])}</span> {_e(row["unit_name"])}</td>'
                         f'<td class="num">{_e(_pct(row["readiness"]))}</td>'
                         f'<td class="num">{_e(_pct(row["forecast_mid"]))}</td><td>{_e(row["reasons"])}</td></tr>')
        parts.append("</tbody></table>")
    parts.append("</section>")

    parts.append(f'<section><h2>{_e(t("report.sheet.overdue", lang))}</h2>')
    if not r.overdue:
        parts.append(f'<p class="empty">{_e(t("report.no_overdue", lang))}</p>')
    else:
        heads = ("unit_name", "item", "due", "days_overdue")
        parts.append('<table class="late"><thead><tr>'
                     + "".join(f'<th scope="col">{_e(r.label(c))}</th>' for c in heads) + "</tr></thead><tbody>")
        for row in r.overdue[:OVERDUE_ON_PAGE]:
            parts.append(f'<tr><td><span class="code">{_e(row["unit_code"])}</span> {_e(row["unit_name"])}</td>'
                         f'<td>{_e(row["item"])}</td><td class="nowrap">{_e(row["due"])}</td>'
                         f'<td class="num">{_e(row["days_overdue"])}</td></tr>')
        parts.append("</tbody></table>")
        if len(r.overdue) > OVERDUE_ON_PAGE:
            parts.append(f'<p class="more">{_e(t("report.more_overdue", lang, n=len(r.overdue) - OVERDUE_ON_PAGE))}</p>')
    parts.append("</section>")
    parts += [f'<footer>{_e(t("report.footer", lang, when=r.exported_at))}</footer>', "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #eceff3; color: #1f2328;
  font: 13px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue",
  Arial, sans-serif; }
.sheet { max-width: 210mm; margin: 16px auto; padding: 14mm 14mm; background: #fff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }
header { border-bottom: 2px solid #1f4e79; margin-bottom: 10px; padding-bottom: 6px; }
h1 { margin: 0; font-size: 20px; color: #1f4e79; }
.sub { margin: 2px 0 0; color: #57606a; }
h2 { margin: 14px 0 6px; font-size: 15px; color: #1f4e79; border-bottom: 1px solid #c9d3e0; padding-bottom: 2px; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.fig { border: 1px solid #d0d7de; border-radius: 4px; padding: 5px 8px; }
.fig .label { font-size: 11px; color: #57606a; }
.fig .value { font-size: 18px; font-weight: 600; }
.fig .change { font-size: 11px; color: #57606a; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border: 1px solid #d0d7de; }
thead th { background: #d9e1f2; }
.risk tbody td { background: #fff1f0; }
.code { font-family: "DejaVu Sans Mono", Consolas, monospace; color: #57606a; }
.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.empty, .more { color: #57606a; font-style: italic; margin: 4px 0; }
footer { margin-top: 14px; padding-top: 6px; border-top: 1px solid #d0d7de; font-size: 10px; color: #57606a; }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: none; font-size: 9.5pt; }
  .sheet { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .fig { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  thead th, .risk tbody td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
