"""Every setting is documented in the README, and bad settings are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.config import Settings
from tests.conftest import ROOT


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(name):
    assert f"READINESS_{name.upper()}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_an_unknown_language_is_refused(monkeypatch):
    monkeypatch.setenv("READINESS_DEFAULT_LANGUAGE", "fr")
    with pytest.raises(ValidationError):
        Settings()


def test_without_a_url_the_database_is_an_sqlite_file_under_data(monkeypatch):
    monkeypatch.delenv("READINESS_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).effective_database_url.endswith("/data/peakready.db")
