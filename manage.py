"""PeakReady admin command line: python manage.py --help"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, OperationalError

from core.clock import utcnow
from core.config import get_settings
from core.errors import ContentError, DomainError
from core.i18n import LANGUAGES, t


def _lang() -> str:
    """The language chosen with --lang, else the configured default (Chinese if the settings are broken)."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().params.get("lang") if ctx else None
    if chosen:
        return chosen
    try:
        return get_settings().default_language
    except ValidationError:
        return "zh"


def _say(key: str, /, **params: object) -> None:
    click.echo(t(key, _lang(), **params))


def _fail(key: str, /, **params: object) -> NoReturn:
    click.secho(t(key, _lang(), **params), fg="red", err=True)
    sys.exit(1)


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0] if lines else type(value).__name__


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


def _database_url() -> str:
    return _safe_url(get_settings().effective_database_url)


def _engine():
    from store.db import make_engine

    return make_engine()


class _Commands(click.Group):
    """The command group. Expected failures end as one line in the chosen language and exit 1, never a
    traceback; every command writes inside one transaction, so a refused command changes nothing."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContentError as exc:
            # The heading is translated; the problem is given in the chosen language where content/ wrote
            # it in both (pydantic's own messages stay English).
            problem = exc.problem_in(_lang())
            if exc.where in ("", "-"):
                _fail("cli.content_refused", file=exc.file, problem=problem)
            _fail("cli.content_refused_at", file=exc.file, where=exc.where, problem=problem)
        except DomainError as exc:
            _fail(exc.code, **exc.params)
        except ValidationError as exc:
            err = exc.errors()[0]
            _fail("cli.bad_settings", reason=f"{'.'.join(map(str, err['loc']))}: {err['msg']}")
        except ArgumentError as exc:
            _fail("cli.bad_database_url", reason=_first_line(exc))
        except OperationalError as exc:
            _fail("cli.db_error", url=_database_url(), reason=_first_line(exc.orig or exc))
        except UnicodeDecodeError as exc:
            _fail("cli.not_utf8", reason=_first_line(exc))
        except OSError as exc:
            _fail("cli.os_error", file=exc.filename or "-", reason=exc.strerror or _first_line(exc))


def _needs_database(command: Callable[..., None]) -> Callable[..., None]:
    """Run the command on the configured database only once `init` has created and migrated it
    (checked without creating anything); the command gets the engine as `engine`."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        from store.db import schema_state

        engine = _engine()
        state = schema_state(engine)
        if state != "ready":
            _fail(f"cli.db_{state}", url=_database_url())
        command(*args, engine=engine, **kwargs)

    return run


@click.group(cls=_Commands)
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the messages (default: READINESS_DEFAULT_LANGUAGE, else zh).")
def cli(lang: str | None) -> None:
    """PeakReady (迎峰备战) administration."""


@cli.command()
def init() -> None:
    """Create or migrate the database and load directives, templates and drill types (idempotent)."""
    from admin.setup import initialize

    settings = get_settings()
    _, report = initialize(_engine(), settings.seeds_dir, now=utcnow())
    click.echo(f"database: {_safe_url(settings.effective_database_url)}")
    for label in report.added:
        click.echo(f"  added    {label}")
    for label in report.updated:
        click.echo(f"  updated  {label}")
    for label in report.removed:
        click.echo(f"  removed  {label}")
    click.echo(
        f"content: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
        + (f", {len(report.removed)} removed" if report.removed else "")
    )


@cli.command()
@click.option("--weeks", default=7, show_default=True, help="Weeks of history before today.")
def demo(weeks: int) -> None:
    """Initialise, then add the demo province, demo accounts and the open summer-peak campaign."""
    from admin.demo import DEMO_PASSWORD, load_demo
    from admin.setup import initialize
    from content.units import load_unit_specs
    from store.db import transaction

    settings = get_settings()
    # Check the demo's own file before initialize touches the database, so a bad one changes nothing.
    load_unit_specs(settings.seeds_dir / "demo_org.yaml")
    engine = _engine()
    initialize(engine, settings.seeds_dir, now=utcnow())
    with transaction(engine) as session:
        accounts = load_demo(session, settings.seeds_dir, now=utcnow(), weeks=weeks)
    click.echo(f"demo data ready. Accounts (password: {DEMO_PASSWORD}):")
    for acc in accounts:
        click.echo(f"  {acc.username:<12} {acc.role:<18} {acc.display_name}")


@cli.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name (defaults to the username).")
@click.option(
    "--role",
    "roles",
    multiple=True,
    help="ROLE or ROLE:UNIT_CODE, e.g. unit_lead:C01-K01 (repeatable). "
    "Roles: unit_lead, drill_coordinator, executive, admin.",
)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (one line). Also done whenever standard input is not a "
              "terminal; otherwise it is asked for, hidden, twice. Never given as an argument.")
@_needs_database
def create_user_cmd(username: str, display_name: str, roles: tuple[str, ...], password_stdin: bool, *,
                    engine) -> None:
    """Create a local account with an argon2-hashed password; an administrator must change it at first sign-in."""
    from org.accounts import create_user
    from store.db import transaction
    from store.schema import ROLES

    grants = []
    for spec in roles:
        role, _, unit = spec.partition(":")
        if role not in ROLES:
            _fail("cli.unknown_role", role=role, roles=", ".join(ROLES))
        grants.append((role, unit or None))
    password = _read_password(from_stdin=password_stdin)
    is_admin = any(role == "admin" for role, _ in grants)
    with transaction(engine) as session:
        create_user(username, password, display_name, session=session, now=utcnow(), grants=grants,
                    must_change_password=is_admin)
    _say("cli.user_created", username=username)
    if is_admin:
        _say("cli.must_change_password", username=username)


def _read_password(*, from_stdin: bool) -> str:
    """The new account's password: one line of standard input when asked to or when it is not a terminal
    (a script or a pipe), else typed twice at a hidden prompt. Never an argument, which `ps` and shell
    histories would show."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password.removesuffix("\r")
    else:
        password = click.prompt(t("cli.password_prompt", _lang()), hide_input=True,
                                confirmation_prompt=t("cli.password_confirm", _lang()))
    if not password:
        _fail("cli.password_missing")
    return password


@cli.command("import-units")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--parent", default=None, help="Code of an existing unit to hang the file's top-level units under "
              "(moving them if they are elsewhere). Without it, units already in the tree keep their parent.")
@_needs_database
def import_units_cmd(file: Path, parent: str | None, *, engine) -> None:
    """Create or update org units from a YAML file (see seeds/demo_org.yaml for the format), or from an .xlsx or
    .csv table with the columns code, parent_code, name_zh, name_en, kind, function (all or nothing)."""
    from admin.org_import import TABLE_SUFFIXES, import_unit_table
    from content.units import load_unit_specs
    from org.units import import_units
    from store.db import transaction

    table = file.suffix.lower() in TABLE_SUFFIXES
    specs = None if table else load_unit_specs(file)
    data = file.read_bytes() if table else b""
    with _row_errors(), transaction(engine) as session:
        if table:
            result = import_unit_table(file.name, data, session=session, parent_code=parent, now=utcnow())
        else:
            result = import_units(specs, session=session, parent_code=parent)
    _say("units.imported", created=result.created, updated=result.updated, moved=len(result.moved))
    top = t("units.top_level", _lang())
    for move in result.moved:
        _say("units.moved", code=move.code, old=move.old_parent or top, new=move.new_parent or top)


@cli.command("import-users")
@click.argument("file", type=click.Path(path_type=Path))
@_needs_database
def import_users_cmd(file: Path, *, engine) -> None:
    """Create local accounts from an .xlsx or .csv table with the columns username, display_name, password,
    roles (e.g. "unit_lead@C01-K01; executive"); all or nothing. An empty password gets a random one-time
    password, printed once; every imported account changes its password at the first sign-in."""
    from admin.org_import import import_user_table
    from store.db import transaction

    data = file.read_bytes()
    with _row_errors(), transaction(engine) as session:
        made = import_user_table(file.name, data, session=session, now=utcnow())
    _say("cli.users_imported", count=len(made))
    for user in made:
        grants = "; ".join(f"{role}@{unit}" if unit else role for role, unit in user.grants)
        _say("cli.user_imported", username=user.username, name=user.display_name,
             grants=grants or t("cli.no_grants", _lang()))
        if user.one_time_password:
            _say("cli.user_one_time_password", username=user.username, password=user.one_time_password)


@contextlib.contextmanager
def _row_errors():
    """Print each row of a refused table import on its own line before the one-line refusal."""
    from admin.org_import import RowErrors

    try:
        yield
    except RowErrors as exc:
        for problem in exc.problems:
            click.secho(problem.message(_lang()), fg="red", err=True)
        raise


def _item_label(item: str, occurrence: str) -> str:
    return f"{item} [{occurrence}]" if occurrence else item


@cli.command("export-status")
@click.option("--campaign", default=None, help="The season's name or id (default: the only open one).")
@click.option("--unit", "unit_code", required=True, help="The unit's code.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The .xlsx file to write.")
@_needs_database
def export_status_cmd(campaign: str | None, unit_code: str, out: Path, *, engine) -> None:
    """Write a unit's checklist of a season as an .xlsx workbook to fill in offline (import-status reads it
    back); print one line per row."""
    from admin.status_workbook import export_status, read_status
    from org.queries import unit_by_code
    from store.db import snapshot

    with snapshot(engine) as session:
        unit = unit_by_code(unit_code.strip().upper(), session=session)
        data = export_status(_campaign_id(session, campaign), unit.id, session=session, actor=None, lang=_lang(),
                             now=utcnow())
    out.write_bytes(data)
    rows = read_status(data).rows
    for row in rows:
        _say("cli.xl_export_row", row=row.row, item=_item_label(row.item_key, row.occurrence), state=row.state)
    _say("cli.xl_exported", count=len(rows), file=out)


@cli.command("import-status")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--user", "username", required=True, help="Whose import it is: their grants apply, and the log "
              "names them.")
@click.option("--dry-run", is_flag=True, help="Check every row and print what would change; change nothing.")
@_needs_database
def import_status_cmd(file: Path, username: str, dry_run: bool, *, engine) -> None:
    """Read a filled-in checklist workbook (from export-status or the app) and apply its changes as the named
    user, all or nothing; print one line per row. Exits 1, changing nothing, if any row is in error."""
    from admin.status_workbook import ImportRefused, apply_status_import, counts, read_status, try_status_import
    from org.accounts import actor_named
    from store.db import transaction

    parsed = read_status(file.read_bytes())
    refused = None
    try:
        with transaction(engine, bump=not dry_run) as session:
            actor = actor_named(username, session=session)
            run = try_status_import if dry_run else apply_status_import
            plans = run(parsed, session=session, actor=actor, now=utcnow())
    except ImportRefused as exc:
        plans, refused = exc.plans, exc
    lang = _lang()
    for plan in plans:
        if plan.outcome == "change":
            outcome = t("xl.outcome.change" if dry_run or refused else "xl.outcome.changed", lang)
        else:
            outcome = plan.message(lang)
        line = t("cli.xl_row", lang, row=plan.row, item=_item_label(plan.item_key, plan.occurrence),
                 change=plan.change_text(lang), outcome=outcome)
        click.secho(line, fg="red" if plan.error else None)
    _say("xl.summary", **counts(plans))
    if refused is not None:
        _fail(refused.code, **refused.params)
    if any(p.error for p in plans):
        bad = [str(p.row) for p in plans if p.error]
        _fail("error.xl_rows_refused", count=len(bad), rows=", ".join(bad))
    if dry_run:
        _say("cli.xl_dry_run")


@cli.command("rebuild-projections")
@click.option("--campaign", "campaign_id", type=int, default=None, help="Only this campaign (default: all).")
@click.option("--check", is_flag=True, help="Compare the live projections with a rebuild from the log; "
              "change nothing; exit 1 on any difference.")
@_needs_database
def rebuild_projections_cmd(campaign_id: int | None, check: bool, *, engine) -> None:
    """Recompute each campaign's current status and per-day readiness from the event log alone."""
    from checklists.rebuild import campaign_ids, projection_differences, rebuild_projections
    from core.errors import NotFound
    from store.db import snapshot, transaction

    def chosen(session) -> list[int]:
        ids = campaign_ids(session=session)
        if campaign_id is None:
            return ids
        if campaign_id not in ids:
            raise NotFound("error.campaign_not_found", campaign=campaign_id)
        return [campaign_id]

    if check:
        with snapshot(engine) as session:  # never committed: the check writes nothing
            differences = {cid: projection_differences(cid, session=session) for cid in chosen(session)}
        for cid, lines in differences.items():
            if lines:
                _say("cli.check_differs", campaign=cid, count=len(lines))
                for line in lines:
                    click.echo(f"  {line}")
        if any(differences.values()):
            sys.exit(1)
        _say("cli.check_ok", count=len(differences))
        return
    with transaction(engine) as session:
        ids = chosen(session)
        for cid in ids:
            rebuild_projections(cid, session=session)
    _say("cli.rebuilt", count=len(ids))


def _campaign_id(session, chosen: str | None) -> int:
    """The campaign named by --campaign (its name or id), or the only open one."""
    from sqlalchemy import select

    from core.errors import InvalidInput, NotFound
    from store.schema import Campaign

    if chosen:
        found = session.scalar(select(Campaign.id).where(Campaign.name == chosen))
        if found is None and chosen.isdigit():
            found = session.scalar(select(Campaign.id).where(Campaign.id == int(chosen)))
        if found is None:
            raise NotFound("error.campaign_not_found", campaign=chosen)
        return found
    open_ids = session.scalars(select(Campaign.id).where(Campaign.status == "open")).all()
    if len(open_ids) != 1:
        raise InvalidInput("error.one_campaign_needed", count=len(open_ids))
    return open_ids[0]


@cli.command("export-ics")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The .ics file to write.")
@click.option("--campaign", default=None, help="Only this season's drills (its name or id).")
@click.option("--unit", "unit_code", default=None, help="Only the drills this unit takes part in (its code).")
@_needs_database
def export_ics_cmd(out: Path, campaign: str | None, unit_code: str | None, *, engine) -> None:
    """Write drills as an iCalendar (.ics) file that calendars import and, imported again, update: those
    of a season, of a unit, or with no filter every drill of the open seasons; print one line per drill."""
    from sqlalchemy import select

    from core.clock import format_local
    from drills.exports import drills_ics
    from drills.planning import list_drills
    from org.queries import unit_by_code
    from store.db import snapshot
    from store.schema import Campaign

    with snapshot(engine) as session:
        unit_id = unit_by_code(unit_code.strip().upper(), session=session).id if unit_code else None
        if campaign:
            campaign_ids = [_campaign_id(session, campaign)]
        elif unit_id is None:
            campaign_ids = list(session.scalars(select(Campaign.id).where(Campaign.status == "open")))
        else:
            campaign_ids = [None]
        views = [v for cid in campaign_ids
                 for v in list_drills(session=session, actor=None, campaign_id=cid, unit_id=unit_id)]
    out.write_bytes(drills_ics(views, now=utcnow(), lang=_lang(), domain=get_settings().calendar_domain))
    for v in views:
        _say("cli.ics_row", id=v.id, start=format_local(v.starts_at), title=v.title,
             status=t(f"drl.status.{v.status}", _lang()))
    _say("cli.ics_written", count=len(views), file=out)


@cli.command("export-drills")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The .xlsx file to write.")
@click.option("--campaign", default=None, help="The season's name or id (default: the only open one).")
@click.option("--unit", "unit_code", default=None, help="Only the drills this unit takes part in (its code).")
@click.option("--template", is_flag=True, help="Write an empty plan with the headers (to fill in for import-drills).")
@_needs_database
def export_drills_cmd(out: Path, campaign: str | None, unit_code: str | None, template: bool, *, engine) -> None:
    """Write a season's drill plan (or a unit's drills in it) as an .xlsx workbook, one row per drill;
    import-drills reads the same columns back as new drills. Print one line per drill."""
    from admin.drill_workbook import drill_plan_template, export_drill_plan
    from core.clock import format_local
    from org.queries import unit_by_code
    from store.db import snapshot

    if template:
        out.write_bytes(drill_plan_template(_lang(), now=utcnow()))
        _say("cli.dxl_template", file=out)
        return
    with snapshot(engine) as session:
        unit_id = unit_by_code(unit_code.strip().upper(), session=session).id if unit_code else None
        data, views = export_drill_plan(session=session, actor=None, campaign_id=_campaign_id(session, campaign),
                                        unit_id=unit_id, lang=_lang(), now=utcnow())
    out.write_bytes(data)
    for row, v in enumerate(views, start=2):
        _say("cli.dxl_export_row", row=row, id=v.id, start=format_local(v.starts_at), title=v.title,
             status=t(f"drl.status.{v.status}", _lang()))
    _say("cli.ics_written", count=len(views), file=out)


def _command_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A --lang given after the command speaks for the whole command, its refusals included."""
    if value:
        ctx.find_root().params["lang"] = value
    return value


def _aar_file(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """The report's file: its extension chooses the format (checked before the database is opened)."""
    if value.suffix.lower() not in (".xlsx", ".html"):
        _fail("aar.bad_extension", file=value)
    return value


@cli.command("export-aar")
@click.option("--drill", "drill_id", required=True, type=int, help="The drill's id.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), callback=_aar_file,
              help="The file to write: FILE.xlsx (Excel) or FILE.html (a printable page).")
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, callback=_command_lang,
              expose_value=False, help="Language of the file and the messages (as --lang before the command).")
@_needs_database
def export_aar_cmd(drill_id: int, out: Path, *, engine) -> None:
    """Write a drill's after-action report (its evaluations and improvement plan) as Excel, or as a
    self-contained HTML page to print or hand to people without an account; the format follows the
    extension of --out. Print one line."""
    from admin.aar_export import debrief, page, workbook
    from store.db import snapshot

    with snapshot(engine) as session:
        found = debrief(drill_id, session=session, lang=_lang(), aar_due_days=get_settings().aar_due_days,
                        now=utcnow())
    out.write_bytes(workbook(found) if out.suffix.lower() == ".xlsx" else page(found).encode("utf-8"))
    _say("aar.cli_written", drill=drill_id, title=found.drill.title, file=out, objectives=len(found.evaluations),
         actions=len(found.actions))


def _as_of_day(_ctx: click.Context, _param: click.Parameter, value: str | None):
    """The day the report is as of: YYYY-MM-DD, today or a past day (default: today, by the app's clock)."""
    from datetime import date

    from core.clock import today

    if value is None:
        return today()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        _fail("report.bad_as_of", value=value)
    if day > today():
        _fail("report.future_as_of", day=day.isoformat(), today=today().isoformat())
    return day


@cli.command("export-report")
@click.option("--campaign", default=None, help="The season's name or id (default: the only open one).")
@click.option("--as-of", "as_of", default=None, callback=_as_of_day,
              help="The day the figures are as of, YYYY-MM-DD (default: today).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), callback=_aar_file,
              help="The file to write: FILE.xlsx (Excel) or FILE.html (a printable one-page summary).")
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, callback=_command_lang,
              expose_value=False, help="Language of the file and the messages (as --lang before the command).")
@_needs_database
def export_report_cmd(campaign: str | None, as_of, out: Path, *, engine) -> None:
    """Write the executive's weekly readiness report of a season's top unit as of a day: an Excel workbook
    (figures, readiness chart, unit ranking, overdue critical items, drill coverage, open corrective
    actions), or a printable one-page HTML summary; the format follows the extension of --out. Print
    one line."""
    from admin.weekly_report import build, page, top_unit, workbook
    from store.db import snapshot

    with snapshot(engine) as session:
        campaign_id = _campaign_id(session, campaign)
        report = build(campaign_id, top_unit(campaign_id, session=session), as_of, session=session, lang=_lang(),
                       now=utcnow())
    out.write_bytes(workbook(report) if out.suffix.lower() == ".xlsx" else page(report).encode("utf-8"))
    readiness = report.figure("readiness").value
    _say("report.cli_written", campaign=report.campaign_name, unit=report.unit_code, day=as_of.isoformat(), file=out,
         readiness="—" if readiness is None else f"{readiness:.1%}", at_risk=len(report.at_risk),
         overdue=len(report.overdue))


class _PlanRefused(Exception):
    """Rolls back the import's transaction (and its change-counter bump) when a row is in error."""


@cli.command("import-drills")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--campaign", default=None, help="The season to plan the drills in, its name or id (default: the "
              "only open one).")
@click.option("--user", "username", required=True, help="Whose plan it is: their grants apply, they coordinate "
              "a row that names no coordinator, and the drill log names them.")
@click.option("--dry-run", is_flag=True, help="Check every row and print what would be planned; change nothing.")
@click.option("--ignore-ids", is_flag=True, help="Plan every row as a new drill whatever its ID column says (a plan "
              "exported from another database, whose IDs name other drills here).")
@_needs_database
def import_drills_cmd(file: Path, campaign: str | None, username: str, dry_run: bool, ignore_ids: bool, *,
                      engine) -> None:
    """Plan the drills of an .xlsx drill plan (from export-drills, its --template, or the app) as new
    drills, checking each row with the clash rules against the drills planned and the rows above it;
    print one line per row with its rule codes. All or nothing: exits 1, changing nothing, if any row
    is in error."""
    from admin.drill_workbook import import_drill_plan, plan_counts, read_drill_plan
    from core.clock import format_local
    from org.accounts import actor_named
    from store.db import transaction

    rows = read_drill_plan(file.read_bytes())
    outcomes = []
    try:
        with transaction(engine, bump=not dry_run) as session:
            actor = actor_named(username, session=session)
            outcomes = import_drill_plan(rows, campaign_id=_campaign_id(session, campaign), session=session,
                                         actor=actor, now=utcnow(), dry_run=dry_run, ignore_ids=ignore_ids,
                                         peak_window_is_error=get_settings().peak_window_is_error)
            if any(o.error for o in outcomes):
                raise _PlanRefused
    except _PlanRefused:
        pass
    lang = _lang()
    for o in outcomes:
        outcome = t(f"dxl.outcome.{o.outcome}", lang, id=o.drill_id)
        shown = [i for i in o.issues if i.is_error] if o.error else list(o.issues)
        if shown:
            said = [i.message(lang).rstrip("。.") for i in shown]
            outcome += ": " + "; ".join(said) if lang == "en" else "：" + "；".join(said)
        click.secho(t("cli.dxl_row", lang, row=o.row, start=format_local(o.starts_at) if o.starts_at else "-",
                      title=o.title or "-", codes=", ".join(o.codes) or t("dxl.no_codes", lang), outcome=outcome),
                    fg="red" if o.error else ("yellow" if o.issues else None))
    bad = [str(o.row) for o in outcomes if o.error]
    _say("dxl.summary_preview" if dry_run or bad else "dxl.summary", **plan_counts(outcomes))
    if bad:
        _fail("error.xl_rows_refused", count=len(bad), rows=", ".join(bad))
    if dry_run:
        _say("cli.xl_dry_run")


@cli.command("declare-event")
@click.argument("kind", type=click.Choice(["heat_wave", "typhoon", "rainstorm", "orderly_power"]))
@click.option("--start", "start", required=True, help="When it starts, local time, e.g. '2027-07-12 08:00'.")
@click.option("--units", "units", required=True, help="Codes of the units it is declared for, comma-separated.")
@click.option("--level", default=None, help="Warning level: blue, yellow, orange or red.")
@click.option("--name", default="", help="A name, e.g. the typhoon's (default: the kind and the start).")
@click.option("--end", "end", default=None, help="When it ends, if known (local time).")
@click.option("--landfall", default=None, help="A typhoon's expected landfall (local time).")
@click.option("--campaign", default=None, help="The season's name or id (default: the only open one).")
@_needs_database
def declare_event_cmd(kind: str, start: str, units: str, level: str | None, name: str, end: str | None,
                      landfall: str | None, campaign: str | None, *, engine) -> None:
    """Declare a heat wave, typhoon/rainstorm warning or orderly-power-use order for units; print the
    checks it created for them."""
    from checklists.events import declare_event
    from core.clock import format_local, parse_local
    from store.db import transaction

    with transaction(engine) as session:
        result = declare_event(
            _campaign_id(session, campaign), kind, starts_at=parse_local(start), unit_codes=units.split(","),
            level=level, name=name, ends_at=parse_local(end) if end else None,
            landfall_at=parse_local(landfall) if landfall else None, session=session, actor=None, now=utcnow())
    e = result.event
    _say("cli.event_declared", id=e.id, name=e.name, kind=t(f"event.kind.{e.kind}", _lang()),
         units=len(e.unit_codes), count=len(result.created))
    for o in result.created:
        due = format_local(o.due_at) if o.due_at else t("cli.event_due_after_end", _lang())
        _say("cli.event_obligation", unit=o.unit_code, item=o.item_key, due=due)


@cli.command("close-event")
@click.argument("event_id", type=int)
@click.option("--end", "end", default=None, help="When it ended (local time; default: as declared, else now).")
@_needs_database
def close_event_cmd(event_id: int, end: str | None, *, engine) -> None:
    """Close an event; its after-event checks fall due counted from its end."""
    from checklists.events import close_event
    from core.clock import format_local, parse_local
    from store.db import transaction

    with transaction(engine) as session:
        e = close_event(event_id, ends_at=parse_local(end) if end else None, session=session, actor=None,
                        now=utcnow())
    _say("cli.event_closed", id=e.id, name=e.name, end=format_local(e.ends_at))


@cli.command("list-events")
@click.option("--campaign", default=None, help="The season's name or id (default: the only open one).")
@_needs_database
def list_events_cmd(campaign: str | None, *, engine) -> None:
    """List a season's events with their checks' progress."""
    from checklists.events import event_progress, list_events
    from core.clock import format_local
    from store.db import snapshot

    with snapshot(engine) as session:
        events = list_events(_campaign_id(session, campaign), session=session)
        totals = {e.id: event_progress(e.id, session=session)[-1] for e in events}
    if not events:
        _say("cli.no_events")
    for e in events:
        p = totals[e.id]
        _say("cli.event_line", id=e.id, status=t(f"event.status.{e.status}", _lang()),
             kind=t(f"event.kind.{e.kind}", _lang()), name=e.name, start=format_local(e.starts_at),
             units=",".join(e.unit_codes), done=p.done, applicable=p.total - p.na)


@cli.command("backup")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The backup file to write "
              "(a zip; written beside it first and renamed when complete).")
@click.option("--with-passwords", is_flag=True, help="Include the password hashes (left out by default: restored "
              "accounts then sign in only after an administrator resets their password).")
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, callback=_command_lang,
              expose_value=False, help="Language of the messages (as --lang before the command).")
@_needs_database
def backup_cmd(out: Path, with_passwords: bool, *, engine) -> None:
    """Write the whole database as one versioned, checked file: units, users, grants, seasons, the event log,
    drills, reviews, declarations, evidence files (their bytes too) and the audit log, with the schema
    revision. Sessions and sign-in throttling are left out. Print one line."""
    from admin.backup import write_backup

    manifest = write_backup(engine, out, now=utcnow(), with_passwords=with_passwords,
                            evidence_dir=get_settings().evidence_dir)
    _say("backup.written", file=out, tables=len(manifest.tables), rows=manifest.rows, files=len(manifest.files),
         revision=manifest.schema_revision,
         passwords=t("backup.with_passwords" if with_passwords else "backup.without_passwords", _lang()))


@cli.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, callback=_command_lang,
              expose_value=False, help="Language of the messages (as --lang before the command).")
def restore_cmd(file: Path) -> None:
    """Restore a backup into the configured database, which must be new and empty (it is migrated if it has
    no schema yet): all or nothing, in one transaction. The file is checked whole first (hashes, format,
    schema revision); a damaged file, another schema revision or a database holding data is refused and
    nothing is changed. Print one line."""
    from admin.backup import check_backup, restore_backup

    manifest = check_backup(file)  # before the database is even opened
    restored = restore_backup(_engine(), manifest, evidence_dir=get_settings().evidence_dir)
    _say("backup.restored_locked" if restored.without_password else "backup.restored", file=file,
         tables=restored.tables, rows=restored.rows, files=restored.files, locked=restored.without_password)


@cli.command()
def coverage() -> None:
    """Print which items and drill types cite each directive; exit 1 if a [C] or [D] one is uncovered.

    An item counts only if it applies to at least one unit of the demo organisation (demo_org.yaml in the
    seeds directory), when that file is there."""
    from content.bundle import coverage as compute
    from content.bundle import load_content
    from content.units import load_unit_specs

    seeds = get_settings().seeds_dir
    content = load_content(seeds)
    org = seeds / "demo_org.yaml"
    units = load_unit_specs(org) if org.is_file() else None
    rows = compute(content, units)
    if units is None:
        click.echo(f"{org} not found: every item counts, whichever units it applies to")
    else:
        click.echo(f"items count only if they apply to at least one unit of {org}")
    click.echo(f"{'directive':<11} {'tags':<5} {'items':>5} {'drills':>6}  status")
    uncovered = 0
    for row in rows:
        missing = row.missing
        uncovered += bool(missing)
        status = "MISSING " + "+".join(missing) if missing else "ok"
        click.echo(
            f"{row.directive.id:<11} {''.join(row.directive.tags):<5} {len(row.items):>5} "
            f"{len(row.drill_types):>6}  {status}"
        )
    n_items = sum(len(tpl.items()) for tpl in content.templates.values())
    click.echo(
        f"\n{len(rows)} directives, {len(content.templates)} templates, {n_items} items, "
        f"{len(content.drill_types)} drill types; {uncovered} uncovered"
    )
    if uncovered:
        sys.exit(1)


if __name__ == "__main__":
    cli()
