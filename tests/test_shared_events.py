"""Events shared through the hub (`GET /api/v1/events`), on SQLite and PostgreSQL: one made in
the console or at one kiosk reaches the others on their next sync, so several kiosks at one
outreach event count into one event, and the hub's figures for it are the kiosks' sum."""

import random
from datetime import date, timedelta

import factories
import pytest
import requests
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures
from test_console import PASSWORD, TIMEOUT, audited, csrf_of, login, signed_in
from test_hub_stats import _same, _summed
from test_sync import QUICK

from hub.console.web import LANGUAGE_COOKIE
from hub.reports.participation import Filters, figures
from hub.storage import events
from hub.storage.staff import Staff
from kiosk.records.models import AGE_BANDS, GENDERS
from kiosk.store import Store
from kiosk.sync.engine import enroll, run_sync

TODAY = date.today()


class Office:
    """A hub with one user of each role that may or may not set up events."""

    def __init__(self, hub) -> None:
        self.hub = hub
        with storage_of(hub.data_dir) as storage:
            staff = Staff(storage)
            staff.add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
            for name, role, agency in (
                ("admin", "admin", None),
                ("verifikator", "verifier", None),
                ("penghubung", "liaison", "PUPR"),
                ("pemantau", "viewer", None),
            ):
                staff.add_user(name, role, agency, PASSWORD, "test")

    def url(self, path: str) -> str:
        return self.hub.url + path

    def make_event(self, session: requests.Session, **fields: str) -> requests.Response:
        form = session.get(self.url("/console/events"), timeout=TIMEOUT)
        assert form.status_code == 200, form.text
        data = {"csrf_token": csrf_of(form.text), "type": "socialization", "starts_on": TODAY.isoformat(), **fields}
        return session.post(self.url("/console/events"), data=data, allow_redirects=False, timeout=TIMEOUT)

    def listed(self) -> list[tuple[dict, str, int]]:
        with storage_of(self.hub.data_dir) as storage:
            return events.listed(storage, 100)


@pytest.fixture
def office(hub):
    return Office(hub)


def _kiosk(hub, folder):
    enroll(folder, hub.url, hub.enroll_code(), QUICK)
    return folder


def _register(folder, event_uuid: str, people: int, rng: random.Random) -> None:
    with Store(folder) as store:
        store.add_records(
            factories.attendance(
                event_uuid,
                gender=rng.choice(GENDERS),
                age_band=rng.choice(AGE_BANDS),
                created_at=f"{TODAY.isoformat()}T10:{n % 60:02d}:00+07:00",
                **({"wgss": {"seeing": rng.randrange(1, 5)}} if rng.random() < 0.5 else {}),
            )
            for n in range(people)
        )


def _events_of(folder) -> dict[str, dict]:
    with Store(folder) as store:
        return {event["uuid"]: event for event in store.events()}


def test_kiosks_at_one_event_count_into_it(office, hub, tmp_path):
    """A coordinator sets up an event in the console; two kiosks receive it on their next sync,
    with the other kiosk's current event but not its long-past one nor their own back; what
    they register into it reaches the hub as one event whose figures are the kiosks' sum."""
    first, second = _kiosk(hub, tmp_path / "first"), _kiosk(hub, tmp_path / "second")
    own = factories.event(name="Pelatihan Kader Desa", starts_on=TODAY.isoformat())
    past = factories.event(
        name="Sosialisasi tahun lalu",
        starts_on=(TODAY - timedelta(days=12)).isoformat(),
        ends_on=(TODAY - timedelta(days=10)).isoformat(),
    )
    with Store(first) as store:
        store.add_records([own, past])
    made = office.make_event(
        signed_in(office, "verifikator"),
        name="Festival Pelayanan Publik Garut",
        ends_on=(TODAY + timedelta(days=2)).isoformat(),
        province="Jawa Barat",
        regency="Garut",
        organizer="Ombudsman RI",
    )
    assert made.status_code == 303, made.text
    shared = next(record for record, device, _ in office.listed() if device == events.HUB_DEVICE)
    assert shared["name"] == "Festival Pelayanan Publik Garut" and "device_id" not in shared
    assert shared["location"] == {"province": "Jawa Barat", "regency": "Garut"}
    assert audited(hub, events.CREATE_EVENT) == [("verifikator", shared["uuid"], "127.0.0.1")]
    admin = signed_in(office, "admin")
    admin.cookies.set(LANGUAGE_COOKIE, "en")
    assert "Set up an event for the kiosks" in admin.get(office.url("/console/audit"), timeout=TIMEOUT).text
    kiosks = admin.get(office.url("/console/kiosks"), timeout=TIMEOUT).text
    assert kiosks.count('<th scope="row">') == 2 and f">{events.HUB_DEVICE}</th>" not in kiosks  # no kiosk
    page = admin.get(office.url("/console/kiosks"), timeout=TIMEOUT)
    refused = admin.post(
        office.url(f"/console/kiosks/{events.HUB_DEVICE}/enrollment-code"),
        data={"csrf_token": csrf_of(page.text), "hours": "1"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert refused.status_code == 404
    no_code = hub.cli("enroll-code", "--device", events.HUB_DEVICE)
    assert no_code.returncode != 0 and "no kiosk" in no_code.stderr
    assert events.HUB_DEVICE not in hub.cli("devices").stdout

    assert run_sync(first, QUICK).events == 1  # the console's; its own two are not sent back
    assert set(_events_of(first)) == {own["uuid"], past["uuid"], shared["uuid"]}
    report = run_sync(second, QUICK)
    assert report.events == 2 and report.sent == 0
    assert set(_events_of(second)) == {own["uuid"], shared["uuid"]}
    again = run_sync(second, QUICK)
    assert again.events == 0 and again.sent == 0 and again.done  # kept as the hub's: never sent back

    rng = random.Random(5)
    _register(first, shared["uuid"], 23, rng)
    _register(second, shared["uuid"], 31, rng)
    _register(second, own["uuid"], 4, rng)
    for folder in (first, second):
        assert run_sync(folder, QUICK).done
    kiosks = [(first, []), (second, [])]
    with storage_of(hub.data_dir) as storage:
        at_hub = figures(storage, Filters(event_uuid=shared["uuid"]))
        _same(at_hub, _summed(kiosks, event_uuid=shared["uuid"]), events=False)
        assert at_hub["total"] == 54
        assert figures(storage, Filters(event_uuid=own["uuid"]))["total"] == 4
        assert figures(storage, Filters(province="Jawa Barat"))["total"] == 54 + 4  # factories' events are there
    counted = {record["uuid"]: registrations for record, _, registrations in office.listed()}
    assert counted[shared["uuid"]] == 54 and counted[own["uuid"]] == 4
    session = signed_in(office, "admin")
    session.cookies.set(LANGUAGE_COOKIE, "en")
    page = session.get(office.url("/console/events"), timeout=TIMEOUT)
    assert page.status_code == 200
    for text in ("Festival Pelayanan Publik Garut", "Garut, Jawa Barat", "Hub console", "Pelatihan Kader Desa", "54"):
        assert text in page.text
    assert "Sukamaju, Garut, Jawa Barat" in page.text  # factories' place: village first


def test_only_admins_and_verifiers_set_up_events(office):
    for name in ("pemantau", "penghubung"):
        session = signed_in(office, name)
        assert session.get(office.url("/console/events"), timeout=TIMEOUT).status_code == 403
        forged = session.post(
            office.url("/console/events"),
            data={"csrf_token": "forged", "name": "Acara", "type": "other", "starts_on": TODAY.isoformat()},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert forged.status_code == 403
    admin = signed_in(office, "admin")
    assert office.make_event(admin, name="Sosialisasi di kantor camat").status_code == 303
    no_token = admin.post(
        office.url("/console/events"),
        data={"name": "Tanpa token", "type": "other", "starts_on": TODAY.isoformat()},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert no_token.status_code == 403
    assert [record["name"] for record, _, _ in office.listed()] == ["Sosialisasi di kantor camat"]


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"name": "  "}, "Give the event a name."),
        ({"name": "x" * 201}, "A field is too long"),
        ({"name": "Acara", "regency": "y" * 101}, "A field is too long"),
        ({"name": "Acara", "type": "party"}, "Choose the type of event."),
        ({"name": "Acara", "starts_on": "2026-13-40"}, "The date is not valid"),
        ({"name": "Acara", "starts_on": "1970-01-01"}, "Choose a date from the year 2000"),
        (
            {"name": "Acara", "starts_on": "2026-12-10", "ends_on": "2026-12-09"},
            "The last day cannot be before the first day.",
        ),
        ({"name": "Acara\x07bel"}, "remove unusual characters"),
    ],
)
def test_a_form_that_cannot_be_saved_says_why_and_saves_nothing(office, fields, said):
    session = signed_in(office, "verifikator")
    session.cookies.set(LANGUAGE_COOKIE, "en")
    answer = office.make_event(session, **fields)
    assert answer.status_code == 400
    assert said in answer.text
    assert office.listed() == []


def test_the_form_speaks_indonesian_by_default(office):
    session, _ = login(office, "verifikator")
    page = session.get(office.url("/console/events"), timeout=TIMEOUT)
    assert "Acara baru" in page.text and "Simpan acara" in page.text
    answer = office.make_event(session, name="")
    assert answer.status_code == 400 and "Beri nama acara." in answer.text


def test_the_feed_pages_by_the_hubs_order_and_skips_the_callers_own_and_the_long_past(tmp_path):
    """Page by page, each event made elsewhere and not over comes once, in the order the hub stored
    them; a page full of skipped events still moves the cursor on, and the last page says so."""
    from kiosk.records import digest

    with storage_of(tmp_path / "hub") as storage:
        first, _ = storage.enroll(storage.create_enrollment_code())
        second, _ = storage.enroll(storage.create_enrollment_code())
        today = date(2026, 12, 5)
        made = [
            factories.event(name=f"Acara {n}", starts_on=day, **({"ends_on": end} if end else {}))
            for n, (day, end) in enumerate(
                [
                    ("2026-12-05", None),
                    ("2026-11-01", "2026-11-02"),  # long over
                    ("2026-12-04", None),  # yesterday: a day of grace
                    ("2026-11-30", "2026-12-10"),
                    ("2026-12-03", None),  # over two days ago
                    ("2027-01-15", None),
                ]
            )
        ]
        storage.store_records(first, [(event, digest(event)) for event in made])
        own = factories.event(name="Acara kios kedua", starts_on="2026-12-05")
        storage.store_records(second, [(own, digest(own))])
        seen, cursor, pages = [], 0, 0
        while True:
            found, cursor, more = events.offered(storage, second, cursor, 2, today)
            seen += [event["name"] for event in found]
            pages += 1
            if not more:
                break
        assert seen == ["Acara 0", "Acara 2", "Acara 3", "Acara 5"] and pages == 4
        assert events.offered(storage, second, cursor, 2, today) == ([], cursor, False)
        everything, _, _ = events.offered(storage, first, 0, 100, today)
        assert [event["name"] for event in everything] == ["Acara kios kedua"]
