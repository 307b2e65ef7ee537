"""A complaint's whole way, with real parts only: filed on a kiosk, synced to a hub process,
verified and passed on by the verifier, followed up and completed by the agency's liaison in
the console, each step's note offered in the citizen's language; after every step the kiosk's
sync brings it back and the status screen's words show it, and the kiosk's own window shows
the last one."""

import re
from types import SimpleNamespace

import factories
from postgres import storage_of
from test_console import PASSWORD, TIMEOUT, csrf_of, signed_in

from hub.storage.staff import Staff
from kiosk.progress import describe
from kiosk.records.refcode import ref_code
from kiosk.store import Store
from kiosk.sync.engine import Policy, run_sync

POLICY = Policy(attempts=2, backoff_base=0.01, backoff_max=0.01)


def offered_note(html: str, action: str) -> str:
    """The note the console offers for `action`, as a member of staff would send it unchanged."""
    found = re.search(rf'<textarea id="note-{re.escape(action)}"[^>]*>([^<]*)</textarea>', html)
    assert found is not None, action
    return found.group(1)


def step(console, session, uuid: str, action: str, **form) -> str:
    path = f"/console/complaints/{uuid}"
    page = session.get(console.url(path), timeout=TIMEOUT).text
    note = offered_note(page, action)
    answer = session.post(
        console.url(f"{path}/{action}"),
        data={"csrf_token": csrf_of(page), "note": note, **form},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 303, answer.text
    return note


def seen_at_the_kiosk(data_dir, uuid: str) -> list[str]:
    assert run_sync(data_dir, POLICY).done
    with Store(data_dir) as store:
        return describe(store.complaint_progress(uuid))


def test_a_complaint_goes_from_the_kiosk_through_three_people_and_back(kiosk, hub, data_dir, qtbot, open_window):
    with storage_of(hub.data_dir) as storage:
        staff = Staff(storage)
        staff.add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
        for name, role, agency in (("verifikator", "verifier", None), ("penghubung", "liaison", "PUPR")):
            staff.add_user(name, role, agency, PASSWORD, "test")
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
    complaint = factories.complaint(language="en", title="Broken bridge at Cikadu")  # an English-speaking citizen
    with Store(data_dir) as store:
        store.add_records([complaint])
    assert seen_at_the_kiosk(data_dir, complaint["uuid"])[0] == describe({"status": "received"})[0]
    console = SimpleNamespace(url=lambda path: hub.url + path)
    verifier, liaison = signed_in(console, "verifikator"), signed_in(console, "penghubung")
    inbox = verifier.get(console.url("/console/"), timeout=TIMEOUT).text
    assert "Broken bridge at Cikadu" in inbox and complaint["uuid"] in inbox
    uuid = complaint["uuid"]
    for session, action, status, form in (
        (verifier, "verify", "verified", {}),
        (verifier, "dispose", "forwarded", {"agency": "PUPR"}),
        (liaison, "follow-up", "followed_up", {}),
        (liaison, "complete", "completed", {}),
    ):
        note = step(console, session, uuid, action, **form)
        assert note.startswith(("Your report", "The agency")), note  # the citizen's language, not the console's
        lines = seen_at_the_kiosk(data_dir, uuid)
        assert lines[:2] == describe({"status": status, "note": note})[:2], (action, lines)
    window = open_window(data_dir)
    window.status.code.setText(ref_code(uuid))
    window.status.check()
    qtbot.waitUntil(lambda: "Thank you for reporting." in window.status.result.text(), timeout=10_000)
    window.sync.stop()  # the window syncs by itself once enrolled: let that run end before it closes
    qtbot.waitUntil(lambda: not window.sync.state.running, timeout=30_000)
