"""Dates and times on the console: in the hub's time zone, in the reader's language, named as
Indonesian offices name their zones; and on the complaint page, each beside its exact moment."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from test_console import TIMEOUT, Office, signed_in

from hub import i18n
from hub.console.dates import DAY_PATTERNS, MOMENT_PATTERNS, day_text, moment_text

JAKARTA = ZoneInfo("Asia/Jakarta")
RECEIVED = "2026-03-17T02:05:00.000+00:00"  # DESIGN.md's working-days oracle: a Tuesday in Jakarta


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Selasa, 17 Maret 2026, 09.05 WIB"), ("en", "Tuesday 17 March 2026, 09:05 WIB")],
)
def test_a_moment_reads_as_the_hubs_clock_showed_it(language, expected):
    """Indonesian puts a comma after the day and a dot between hours and minutes."""
    assert moment_text(RECEIVED, JAKARTA, language) == expected
    assert moment_text(datetime.fromisoformat(RECEIVED), JAKARTA, language) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "Selasa, 17 Maret 2026, 09.05 WIB"),
        ("Asia/Pontianak", "Selasa, 17 Maret 2026, 09.05 WIB"),
        ("Asia/Makassar", "Selasa, 17 Maret 2026, 10.05 WITA"),
        ("Asia/Jayapura", "Selasa, 17 Maret 2026, 11.05 WIT"),
        ("Asia/Singapore", "Selasa, 17 Maret 2026, 10.05 UTC+8"),
        ("Asia/Kolkata", "Selasa, 17 Maret 2026, 07.35 UTC+5:30"),
        ("America/New_York", "Senin, 16 Maret 2026, 22.05 UTC-4"),
        ("UTC", "Selasa, 17 Maret 2026, 02.05 UTC"),
    ],
)
def test_indonesias_zones_go_by_their_names_and_others_by_their_offset(zone, expected):
    """WIB, WITA and WIT by the zone, not the offset: Singapore shares WITA's offset, not its name."""
    assert moment_text(RECEIVED, ZoneInfo(zone), "id") == expected


def test_a_moment_near_midnight_utc_falls_on_the_next_local_day():
    """17.30 UTC on Monday is half past midnight on Tuesday in Jakarta: the day shown is Tuesday."""
    late = "2026-03-16T17:30:00.000+00:00"
    assert moment_text(late, JAKARTA, "id") == "Selasa, 17 Maret 2026, 00.30 WIB"
    assert day_text(late, JAKARTA, "en") == "Tuesday 17 March 2026"
    assert day_text(datetime(2026, 3, 16, 17, 30, tzinfo=UTC), JAKARTA, "id") == "Selasa, 17 Maret 2026"
    assert day_text(late, ZoneInfo("UTC"), "en") == "Monday 16 March 2026"


@pytest.mark.parametrize(("language", "expected"), [("id", "Jumat, 27 Maret 2026"), ("en", "Friday 27 March 2026")])
def test_a_day_stays_the_day_it_is(language, expected):
    """A deadline or an incident's date has no time and no zone to move it."""
    assert day_text(date(2026, 3, 27), JAKARTA, language) == expected
    assert day_text("2026-03-27", ZoneInfo("America/New_York"), language) == expected


def test_every_console_language_has_its_patterns():
    assert set(MOMENT_PATTERNS) == set(DAY_PATTERNS) == set(i18n.LANGUAGES)


def test_the_complaint_page_shows_its_times_readably_beside_the_exact_moment(hub):
    """The time of receipt and the history in WIB, the deadline as a day, each in a `<time>`
    whose `datetime` is the exact moment the hub keeps; in English after switching."""
    office = Office(hub)
    verifier = signed_in(office, "verifikator")
    html = verifier.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    received = re.findall(r'<time datetime="([^"]+)">(\w+, \d{1,2} \w+ \d{4}, \d\d\.\d\d WIB)</time>', html)
    assert len(received) == 3  # received at the hub, the history's first step, and the report alike
    for exact, shown in received:
        assert moment_text(exact, JAKARTA, "id") == shown
    due = re.search(r'<time class="due" datetime="(\d{4}-\d\d-\d\d)">([^<]+)</time>', html)
    assert due is not None and due.group(2) == day_text(due.group(1), JAKARTA, "id")
    english = verifier.get(office.url(f"/console/language?lang=en&back={office.complaint_path(0)}"), timeout=TIMEOUT)
    assert re.search(r"<time datetime=\"[^\"]+\">\w+ \d{1,2} \w+ \d{4}, \d\d:\d\d WIB</time>", english.text)
