"""Sync against a real hub process on loopback: nothing lost, nothing duplicated, status comes back."""

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import factories
import pytest
from conftest import KIOSK_COMMAND, write_jsonl
from filelock import FileLock

from kiosk.store import Store, attachments, outbox
from kiosk.sync import credentials
from kiosk.sync.engine import LOCK_FILE, Policy, run_sync

QUICK = Policy(attempts=3, backoff_base=0.01, backoff_max=0.05, timeout=(2.0, 5.0))


def stored_uuids(data_dir) -> list[str]:
    with Store(data_dir) as store:
        return [json.loads(line)["uuid"] for line in store.record_lines()]


def hub_uuids(hub) -> list[str]:
    return [json.loads(line)["uuid"] for line in hub.records()]


def with_attachment(content: bytes) -> dict:
    sha256 = hashlib.sha256(content).hexdigest()
    return factories.complaint(
        attachments=[{"sha256": sha256, "mime": "image/jpeg", "size": len(content), "name": "jalan.jpg"}]
    )


def files_folder(folder, *contents: bytes):
    """A folder of attachment files named by their sha256, as `kiosk import --attachments` takes."""
    folder.mkdir(exist_ok=True)
    for content in contents:
        (folder / hashlib.sha256(content).hexdigest()).write_bytes(content)
    return folder


@pytest.fixture
def enrolled(kiosk, hub, data_dir):
    """A kiosk data dir enrolled with a running hub."""
    done = kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code())
    assert done.returncode == 0, done.stderr
    return data_dir


def test_the_outbox_marks_exactly_the_batch_it_is_given(store):
    """`sending` and `acked` change the named records only, each once; a tracking id the hub
    gave is kept, and an acknowledgement without one keeps the one already known."""
    event = factories.event()
    first, second, other = factories.complaint(), factories.complaint(), factories.attendance(event["uuid"])
    store.add_records([event, first, second, other])
    outbox.mark_sending(store, [first["uuid"], second["uuid"], first["uuid"]])
    outbox.mark_acked(store, [(first["uuid"], "LPR-2026-0000007"), (second["uuid"], None)])
    outbox.mark_acked(store, [(first["uuid"], None)])
    rows = dict(
        (uuid, rest)
        for uuid, *rest in store.db.execute("SELECT uuid, state, attempts, tracking_id FROM sync_state").fetchall()
    )
    assert rows == {
        event["uuid"]: ["pending", 0, None],
        first["uuid"]: ["acked", 1, "LPR-2026-0000007"],
        second["uuid"]: ["acked", 1, None],
        other["uuid"]: ["pending", 0, None],
    }


def test_a_thousand_records_of_every_kind_arrive_once_and_status_comes_back(kiosk, hub, enrolled, tmp_path):
    """Events, attendance and complaints (one with a photo) all reach the hub exactly once; a status
    set at the hub shows in `kiosk status` and `kiosk export --status`; a second sync sends nothing."""
    records = factories.valid_mix(events=4, per_event=225, complaints=95) + [with_attachment(b"\xff\xd8jpeg")]
    write_jsonl(tmp_path / "in.jsonl", records)
    folder = files_folder(tmp_path / "files", b"\xff\xd8jpeg")
    assert kiosk("import", tmp_path / "in.jsonl", "--attachments", folder).returncode == 0

    done = kiosk("sync", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["acked"], report["remaining"], report["quarantined"], report["done"]) == (1000, 0, 0, True)
    assert sorted(hub_uuids(hub)) == sorted(stored_uuids(enrolled)) and len(hub_uuids(hub)) == 1000
    assert (hub.data_dir / "attachments").rglob(hashlib.sha256(b"\xff\xd8jpeg").hexdigest())

    complaint = records[-2]
    moved = hub.cli("set-status", complaint["uuid"], "verified", "--note", "Diteruskan ke Dinas PU")
    assert moved.returncode == 0, moved.stderr
    again = json.loads(kiosk("sync", "--json").stdout)
    assert (again["sent"], again["statuses"]) == (0, 1)

    shown = kiosk("status", complaint["uuid"])
    assert shown.returncode == 0 and "Verified" in shown.stdout and "Diteruskan ke Dinas PU" in shown.stdout
    assert "LPR-" in shown.stdout
    statuses = [json.loads(line) for line in kiosk("export", "--status").stdout.splitlines()]
    assert len(statuses) == 96
    mine = next(s for s in statuses if s["uuid"] == complaint["uuid"])
    assert (mine["status"], mine["note"], mine["sync_state"]) == ("verified", "Diteruskan ke Dinas PU", "acked")
    assert all(s["tracking_id"].startswith("LPR-") for s in statuses)


def test_same_uuid_with_other_content_is_quarantined_and_the_rest_still_goes(kiosk, hub, enrolled, tmp_path):
    """A record the hub holds with other content is kept on the kiosk as quarantined, with the reason;
    the records around it are delivered; the officer can send it again."""
    clash = factories.complaint()
    other = hub.enroll_code()
    second = tmp_path / "second-kiosk"
    assert kiosk("enroll", "--hub", hub.url, "--code", other, env={"KIOSK_DATA_DIR": str(second)}).returncode == 0
    write_jsonl(tmp_path / "other.jsonl", [{**clash, "title": "Isi yang berbeda sekali"}])
    assert kiosk("import", tmp_path / "other.jsonl", env={"KIOSK_DATA_DIR": str(second)}).returncode == 0
    assert kiosk("sync", env={"KIOSK_DATA_DIR": str(second)}).returncode == 0

    before, after = factories.complaint(), factories.complaint()
    write_jsonl(tmp_path / "in.jsonl", [before, clash, after])
    kiosk("import", tmp_path / "in.jsonl")
    done = kiosk("sync", "--json")
    report = json.loads(done.stdout)
    assert (report["acked"], report["quarantined"], report["remaining"]) == (2, 1, 0)
    with Store(enrolled) as store:
        (held,) = store.quarantined()
        assert held["uuid"] == clash["uuid"] and held["reason"].startswith("conflict")
        assert store.get(clash["uuid"])["title"] == clash["title"]  # the kiosk's own version is kept
        assert outbox.send_again(store, clash["uuid"])
    assert json.loads(kiosk("sync", "--json").stdout)["quarantined"] == 1  # still a conflict: back in quarantine
    assert "quarantined" in kiosk("sync").stderr


def test_an_attachment_goes_up_before_its_record_and_a_missing_one_quarantines(hub, kiosk, enrolled):
    """The photo is on the hub before the complaint is; a complaint whose photo's bytes are gone
    from the kiosk (a damaged database, say) is kept aside with the reason instead of being sent
    without it."""
    present = with_attachment(b"photo-1")
    lost = with_attachment(b"photo-2")
    with Store(enrolled) as store:
        store.add_records([present, lost], attachments.in_memory(b"photo-1", b"photo-2"))
        store.db.execute("DELETE FROM attachments WHERE uuid = ?", [lost["uuid"]])
    report = run_sync(enrolled, QUICK)
    assert (report.acked, report.quarantined) == (1, 1)
    assert hub_uuids(hub) == [present["uuid"]]
    with Store(enrolled) as store:
        assert store.quarantined()[0]["reason"].startswith("attachment_missing")


def test_a_batch_too_large_for_the_hub_is_split(start_hub, kiosk, data_dir):
    """413 halves the batch until it fits; every record still arrives once."""
    small = start_hub("--max-batch", "7", "--max-body", "6000")
    assert kiosk("enroll", "--hub", small.url, "--code", small.enroll_code()).returncode == 0
    records = [factories.complaint() for _ in range(40)]
    with Store(data_dir) as store:
        store.add_records(records)
    report = run_sync(data_dir, Policy(batch_count=40, batch_bytes=10**6, attempts=2, backoff_base=0.01))
    assert report.done and report.acked == 40
    assert sorted(hub_uuids(small)) == sorted(r["uuid"] for r in records)


def test_a_revoked_kiosk_stops_and_asks_for_a_new_enrollment(kiosk, hub, enrolled):
    """401 pauses the queue: nothing is lost, the officer is told to enroll again, and after a new
    enrollment the same records go through."""
    device = credentials.load(enrolled).device_id
    assert hub.cli("revoke", device).returncode == 0
    with Store(enrolled) as store:
        store.add_records([factories.complaint()])
    done = kiosk("sync", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"] == "needs_enrollment" and json.loads(done.stdout)["remaining"] == 1
    with Store(enrolled) as store:
        assert store.setting("sync_needs_enrollment") is True
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code("--device", device)).returncode == 0
    assert kiosk("sync").returncode == 0
    assert len(hub_uuids(hub)) == 1


def test_an_unreachable_or_captive_hub_is_offline_and_nothing_moves(kiosk, enrolled, hub):
    """A refused connection leaves every record waiting, with the error in plain words."""
    with Store(enrolled) as store:
        store.add_records([factories.complaint()])
    hub.stop()
    done = kiosk("sync", "--json", env={"KIOSK_LANG": "en"})
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"] == "offline"
    plain = kiosk("sync")
    assert "cannot be reached" in plain.stderr
    with Store(enrolled) as store:
        assert store.sync_counts() == {"sending": 1}
        assert store.setting("sync_last_error")["code"] == "offline"


def test_a_second_sync_on_the_same_folder_does_not_run(kiosk, enrolled):
    """While one sync holds the folder's lock, another says so and leaves."""
    with FileLock(enrolled / LOCK_FILE):
        done = kiosk("sync")
    assert done.returncode == 2 and "Another sync is already running" in done.stderr
    assert kiosk("sync").returncode == 0


def test_a_sync_killed_mid_batch_loses_and_doubles_nothing(kiosk, hub, enrolled, tmp_path):
    """SIGKILL of `kiosk sync` while a batch is marked sending (its request in flight), three times,
    then a full sync: the hub holds each record exactly once."""
    records = factories.valid_mix(events=2, per_event=1200, complaints=100)
    write_jsonl(tmp_path / "in.jsonl", records)
    assert kiosk("import", tmp_path / "in.jsonl").returncode == 0
    environment = {**os.environ, "KIOSK_DATA_DIR": str(enrolled), "KIOSK_LANG": "en"}
    database = sqlite3.connect(enrolled / "kiosk.sqlite3", timeout=15)
    attempts = "SELECT total(attempts) FROM sync_state"
    for _ in range(3):
        before = database.execute(attempts).fetchone()[0]
        process = subprocess.Popen(
            [*KIOSK_COMMAND, "sync"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while process.poll() is None:
            if database.execute(attempts).fetchone()[0] > before:  # a batch was just marked sending
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        assert process.wait() == -signal.SIGKILL
    database.close()
    partial = len(hub_uuids(hub))
    assert kiosk("sync").returncode == 0
    uuids = hub_uuids(hub)
    assert len(uuids) == len(set(uuids)) == len(records)
    assert sorted(uuids) == sorted(stored_uuids(enrolled))
    assert partial < len(records)  # the kills did land before the end


def through(proxy, data_dir) -> None:
    """Points the enrolled kiosk at the proxy instead of the hub itself."""
    enrolled = credentials.load(data_dir)
    credentials.save(data_dir, credentials.Credentials(proxy.url, enrolled.device_id, enrolled.token))


def test_through_a_faulty_network_every_record_arrives_exactly_once(hub, enrolled):
    """Half the exchanges fail (dropped before or after the hub commits, cut short, a captive portal's
    HTML, 503 with Retry-After, too slow): after retries the hub holds exactly the kiosk's records,
    each once, and the status set at the hub comes back."""
    from faultproxy import MODES, FaultProxy

    records = factories.valid_mix(events=2, per_event=300, complaints=60)
    photos = [f"foto {n}".encode() for n in range(3)]
    records += [with_attachment(photo) for photo in photos]
    with Store(enrolled) as store:
        store.add_records(records, attachments.in_memory(*photos))
    policy = Policy(
        batch_count=25, attempts=6, backoff_base=0.02, backoff_max=0.2, timeout=(2.0, 1.0), retry_after_max=1.0
    )
    with FaultProxy(hub.port, rate=0.5, seed=11, slow_seconds=1.5, retry_after=1) as proxy:
        through(proxy, enrolled)
        for _ in range(40):
            report = run_sync(enrolled, policy)
            if report.done:
                break
        assert report.done, report
        uuids = hub_uuids(hub)
        assert len(uuids) == len(set(uuids)) == len(records)
        assert sorted(uuids) == sorted(r["uuid"] for r in records)
        with Store(enrolled) as store:
            assert store.sync_counts() == {"acked": len(records)}

        complaints = [r["uuid"] for r in records if r["kind"] == "complaint"][:5]
        for uuid in complaints:
            assert hub.cli("set-status", uuid, "forwarded", "--note", "ke Dinas PUPR").returncode == 0
        for _ in range(40):
            if run_sync(enrolled, policy).done:
                with Store(enrolled) as store:
                    if all(store.complaint_progress(u).get("status") == "forwarded" for u in complaints):
                        break
        with Store(enrolled) as store:
            assert all(store.complaint_progress(u)["status"] == "forwarded" for u in complaints)
        assert set(proxy.faults) == set(MODES)  # every kind of fault really happened


def test_a_busy_hub_is_waited_for_as_it_asks(hub, enrolled):
    """503 with Retry-After: 1 is honoured: three tries take at least the two waits asked for,
    then the run ends with the records still waiting."""
    from faultproxy import FaultProxy

    with Store(enrolled) as store:
        store.add_records([factories.complaint()])
    with FaultProxy(hub.port, rate=1.0, modes=("retry_after_503",), retry_after=1) as proxy:
        through(proxy, enrolled)
        started = time.monotonic()
        report = run_sync(enrolled, Policy(attempts=3, backoff_base=0.01, backoff_max=0.01))
        assert time.monotonic() - started >= 2.0
    assert (report.error, report.remaining) == ("hub_busy", 1)


def test_a_captive_portal_is_offline_not_an_acknowledgement(hub, enrolled):
    """An HTML 200 acknowledges nothing: the record waits and the hub has none."""
    from faultproxy import FaultProxy

    with Store(enrolled) as store:
        store.add_records([factories.complaint()])
    with FaultProxy(hub.port, rate=1.0, modes=("html_200",)) as proxy:
        through(proxy, enrolled)
        report = run_sync(enrolled, QUICK)
    assert (report.error, report.acked, report.remaining) == ("offline", 0, 1)
    assert hub_uuids(hub) == []


def test_doctor_says_whether_the_hub_answers(kiosk, hub, enrolled):
    """Enrolled and reachable is OK; a hub that is down is a warning, not a failure of the kiosk."""
    done = kiosk("doctor")
    assert done.returncode == 0 and f"{hub.url} answers" in done.stdout
    hub.stop()
    done = kiosk("doctor")
    assert done.returncode == 0 and "does not answer now" in done.stdout


def test_hub_commands_take_their_data_dir_before_or_after(hub, tmp_path):
    """`kiosk-hub --data-dir D cmd` and `kiosk-hub cmd --data-dir D` are the same; errors are one line."""
    import subprocess as sp

    before = sp.run(
        [sys.executable, "-m", "hub.cli", "--data-dir", str(hub.data_dir), "devices"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert before.returncode == 0
    wrong = hub.cli("set-status", factories.new_uuid(), "verified")
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
    usage = hub.cli("set-status", "x", "nonsense")
    assert usage.returncode == 2 and len(usage.stderr.strip().splitlines()) == 1


def test_enrolling_with_a_bad_code_or_address_says_why(kiosk, hub):
    """A used or unknown code, an address that is no hub and one that is not a URL: one plain line each."""
    code = hub.enroll_code()
    assert kiosk("enroll", "--hub", hub.url, "--code", code).returncode == 0
    for args, words in (
        ((hub.url, code), "refused the enrollment code"),
        (("http://127.0.0.1:9", "ABCDE-FGHJK"), "Cannot reach a LAPOR! hub"),
        (("hub.example", "ABCDE-FGHJK"), "is not a hub address"),
    ):
        done = kiosk("enroll", "--hub", args[0], "--code", args[1])
        assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_sync_given_the_kiosk_writer_touches_the_database_only_through_it(hub, enrolled, monkeypatch):
    """One writer: with the window's writer handed in, every store the sync needs is that
    writer's, on its thread; no second connection writes beside it."""
    from kiosk.store.writer import Writer

    with Store(enrolled) as store:
        event = factories.event()
        store.add_records([event, *(factories.attendance(event["uuid"]) for _ in range(20)), factories.complaint()])
    opened_on = []
    real_init = Store.__init__

    def watched_init(self, data_dir):
        opened_on.append(threading.current_thread().name)
        real_init(self, data_dir)

    monkeypatch.setattr(Store, "__init__", watched_init)
    with Writer(enrolled) as writer:
        report = run_sync(enrolled, QUICK, writer=writer)
        assert writer.run(lambda store: store.sync_counts()) == {"acked": 22}
    assert report.done and report.acked == 22
    assert opened_on == ["kiosk-db"]  # the writer's own store, opened once
    assert sorted(hub_uuids(hub)) == sorted(stored_uuids(enrolled))
