"""The app's one clock: real time by default, or set with READINESS_NOW and running on from there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core import clock
from core.config import get_settings


@pytest.fixture
def set_now(monkeypatch):
    def set_(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("READINESS_NOW", raising=False)
        else:
            monkeypatch.setenv("READINESS_NOW", value)
        get_settings.cache_clear()

    yield set_
    get_settings.cache_clear()


def test_a_set_clock_starts_at_that_moment_and_runs_on(set_now):
    set_now("2027-06-20T23:59:00+08:00")
    first = clock.utcnow()
    second = clock.utcnow()
    assert datetime(2027, 6, 20, 15, 59, tzinfo=UTC) <= first <= second < first + timedelta(minutes=1)
    assert clock.today() == date(2027, 6, 20)


def test_a_date_alone_starts_the_clock_at_nine_in_the_morning_local_time(set_now):
    set_now("2027-05-20")
    assert clock.format_local(clock.utcnow()) == "2027-05-20 09:00"
    assert clock.today() == date(2027, 5, 20)


def test_without_a_setting_the_clock_is_the_real_time(set_now):
    set_now(None)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_moment_read_back_without_a_zone_is_shown_in_beijing_time():
    assert clock.format_local(datetime(2026, 11, 2, 2, 0)) == "2026-11-02 10:00"
    assert clock.format_local(None) == "-"


def test_a_clock_that_is_not_a_date_is_refused(set_now, monkeypatch):
    from pydantic import ValidationError

    from core.config import Settings

    monkeypatch.setenv("READINESS_NOW", "next tuesday")
    with pytest.raises(ValidationError):
        Settings()


def test_setting_the_clock_again_starts_it_again_at_the_new_moment(set_now, monkeypatch):
    ticks = iter([1000.0, 1000.0, 1600.0, 1600.0, 1600.0])  # ten minutes pass between the readings
    monkeypatch.setattr(clock.time, "monotonic", lambda: next(ticks))
    set_now("2026-11-02T10:00:00+08:00")
    assert clock.format_local(clock.utcnow()) == "2026-11-02 10:00"
    set_now("2026-11-02T10:00:00+08:00")  # the same moment set again (as a test does): starts again there
    assert clock.format_local(clock.utcnow()) == "2026-11-02 10:00"
