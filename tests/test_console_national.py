"""SP4N-LAPOR! in the console, with a hub process running its bridge (`serve --bridge`) against a
fake national side on loopback: a verifier sends a checked report on with the form's CSRF token;
the bridge hands it over and the page and the kiosk's changes show its LAPOR! number; a report
the national side refuses waits on the SP4N-LAPOR! page with the reason until tried again."""

import time

import pytest
import requests
from fake_national import FakeNational
from test_bridge_flow import write_config
from test_console import TIMEOUT, Office, act, csrf_of, signed_in


@pytest.fixture
def national():
    with FakeNational() as fake:
        yield fake


@pytest.fixture
def office(start_hub, tmp_path, national):
    return Office(start_hub("--bridge", "--bridge-config", str(write_config(tmp_path, national))))


def send(office: Office, session: requests.Session, index: int, csrf: str | None) -> requests.Response:
    form = {} if csrf is None else {"csrf_token": csrf}
    path = f"{office.complaint_path(index)}/national"
    return session.post(office.url(path), data=form, allow_redirects=False, timeout=TIMEOUT)


def _until(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    raise AssertionError("the bridge did not get there in time")


def test_a_verifier_sends_a_checked_report_and_its_lapor_number_comes_back(office, national):
    """Only a verifier, with the form's token, sends a checked report; the number comes back."""
    verifier = signed_in(office, "verifikator")
    before = verifier.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    assert "Kirim ke SP4N-LAPOR!" not in before  # not checked yet
    assert act(office, verifier, 0, "verify").status_code == 303
    page = verifier.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    assert "Kirim ke SP4N-LAPOR!" in page and "Nomor pada tanda terima warga" in page
    assert send(office, verifier, 0, None).status_code == 403
    assert send(office, verifier, 0, "forged").status_code == 403
    liaison = signed_in(office, "penghubung")  # a report not passed to their agency
    assert (
        send(office, liaison, 0, csrf_of(liaison.get(office.url("/console/"), timeout=TIMEOUT).text)).status_code == 403
    )
    assert send(office, verifier, 0, csrf_of(page)).status_code == 303
    uuid = office.complaints[0]["uuid"]
    number = _until(lambda: national.tracking_ids().get(uuid))
    change = _until(lambda: [c for c in office.changes() if c["uuid"] == uuid and c.get("national_tracking_id")])
    assert change[-1]["national_tracking_id"] == number and change[-1]["status"] == "forwarded"
    shown = verifier.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    assert "Nomor LAPOR!" in shown and number in shown and "Kirim ke SP4N-LAPOR!" not in shown
    audit = signed_in(office, "admin").get(office.url("/console/audit"), timeout=TIMEOUT).text
    assert "Mengirim laporan ke SP4N-LAPOR!" in audit


def test_a_refused_report_waits_on_the_page_until_tried_again(office, national):
    """A 400 puts the report on the SP4N-LAPOR! page with the reason; trying again sends it."""
    verifier = signed_in(office, "verifikator")
    national.fault("status_400")
    assert act(office, verifier, 1, "verify").status_code == 303
    page = verifier.get(office.url(office.complaint_path(1)), timeout=TIMEOUT).text
    assert send(office, verifier, 1, csrf_of(page)).status_code == 303
    uuid = office.complaints[1]["uuid"]
    listed = _until(
        lambda: (text := verifier.get(office.url("/console/national"), timeout=TIMEOUT).text).count(uuid) and text
    )
    assert "400" in listed and "Coba lagi" in listed
    assert requests.get(office.url("/console/national"), timeout=TIMEOUT, allow_redirects=False).status_code == 303
    assert signed_in(office, "pemantau").get(office.url("/console/national"), timeout=TIMEOUT).status_code == 403
    retry = verifier.post(
        office.url(f"/console/national/{uuid}/retry"),
        data={"csrf_token": csrf_of(listed)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert retry.status_code == 303
    _until(lambda: national.tracking_ids().get(uuid))
