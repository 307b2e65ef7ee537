"""The admin's kiosks page and audit log (DESIGN.md, "The staff console") against a real hub on
loopback, on SQLite and on PostgreSQL alike: what a kiosk's calls leave there, who may come in,
and that revoking a token and handing out an enrollment code work and are audited."""

import asyncio
import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures
from starlette.datastructures import Headers
from test_console import TIMEOUT, Office, audited, csrf_of, query, signed_in

from hub.api.deps import Contacts
from hub.settings import Console
from hub.storage import DatabaseUnavailable
from hub.storage.fleet import Fleet
from hub.storage.staff import audit
from kiosk import __version__
from kiosk.sync.transport import HubClient

CODE = re.compile(r'<p class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</p>')
ZONE = ZoneInfo(Console.timezone)


@pytest.fixture
def office(hub):
    return Office(hub)


def enrolled(office: Office, code: str | None = None) -> tuple[str, str]:
    """A kiosk enrolled with `code` (else a new one): its device id and token."""
    answer = requests.post(
        office.url("/api/v1/enroll"), json={"code": code or office.hub.enroll_code()}, timeout=TIMEOUT
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["device_id"], answer.json()["token"]


def call(office: Office, token: str, clock: datetime | None = None, agent: str = "lapor-kiosk/9.8.7") -> int:
    """A kiosk's call whose Date header says `clock`; its HTTP status."""
    headers = {"Authorization": f"Bearer {token}", "User-Agent": agent}
    if clock is not None:
        headers["Date"] = format_datetime(clock.astimezone(UTC), usegmt=True)
    return requests.get(office.url("/api/v1/changes"), headers=headers, timeout=TIMEOUT).status_code


def contact(office: Office, device_id: str) -> tuple:
    return query(
        office.hub, "SELECT last_seen_at, app_version, clock_skew_s FROM devices WHERE device_id = ?", [device_id]
    )[0]


def in_english(session: requests.Session, office: Office, path: str) -> requests.Response:
    return session.get(office.url(f"/console/language?lang=en&back={path}"), timeout=TIMEOUT)


def post(session: requests.Session, office: Office, path: str, **form: str) -> requests.Response:
    return session.post(office.url(path), data=form, allow_redirects=False, timeout=TIMEOUT)


def admin_with_token(office: Office) -> tuple[requests.Session, str]:
    session = signed_in(office, "admin")
    return session, csrf_of(session.get(office.url("/console/kiosks"), timeout=TIMEOUT).text)


# a kiosk's contact
def test_a_kiosk_that_synced_shows_its_last_contact_version_and_clock(office):
    """The kiosk's own client says its version and its clock; a kiosk whose clock is 10 minutes
    ahead is shown so, and marked. A client that says neither leaves them unknown."""
    right, right_token = enrolled(office)
    client = HubClient(office.hub.url, right_token)
    try:
        client.changes("0")
    finally:
        client.close()
    seen, version, skew = contact(office, right)
    assert seen is not None and version == __version__ and abs(skew) < 5

    ahead, ahead_token = enrolled(office)
    assert call(office, ahead_token, datetime.now(UTC) + timedelta(minutes=10)) == 200
    seen, version, skew = contact(office, ahead)
    assert version == "9.8.7" and abs(skew - 600) < 5
    assert abs(datetime.now(UTC) - datetime.fromisoformat(str(seen))) < timedelta(minutes=1)

    page = in_english(signed_in(office, "admin"), office, "/console/kiosks").text
    rows = {device: page[page.index(device) :] for device in (right, ahead)}
    assert "In step" in rows[right][: rows[right].index("</tr>")] and __version__ in rows[right]
    ahead_row = rows[ahead][: rows[ahead].index("</tr>")]
    assert '<strong class="flag">10 min ahead</strong>' in ahead_row and "9.8.7" in ahead_row
    assert "Set the kiosk&#39;s clock" in ahead_row
    assert "Not known yet" in page  # Office's kiosk sent no Date
    assert re.search(r'aria-current="page">Kiosks</a>', page)


def test_contact_is_written_at_most_once_a_minute(office):
    """A second call within the minute writes nothing: neither the time, nor its clock, nor its version."""
    device, token = enrolled(office)
    assert call(office, token, datetime.now(UTC) + timedelta(minutes=10)) == 200
    first = contact(office, device)
    assert call(office, token, datetime.now(UTC) - timedelta(hours=1), agent="lapor-kiosk/9.9.9") == 200
    assert contact(office, device) == first


def test_a_failed_note_of_contact_leaves_the_kiosks_call_alone(tmp_path, monkeypatch, caplog):
    """The bookkeeping failing (its database gone away) is logged without the kiosk's details and
    the call goes on; the kiosk is not tried again within the minute."""
    tries = []

    def gone(fleet, device_id, app_version, clock_skew_s):
        tries.append(device_id)
        raise DatabaseUnavailable("OperationalError")

    monkeypatch.setattr(Fleet, "contact", gone)
    with storage_of(tmp_path) as storage:
        contacts = Contacts(storage)
        for _ in range(2):
            asyncio.run(contacts.note("kiosk-0a1b2c", Headers({"user-agent": "lapor-kiosk/1.0"})))
    assert tries == ["kiosk-0a1b2c"]
    assert caplog.messages == ["noting a kiosk's contact failed (DatabaseUnavailable)"]


def test_a_silent_kiosk_is_marked(office):
    """A kiosk that has not called for more than 7 days is marked; one revoked is not."""
    device, token = enrolled(office)
    assert call(office, token) == 200
    long_ago = (datetime.now(UTC) - timedelta(days=9)).isoformat(timespec="milliseconds")
    query(office.hub, "UPDATE devices SET last_seen_at = ? WHERE device_id = ?", [long_ago, device])
    admin, token = admin_with_token(office)
    page = in_english(admin, office, "/console/kiosks").text
    row = page[page.index(device) :]
    assert '<strong class="flag">Silent for 9 days</strong>' in row[: row.index("</tr>")]
    assert post(admin, office, f"/console/kiosks/{device}/revoke", csrf_token=token).status_code == 303
    page = admin.get(office.url("/console/kiosks"), timeout=TIMEOUT).text
    row = page[page.index(device) :]
    assert "Silent for" not in row[: row.index("</tr>")]


# who may come in
def test_only_the_admin_may_see_the_pages_or_act(office):
    """Verifier, liaison and viewer get 403 on both pages, the download and every form (with
    their own valid CSRF token); their menu has no link to them. A stranger goes to login."""
    device = query(office.hub, "SELECT device_id FROM devices")[0][0]
    forms = (f"/console/kiosks/{device}/revoke", f"/console/kiosks/{device}/enrollment-code")
    for name in ("verifikator", "penghubung", "pemantau"):
        session = signed_in(office, name)
        inbox = session.get(office.url("/console/"), timeout=TIMEOUT).text
        assert "/console/kiosks" not in inbox and "/console/audit" not in inbox
        for path in ("/console/kiosks", "/console/audit", "/console/audit.csv"):
            assert session.get(office.url(path), timeout=TIMEOUT).status_code == 403, (name, path)
        for path in (*forms, "/console/kiosks/enrollment-code"):
            refused = post(session, office, path, csrf_token=csrf_of(inbox), hours="24")
            assert refused.status_code == 403, (name, path)
    for path in ("/console/kiosks", "/console/audit"):
        answer = requests.get(office.url(path), allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    assert post(requests.Session(), office, forms[0]).headers["location"] == "/console/login"
    assert requests.get(office.url("/api/v1/changes"), headers=office.bearer, timeout=TIMEOUT).status_code == 200
    assert audited(office.hub, "revoke_kiosk") == [] and audited(office.hub, "enrollment_code") == []


def test_a_form_without_or_with_a_forged_csrf_token_is_refused(office):
    device = query(office.hub, "SELECT device_id FROM devices")[0][0]
    admin = signed_in(office, "admin")
    other = csrf_of(signed_in(office, "verifikator").get(office.url("/console/"), timeout=TIMEOUT).text)
    for path in (f"/console/kiosks/{device}/revoke", "/console/kiosks/enrollment-code"):
        for token in ({}, {"csrf_token": "palsu"}, {"csrf_token": other}):
            assert post(admin, office, path, hours="24", **token).status_code == 403, (path, token)
    assert requests.get(office.url("/api/v1/changes"), headers=office.bearer, timeout=TIMEOUT).status_code == 200
    assert audited(office.hub, "revoke_kiosk") == [] and audited(office.hub, "enrollment_code") == []


# acting on a kiosk
def test_revoking_a_token_stops_the_kiosk_and_is_audited(office):
    device = query(office.hub, "SELECT device_id FROM devices")[0][0]
    admin, token = admin_with_token(office)
    revoked = post(admin, office, f"/console/kiosks/{device}/revoke", csrf_token=token)
    assert revoked.status_code == 303 and revoked.headers["location"] == "/console/kiosks"
    assert requests.get(office.url("/api/v1/changes"), headers=office.bearer, timeout=TIMEOUT).status_code == 401
    assert audited(office.hub, "revoke_kiosk") == [("admin", device, "127.0.0.1")]
    page = in_english(admin, office, "/console/kiosks").text
    row = page[page.index(device) :]
    assert "Revoked" in row[: row.index("</tr>")] and f"/console/kiosks/{device}/revoke" not in page
    log = in_english(admin, office, "/console/audit").text
    assert "Revoked a kiosk&#39;s token" in log and "<code>revoke_kiosk</code>" in log
    assert post(admin, office, "/console/kiosks/kiosk-tidak-ada/revoke", csrf_token=token).status_code == 404


def test_an_enrollment_code_is_shown_once_and_works_once(office):
    """A new code for a known kiosk keeps its id and replaces its token; one for a new kiosk makes
    a new one. Each works once, is shown only in the answer to its form, and is audited."""
    device = query(office.hub, "SELECT device_id FROM devices")[0][0]
    admin, token = admin_with_token(office)
    shown = post(admin, office, f"/console/kiosks/{device}/enrollment-code", csrf_token=token, hours="2")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    code = CODE.search(shown.text).group(1)
    assert enrolled(office, code)[0] == device
    assert requests.get(office.url("/api/v1/changes"), headers=office.bearer, timeout=TIMEOUT).status_code == 401
    again = requests.post(office.url("/api/v1/enroll"), json={"code": code}, timeout=TIMEOUT)
    assert again.status_code == 400
    assert code not in admin.get(office.url("/console/kiosks"), timeout=TIMEOUT).text

    fresh = post(admin, office, "/console/kiosks/enrollment-code", csrf_token=token, hours="168")
    new_device, _ = enrolled(office, CODE.search(fresh.text).group(1))
    assert new_device != device and new_device in admin.get(office.url("/console/kiosks"), timeout=TIMEOUT).text
    for hours in ("0", "169", "abc", "²", ""):
        assert post(admin, office, "/console/kiosks/enrollment-code", csrf_token=token, hours=hours).status_code == 400
    unknown = post(admin, office, "/console/kiosks/kiosk-tidak-ada/enrollment-code", csrf_token=token, hours="1")
    assert unknown.status_code == 404
    assert audited(office.hub, "enrollment_code") == [("admin", device, "127.0.0.1"), ("admin", None, "127.0.0.1")]


# the audit log
def test_the_audit_log_filters_pages_and_downloads(office):
    """Newest first, 100 to a page, the next page after the last entry shown; by user, action
    and days in the hub's time zone; the CSV holds every entry the filters let through."""
    with storage_of(office.hub.data_dir) as storage, storage.writing() as run:
        for n in range(130):
            audit(run, "robot", "user_add", f"user{n} (viewer)", None)
    long_ago = datetime.now(UTC) - timedelta(days=10)
    query(
        office.hub,
        "INSERT INTO audit_log (at, actor, action, target, address) VALUES (?, ?, ?, ?, ?)",
        [long_ago.isoformat(timespec="milliseconds"), "robot", "user_disable", "user7", None],
    )
    admin = signed_in(office, "admin")
    first = in_english(admin, office, "/console/audit?actor=robot").text
    targets = re.findall(r"user(\d+)(?: \(viewer\))?</td>", first)
    assert targets == ["7", *map(str, range(129, 30, -1))]  # the oldest entry came last, but is newest by seq
    assert "Added a user" in first and "<code>user_add</code>" in first
    older = html.unescape(re.search(r'href="(/console/audit\?[^"]*)" rel="next"', first).group(1))
    assert "actor=robot" in older
    second = admin.get(office.url(older), timeout=TIMEOUT).text
    assert re.findall(r"user(\d+) \(viewer\)</td>", second) == list(map(str, range(30, -1, -1)))
    assert 'rel="next"' not in second and "Newest entries" in second

    today = datetime.now(ZONE).date()
    ten_days_ago = long_ago.astimezone(ZONE).date().isoformat()
    dated = admin.get(office.url(f"/console/audit?actor=robot&from={ten_days_ago}&to={ten_days_ago}"), timeout=TIMEOUT)
    assert re.findall(r"user(\d+)</td>", dated.text) == ["7"]
    since_today = admin.get(office.url(f"/console/audit?actor=robot&from={today}"), timeout=TIMEOUT).text
    assert "user7</td>" not in since_today and "user129 (viewer)" in since_today
    logins = admin.get(office.url("/console/audit?action=login"), timeout=TIMEOUT).text
    assert "robot" not in logins and "<code>login</code>" in logins and ">admin</td>" in logins
    odd = "/console/audit?actor=nobody&from=not-a-day&to=9999-12-31&before=99999999999999999999"
    nothing = admin.get(office.url(odd), timeout=TIMEOUT)
    assert nothing.status_code == 200 and "No entries match." in nothing.text

    download = admin.get(office.url("/console/audit.csv?actor=robot&action=user_add"), timeout=TIMEOUT)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert len(rows) == 131 and rows[0][:3] == ["Time (UTC)", "User", "Action"]
    assert rows[1][1:5] == ["robot", "Added a user", "user_add", "user129 (viewer)"]
    assert rows[-1][4] == "user0 (viewer)"
