"""Privacy and security on a public machine: sealed personal fields, retention, withdrawal of
consent, no secrets or personal data at rest in clear or in logs, owner-only files."""

import json
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factories
import pytest
import requests
from conftest import write_jsonl

from kiosk.privacy import erasure
from kiosk.records import RecordInvalid, sealing
from kiosk.records.refcode import ref_code
from kiosk.reports import stats
from kiosk.store import DB_FILE, Store, outbox

PIN = "739164"
NAME, PHONE, EMAIL = "Siti Rahmawati Kusuma", "081298765432", "siti.kusuma@contoh.id"
WORDS = "Pungutan liar di kantor kelurahan setiap mengurus surat pindah"
PLACE = "Gang Kenanga nomor tujuh belas"
ATTENDEE, HOME_VILLAGE = "Bambang Sutrisno Wibowo", "Kampung Cibeureum Hilir"
PERSONAL = (NAME, PHONE, EMAIL, WORDS, PLACE, ATTENDEE, HOME_VILLAGE)


def personal_records() -> list[dict]:
    event = factories.event()
    return [
        event,
        factories.complaint(
            body=f"{WORDS}, sudah tiga bulan.",
            reporter={"name": NAME, "phone": PHONE, "email": EMAIL},
            location={"village": "Sukamaju", "text": PLACE},
        ),
        factories.attendance(event["uuid"], name=ATTENDEE, village=HOME_VILLAGE, wgss={"seeing": 3, "hearing": 1}),
        factories.attendance(event["uuid"], gender="male", age_band="31-45"),
    ]


def files_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def assert_nowhere(folder: Path, needles, allowed: tuple[str, ...] = ()) -> None:
    for path, content in files_under(folder).items():
        if path.name in allowed:
            continue
        for needle in needles:
            assert needle.encode() not in content, f"{needle!r} is in {path}"


def hub_key() -> tuple[object, str]:
    key = sealing.load_private_key(sealing.new_private_key())
    return key, sealing.public_key_text(key)


def acked_days_ago(store: Store, uuids: list[str], days: int) -> None:
    outbox.mark_acked(store, [(uuid, None) for uuid in uuids])
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
    with store.db.atomic():
        store.db.conn.executemany("UPDATE sync_state SET updated_at = ? WHERE uuid = ?", [[when, u] for u in uuids])


# sealing
def test_personal_fields_are_sealed_once_the_hub_key_is_known_and_statistics_need_no_key(data_dir):
    """Before enrollment the fields are kept readable; the hub's key seals them (those stored
    before too), after which nothing of them is in any file and only that key opens them."""
    records = personal_records()
    key, public = hub_key()
    with Store(data_dir) as store:
        store.add_records(records[:2])
        figures_before = stats.compute(store, stats.Filters())
        assert store.get(records[1]["uuid"]) == records[1]  # not sealed yet: the kiosk can read it
        assert erasure.seal_kept(store, public) == 1
        store.add_records(records[2:])  # after the key: sealed as they are stored
        assert erasure.summary(store)["kinds"]["complaint"] == {
            "kept": 1,
            "sealed": 1,
            "waiting": 1,
            "retention": 0,
            "withdrawn": 0,
        }
        assert stats.compute(store, stats.Filters())["total"] == figures_before["total"] + 2
        assert stats.compute(store, stats.Filters())["with_disability"] == 1
        lines = [json.loads(line) for line in store.record_lines()]
        assert "reporter" not in store.get(records[1]["uuid"])  # the kiosk cannot read what it sealed
    assert_nowhere(data_dir, PERSONAL)
    for line, record in zip(lines[1:3], records[1:3], strict=True):
        opened = sealing.unseal_record(line, key)
        assert opened == record
    with Store(data_dir) as store:  # an export of a sealed kiosk goes to the hub, not into a kiosk
        (refused,) = store.add_records([lines[1]])
        assert (refused.status, refused.errors[0].code) == ("invalid", "sealed_for_hub")
    other_key, _public = hub_key()
    with pytest.raises(RecordInvalid) as refused:
        sealing.unseal_record(lines[1], other_key)
    assert [(e.field, e.code) for e in refused.value.errors] == [("sealed", "unsealable")]
    moved = {**lines[2], "sealed": lines[1]["sealed"]}  # a seal taken to another record does not open
    with pytest.raises(RecordInvalid):
        sealing.unseal_record(moved, key)


def test_a_sealed_part_cannot_replace_a_public_field(data_dir):
    key, public = hub_key()
    complaint = factories.complaint()
    line = {k: v for k, v in complaint.items() if k != "body"}
    line["sealed"] = sealing.seal(public, complaint["uuid"], {"body": complaint["body"], "title": "Something else"})
    with pytest.raises(RecordInvalid):
        sealing.unseal_record(line, key)


def test_sync_carries_sealed_fields_and_the_hub_opens_them(kiosk, hub, data_dir, tmp_path):
    """Stored before enrollment, sealed at enrollment, sent sealed, and whole at the hub."""
    records = personal_records()
    write_jsonl(tmp_path / "in.jsonl", records)
    assert kiosk("import", tmp_path / "in.jsonl").returncode == 0
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
    assert_nowhere(data_dir, PERSONAL)
    done = kiosk("sync")
    assert done.returncode == 0, done.stderr
    at_hub = {json.loads(line)["uuid"]: json.loads(line) for line in hub.records()}
    assert [at_hub[record["uuid"]] for record in records] == records
    for path in [hub.data_dir, *hub.data_dir.rglob("*")]:  # the hub's files are its user's alone
        assert path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO) == 0, path


def test_the_hub_refuses_a_record_sealed_for_another_hub(hub):
    _key, other_public = hub_key()
    token = requests.post(hub.url + "/api/v1/enroll", json={"code": hub.enroll_code()}, timeout=30).json()["token"]
    complaint = factories.complaint(reporter={"name": NAME})
    public = {k: v for k, v in complaint.items() if k not in ("body", "reporter")}
    sealed = {
        **public,
        "sealed": sealing.seal(
            other_public, complaint["uuid"], {"body": complaint["body"], "reporter": complaint["reporter"]}
        ),
    }
    answer = requests.post(
        hub.url + "/api/v1/records",
        json={"records": [sealed]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    (result,) = answer.json()["results"]
    assert result["status"] == "invalid" and "sealed" in result["error"]
    assert hub.records() == []


# retention
def test_purge_erases_personal_fields_of_old_acknowledged_records_and_keeps_every_count(data_dir):
    records = personal_records()
    fresh = factories.complaint(reporter={"name": "Dewi Lestari Anggraini"})
    waiting = factories.complaint(reporter={"name": "Joko Prasetyo Nugroho"})
    with Store(data_dir) as store:
        store.add_records([*records, fresh, waiting])
        acked_days_ago(store, [r["uuid"] for r in records], 31)
        acked_days_ago(store, [fresh["uuid"]], 2)
        before = stats.compute(store, stats.Filters())
        events_before = store.events()
        assert erasure.purge(store, actor="cli") == 2  # the complaint and the named attendee
        assert stats.compute(store, stats.Filters()) == before
        assert store.events() == events_before
        erased = store.get(records[1]["uuid"])
        assert "reporter" not in erased and "body" not in erased and "text" not in erased["location"]
        assert erased["title"] == records[1]["title"]  # the rest of the record stays
        assert store.get(fresh["uuid"])["reporter"] == fresh["reporter"]  # acknowledged 2 days ago: kept
        assert store.get(waiting["uuid"])["reporter"] == waiting["reporter"]  # never at the hub: kept
        assert erasure.purge(store, older_than_days=1, actor="cli") == 1  # on demand, a shorter time
        assert store.get(fresh["uuid"]).get("reporter") is None
        summary = erasure.summary(store)
        assert summary["kinds"]["complaint"]["retention"] == 2 and summary["kinds"]["complaint"]["kept"] == 1
        assert [e["detail"] for e in store.audit_entries() if e["action"] == "purge"] == [
            {"records": 2, "older_than_days": 30},
            {"records": 1, "older_than_days": 1},
        ]
        assert erasure.purge(store) == 0
        assert [e["action"] for e in store.audit_entries()].count("purge") == 2  # nothing erased: nothing to note
    assert_nowhere(data_dir, [*PERSONAL, "Dewi Lestari Anggraini"])


def test_purge_follows_the_retention_setting_and_refuses_nonsense(data_dir):
    from kiosk.errors import KioskError
    from kiosk.officer import config

    complaint = factories.complaint(reporter={"name": NAME})
    with Store(data_dir) as store:
        store.add_records([complaint])
        acked_days_ago(store, [complaint["uuid"]], 10)
        assert erasure.purge(store) == 0
        config.save(store, {"retention_days": 7})
        assert erasure.purge(store) == 1
        for days in (-1, 36501, "30"):
            with pytest.raises(KioskError):
                erasure.purge(store, days)


def test_a_clock_set_back_to_1970_erases_nothing_early(data_dir):
    complaint = factories.complaint(reporter={"name": NAME})
    with Store(data_dir) as store:
        store.add_records([complaint])
        acked_days_ago(store, [complaint["uuid"]], 0)
        assert erasure.purge(store, 0, now=datetime(1970, 1, 1, tzinfo=UTC)) == 0


def test_kiosk_purge_on_the_command_line(kiosk, data_dir):
    complaint = factories.complaint(reporter={"name": NAME})
    with Store(data_dir) as store:
        store.add_records([complaint])
        acked_days_ago(store, [complaint["uuid"]], 3)
    assert "0 records" in kiosk("purge").stdout
    done = kiosk("purge", "--older-than", "2")
    assert done.returncode == 0 and "1 records" in done.stdout
    assert kiosk("purge", "--older-than", "-5").returncode == 2


# withdrawal of consent
def test_withdrawal_erases_here_and_at_the_hub(kiosk, hub, data_dir, tmp_path):
    sent, unsent = personal_records()[1], factories.complaint(reporter={"phone": "089900112233"})
    write_jsonl(tmp_path / "in.jsonl", [sent])
    assert kiosk("import", tmp_path / "in.jsonl").returncode == 0
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
    assert kiosk("sync").returncode == 0
    write_jsonl(tmp_path / "more.jsonl", [unsent])
    assert kiosk("import", tmp_path / "more.jsonl").returncode == 0

    for record in (sent, unsent):
        done = kiosk("withdraw", ref_code(record["uuid"]).lower())
        assert done.returncode == 0, done.stderr
    assert kiosk("withdraw", "AAAA-AAAA").returncode == 2
    with Store(data_dir) as store:
        progress = store.complaint_progress(sent["uuid"])
        assert progress["withdrawn"] and progress["sync_state"] == "acked"
        assert store.complaint_progress(unsent["uuid"])["sync_state"] == "withdrawn"
        assert outbox.queue_counts(store) == (2, 0)  # two withdrawals to tell the hub
    done = kiosk("sync", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sent"] == 0  # the unsent one never leaves
    (line,) = hub.records()
    at_hub = json.loads(line)
    assert at_hub["uuid"] == sent["uuid"] and at_hub["title"] == sent["title"]
    assert not {"body", "reporter"} & set(at_hub) and "text" not in at_hub["location"]
    assert_nowhere(hub.data_dir, [NAME, PHONE, WORDS])
    assert_nowhere(data_dir, [NAME, PHONE, WORDS, "089900112233"])
    assert "Consent withdrawn" in kiosk("status", ref_code(sent["uuid"])).stdout


def test_a_device_cannot_withdraw_another_devices_records(hub):
    def enroll():
        return requests.post(hub.url + "/api/v1/enroll", json={"code": hub.enroll_code()}, timeout=30).json()["token"]

    mine, theirs = enroll(), enroll()
    complaint = factories.complaint(reporter={"name": NAME})
    answer = requests.post(
        hub.url + "/api/v1/records",
        json={"records": [complaint]},
        headers={"Authorization": f"Bearer {mine}"},
        timeout=30,
    )
    assert answer.json()["results"][0]["status"] == "stored"
    answer = requests.post(
        hub.url + "/api/v1/withdrawals",
        json={"uuids": [complaint["uuid"]]},
        headers={"Authorization": f"Bearer {theirs}"},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.json()["withdrawn"] == 1  # says nothing of whose it is
    assert json.loads(hub.records()[0])["reporter"] == {"name": NAME}
    for bad in ({"uuids": ["x" * 65]}, {"uuids": "all"}, {"uuids": [], "more": 1}):
        answer = requests.post(
            hub.url + "/api/v1/withdrawals", json=bad, headers={"Authorization": f"Bearer {mine}"}, timeout=30
        )
        assert answer.status_code == 400, bad


# secrets, files and logs
def test_pin_and_tokens_are_nowhere_in_clear_and_files_are_owner_only(kiosk, hub, data_dir, tmp_path):
    """The PIN is nowhere; the kiosk's token only in hub-credentials.json (0600, outside the
    database, so exports and copies of the database never carry it); the hub keeps neither
    tokens nor codes. Every file the kiosk made is readable by its user alone."""
    assert kiosk("officer", "set-pin", input=PIN + "\n").returncode == 0
    code = hub.enroll_code()
    assert kiosk("enroll", "--hub", hub.url, "--code", code).returncode == 0
    write_jsonl(tmp_path / "in.jsonl", personal_records())
    assert kiosk("import", tmp_path / "in.jsonl").returncode == 0
    assert kiosk("sync").returncode == 0
    token = json.loads((data_dir / "hub-credentials.json").read_text())["token"]
    assert_nowhere(data_dir, [PIN, token, token.partition(".")[2], code], allowed=("hub-credentials.json",))
    assert_nowhere(hub.data_dir, [PIN, token, token.partition(".")[2], code, code.replace("-", "")])
    exported = kiosk("export").stdout
    assert token not in exported and PIN not in exported
    assert (data_dir / "kiosk.log").is_file()
    for path in [data_dir, *data_dir.rglob("*")]:
        assert path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO) == 0, path


def test_no_certificate_checks_are_switched_off():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("kiosk/**/*.py"), *root.glob("hub/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "verify=False" not in text and "CERT_NONE" not in text, path


def test_the_migration_moves_personal_fields_out_of_existing_records(data_dir):
    """A kiosk that stored records before m005 keeps them whole, with the personal part apart."""
    from kiosk.store import migrations
    from kiosk.store.database import Database

    records = personal_records()
    path = data_dir / DB_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(db), stop_before="m005_personal_fields_apart")
    for _seq, record in enumerate(records, 1):
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        db.execute(
            "INSERT INTO records (uuid, kind, created_at, event_uuid, digest, body, stored_at)"
            " VALUES (?, ?, ?, ?, 'x', ?, '2026-08-17')",
            [record["uuid"], record["kind"], record["created_at"], record.get("event_uuid"), body],
        )
        db.execute("INSERT INTO sync_state (uuid, updated_at) VALUES (?, '2026-08-17')", [record["uuid"]])
    db.close()
    with Store(data_dir) as store:
        assert [json.loads(line) for line in store.record_lines()] == records
        assert store.db.execute("SELECT count(*) FROM personal").fetchone() == (2,)
        assert NAME not in store.db.execute("SELECT group_concat(body) FROM records").fetchone()[0]
        batch, _after = outbox.next_batch(store, 10, 1 << 20)
        assert [json.loads(item.body) for item in batch] == records  # the rowid order survived the rebuild


def test_a_kiosk_enrolled_before_hubs_gave_keys_fetches_the_key_at_its_next_sync(kiosk, hub, data_dir, tmp_path):
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
    with Store(data_dir) as store:  # as an older kiosk left it: enrolled, details not sealed
        store.db.execute("DELETE FROM settings WHERE key = 'sealing_key'")
        store.add_records(personal_records())
        assert erasure.summary(store)["sealed_for_hub"] is False
    done = kiosk("sync")
    assert done.returncode == 0, done.stderr
    assert_nowhere(data_dir, PERSONAL)
    assert NAME in "".join(hub.records())
