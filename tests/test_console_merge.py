"""Merging duplicates in the console, on SQLite and PostgreSQL: the verifier sees reports that
look alike side by side and merges them; the later one leaves the inbox, its reporter's kiosk
hears why in their language, and only a verifier, with the form's CSRF token, may do it."""

import pytest
import requests
from postgres import backend, database, postgres_server, postgres_url  # noqa: F401 - fixtures
from test_console import BODY, TIMEOUT, Office, csrf_of, signed_in


@pytest.fixture
def office(hub):
    return Office(hub)  # two complaints of one kiosk with the same words: the same matter twice


def merge(office: Office, session: requests.Session, csrf: str | None) -> requests.Response:
    form = {"uuid": office.complaints[1]["uuid"], "other": office.complaints[0]["uuid"]}
    if csrf is not None:
        form["csrf_token"] = csrf
    return session.post(office.url("/console/merges"), data=form, allow_redirects=False, timeout=TIMEOUT)


def test_the_verifier_merges_a_duplicate_into_the_earlier_report(office):
    verifier = signed_in(office, "verifikator")
    later = verifier.get(office.url(office.complaint_path(1)), timeout=TIMEOUT)
    assert (
        "Laporan yang mirip" in later.text and office.tracking[0] in later.text and later.text.count(BODY) == 3
    )  # its own, and both side by side
    answer = merge(office, verifier, csrf_of(later.text))
    assert answer.status_code == 303 and answer.headers["location"] == office.complaint_path(0)
    inbox = verifier.get(office.url("/console/"), timeout=TIMEOUT).text
    assert office.tracking[0] in inbox and office.tracking[1] not in inbox
    merged = verifier.get(office.url(office.complaint_path(1)), timeout=TIMEOUT).text
    assert "digabung" in merged and 'action="/console/merges"' not in merged and "/verify" not in merged
    (change,) = [c for c in office.changes() if c["uuid"] == office.complaints[1]["uuid"] and c["note"]]
    assert office.tracking[0] not in change["note"] and change["note"].startswith("Laporan Anda")


def test_only_a_verifier_with_the_forms_token_may_merge(office):
    verifier = signed_in(office, "verifikator")
    assert merge(office, verifier, None).status_code == 403
    assert merge(office, verifier, "forged").status_code == 403
    for name in ("admin", "pemantau"):
        other = signed_in(office, name)
        page = other.get(office.url(office.complaint_path(1)), timeout=TIMEOUT).text
        assert "Laporan yang mirip" not in page
        assert merge(office, other, csrf_of(page)).status_code == 403
    inbox = verifier.get(office.url("/console/"), timeout=TIMEOUT).text
    assert office.tracking[0] in inbox and office.tracking[1] in inbox
