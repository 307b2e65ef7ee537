"""The staff console (DESIGN.md, "The staff console") against a real hub process on loopback,
on SQLite and on PostgreSQL alike: who may come in, who may see and do what, and that each
step reaches the kiosk through /api/v1/changes."""

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta

import factories
import psycopg
import pytest
import requests
from hubproc import hub_env
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.storage.sqlite import DB_FILE
from hub.storage.staff import MAX_FAILURES, Staff

TIMEOUT = 30
PASSWORD = "kata-sandi-yang-panjang"
REPORTER = {"name": "Siti Rahayu", "phone": "081234567890"}
BODY = "Jembatan gantung di Dusun Cikadu putus sejak banjir bulan lalu, anak-anak tidak bisa ke sekolah."


def query(hub, sql: str, params=()) -> list[tuple]:
    """Rows straight from the hub's database (`?` placeholders)."""
    url = os.environ.get("KIOSK_HUB_DATABASE", "")
    if url:
        with psycopg.connect(url) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return [tuple(row) for row in cursor] if cursor.description else []
    with closing(sqlite3.connect(hub.data_dir / DB_FILE)) as db, db:
        return db.execute(sql, params).fetchall()


class Office:
    """A hub with agencies, one user of each role, a kiosk and its complaints."""

    def __init__(self, hub, complaints: int = 2) -> None:
        self.hub = hub
        with storage_of(hub.data_dir) as storage:
            staff = Staff(storage)
            staff.add_agency("DINKES", "Dinas Kesehatan", "test")
            staff.add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
            for name, role, agency in (
                ("admin", "admin", None),
                ("verifikator", "verifier", None),
                ("penghubung", "liaison", "PUPR"),
                ("penghubung2", "liaison", "DINKES"),
                ("pemantau", "viewer", None),
            ):
                staff.add_user(name, role, agency, PASSWORD, "test")
        code = hub.enroll_code()
        enrolled = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT).json()
        self.token = enrolled["token"]
        self.complaints = [
            factories.complaint(title=f"Jembatan putus nomor {n}", body=BODY, reporter=REPORTER)
            for n in range(complaints)
        ]
        answer = requests.post(
            hub.url + "/api/v1/records", json={"records": self.complaints}, headers=self.bearer, timeout=TIMEOUT
        )
        assert [r["status"] for r in answer.json()["results"]] == ["stored"] * complaints, answer.text
        self.tracking = [r["tracking_id"] for r in answer.json()["results"]]

    @property
    def bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def changes(self) -> list[dict]:
        return requests.get(self.hub.url + "/api/v1/changes", headers=self.bearer, timeout=TIMEOUT).json()["changes"]

    def url(self, path: str) -> str:
        return self.hub.url + path

    def complaint_path(self, index: int) -> str:
        return f"/console/complaints/{self.complaints[index]['uuid']}"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(office: Office, name: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(office.url("/console/login"), timeout=TIMEOUT)
    answer = session.post(
        office.url("/console/login"),
        data={"username": name, "password": password, "csrf_token": csrf_of(form.text)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    return session, answer


def signed_in(office: Office, name: str) -> requests.Session:
    session, answer = login(office, name)
    assert answer.status_code == 303, answer.text
    return session


def act(office: Office, session: requests.Session, index: int, action: str, **form) -> requests.Response:
    page = session.get(office.url(office.complaint_path(index)), timeout=TIMEOUT)
    data = {"csrf_token": csrf_of(page.text), "note": "Catatan untuk pelapor.", **form}
    return session.post(
        office.url(f"{office.complaint_path(index)}/{action}"), data=data, allow_redirects=False, timeout=TIMEOUT
    )


def audited(hub, action: str) -> list[tuple]:
    return query(hub, "SELECT actor, target, address FROM audit_log WHERE action = ? ORDER BY seq", [action])


@pytest.fixture
def office(hub):
    return Office(hub)


# signing in and out
def test_a_stranger_is_sent_to_the_login_page(office):
    """Every console page and action sends a visitor without a session to /console/login."""
    for path in ("/console/", office.complaint_path(0), "/console/logout"):
        answer = requests.get(office.url(path), allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login", path
    posted = requests.post(office.url(office.complaint_path(0) + "/verify"), data={}, allow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/console/login"
    login_page = requests.get(office.url("/console/login"), timeout=TIMEOUT)
    assert login_page.status_code == 200 and '<html lang="id">' in login_page.text and "Kata sandi" in login_page.text


def test_login_sets_a_strict_session_cookie_and_logout_ends_it(office):
    """The session cookie is HttpOnly and SameSite=Strict (not Secure over plain HTTP); after
    logout the same cookie opens nothing. Both are in the audit log, with the address."""
    session, answer = login(office, "verifikator")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = next(c for c in answer.headers["set-cookie"].split(", lapor") if c.startswith("lapor_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie
    inbox = session.get(office.url("/console/"), timeout=TIMEOUT)
    assert inbox.status_code == 200 and office.tracking[0] in inbox.text
    stolen = dict(session.cookies)
    out = session.post(
        office.url("/console/logout"), data={"csrf_token": csrf_of(inbox.text)}, allow_redirects=False, timeout=TIMEOUT
    )
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    again = requests.get(office.url("/console/"), cookies=stolen, allow_redirects=False, timeout=TIMEOUT)
    assert again.status_code == 303
    assert [row[0] for row in audited(office.hub, "login")] == ["verifikator"]
    assert audited(office.hub, "logout") == [("verifikator", None, "127.0.0.1")]


def test_a_wrong_password_is_refused_and_audited(office):
    """A wrong password, or a name nobody has, answers 401 with the form again."""
    for name, password in (("verifikator", "salah-sama-sekali"), ("tidak-ada", PASSWORD)):
        _session, answer = login(office, name, password)
        assert answer.status_code == 401 and "salah" in answer.text
    assert [row[0] for row in audited(office.hub, "login_failed")] == ["verifikator", "tidak-ada"]


def test_repeated_failures_lock_the_account(office):
    """After MAX_FAILURES wrong passwords in a row even the right one is refused (429) for a while."""
    for _ in range(MAX_FAILURES):
        assert login(office, "verifikator", "tebakan-yang-salah")[1].status_code == 401
    _session, answer = login(office, "verifikator")
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    assert login(office, "pemantau")[1].status_code == 303  # another account is not held up


def test_a_form_without_or_with_a_forged_csrf_token_is_refused(office):
    """The login form and every action refuse a POST whose csrf_token is missing or not the session's."""
    session = requests.Session()
    session.get(office.url("/console/login"), timeout=TIMEOUT)
    for extra in ({}, {"csrf_token": "palsu"}):
        answer = session.post(
            office.url("/console/login"),
            data={"username": "verifikator", "password": PASSWORD, **extra},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert answer.status_code == 403
    verifier = signed_in(office, "verifikator")
    other = csrf_of(signed_in(office, "admin").get(office.url("/console/"), timeout=TIMEOUT).text)
    for extra in ({}, {"csrf_token": "palsu"}, {"csrf_token": other}):
        answer = verifier.post(
            office.url(office.complaint_path(0) + "/verify"),
            data={"note": "Sudah diperiksa.", **extra},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert answer.status_code == 403, extra
    assert [c["status"] for c in office.changes()] == ["received", "received"]


def test_an_idle_session_ends(office):
    """A session unused for longer than the idle time sends its holder to the login page."""
    session = signed_in(office, "verifikator")
    assert session.get(office.url("/console/"), allow_redirects=False, timeout=TIMEOUT).status_code == 200
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="milliseconds")
    query(office.hub, "UPDATE staff_sessions SET last_seen = ?", [an_hour_ago])
    answer = session.get(office.url("/console/"), allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"


# roles
def test_a_role_without_the_right_gets_403(office):
    """A viewer cannot verify; a verifier cannot complete; a liaison cannot open another agency's report."""
    assert act(office, signed_in(office, "pemantau"), 0, "verify").status_code == 403
    verifier = signed_in(office, "verifikator")
    assert act(office, verifier, 0, "complete").status_code == 403
    assert act(office, verifier, 0, "verify").status_code == 303
    assert act(office, verifier, 0, "dispose", agency="DINKES").status_code == 303
    liaison = signed_in(office, "penghubung")  # of PUPR
    assert liaison.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).status_code == 403
    assert liaison.get(office.url(office.complaint_path(1)), timeout=TIMEOUT).status_code == 403
    refused = act(office, liaison, 0, "complete")
    assert refused.status_code == 403


def test_a_liaison_sees_only_what_was_passed_to_their_agency(office):
    """Of two reports passed to two agencies, each liaison's inbox lists only their own."""
    verifier = signed_in(office, "verifikator")
    for index, agency in ((0, "PUPR"), (1, "DINKES")):
        assert act(office, verifier, index, "verify").status_code == 303
        assert act(office, verifier, index, "dispose", agency=agency).status_code == 303
    pupr = signed_in(office, "penghubung").get(office.url("/console/"), timeout=TIMEOUT).text
    dinkes = signed_in(office, "penghubung2").get(office.url("/console/"), timeout=TIMEOUT).text
    assert office.tracking[0] in pupr and office.tracking[1] not in pupr
    assert office.tracking[1] in dinkes and office.tracking[0] not in dinkes
    assert BODY in signed_in(office, "penghubung").get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text


def test_a_viewer_never_sees_personal_data(office):
    """The viewer's complaint page holds the title but neither the report's text nor the reporter;
    the verifier's holds both, and that view is in the audit log."""
    viewer = signed_in(office, "pemantau").get(office.url(office.complaint_path(0)), timeout=TIMEOUT)
    assert viewer.status_code == 200 and "Jembatan putus nomor 0" in viewer.text
    assert BODY not in viewer.text and REPORTER["name"] not in viewer.text and REPORTER["phone"] not in viewer.text
    assert audited(office.hub, "view_personal") == []
    verifier = signed_in(office, "verifikator").get(office.url(office.complaint_path(0)), timeout=TIMEOUT)
    assert BODY in verifier.text and REPORTER["name"] in verifier.text
    assert audited(office.hub, "view_personal") == [  # its own, and the one alike shown beside it
        ("verifikator", office.complaints[0]["uuid"], "127.0.0.1"),
        ("verifikator", office.complaints[1]["uuid"], "127.0.0.1"),
    ]
    assert verifier.headers["cache-control"] == "no-store"


# the complaint's way
def test_each_step_reaches_the_kiosk_with_its_note(office):
    """Verified, passed on, followed up and completed by two users: the kiosk's changes feed
    carries each status with its note, and every change is audited."""
    verifier, liaison = signed_in(office, "verifikator"), signed_in(office, "penghubung")
    steps = [
        (verifier, "verify", "verified", {}),
        (verifier, "dispose", "forwarded", {"agency": "PUPR"}),
        (liaison, "follow-up", "followed_up", {}),
        (liaison, "complete", "completed", {}),
    ]
    for session, action, status, form in steps:
        note = f"Tahap {status}: terima kasih."
        assert act(office, session, 0, action, note=note, **form).status_code == 303
        assert office.changes()[-1] | {"updated_at": None} == {
            "uuid": office.complaints[0]["uuid"],
            "tracking_id": office.tracking[0],
            "status": status,
            "note": note,
            "updated_at": None,
        }
    actors = [(actor, target) for actor, target, _ in audited(office.hub, "status_completed")]
    assert actors == [("penghubung", office.complaints[0]["uuid"])]
    page = liaison.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    assert "Tahap followed_up: terima kasih." in page and "Selesai" in page


def test_archiving_needs_a_note_and_offers_one_in_the_citizens_language(office):
    """The note offered is in the report's language; an empty note is refused (400)."""
    verifier = signed_in(office, "verifikator")
    page = verifier.get(office.url(office.complaint_path(0)), timeout=TIMEOUT).text
    assert "Mohon maaf, laporan Anda tidak dapat diproses lebih lanjut karena:" in page
    assert act(office, verifier, 0, "archive", note="  ").status_code == 400
    assert act(office, verifier, 0, "archive", note="Laporan ganda.").status_code == 303
    assert office.changes()[-1]["status"] == "archived"


def test_the_inbox_filters_by_status_and_shows_the_clock(office):
    """Filtered by status, the inbox lists only those; each open report shows its working-day clock."""
    verifier = signed_in(office, "verifikator")
    assert act(office, verifier, 0, "verify").status_code == 303
    received = verifier.get(office.url("/console/?status=received"), timeout=TIMEOUT).text
    assert office.tracking[1] in received and office.tracking[0] not in received
    assert re.search(r"Sisa \d hari kerja|Tenggat hari ini", received)
    english = verifier.get(office.url("/console/language?lang=en&back=/console/"), timeout=TIMEOUT)
    assert '<html lang="en">' in english.text and "Inbox" in english.text


# administering
def test_users_and_agencies_are_managed_from_the_command_line(hub):
    """`agency add`, `user add --password-stdin`, `user list` and `user disable`: a disabled user
    cannot sign in, and a password never appears in the command line or the database."""

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "hub.cli", *args, "--data-dir", str(hub.data_dir)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env=hub_env(os.environ.get("KIOSK_HUB_DATABASE", "")),
        )

    assert run("agency", "add", "PUPR", "Dinas Pekerjaan Umum").returncode == 0
    assert run("agency", "list").stdout == "PUPR\tDinas Pekerjaan Umum\n"
    added = run("user", "add", "rina", "--role", "liaison", "--agency", "PUPR", "--password-stdin", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    refused = run("user", "add", "rudi", "--role", "liaison", "--password-stdin", stdin=PASSWORD)
    assert refused.returncode == 1 and "agency" in refused.stderr
    assert run("user", "add", "rudi", "--role", "viewer", "--password-stdin", stdin="pendek").returncode == 1
    office = Office.__new__(Office)
    office.hub = hub
    assert login(office, "rina")[1].status_code == 303
    assert run("user", "disable", "rina").returncode == 0
    assert run("user", "list").stdout.startswith("rina\tliaison\tPUPR\tdisabled ")
    assert login(office, "rina")[1].status_code == 401
    assert PASSWORD.encode() not in b"".join(
        bytes(value) for row in query(hub, "SELECT salt, password_hash FROM staff") for value in row
    )
    actions = [row[0] for row in query(hub, "SELECT action FROM audit_log ORDER BY seq")]
    assert actions[:3] == ["agency_add", "user_add", "login"] and "user_disable" in actions
