"""PeakReady admin command line: python manage.py --help"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from core.clock import utcnow
from core.config import get_settings
from core.errors import ContentError, DomainError


def _engine():
    from store.db import make_engine

    return make_engine()


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _domain_message(err: DomainError) -> str:
    from core.i18n import t

    return f"{t(err.code, 'zh', **err.params)} / {t(err.code, 'en', **err.params)}"


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group()
def cli() -> None:
    """PeakReady (迎峰备战) administration."""


@cli.command()
def init() -> None:
    """Create or migrate the database and load directives, templates and drill types (idempotent)."""
    from admin.setup import initialize

    settings = get_settings()
    try:
        _, report = initialize(_engine(), settings.seeds_dir, now=utcnow())
    except ContentError as exc:
        _fail(f"内容文件有误 / Content file refused: {exc}")
    except DomainError as exc:
        _fail(_domain_message(exc))
    click.echo(f"database: {_safe_url(settings.effective_database_url)}")
    for label in report.added:
        click.echo(f"  added    {label}")
    for label in report.updated:
        click.echo(f"  updated  {label}")
    click.echo(
        f"content: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
    )


@cli.command()
@click.option("--weeks", default=7, show_default=True, help="Weeks of history before today.")
def demo(weeks: int) -> None:
    """Initialise, then add the demo province, demo accounts and the open summer-peak campaign."""
    from admin.demo import DEMO_PASSWORD, load_demo
    from admin.setup import initialize
    from store.db import transaction

    settings = get_settings()
    engine = _engine()
    try:
        initialize(engine, settings.seeds_dir, now=utcnow())
        with transaction(engine) as session:
            accounts = load_demo(session, settings.seeds_dir, now=utcnow(), weeks=weeks)
    except ContentError as exc:
        _fail(f"内容文件有误 / Content file refused: {exc}")
    except DomainError as exc:
        _fail(_domain_message(exc))
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
@click.password_option(help="Password (asked for when not given; at least 8 characters).")
def create_user_cmd(username: str, display_name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a local account with an argon2-hashed password."""
    from org.accounts import create_user
    from store.db import transaction
    from store.schema import ROLES

    grants = []
    for spec in roles:
        role, _, unit = spec.partition(":")
        if role not in ROLES:
            _fail(f"未知角色 / Unknown role: {role} ({', '.join(ROLES)})")
        grants.append((role, unit or None))
    try:
        with transaction(_engine()) as session:
            create_user(username, password, display_name, session=session, now=utcnow(), grants=grants)
    except DomainError as exc:
        _fail(_domain_message(exc))
    click.echo(f"user {username} created")


@cli.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--parent", default=None, help="Code of an existing unit to hang the tree under.")
def import_units_cmd(file: Path, parent: str | None) -> None:
    """Create or update org units from a YAML file (see seeds/demo_org.yaml for the format)."""
    from content.units import load_unit_specs
    from org.units import import_units
    from store.db import transaction

    try:
        specs = load_unit_specs(file)
        with transaction(_engine()) as session:
            created = import_units(specs, session=session, parent_code=parent)
    except ContentError as exc:
        _fail(f"文件有误 / File refused: {exc}")
    except DomainError as exc:
        _fail(_domain_message(exc))
    click.echo(f"units: {created} new")


@cli.command()
def coverage() -> None:
    """Print which items and drill types cite each directive; exit 1 if a [C] or [D] one is uncovered."""
    from content.bundle import coverage as compute
    from content.bundle import load_content

    try:
        content = load_content(get_settings().seeds_dir)
    except ContentError as exc:
        _fail(f"内容文件有误 / Content file refused: {exc}")
    rows = compute(content)
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
    n_items = sum(len(t.items()) for t in content.templates.values())
    click.echo(
        f"\n{len(rows)} directives, {len(content.templates)} templates, {n_items} items, "
        f"{len(content.drill_types)} drill types; {uncovered} uncovered"
    )
    if uncovered:
        sys.exit(1)


if __name__ == "__main__":
    cli()
