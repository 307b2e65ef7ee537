"""The admin's days off (DESIGN.md, "Working days") against a real hub on loopback, on SQLite
and on PostgreSQL alike: an override moves the deadlines the console shows and the inbox's
"overdue only" filter, only the admin sets one, bad input changes nothing, and every change is
in the audit log."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures
from test_console import TIMEOUT, Office, audited, csrf_of, query, signed_in

from hub.workdays import VERIFY_WITHIN, add_working_days, days_off_around, is_working_day

JAKARTA = ZoneInfo("Asia/Jakarta")  # the hub's default time zone
PAGE = "/console/days-off"
NOTE = "SKB 3 Menteri tentang cuti bersama 2026"
RECEIVED = date(2026, 3, 17)  # DESIGN.md's oracle: a Tuesday, due Friday 27 March 2026


@pytest.fixture
def office(hub):
    return Office(hub)


@pytest.fixture
def admin(office):
    """The admin's session, reading English (the messages the tests look for)."""
    session = signed_in(office, "admin")
    session.get(office.url("/console/language?lang=en&back=/console/"), timeout=TIMEOUT)
    return session


def received_on(office: Office, day: date, index: int = 0) -> None:
    """The complaint reached the hub at nine in the morning of `day`, Jakarta time."""
    moment = datetime.combine(day, time(9), JAKARTA).astimezone(UTC).isoformat(timespec="milliseconds")
    query(
        office.hub, "UPDATE complaints SET received_at = ? WHERE uuid = ?", [moment, office.complaints[index]["uuid"]]
    )


def due(office: Office, session: requests.Session, index: int = 0) -> date:
    """The deadline the complaint page shows."""
    page = session.get(office.url(office.complaint_path(index)), timeout=TIMEOUT)
    assert page.status_code == 200
    return date.fromisoformat(re.search(r'class="due" datetime="([0-9-]+)"', page.text).group(1))


def post(office: Office, session: requests.Session, path: str = PAGE, **form: str) -> requests.Response:
    """A form of the days-off page, with the session's CSRF token."""
    token = csrf_of(session.get(office.url(PAGE), timeout=TIMEOUT).text)
    return session.post(office.url(path), data={"csrf_token": token, **form}, allow_redirects=False, timeout=TIMEOUT)


def set_day(office: Office, session: requests.Session, day: str, kind: str = "off", note: str = NOTE):
    return post(office, session, day=day, kind=kind, note=note)


def remove(office: Office, session: requests.Session, day: str):
    return post(office, session, PAGE + "/remove", day=day)


def overrides(office: Office) -> list[tuple]:
    rows = query(office.hub, "SELECT day, working, note FROM days_off ORDER BY day")
    return [(str(day), bool(working), note) for day, working, note in rows]  # PostgreSQL's days are dates


def test_the_oracle_holds_and_follows_each_override(office, admin):
    """Received Tuesday 17 March 2026: due Friday 27 March; with Thursday 26 March off, Monday
    30 March; with the package's joint leave of Tuesday 24 March (Idul Fitri) made a working
    day instead, Thursday 26 March; with the override removed, Friday 27 again."""
    received_on(office, RECEIVED)
    assert due(office, admin) == date(2026, 3, 27)

    answer = set_day(office, admin, "2026-03-26")
    assert answer.status_code == 303 and answer.headers["location"] == PAGE + "?year=2026"
    assert due(office, admin) == date(2026, 3, 30)

    assert remove(office, admin, "2026-03-26").status_code == 303
    assert set_day(office, admin, "2026-03-24", "working", "Cuti bersama dibatalkan").status_code == 303
    assert overrides(office) == [("2026-03-24", True, "Cuti bersama dibatalkan")]
    assert due(office, admin) == date(2026, 3, 26)

    assert remove(office, admin, "2026-03-24").status_code == 303
    assert overrides(office) == []
    assert due(office, admin) == date(2026, 3, 27)


def test_the_overdue_filter_follows_an_override(office, admin):
    """A report whose verification fell due on the last working day before today is overdue;
    with that day made a day off its deadline moves to a working day not yet past, and it is
    not; with the override removed it is overdue again."""
    today = datetime.now(JAKARTA).date()
    off = days_off_around(today)
    deadline = today - timedelta(days=1)
    while not is_working_day(deadline, off):
        deadline -= timedelta(days=1)
    received = deadline
    for _ in range(VERIFY_WITHIN):
        received -= timedelta(days=1)
        while not is_working_day(received, off):
            received -= timedelta(days=1)
    assert add_working_days(received, VERIFY_WITHIN, off) == deadline
    received_on(office, received)

    def overdue() -> bool:
        inbox = admin.get(office.url("/console/?overdue=true"), timeout=TIMEOUT)
        assert inbox.status_code == 200 and office.tracking[1] not in inbox.text  # received just now
        return office.tracking[0] in inbox.text

    assert overdue()
    assert set_day(office, admin, deadline.isoformat(), note="Kantor tutup: banjir").status_code == 303
    assert not overdue() and due(office, admin) > deadline
    assert remove(office, admin, deadline.isoformat()).status_code == 303
    assert overdue() and due(office, admin) == deadline


def test_the_page_lists_the_package_days_with_the_overrides(office, admin):
    """This year's page and next year's: the package's holidays and joint leave by name, in the
    reader's language, and each override with its note, who set it, when, and its button. A day
    set again is changed in place."""
    this_year = datetime.now(JAKARTA).year
    assert set_day(office, admin, f"{this_year}-06-02", note="Hari jadi kabupaten").status_code == 303
    assert set_day(office, admin, f"{this_year}-06-02", "working", "Hari jadi dipindah").status_code == 303
    assert overrides(office) == [(f"{this_year}-06-02", True, "Hari jadi dipindah")]
    page = admin.get(office.url(PAGE), timeout=TIMEOUT)
    assert page.status_code == 200
    assert (
        "Independence Day" in page.text and "Hari jadi dipindah" in page.text and "Hari jadi kabupaten" not in page.text
    )
    assert f'<time datetime="{this_year}-06-02">' in page.text and "By admin" in page.text
    assert f'name="day" value="{this_year}-06-02"' in page.text  # its remove button
    assert f'href="{PAGE}?year={this_year + 1}"' in page.text
    spring = admin.get(office.url(PAGE + "?year=2026"), timeout=TIMEOUT).text
    assert "Eid al-Fitr Joint Holiday" in spring
    admin.get(office.url("/console/language?lang=id&back=/console/"), timeout=TIMEOUT)
    assert "Cuti Bersama Hari Raya Idul Fitri" in admin.get(office.url(PAGE + "?year=2026"), timeout=TIMEOUT).text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"day": "26/03/2026"}, "The date is not valid"),
        ({"day": ""}, "The date is not valid"),
        ({"day": "1999-12-31"}, "Choose a date from the year 2000 to the year 2100."),
        ({"day": "2101-01-01"}, "Choose a date from the year 2000 to the year 2100."),
        ({"note": ""}, "Write a note of at most 200 characters"),
        ({"note": "   "}, "Write a note of at most 200 characters"),
        ({"note": "x" * 201}, "Write a note of at most 200 characters"),
        ({"kind": "holiday"}, "Choose whether the day is a day off or a working day."),
        ({"day": "2026-03-28", "kind": "working"}, "Saturday and Sunday are always days off"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_changes_nothing(office, admin, form, message):
    answer = post(office, admin, **({"day": "2026-03-26", "kind": "off", "note": NOTE} | form))
    assert answer.status_code == 400 and message in answer.text and 'role="alert"' in answer.text
    assert overrides(office) == [] and audited(office.hub, "day_off_set") == []


def test_a_weekend_may_be_a_day_off_and_each_change_is_audited(office, admin):
    """A Saturday set as a day off changes no deadline but is kept; setting and removing are in
    the audit log with the address; removing a day nobody set changes nothing."""
    assert set_day(office, admin, "2026-03-28", note="Kerja bakti").status_code == 303
    assert remove(office, admin, "2026-03-28").status_code == 303
    assert remove(office, admin, "2026-03-28").status_code == 303
    assert audited(office.hub, "day_off_set") == [("admin", "2026-03-28 off: Kerja bakti", "127.0.0.1")]
    assert audited(office.hub, "day_off_removed") == [("admin", "2026-03-28", "127.0.0.1")]
    assert remove(office, admin, "28 Maret").status_code == 400


def test_only_the_admin_with_the_forms_token_changes_days(office, admin):
    """Other roles get 403 for the page and its forms, strangers the login page, and a form
    without the session's CSRF token 403, even from the admin."""
    for name in ("verifikator", "penghubung", "pemantau"):
        session = signed_in(office, name)
        assert session.get(office.url(PAGE), allow_redirects=False, timeout=TIMEOUT).status_code == 403
        token = csrf_of(session.get(office.url("/console/"), timeout=TIMEOUT).text)
        for path in (PAGE, PAGE + "/remove"):
            answer = session.post(
                office.url(path),
                data={"csrf_token": token, "day": "2026-03-26", "kind": "off", "note": NOTE},
                allow_redirects=False,
                timeout=TIMEOUT,
            )
            assert answer.status_code == 403, (name, path)
    for method in (requests.get, requests.post):
        answer = method(office.url(PAGE), allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    for token in ({}, {"csrf_token": "palsu"}):
        answer = admin.post(
            office.url(PAGE),
            data={"day": "2026-03-26", "kind": "off", "note": NOTE, **token},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert answer.status_code == 403
    assert overrides(office) == [] and audited(office.hub, "day_off_set") == []
