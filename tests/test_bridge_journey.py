"""A report's whole way to SP4N-LAPOR! and back, with real parts only: filed on a kiosk by a citizen
who asked for SMS, synced to a hub process running its bridge, verified and sent on by the verifier
in the console, given its LAPOR! number by a fake national side on loopback, moved on there; each
step reaches the kiosk's status screen and the citizen's phone (a fake SMS gateway), and the
citizen's verdict on the completed report reaches the hub."""

import time
from types import SimpleNamespace

import factories
from fake_national import FakeNational
from fake_sms import FakeGateway
from postgres import storage_of
from test_bridge_flow import write_config
from test_console import PASSWORD, TIMEOUT, csrf_of, signed_in
from test_console_journey import seen_at_the_kiosk, step

from hub.storage.casework import Casework
from hub.storage.staff import Staff
from kiosk.records.refcode import ref_code
from kiosk.store import Store, intake


def _until(check, seconds: float = 40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError("not there in time")


def test_a_report_goes_to_sp4n_lapor_and_its_number_and_statuses_come_back(kiosk, start_hub, data_dir, tmp_path):
    with FakeNational() as national, FakeGateway() as gateway:
        hub = start_hub("--bridge", "--bridge-config", str(write_config(tmp_path, national, gateway)))
        with storage_of(hub.data_dir) as storage:
            Staff(storage).add_user("verifikator", "verifier", None, PASSWORD, "test")
        assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
        complaint = factories.complaint(schema=2, sms_updates=True, reporter={"phone": "0812 3456 7890"})
        uuid, code = complaint["uuid"], ref_code(complaint["uuid"])
        with Store(data_dir) as store:
            store.add_records([complaint])
        seen_at_the_kiosk(data_dir, uuid)

        console = SimpleNamespace(url=lambda path: hub.url + path)
        verifier = signed_in(console, "verifikator")
        step(console, verifier, uuid, "verify")
        page = verifier.get(console.url(f"/console/complaints/{uuid}"), timeout=TIMEOUT).text
        sent = verifier.post(
            console.url(f"/console/complaints/{uuid}/national"),
            data={"csrf_token": csrf_of(page)},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert sent.status_code == 303
        number = _until(lambda: national.tracking_ids().get(uuid))

        def progress() -> dict:
            seen_at_the_kiosk(data_dir, uuid)
            with Store(data_dir) as store:
                return store.complaint_progress(uuid)

        assert _until(lambda: progress()["national_tracking_id"] == number)
        lines = seen_at_the_kiosk(data_dir, uuid)
        assert any(number in line and "lapor.go.id" in line for line in lines), lines
        national.set_status(number, "Ditindaklanjuti", "Petugas sedang memperbaiki jembatan.")
        _until(lambda: progress()["status"] == "followed_up")
        assert progress()["note"] == "Petugas sedang memperbaiki jembatan."
        national.set_status(number, "Selesai", "Jembatan sudah diperbaiki.")
        _until(lambda: progress()["status"] == "completed")

        texts = _until(lambda: len(gateway.messages) == 4 and [message.text for message in gateway.messages])
        assert all(code in text for text in texts) and number in texts[1]
        assert [message.to for message in gateway.messages] == ["+6281234567890"] * 4

        with Store(data_dir) as store:
            store.add_records([intake.new_feedback(uuid, {"rating": 2, "language": "id"})])
        seen_at_the_kiosk(data_dir, uuid)
        with storage_of(hub.data_dir) as storage:
            assert Casework(storage).verdict(uuid) == 2
        shown = verifier.get(console.url(f"/console/complaints/{uuid}"), timeout=TIMEOUT).text
        assert "Penilaian warga" in shown and "Sebagian selesai" in shown and number in shown
