"""The .ics export is read back by a second, independent iCalendar reader (vobject) and checked field by field:
one VEVENT per drill with a UID that stays the same between exports, the Asia/Shanghai time zone, and text
with commas, semicolons, new lines and Chinese coming back exactly as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject

from drills.calendar import CalendarDrill, to_ics, uid_for

Z = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TRICKY = "大面积停电, 综合预案; 联合演练\n第二行：调度\\现场"


def blackout(**changes) -> CalendarDrill:
    fields = dict(
        drill_id=42, title="大面积停电综合预案演练", start=datetime(2027, 5, 12, 9, 0, tzinfo=Z),
        end=datetime(2027, 5, 12, 12, 30, tzinfo=Z), status="ready", description="桌面推演, 含黑启动; 注入 12 条",
        location="调度大楼 3F, 应急指挥中心", units=("城东供电所", "调度控制中心"), organizer_name="王强",
        organizer_email="wangqiang@example.cn", last_modified=datetime(2026, 11, 20, 8, 15, tzinfo=UTC),
        sequence=3)
    fields.update(changes)
    return CalendarDrill(**fields)


def read(data: bytes):
    """The calendar as vobject parses it."""
    assert isinstance(data, bytes)
    return vobject.readOne(data.decode("utf-8"))


def events_by_uid(data: bytes) -> dict:
    return {e.uid.value: e for e in read(data).vevent_list}


def test_the_calendar_names_its_producer_version_and_time_zone():
    cal = read(to_ics([blackout()], now=NOW, name="2027 迎峰度夏演练计划"))
    assert cal.prodid.value == "-//PeakReady//Drill plan//ZH"
    assert cal.version.value == "2.0"
    assert cal.contents["x-wr-timezone"][0].value == "Asia/Shanghai"
    assert cal.contents["x-wr-calname"][0].value == "2027 迎峰度夏演练计划"
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Asia/Shanghai"]


def test_every_field_of_a_drill_comes_back_from_a_second_reader():
    [event] = read(to_ics([blackout()], now=NOW, domain="grid.example.cn")).vevent_list
    assert event.uid.value == "drill-42@grid.example.cn"
    assert event.summary.value == "大面积停电综合预案演练"
    assert event.location.value == "调度大楼 3F, 应急指挥中心"
    assert event.description.value == ("桌面推演, 含黑启动; 注入 12 条\n参演单位：城东供电所、调度控制中心\n"
                                       "组织人：王强\n状态：准备就绪")
    assert event.dtstart.value == datetime(2027, 5, 12, 9, 0, tzinfo=Z)
    assert event.dtend.value == datetime(2027, 5, 12, 12, 30, tzinfo=Z)
    assert event.dtstamp.value == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert event.last_modified.value == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert int(event.sequence.value) == 3
    assert event.status.value == "CONFIRMED"
    assert event.organizer.value == "mailto:wangqiang@example.cn"
    assert event.organizer.params["CN"] == ["王强"]


def test_times_are_written_in_asia_shanghai_with_the_zone_the_file_defines():
    [event] = read(to_ics([blackout()], now=NOW)).vevent_list
    # vobject turns TZID into a zone built from the file's own VTIMEZONE (not from a zone database).
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Asia/Shanghai"]
    assert event.dtend.params["X-VOBJ-ORIGINAL-TZID"] == ["Asia/Shanghai"]
    assert vobject.icalendar.TimezoneComponent.pickTzid(event.dtstart.value.tzinfo) == "Asia/Shanghai"
    assert event.dtstart.value.tzinfo.tzname(event.dtstart.value) == "CST"
    assert event.dtstart.value.utcoffset() == timedelta(hours=8)
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 5, 12, 1, 0, tzinfo=UTC)


def test_a_drill_given_in_another_zone_is_written_in_shanghai_time():
    start = datetime(2027, 5, 12, 1, 0, tzinfo=UTC)
    [event] = read(to_ics([blackout(start=start, end=start + timedelta(hours=2))], now=NOW)).vevent_list
    assert event.dtstart.value.replace(tzinfo=None) == datetime(2027, 5, 12, 9, 0)
    assert b"DTSTART;TZID=Asia/Shanghai:20270512T090000" in to_ics(
        [blackout(start=start, end=start + timedelta(hours=2))], now=NOW)


def test_commas_semicolons_new_lines_backslashes_and_chinese_survive_the_round_trip():
    data = to_ics([blackout(title=TRICKY, location=TRICKY, description=TRICKY)], now=NOW)
    [event] = read(data).vevent_list
    assert event.summary.value == TRICKY
    assert event.location.value == TRICKY
    assert event.description.value.startswith(TRICKY + "\n")
    assert "大面积停电\\, 综合预案\\; 联合演练\\n第二行：调度\\\\现场".encode() in data.replace(b"\r\n ", b"")


def test_the_uid_is_the_same_in_two_exports_so_a_reimport_updates_the_event():
    first = events_by_uid(to_ics([blackout(), blackout(drill_id=43, title="电缆火灾演练")], now=NOW))
    moved = blackout(start=datetime(2027, 5, 13, 9, 0, tzinfo=Z), end=datetime(2027, 5, 13, 12, 0, tzinfo=Z),
                     sequence=4, last_modified=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    second = events_by_uid(to_ics([moved, blackout(drill_id=43, title="电缆火灾演练")], now=NOW + timedelta(days=1)))
    assert set(first) == set(second) == {uid_for(42), uid_for(43)}
    assert int(second[uid_for(42)].sequence.value) > int(first[uid_for(42)].sequence.value)
    assert second[uid_for(42)].dtstart.value == datetime(2027, 5, 13, 9, 0, tzinfo=Z)


def test_the_same_drills_export_to_the_same_bytes():
    assert to_ics([blackout()], now=NOW) == to_ics([blackout()], now=NOW)


@pytest.mark.parametrize(("status", "ical_status"), [("planned", "TENTATIVE"), ("ready", "CONFIRMED"),
                                                     ("conducted", "CONFIRMED"), ("reviewed", "CONFIRMED"),
                                                     ("cancelled", "CANCELLED")])
def test_a_drills_status_becomes_the_events_status(status, ical_status):
    [event] = read(to_ics([blackout(status=status)], now=NOW)).vevent_list
    assert event.status.value == ical_status


def test_a_cancelled_drill_stays_in_the_file_so_calendars_remove_it():
    events = events_by_uid(to_ics([blackout(), blackout(drill_id=7, status="cancelled")], now=NOW))
    assert events[uid_for(7)].status.value == "CANCELLED"


def test_a_drill_without_optional_fields_has_a_stamp_from_now_and_no_organizer_or_location():
    bare = CalendarDrill(drill_id=9, title="反事故演练", start=datetime(2027, 6, 1, 14, 0, tzinfo=Z),
                         end=datetime(2027, 6, 1, 16, 0, tzinfo=Z))
    [event] = read(to_ics([bare], now=NOW, lang="en")).vevent_list
    assert event.dtstamp.value == NOW
    assert int(event.sequence.value) == 0
    assert event.description.value == "Status: planned"
    for absent in ("organizer", "location", "last-modified"):
        assert absent not in event.contents


def test_an_organizer_without_an_address_is_named_in_the_description_only():
    [event] = read(to_ics([blackout(organizer_email=None)], now=NOW, lang="en")).vevent_list
    assert "organizer" not in event.contents
    assert "Organiser: 王强" in event.description.value


def test_events_are_ordered_by_start_and_an_empty_plan_is_still_a_valid_calendar():
    later = blackout(drill_id=1, start=datetime(2027, 6, 1, 9, tzinfo=Z), end=datetime(2027, 6, 1, 10, tzinfo=Z))
    cal = read(to_ics([later, blackout()], now=NOW))
    assert [e.uid.value for e in cal.vevent_list] == [uid_for(42), uid_for(1)]
    empty = read(to_ics([], now=NOW))
    assert "vevent" not in empty.contents and empty.vtimezone.tzid.value == "Asia/Shanghai"


@pytest.mark.parametrize("domain", ["", "a b", "x@y"])
def test_a_uid_domain_must_be_a_domain_name(domain):
    with pytest.raises(ValueError):
        to_ics([blackout()], now=NOW, domain=domain)
