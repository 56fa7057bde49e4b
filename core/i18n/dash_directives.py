"""Strings of the dashboard's dash_directives tab."""

STRINGS: dict[str, dict[str, str]] = {
}
