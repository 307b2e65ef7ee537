"""The bridge at work on SQLite and PostgreSQL, against a fake SP4N-LAPOR! and a fake SMS gateway,
both real servers on loopback: reports reach the national side once through dropped connections,
500s, 429s and slow answers; each national number and later status reaches the kiosk's changes;
reporters who asked get an SMS at each step; refused reports wait as dead letters; the folder
adapter's numbers come back from a CSV; citizens' verdicts are counted per agency."""

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factories
import pytest
from fake_national import FakeNational
from fake_sms import FakeGateway
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.bridge import config
from hub.bridge.worker import Bridge
from hub.storage import forwards
from hub.storage.casework import Casework
from hub.storage.staff import Staff
from kiosk.records import digest
from kiosk.records.refcode import ref_code

PHONE = "0812-3456-7890"


def _config(tmp_path, fake=None, gateway=None, **national) -> config.BridgeConfig:
    return config.load(write_config(tmp_path, fake, gateway, **national))


def write_config(tmp_path, fake=None, gateway=None, **national) -> Path:
    """The bridge's TOML as an agency writes it: the example's mapping, pointed at the fakes."""
    lines = []
    if fake is not None:
        (tmp_path / "lapor.token").write_text(fake.token + "\n")
        lines += [f'adapter = "http"\nbase_url = "{fake.url}"\ntoken_file = "lapor.token"\npoll_interval_s = 1']
    elif "folder" in national:
        lines += [f'adapter = "folder"\nfolder = "{national.pop("folder")}"\npoll_interval_s = 1']
    for key, value in national.items():
        lines.append(f"{key} = {json.dumps(value)}")
    example = config.EXAMPLE
    tables = example[example.index("[fields]") : example.index("# Notices to reporters")]
    if lines:
        lines.append(tables)
    if gateway is not None:
        (tmp_path / "sms.token").write_text("gateway-token\n")
        lines.append(
            f'[sms]\nadapter = "http"\nurl = "{gateway.url}"\ntoken_file = "sms.token"\n'
            'to_field = "to"\ntext_field = "text"\nmax_attempts = 3'
        )
    path = tmp_path / "bridge.toml"
    path.write_text("\n".join(lines))
    return path


def _kiosk(storage, records):
    device, _ = storage.enroll(storage.create_enrollment_code())
    for start in range(0, len(records), 100):
        storage.store_records(device, [(r, digest(r)) for r in records[start : start + 100]])
    return device


def _asking(**fields):
    """A complaint whose reporter asked for SMS."""
    return factories.complaint(schema=2, sms_updates=True, reporter={"name": "Siti", "phone": PHONE}, **fields)


def _time_passes(storage):
    """Every entry put off for later is due now, as if the hours of its back-off had passed."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="milliseconds")
    with storage.writing() as run:
        run("UPDATE forwards SET next_at = ?, polled_at = ? WHERE state <> 'dead'", [past, "2000-01-01T00:00:00+00:00"])
        run("UPDATE sms_outbox SET next_at = ? WHERE state = 'waiting'", [past])


def _rounds(bridge, storage, most=40):
    for _ in range(most):
        _time_passes(storage)
        bridge.last_poll = None
        done = bridge.round()
        with storage.writing() as run:
            waiting = run("SELECT count(*) FROM forwards WHERE state = 'waiting'")[0][0]
            waiting += run("SELECT count(*) FROM sms_outbox WHERE state = 'waiting'")[0][0]
        if not waiting and not done.busy():
            return
    raise AssertionError("the outboxes did not empty")


def _latest_changes(storage, device):
    changes, cursor, more = [], 0, True
    while more:
        page, cursor, more = storage.changes(device, cursor, 100)
        changes += page
    return {change["uuid"]: change for change in changes}


def test_hundreds_of_reports_reach_the_national_side_once_through_faults(tmp_path):
    """300 checked reports from three kiosks, forwarded by the setting forward_on_verify through
    dropped connections after the national side stored a report, 500s, 429s and slow answers: each
    is stored there exactly once, and each kiosk's changes carry the national number of each of its
    reports, now passed on."""
    with FakeNational() as fake, storage_of(tmp_path / "hub") as storage:
        kiosks = {}
        for _ in range(3):
            records = [factories.complaint() for _ in range(100)]
            kiosks[_kiosk(storage, records)] = records
        for records in kiosks.values():
            for record in records:
                storage.set_status(record["uuid"], "verified", "diperiksa")
        fake.fault("drop_after_store", probability=0.15, seed=1, method="POST")
        fake.fault("status_500", probability=0.1, seed=2)
        fake.fault("status_429", probability=0.05, seed=3, retry_after="0")
        fake.fault("slow", probability=0.02, seed=4, seconds=0.05)
        bridge = Bridge(storage, _config(tmp_path, fake, forward_on_verify=True), pause=0.001)
        try:
            _rounds(bridge, storage)
        finally:
            bridge.close()
        numbers = fake.tracking_ids()
        assert len(numbers) == 300 and len(set(numbers.values())) == 300
        assert fake.posts > 300  # the faults made the bridge ask again
        for device, records in kiosks.items():
            latest = _latest_changes(storage, device)
            for record in records:
                change = latest[record["uuid"]]
                assert change["national_tracking_id"] == numbers[record["uuid"]]
                assert change["status"] == "forwarded"
        assert forwards.dead_letters(storage)[1] == {"sent": 300}


def test_national_statuses_and_sms_follow_each_step_of_a_report(tmp_path):
    """A verifier sends a report on; the national number and each later national status reach the
    kiosk with the national note; the reporter, who asked, gets an SMS at each step in their
    language, naming only the receipt code (and the number once forwarded); an anonymous
    report's reporter is never named to the national side."""
    with FakeNational() as fake, FakeGateway() as gateway, storage_of(tmp_path / "hub") as storage:
        asking, anonymous = _asking(language="en"), factories.complaint(anonymous=True)
        device = _kiosk(storage, [asking, anonymous])
        bridge = Bridge(storage, _config(tmp_path, fake, gateway), pause=0.001)
        try:
            _rounds(bridge, storage)
            assert [message.text for message in gateway.messages] == [
                f"LAPOR!: We have received report {ref_code(asking['uuid'])}."
                " Check its progress at the kiosk with this number."
            ]
            for record in (asking, anonymous):
                storage.set_status(record["uuid"], "verified", "diperiksa")
                with storage.writing() as run:
                    assert forwards.queue(run, record["uuid"], "verifier")
                    assert not forwards.queue(run, record["uuid"], "verifier")  # once only
            _rounds(bridge, storage)
            numbers = fake.tracking_ids()
            body = fake.reports[anonymous["uuid"]][1]
            assert "pelapor" not in body and body["anonim"] is True and body["judul"] == anonymous["title"]
            assert fake.reports[asking["uuid"]][1]["pelapor"]["nama"] == "Siti"
            fake.set_status(numbers[asking["uuid"]], "Ditindaklanjuti", "Jalan sedang diperbaiki.")
            _rounds(bridge, storage)
            fake.set_status(numbers[asking["uuid"]], "Selesai")
            _rounds(bridge, storage)
        finally:
            bridge.close()
        change = _latest_changes(storage, device)[asking["uuid"]]
        assert change["status"] == "completed" and change["national_tracking_id"] == numbers[asking["uuid"]]
        history = Casework(storage).history(asking["uuid"])
        assert [step.status for step in history] == ["received", "verified", "forwarded", "followed_up", "completed"]
        assert history[3].note == "Jalan sedang diperbaiki."
        assert history[4].note == "Your report has been completed (news from SP4N-LAPOR!)."
        texts = [message.text for message in gateway.messages]
        assert len(texts) == 4 and all(message.to == "+6281234567890" for message in gateway.messages)
        assert numbers[asking["uuid"]] in texts[1] and "lapor.go.id" in texts[1]
        assert all(ref_code(asking["uuid"]) in text and "Siti" not in text for text in texts)


def test_a_refused_report_waits_as_a_dead_letter_until_tried_again(tmp_path):
    """A 400 from the national side is not retried by itself: the report is a dead letter with the
    reason, until staff try again (the national side fixed, it goes)."""
    with FakeNational() as fake, storage_of(tmp_path / "hub") as storage:
        record = factories.complaint()
        _kiosk(storage, [record])
        storage.set_status(record["uuid"], "verified", "diperiksa")
        fake.fault("status_400")
        bridge = Bridge(storage, _config(tmp_path, fake, forward_on_verify=True), pause=0.001)
        try:
            assert bridge.round().dead == 1
            _time_passes(storage)
            assert bridge.round().forwarded == 0
            dead, counts = forwards.dead_letters(storage)
            assert counts == {"dead": 1} and dead[0].uuid == record["uuid"] and "400" in dead[0].last_error
            with storage.writing() as run:
                forwards.revive(run, record["uuid"])
            assert bridge.round().forwarded == 1
        finally:
            bridge.close()
        assert fake.tracking_ids().keys() == {record["uuid"]}


def test_an_sms_refused_for_its_number_is_not_tried_again_for_that_report(tmp_path):
    """A number the gateway rejects fails that notice and every later one of the same report; a
    gateway that keeps failing gives up after max_attempts."""
    with FakeGateway() as gateway, storage_of(tmp_path / "hub") as storage:
        rejected, flaky = _asking(), factories.complaint(schema=2, sms_updates=True, reporter={"phone": "0811 111 222"})
        gateway.reject_number("+6281234567890")
        bridge = Bridge(storage, _config(tmp_path, gateway=gateway), pause=0.001)
        try:
            _kiosk(storage, [rejected])
            _rounds(bridge, storage)
            _kiosk(storage, [flaky])
            gateway.fail_next("500", times=99)
            _rounds(bridge, storage)
            storage.set_status(rejected["uuid"], "archived", "bukan wewenang kami")
            _rounds(bridge, storage)
        finally:
            bridge.close()
        with storage.writing() as run:
            states = run("SELECT uuid, status, state, attempts FROM sms_outbox ORDER BY seq")
        assert states == [
            (rejected["uuid"], "received", "failed", 1),
            (flaky["uuid"], "received", "failed", 3),
            (rejected["uuid"], "archived", "dropped", 0),
        ]
        assert gateway.messages == []


def test_the_folder_adapter_hands_reports_over_and_reads_their_numbers_back(tmp_path):
    """Without API access, a report becomes a JSON file and a CSV line; the CSV staff drop in
    brings its number and status back to the kiosk."""
    with storage_of(tmp_path / "hub") as storage:
        record = factories.complaint()
        device = _kiosk(storage, [record])
        storage.set_status(record["uuid"], "verified", "diperiksa")
        bridge = Bridge(storage, _config(tmp_path, folder="lapor", forward_on_verify=True), pause=0.001)
        try:
            assert bridge.round().handed == 1
            assert json.loads((tmp_path / "lapor" / "outgoing" / f"{record['uuid']}.json").read_text())["isi"]
            incoming = tmp_path / "lapor" / "incoming"
            incoming.mkdir(parents=True, exist_ok=True)
            (incoming / "nomor.csv").write_text(f"uuid,tracking_id,status\n{record['uuid']},9876543,Ditindaklanjuti\n")
            bridge.last_poll = None
            assert bridge.round().heard == 1
        finally:
            bridge.close()
        change = _latest_changes(storage, device)[record["uuid"]]
        assert change["national_tracking_id"] == "9876543" and change["status"] == "followed_up"


def test_citizens_verdicts_are_counted_per_agency(tmp_path):
    """A verdict from the kiosk a report was filed at counts for the agency it was passed to; a
    later one replaces it; one sent from another kiosk is kept but not counted."""
    with storage_of(tmp_path / "hub") as storage:
        Staff(storage).add_agency("PUPR", "Dinas Pekerjaan Umum", "test")
        record = factories.complaint()
        device = _kiosk(storage, [record])
        for status, agency in (("verified", None), ("forwarded", "PUPR"), ("completed", None)):
            storage.set_status(record["uuid"], status, "catatan", agency)
        first = factories.feedback(record["uuid"], rating=1, created_at="2026-09-01T08:00:00+07:00")
        second = factories.feedback(record["uuid"], rating=3, created_at="2026-09-02T08:00:00+07:00")
        stranger = factories.feedback(record["uuid"], rating=1, created_at="2026-09-03T08:00:00+07:00")
        storage.store_records(device, [(second, digest(second))])
        storage.store_records(device, [(first, digest(first))])  # arrives late: older, does not count
        _kiosk(storage, [stranger])
        assert Casework(storage).verdicts() == {"PUPR": {3: 1}}
        assert Casework(storage).verdict(record["uuid"]) == 3


def test_serve_runs_the_bridge_beside_the_api_until_it_stops(tmp_path):
    """`Bridge.run` keeps going through a failing round (the national side down) and stops when told."""
    with FakeNational() as fake, storage_of(tmp_path / "hub") as storage:
        record = factories.complaint()
        _kiosk(storage, [record])
        storage.set_status(record["uuid"], "verified", "diperiksa")
        bridge = Bridge(storage, _config(tmp_path, fake, forward_on_verify=True), pause=0.001)
        stop = threading.Event()
        worker = threading.Thread(target=bridge.run, args=(stop,), kwargs={"idle_s": 0.05})
        worker.start()
        try:
            for _ in range(200):
                if fake.tracking_ids():
                    break
                stop.wait(0.05)
        finally:
            stop.set()
            worker.join(5)
            bridge.close()
        assert not worker.is_alive() and record["uuid"] in fake.tracking_ids()


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    yield
    assert not [thread for thread in threading.enumerate() if thread.name == "bridge"]


def test_an_sms_about_a_step_long_past_is_not_sent(tmp_path):
    """A gateway configured days after the reports arrived does not send news that is no longer news."""
    with FakeGateway() as gateway, storage_of(tmp_path / "hub") as storage:
        old, new = _asking(), _asking()
        _kiosk(storage, [old, new])
        with storage.writing() as run:
            run(
                "UPDATE status_changes SET updated_at = ? WHERE uuid = ?",
                [(datetime.now(UTC) - timedelta(days=4)).isoformat(timespec="milliseconds"), old["uuid"]],
            )
        bridge = Bridge(storage, _config(tmp_path, gateway=gateway), pause=0.001)
        try:
            done = bridge.round()
        finally:
            bridge.close()
        assert (done.sms_sent, done.sms_dropped) == (1, 1)
        assert [message.text for message in gateway.messages] == [
            f"LAPOR!: Laporan {ref_code(new['uuid'])} sudah kami terima. Cek perkembangannya di kios dengan nomor ini."
        ]


def test_a_national_number_given_twice_by_mistake_holds_up_no_other_news(tmp_path):
    """A CSV line giving a second report a number another report has is skipped; the lines after it apply."""
    with storage_of(tmp_path / "hub") as storage:
        first, second, third = (factories.complaint() for _ in range(3))
        device = _kiosk(storage, [first, second, third])
        for record in (first, second, third):
            storage.set_status(record["uuid"], "verified", "diperiksa")
        bridge = Bridge(storage, _config(tmp_path, folder="lapor", forward_on_verify=True), pause=0.001)
        try:
            assert bridge.round().handed == 3
            incoming = tmp_path / "lapor" / "incoming"
            incoming.mkdir(parents=True, exist_ok=True)
            lines = [f"{first['uuid']},111", f"{second['uuid']},111", f"{third['uuid']},333"]
            (incoming / "nomor.csv").write_text("uuid,tracking_id\n" + "\n".join(lines) + "\n")
            bridge.last_poll = None
            assert bridge.round().heard == 2
        finally:
            bridge.close()
        latest = _latest_changes(storage, device)
        assert latest[first["uuid"]]["national_tracking_id"] == "111"
        assert "national_tracking_id" not in latest[second["uuid"]] and latest[second["uuid"]]["status"] == "verified"
        assert latest[third["uuid"]]["national_tracking_id"] == "333"
