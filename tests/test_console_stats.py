"""The dashboard (`/console/stats`) on a hub process: every signed-in role sees registrations from
every kiosk with the figures `kiosk-hub stats` gives, drawn as bars whose numbers and names are
written out, narrowed by province and dates; strangers go to the login page."""

import re

import factories
import requests
from test_console import TIMEOUT, Office, act, signed_in


def _registrations(office: Office) -> None:
    """Two events in two provinces: 3 women (one with a disability) and 2 young men."""
    garut = factories.event(name="Sosialisasi Garut", location={"province": "Jawa Barat", "regency": "Garut"})
    aceh = factories.event(name="Kelas warga Aceh", type="workshop", location={"province": "Aceh"})
    people = [
        factories.attendance(garut["uuid"], gender="female", age_band="31-45", wgss={"walking": 3}),
        factories.attendance(garut["uuid"], gender="female", age_band="46-60"),
        factories.attendance(aceh["uuid"], gender="female", age_band="61+", wgss={"seeing": 1}),
        factories.attendance(aceh["uuid"], gender="male", age_band="16-30", created_at="2026-09-02T10:00:00+07:00"),
        factories.attendance(aceh["uuid"], gender="male", age_band="16-30", created_at="2026-09-02T11:00:00+07:00"),
    ]
    answer = requests.post(
        office.url("/api/v1/records"), json={"records": [garut, aceh, *people]}, headers=office.bearer, timeout=TIMEOUT
    )
    assert {result["status"] for result in answer.json()["results"]} == {"stored"}


def _headline(html: str) -> list[str]:
    return re.findall(r"<li><strong>([^<]+)</strong>", html)


def test_every_role_sees_the_fleets_registrations_and_a_stranger_does_not(hub):
    office = Office(hub)
    _registrations(office)
    assert requests.get(office.url("/console/stats"), allow_redirects=False, timeout=TIMEOUT).status_code == 303
    for name in ("pemantau", "penghubung", "verifikator", "admin"):
        html = signed_in(office, name).get(office.url("/console/stats"), timeout=TIMEOUT).text
        assert _headline(html)[:5] == ["5", "2", "60.0%", "40.0%", "20.0%"], name
    html = signed_in(office, "pemantau").get(office.url("/console/stats"), timeout=TIMEOUT).text
    assert "Pendaftaran per provinsi" in html and "Lokakarya" in html and "September 2026" in html
    assert re.search(r'<text[^>]*class="label"[^>]*>Jawa Barat</text>', html)
    assert re.search(r'<text[^>]*class="value">3</text>', html)  # Aceh's bar says its number
    assert "Tanggapan instansi" in html and "Tidak ada laporan yang didisposisikan" in html


def test_the_dashboard_shows_how_an_agency_answered(hub):
    office = Office(hub)
    verifier = signed_in(office, "verifikator")
    for action, form in (("verify", {}), ("dispose", {"agency": "PUPR"})):
        assert act(office, verifier, 0, action, **form).status_code == 303
    html = signed_in(office, "pemantau").get(office.url("/console/stats"), timeout=TIMEOUT).text
    row = re.search(r"<tr><th scope=\"row\">Dinas Pekerjaan Umum \(PUPR\)</th>(.*?)</tr>", html, re.S)
    assert row and re.findall(r">([^<]+)</td>", row.group(1))[:4] == ["1", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"]
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
    _registrations(office)
    viewer = signed_in(office, "pemantau")
    aceh = viewer.get(office.url("/console/stats?province=Aceh"), timeout=TIMEOUT).text
    assert _headline(aceh)[:2] == ["3", "1"] and "<option selected>Aceh</option>" in aceh
    september = viewer.get(office.url("/console/stats?from=2026-09-01&to=2026-09-30"), timeout=TIMEOUT).text
    assert _headline(september)[0] == "2"
    nothing = viewer.get(office.url("/console/stats?from=2030-01-01&to=not-a-day"), timeout=TIMEOUT).text
    assert _headline(nothing)[0] == "0" and "Tidak ada pendaftaran" in nothing
