"""Every UI string and message, in Simplified Chinese and English: one catalogue for the pages and the CLI.

Split by area into modules of this package (each a STRINGS dict); a key may be
defined only once. `t(key, lang, **params)` fills in str.format placeholders; a
test fails when a key lacks either language.
"""

from __future__ import annotations

from core.i18n import (
    aar,
    admin,
    auth,
    backup,
    catalogue,
    cli,
    dash_directives,
    dash_drills,
    dashboard,
    drill_plan,
    drills,
    events,
    evidence,
    exchange,
    hazards,
    outlook,
    planner,
    planner_tools,
    report,
    review,
    shifts,
    sso,
    units,
    work,
)

LANGUAGES = ("zh", "en")


def _merge(*parts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        if clash:
            raise ValueError(f"string keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


STRINGS = _merge(catalogue.STRINGS, cli.STRINGS, auth.STRINGS, units.STRINGS, admin.STRINGS, sso.STRINGS, events.STRINGS, work.STRINGS,
                 aar.STRINGS,
                 evidence.STRINGS, exchange.STRINGS, drills.STRINGS, planner.STRINGS, review.STRINGS,
                 drill_plan.STRINGS, planner_tools.STRINGS, shifts.STRINGS,
                 outlook.STRINGS, dashboard.STRINGS,
                 dash_drills.STRINGS, dash_directives.STRINGS, report.STRINGS,
                 hazards.STRINGS, backup.STRINGS)


def t(key: str, lang: str, /, **params: object) -> str:
    """The text for `key` in `lang`, placeholders filled; status/action codes in params are translated, and
    a param given in both languages ({"zh": …, "en": …}) is taken in `lang`."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("zh") or key
    for name, value in params.items():  # a text given in both languages, e.g. an item's: {"zh": …, "en": …}
        if isinstance(value, dict) and lang in value:
            params[name] = value[lang]
    for name in ("status", "action"):
        value = params.get(name)
        if isinstance(value, str):
            label = STRINGS.get(f"{name}.{value}") or STRINGS.get(f"cl.btn_{value}")
            if label:
                params[name] = label.get(lang, value)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
