"""The dashboard (`/console/stats`) on a hub process: every signed-in role sees registrations from
every kiosk with the figures `kiosk-hub stats` gives, drawn as bars whose numbers and names are
written out, narrowed by dates, province, regency and event as the command narrows them; a link
asking for what the hub does not know is answered with a notice, never an error; strangers go to
the login page."""

import json
import re
from datetime import date, timedelta

import factories
import pytest
import requests
from hubproc import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_console import TIMEOUT, Office, act, signed_in

from hub.console.stats import EARLIEST, EVENT_CHOICES, LABEL_CHARS, LATEST, chart, choose
from hub.storage.participation import Event

# Fixed uuids: parametrized ids name them, and each worker of a parallel run must collect the same ones.
GARUT = factories.event(
    uuid="0b9e8d7c-6f5a-4e3d-8c2b-1a0f9e8d7c6b",
    name="Sosialisasi Garut",
    location={"province": "Jawa Barat", "regency": "Garut"},
)
BANDUNG = factories.event(
    uuid="5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
    name="Kelas LAPOR! di kampus Bandung",
    type="campus",
    starts_on="2026-08-20",
    location={"province": "Jawa Barat", "regency": "Bandung"},
)
ACEH = factories.event(
    uuid="4f7c2d1e-8a3b-4c5d-9e6f-0a1b2c3d4e5f", name="Kelas warga Aceh", type="workshop", location={"province": "Aceh"}
)


def registrations(office: Office) -> None:
    """Three events: Garut and Bandung in Jawa Barat, and Aceh, which names no regency; 4 women
    (one with a disability, one young) and 2 young men, who came to Aceh in September."""
    people = [
        factories.attendance(GARUT["uuid"], gender="female", age_band="31-45", wgss={"walking": 3}),
        factories.attendance(GARUT["uuid"], gender="female", age_band="46-60"),
        factories.attendance(BANDUNG["uuid"], gender="female", created_at="2026-08-20T10:00:00+07:00"),
        factories.attendance(ACEH["uuid"], gender="female", age_band="61+", wgss={"seeing": 1}),
        factories.attendance(ACEH["uuid"], gender="male", age_band="16-30", created_at="2026-09-02T10:00:00+07:00"),
        factories.attendance(ACEH["uuid"], gender="male", age_band="16-30", created_at="2026-09-02T11:00:00+07:00"),
    ]
    answer = requests.post(
        office.url("/api/v1/records"),
        json={"records": [GARUT, BANDUNG, ACEH, *people]},
        headers=office.bearer,
        timeout=TIMEOUT,
    )
    assert {result["status"] for result in answer.json()["results"]} == {"stored"}


def in_english(office: Office, name: str) -> requests.Session:
    """A signed-in session that chose English: the notices are read in the words they are written in."""
    session = signed_in(office, name)
    session.get(office.url("/console/language?lang=en&back=/console/stats"), timeout=TIMEOUT)
    return session


def headline(html: str) -> list[str]:
    """The dashboard's headline figures: registrations, events, and the shares of women, youth and
    people with a disability."""
    return re.findall(r"<li><strong>([^<]+)</strong>", html)[:5]


def drawn(html: str, name: str) -> list[tuple[str, str]]:
    """A chart's bars as its SVG writes them: (the group's name, its number)."""
    svg = re.search(rf'<figure class="chart" aria-labelledby="{name}-title">.*?</svg>', html, re.S).group(0)
    names = [re.sub(r"<[^>]+>", "", name) for name in re.findall(r'<text class="label">(.*?)</text>', svg)]
    return list(zip(names, re.findall(r'class="value[^"]*">([^<]+)</text>', svg), strict=True))


def test_every_role_sees_the_fleets_registrations_and_a_stranger_does_not(hub):
    office = Office(hub)
    registrations(office)
    assert requests.get(office.url("/console/stats"), allow_redirects=False, timeout=TIMEOUT).status_code == 303
    for name in ("pemantau", "penghubung", "verifikator", "admin"):
        html = signed_in(office, name).get(office.url("/console/stats"), timeout=TIMEOUT).text
        assert headline(html) == ["6", "3", "66,7%", "50,0%", "16,7%"], name  # Indonesian: a decimal comma
    html = signed_in(office, "pemantau").get(office.url("/console/stats"), timeout=TIMEOUT).text
    assert "Pendaftaran per provinsi" in html and "Lokakarya" in html and "September 2026" in html
    assert drawn(html, "province") == [("Aceh", "3"), ("Jawa Barat", "3")]
    assert "Tanggapan instansi" in html and "Tidak ada laporan yang didisposisikan" in html


def test_the_dashboard_shows_how_an_agency_answered(hub):
    office = Office(hub)
    verifier = signed_in(office, "verifikator")
    for action, form in (("verify", {}), ("dispose", {"agency": "PUPR"})):
        assert act(office, verifier, 0, action, **form).status_code == 303
    html = signed_in(office, "pemantau").get(office.url("/console/stats"), timeout=TIMEOUT).text
    row = re.search(r"<tr><th scope=\"row\">Dinas Pekerjaan Umum \(PUPR\)</th>(.*?)</tr>", html, re.S)
    assert row and re.findall(r">([^<]+)</td>", row.group(1))[:4] == ["1", "0 (0,0%)", "0 (0,0%)", "0 (0,0%)"]
    reports = re.search(r'<h2 id="reports">.*?</section>', html, re.S).group(0)
    assert re.findall(r"<li><strong>(\d+)</strong>", reports) == [
        "2",
        "2",
        "0",
        "0",
        "0",
    ]  # both complaints, none at an event
    assert '<td data-label="Didisposisikan">1</td>' in reports


def test_the_dashboard_narrows_by_province_and_dates(hub):
    office = Office(hub)
    registrations(office)
    viewer = signed_in(office, "pemantau")
    aceh = viewer.get(office.url("/console/stats?province=Aceh"), timeout=TIMEOUT).text
    assert headline(aceh)[:2] == ["3", "1"] and '<option value="Aceh" selected>Aceh</option>' in aceh
    september = viewer.get(office.url("/console/stats?from=2026-09-01&to=2026-09-30"), timeout=TIMEOUT).text
    assert headline(september)[0] == "2"
    nothing = viewer.get(office.url("/console/stats?from=2030-01-01&to=not-a-day"), timeout=TIMEOUT).text
    assert headline(nothing)[0] == "0" and "Tidak ada pendaftaran" in nothing
    english = viewer.get(office.url("/console/language?lang=en&back=/console/stats?province%3DAceh"), timeout=TIMEOUT)
    assert english.url.endswith("/console/stats?province=Aceh") and headline(english.text)[:2] == ["3", "1"]
    assert "back=/console/stats%3Fprovince%3DAceh" in english.text  # the way back to Indonesian keeps the choice


@pytest.mark.parametrize(
    ("query", "args", "expected"),
    [
        ("province=Jawa+Barat", ["--province", "Jawa Barat"], ["3", "2", "100.0%", "33.3%", "33.3%"]),
        ("province=Jawa+Barat&regency=Garut", ["--province", "Jawa Barat", "--regency", "Garut"], ["2", "1"]),
        ("regency=Bandung", ["--regency", "Bandung"], ["1", "1", "100.0%", "100.0%", "0.0%"]),
        (f"event={ACEH['uuid']}", ["--event", ACEH["uuid"]], ["3", "1", "33.3%", "66.7%", "0.0%"]),
        (f"event={ACEH['uuid']}&from=2026-09-01", ["--event", ACEH["uuid"], "--from", "2026-09-01"], ["2", "1"]),
    ],
)
def test_the_dashboard_narrows_as_the_command_does(hub, query, args, expected):
    """Regency and event narrow the page as `kiosk-hub stats --regency/--event` narrows its figures:
    the same totals, from the same code. The reports received follow the place but not the event,
    the agencies' answers only the dates, as the command's do; the page says so."""
    office = Office(hub)
    registrations(office)
    html = in_english(office, "pemantau").get(office.url(f"/console/stats?{query}"), timeout=TIMEOUT).text
    command = json.loads(run_cli(hub.data_dir, "stats", "--format", "json", *args).stdout)
    assert headline(html)[: len(expected)] == expected
    assert headline(html)[:2] == [str(command["total"]), str(command.get("events", len(command["event_list"])))]
    assert ("not narrowed by event" in html) == ("--event" in args)
    assert "only the dates apply" in html


def test_a_chosen_province_offers_its_own_regencies_and_events_and_charts_its_regencies(hub):
    """Without JavaScript the form cannot follow a change of province: with none chosen it offers
    every regency under its province's name and every event (newest first, by name and day);
    once Jawa Barat is shown, only its regencies and events, and the chart by province gives way to
    one by regency."""
    office = Office(hub)
    registrations(office)
    viewer = signed_in(office, "pemantau")
    everywhere = viewer.get(office.url("/console/stats"), timeout=TIMEOUT).text
    assert re.findall(r'<optgroup label="([^"]+)">', everywhere) == ["Jawa Barat"]  # Aceh names no regency
    assert re.findall(r'<option value="[^"]+" >([^<]+)</option>', everywhere) == [
        "Aceh",
        "Jawa Barat",
        "Bandung",
        "Garut",
        "Kelas LAPOR! di kampus Bandung · 20 Agu 2026",
        "Kelas warga Aceh · 17 Agu 2026",
        "Sosialisasi Garut · 17 Agu 2026",
    ]
    west_java = viewer.get(office.url("/console/stats?province=Jawa+Barat"), timeout=TIMEOUT).text
    assert "Kelas warga Aceh" not in west_java and "Pendaftaran per provinsi" not in west_java
    assert drawn(west_java, "regency") == [("Bandung", "1"), ("Garut", "2")]


def test_a_hub_with_more_events_than_a_list_holds_offers_the_newest_and_says_how_to_find_others(hub):
    """A national hub holds thousands of events: the form lists the newest, says that dates or a
    place find the others, and keeps an older event chosen by a link among its options."""
    office = Office(hub)
    many = [
        factories.event(
            name=f"Acara {day:03d}",
            starts_on=(date(2025, 1, 1) + timedelta(days=day)).isoformat(),
            location={"province": "Aceh"},
        )
        for day in range(EVENT_CHOICES + 30)
    ]
    answer = requests.post(
        office.url("/api/v1/records"), json={"records": many}, headers=office.bearer, timeout=TIMEOUT
    )
    assert {result["status"] for result in answer.json()["results"]} == {"stored"}
    viewer = in_english(office, "pemantau")
    html = viewer.get(office.url("/console/stats"), timeout=TIMEOUT).text
    listed = re.findall(r'<option value="[^"]+" >(Acara \d+)', html)
    assert listed == [f"Acara {day:03d}" for day in reversed(range(30, EVENT_CHOICES + 30))]
    assert f"Only the newest {EVENT_CHOICES} events are listed" in html
    oldest = viewer.get(office.url(f"/console/stats?event={many[0]['uuid']}"), timeout=TIMEOUT).text
    assert f'<option value="{many[0]["uuid"]}" selected>Acara 000' in oldest
    first_days = viewer.get(office.url("/console/stats?to=2025-01-10"), timeout=TIMEOUT).text
    assert len(re.findall(r'<option value="[^"]+" >Acara', first_days)) == 10
    assert "Only the newest" not in first_days


BAD_QUERIES = [  # the query, the notice, the registrations then shown
    ("event=8a0c9a43-2b0e-4c7e-9a51-0d3c1f5e6a77", "The hub knows no such event", "6"),
    ("event=' OR 1=1 --", "The hub knows no such event", "6"),
    ("from=2026-13-40", "The start date could not be used", "6"),
    ("to=0001-01-01", "The end date could not be used", "6"),
    ("to=9999-12-31", "The end date could not be used", "6"),
    ("from=2026-09-30&to=2026-09-01", "the two were swapped", "2"),
    ("province=" + "Jawa Barat" * 500, "every province is shown", "6"),
    ("province=Aceh%00", "every province is shown", "6"),
    ("regency=Atlantis", "every regency and city is shown", "6"),
    ("province=Aceh&regency=Garut", "the whole province is shown", "3"),
    (f"province=Aceh&event={GARUT['uuid']}", "not held in this place", "3"),
]


@pytest.mark.parametrize(("query", "notice", "total"), BAD_QUERIES)
def test_a_link_asking_for_what_the_hub_does_not_know_gets_a_notice_not_an_error(hub, query, notice, total):
    """An edited or stale link (an event that is no event, a 13th month, a year the calendar
    cannot count past, a province the length of a book) shows the page with that choice left out
    and a notice saying so."""
    office = Office(hub)
    registrations(office)
    answer = in_english(office, "pemantau").get(office.url(f"/console/stats?{query}"), timeout=TIMEOUT)
    assert answer.status_code == 200
    shown = re.search(r'<div class="notice" role="status">(.*?)</div>', answer.text, re.S)
    assert shown and notice in shown.group(1)
    assert headline(answer.text)[0] == total


def test_a_long_name_wraps_above_its_bar_and_a_long_bar_holds_its_number():
    """Names wrap to what 200% text on a phone holds, each bar below its name's last line; the
    longest bar fills the chart's width with its number inside, a short one has it beside."""
    drawn = chart({"Kepulauan Bangka Belitung": {"total": 40}, "Aceh": {"total": 80}}, str)
    first, second = drawn.bars
    assert [text for text, _ in first.lines] == ["Kepulauan Bangka", "Belitung"]
    assert all(len(text) <= LABEL_CHARS for text, _ in first.lines)
    assert first.lines[0][1] < first.lines[1][1] < first.top < second.lines[0][1] < second.top < drawn.height
    assert (first.length, first.inside, second.length, second.inside) == (50, False, 100, True)


KNOWN = {
    event["uuid"]: Event(
        event["uuid"],
        event["name"],
        event["type"],
        event["starts_on"],
        event["location"]["province"],
        event["location"].get("regency", ""),
    )
    for event in (GARUT, BANDUNG, ACEH)
}
FIELDS = {"from": "date_from", "to": "date_to", "event": "event_uuid", "province": "province", "regency": "regency"}
texts = st.one_of(st.text(max_size=30), st.dates().map(str), st.sampled_from(["Aceh", "Garut", "Bandung", *KNOWN]))


@given(st.dictionaries(st.sampled_from(list(FIELDS)), texts))
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # two tests' workers share a core
def test_whatever_a_query_holds_the_filters_name_only_what_the_hub_knows(query):
    """Any text in any field gives filters within the calendar the hub counts that name only
    events and places the kiosks announced; a value is kept as asked or dropped with a notice."""
    chosen, notices = choose(query, KNOWN)
    for day in (chosen.date_from, chosen.date_to):
        assert day is None or EARLIEST <= day <= LATEST
    assert chosen.event_uuid in (None, *KNOWN)
    assert chosen.province in (None, "Jawa Barat", "Aceh")
    assert chosen.regency in (None, "Garut", "Bandung")
    for field in ("event", "province", "regency"):
        assert getattr(chosen, FIELDS[field]) in (None, query.get(field) or None)
    dropped = [field for field, name in FIELDS.items() if query.get(field) and getattr(chosen, name) is None]
    assert len(notices) >= len(dropped)
