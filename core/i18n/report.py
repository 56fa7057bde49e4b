"""Strings of the weekly readiness report (workbook, printable page, command line)."""

STRINGS: dict[str, dict[str, str]] = {
}
