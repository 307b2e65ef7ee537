"""The working-day clock of the console (SP4N-LAPOR!: verify within 3 working days of receipt,
follow up within 5 of disposition), with fixed dates around a weekend."""

from datetime import date
from zoneinfo import ZoneInfo

from hub.workdays import (
    add_working_days,
    clock,
    days_off,
    days_off_around,
    holiday_names,
    working_days_between,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
THURSDAY, FRIDAY, SATURDAY, MONDAY = date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 14), date(2026, 3, 16)


def test_three_working_days_skip_the_weekend():
    """Received Thursday: due Tuesday; Friday or Saturday: due Wednesday."""
    assert add_working_days(THURSDAY, 3) == date(2026, 3, 17)
    assert add_working_days(FRIDAY, 3) == date(2026, 3, 18)
    assert add_working_days(SATURDAY, 3) == date(2026, 3, 18)


def test_holidays_are_not_working_days():
    """DESIGN.md's oracle: received Tuesday 17 March 2026, with Nyepi, Idul Fitri and their joint
    leave days (18-20, 23-24 March) off, verification is due Friday 27 March."""
    off = frozenset(date(2026, 3, d) for d in (18, 19, 20, 23, 24))
    assert add_working_days(date(2026, 3, 17), 3, off) == date(2026, 3, 27)


def test_the_hub_knows_the_national_holidays_and_joint_leave_itself():
    """The oracle again, with the days off the hub finds on its own: the `holidays` package's
    public holidays and government joint leave (cuti bersama) for Indonesia."""
    off = days_off(2026)
    assert {date(2026, 3, d) for d in (18, 19, 20, 23, 24)} <= off  # Nyepi, Idul Fitri and their leave
    assert date(2026, 8, 17) in off  # Independence Day
    assert add_working_days(date(2026, 3, 17), 3, off) == date(2026, 3, 27)
    received = clock(
        "received", "2026-03-17T09:00:00+07:00", None, date(2026, 3, 26), JAKARTA, days_off_around(date(2026, 3, 26))
    )
    assert received is not None and received.due == date(2026, 3, 27) and received.left == 1


def test_working_days_between_counts_weekdays_after_the_first_day():
    assert working_days_between(FRIDAY, MONDAY) == 1
    assert working_days_between(MONDAY, FRIDAY) == -1
    assert working_days_between(THURSDAY, THURSDAY) == 0


def test_the_verification_clock_runs_from_receipt_in_the_hubs_time_zone():
    """18:30 UTC on Friday is Saturday in Jakarta: due the Wednesday after, two working days
    left on Monday, due on the day itself, then late."""
    received = "2026-03-13T18:30:00.000+00:00"
    on_monday = clock("received", received, None, MONDAY, JAKARTA)
    assert on_monday is not None and on_monday.due == date(2026, 3, 18) and on_monday.left == 2
    on_the_day = clock("verified", received, None, date(2026, 3, 18), JAKARTA)
    assert on_the_day is not None and on_the_day.left == 0 and not on_the_day.overdue
    late = clock("received", received, None, date(2026, 3, 20), JAKARTA)
    assert late is not None and late.overdue and late.left == -2


def test_a_deadline_on_friday_is_late_over_the_weekend():
    """Due Friday, seen on Saturday: overdue by one working day, not due today."""
    due_friday = clock("received", "2026-03-10T03:00:00+00:00", None, SATURDAY, JAKARTA)
    assert due_friday is not None and due_friday.due == FRIDAY and due_friday.left == -1


def test_the_follow_up_clock_runs_from_disposition_and_stops_after():
    """Passed on Wednesday 11 March: five working days, due Wednesday 18; none once followed up."""
    forwarded = clock("forwarded", "2026-03-02T03:00:00+00:00", "2026-03-11T03:00:00+00:00", MONDAY, JAKARTA)
    assert forwarded is not None and forwarded.due == date(2026, 3, 18) and forwarded.left == 2
    assert clock("followed_up", "2026-03-02T03:00:00+00:00", "2026-03-11T03:00:00+00:00", MONDAY, JAKARTA) is None
    assert clock("archived", "2026-03-02T03:00:00+00:00", None, MONDAY, JAKARTA) is None


def test_an_override_adds_a_day_off_or_makes_a_listed_day_a_working_day():
    """The oracle with the admin's overrides: Thursday 26 March off moves the deadline to Monday
    30 March; the joint leave of Tuesday 24 March made a working day brings it to Thursday 26."""
    today = date(2026, 3, 26)
    listed = days_off(2025) | days_off(2026) | days_off(2027)
    assert days_off_around(today) == days_off_around(today, {}) == listed
    closed = days_off_around(today, {date(2026, 3, 26): False})
    assert closed == listed | {date(2026, 3, 26)}
    assert add_working_days(date(2026, 3, 17), 3, closed) == date(2026, 3, 30)
    cancelled = days_off_around(today, {date(2026, 3, 24): True})
    assert cancelled == listed - {date(2026, 3, 24)}
    assert add_working_days(date(2026, 3, 17), 3, cancelled) == date(2026, 3, 26)


def test_overrides_on_days_the_package_agrees_with_change_nothing():
    """A day off the package lists already, or a working day it does not list, leaves the set
    as it was; overrides of far years are kept all the same, and both kinds apply together."""
    today = date(2026, 3, 26)
    listed = days_off_around(today)
    assert days_off_around(today, {date(2026, 3, 19): False, date(2026, 3, 25): True}) == listed
    assert days_off_around(today, {date(2030, 1, 2): False}) == listed | {date(2030, 1, 2)}
    both = days_off_around(today, {date(2026, 3, 23): True, date(2026, 3, 24): True, date(2026, 3, 26): False})
    assert add_working_days(date(2026, 3, 17), 3, both) == date(2026, 3, 25)


def test_the_package_names_its_days_in_each_console_language():
    """The admin's page shows the package's own names: Indonesian for id, English for en."""
    indonesian, english = dict(holiday_names(2026, "id")), dict(holiday_names(2026, "en"))
    assert indonesian.keys() == english.keys() == days_off(2026)
    assert indonesian[date(2026, 3, 24)] == "Cuti Bersama Hari Raya Idul Fitri"
    assert english[date(2026, 3, 24)] == "Eid al-Fitr Joint Holiday"
    assert indonesian[date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
