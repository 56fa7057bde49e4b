"""Strings of the dashboard's dash_drills tab."""

STRINGS: dict[str, dict[str, str]] = {
}
