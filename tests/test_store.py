"""The local store: durable settings on every connection, immutability, dedup by uuid."""

import hashlib
import json
import sqlite3

import factories
import pytest

from kiosk.store import CONFLICT, DUPLICATE, INVALID, STORED, Store, attachments, connect


def test_every_connection_is_durable(store):
    """WAL, synchronous=FULL and a busy timeout, also on a second connection."""
    assert store.db.journal_mode == "wal"
    for conn in (store.db.conn, connect(store.path)):
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


STEPS = [
    "m001_initial",
    "m002_reference_codes_and_status",
    "m003_status_history_and_statistics",
    "m004_attendance_facts",
    "m005_personal_fields_apart",
    "m006_attachments",
    "m007_feedback_and_national_numbers",
]


def test_writes_commit_alone_or_together_and_an_inner_failure_undoes_only_its_part(tmp_path):
    from kiosk.store.database import Database

    db, other = Database(connect(tmp_path / "t.sqlite3")), connect(tmp_path / "t.sqlite3")
    db.enable_wal(timeout=1)
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('alone')")
    assert other.execute("SELECT v FROM t").fetchall() == [("alone",)]  # committed at once
    with db.atomic():
        db.execute("INSERT INTO t VALUES ('outer')")
        with pytest.raises(ZeroDivisionError), db.atomic():
            db.execute("INSERT INTO t VALUES ('inner')")
            _ = 1 / 0
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)  # nothing visible before the end
    assert [v for (v,) in other.execute("SELECT v FROM t")] == ["alone", "outer"]
    with pytest.raises(ZeroDivisionError), db.atomic():
        db.execute("INSERT INTO t VALUES ('lost')")
        _ = 1 / 0
    assert [v for (v,) in other.execute("SELECT v FROM t")] == ["alone", "outer"]
    assert not db.conn.in_transaction


def test_migrations_are_versioned_and_applied_once(data_dir):
    with Store(data_dir) as first:
        assert first.applied_migrations() == STEPS
    with Store(data_dir) as again:
        assert again.applied_migrations() == STEPS
        assert again.pending_migrations() == []
        rows = again.db.execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert rows == [(step,) for step in STEPS]


def test_a_database_migrated_by_sqlite_utils_is_carried_on(data_dir):
    """Kiosks released before the store applied its own steps kept their record through
    sqlite-utils' Migrations: the same table, so the store applies only what is missing."""
    from sqlite_utils import Database as UtilsDatabase
    from sqlite_utils import Migrations

    from kiosk.store import migrations

    data_dir.mkdir()
    earlier = Migrations(migrations.MIGRATION_SET)
    for function in migrations.STEPS[:2]:
        earlier()(function)
    conn = connect(data_dir / "kiosk.sqlite3")
    earlier.apply(UtilsDatabase(conn))
    conn.close()
    with Store(data_dir) as store:
        assert store.applied_migrations() == STEPS
        rows = store.db.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
    assert rows == [(migrations.MIGRATION_SET, step) for step in STEPS]


def test_a_failing_step_leaves_no_trace_and_stays_pending(data_dir, monkeypatch):
    """A step and the record of it commit together: a step that fails mid-way undoes its
    own statements, is not recorded, and the next open tries it again."""
    from kiosk.errors import KioskError
    from kiosk.store import migrations

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, broken])
    with pytest.raises(KioskError):
        Store(data_dir)
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:-1])
    with Store(data_dir) as store:
        assert store.pending_migrations() == []
        assert store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchone() is None


def test_an_old_database_is_upgraded_keeping_its_records(data_dir):
    """A kiosk with only the first step gets the second, with codes for its complaints."""
    from kiosk.records.refcode import ref_code
    from kiosk.store import migrations
    from kiosk.store.database import Database

    data_dir.mkdir()
    old = Database(connect(data_dir / "kiosk.sqlite3"))
    migrations.apply(old, stop_before="m002_reference_codes_and_status")
    complaint = factories.complaint()
    old.execute(
        "INSERT INTO records (uuid, kind, created_at, digest, body, stored_at)"
        " VALUES (?, 'complaint', ?, 'x', ?, 'now')",
        [complaint["uuid"], complaint["created_at"], json.dumps(complaint)],
    )
    old.close()
    with Store(data_dir) as store:
        assert store.applied_migrations() == STEPS
        assert store.find_complaint(ref_code(complaint["uuid"])) == complaint


def test_add_records_reports_each_outcome(store):
    """Stored, duplicate (same content), conflict (other content), invalid: each per record."""
    record = factories.attendance()
    changed = {**record, "gender": "male"}
    outcomes = store.add_records([record, dict(record), changed, {"kind": "attendance"}])
    assert [o.status for o in outcomes] == [STORED, DUPLICATE, CONFLICT, INVALID]
    assert store.get(record["uuid"]) == record
    assert outcomes[2].errors[0].field == "uuid"
    assert {e.field for e in outcomes[3].errors} >= {"uuid", "event_uuid", "consent"}


def test_new_records_wait_to_be_synced(store):
    store.add_records([factories.event(), factories.complaint()])
    assert store.sync_counts() == {"pending": 2}


def test_records_are_immutable(store):
    """The database itself refuses to change or delete a stored record."""
    record = factories.complaint()
    store.add_records([record])
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        store.db.execute("UPDATE records SET body = '{}' WHERE uuid = ?", [record["uuid"]])
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM records")
    assert store.get(record["uuid"]) == record


def test_insert_or_replace_cannot_overwrite_a_record(store):
    """REPLACE deletes before it inserts: the delete trigger must fire on every connection."""
    record = factories.event()
    store.add_records([record])
    other = connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        other.execute(
            "INSERT OR REPLACE INTO records (uuid, kind, created_at, digest, body, stored_at)"
            " VALUES (?, 'event', 'x', 'x', '{}', 'x')",
            [record["uuid"]],
        )
    assert store.get(record["uuid"]) == record


def test_a_transaction_that_reads_first_is_not_refused_for_a_write_in_between(tmp_path):
    """It holds the write lock from its start: another writer waits its turn (here it gives
    up after 0.1 s), where otherwise this one would be refused at its first write."""
    from kiosk.store.database import Database

    db = Database(connect(tmp_path / "t.sqlite3"))
    db.enable_wal(timeout=1)
    db.execute("CREATE TABLE t (v TEXT)")
    other = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None, timeout=0.1)
    with db.atomic():
        assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO t VALUES ('in between')")
        db.execute("INSERT INTO t VALUES ('after reading')")
    other.execute("INSERT INTO t VALUES ('its turn')")
    assert other.execute("SELECT v FROM t ORDER BY rowid").fetchall() == [("after reading",), ("its turn",)]


def test_switching_to_wal_waits_for_a_writer_sqlite_would_not_wait_for(tmp_path):
    """SQLite answers "locked" at once, busy timeout or not, while another connection writes."""
    import threading

    from kiosk.store.database import Database

    writer = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (v TEXT)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES ('mid-write')")
    opener = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None, timeout=5)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        opener.execute("PRAGMA journal_mode = wal")  # the plain switch gives up without waiting
    threading.Timer(0.2, writer.execute, ["COMMIT"]).start()
    Database(opener).enable_wal(timeout=5)
    assert opener.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert opener.execute("SELECT v FROM t").fetchall() == [("mid-write",)]


def test_switching_to_wal_gives_up_after_its_timeout(tmp_path):
    from kiosk.store.database import Database

    writer = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    writer.execute("CREATE TABLE t (v TEXT)")
    writer.execute("BEGIN IMMEDIATE")
    opener = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None, timeout=5)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        Database(opener).enable_wal(timeout=0.1)
    assert opener.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_many_processes_opening_a_new_data_dir_at_once(data_dir):
    """Six kiosks commands starting together on a fresh folder all succeed; migrations run once."""
    import subprocess
    import sys

    code = "import sys; from kiosk.store import Store; Store(sys.argv[1]).close()"
    runs = [subprocess.Popen([sys.executable, "-c", code, str(data_dir)], stderr=subprocess.PIPE) for _ in range(6)]
    assert [(run.wait(), run.stderr.read()) for run in runs] == [(0, b"")] * 6
    with Store(data_dir) as store:
        assert store.applied_migrations() == STEPS


def test_sync_state_only_takes_known_states(store):
    record = factories.event()
    store.add_records([record])
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE sync_state SET state = 'lost' WHERE uuid = ?", [record["uuid"]])


def test_a_correction_supersedes_without_changing_the_original(store):
    original = factories.attendance(gender="male")
    correction = {**factories.attendance(event_uuid=original["event_uuid"]), "supersedes": original["uuid"]}
    assert [o.status for o in store.add_records([original, correction])] == [STORED, STORED]
    assert store.get(original["uuid"])["gender"] == "male"
    assert store.get(correction["uuid"])["supersedes"] == original["uuid"]


def test_a_failed_batch_stores_nothing(store):
    """A batch is one transaction: an error part-way leaves no record of it behind."""

    def records():
        yield factories.event()
        raise OSError("disk gone")

    with pytest.raises(OSError):
        store.add_records(records())
    assert store.count() == 0


def test_settings_round_trip(store):
    assert store.setting("kiosk_name", "default") == "default"
    store.set_setting("kiosk_name", "Balai Desa Sukamaju")
    store.set_setting("languages", ["id", "en"])
    assert store.setting("kiosk_name") == "Balai Desa Sukamaju"
    assert store.setting("languages") == ["id", "en"]


def test_audit_log_is_append_only(store):
    store.audit("officer", "settings_change", key="idle_timeout")
    assert store.audit_entries()[0]["detail"] == {"key": "idle_timeout"}
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit_log")


def test_unusable_database_is_a_clear_error(data_dir):
    """A file that is not a database gives a one-line KioskError, not a traceback."""
    from kiosk.errors import KioskError

    data_dir.mkdir()
    (data_dir / "kiosk.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KioskError, match="Cannot open the database"):
        Store(data_dir)


def test_complaints_are_found_by_reference_code(store):
    from kiosk.records.refcode import ref_code

    complaint = factories.complaint()
    store.add_records([complaint, factories.event()])
    assert store.find_complaint(ref_code(complaint["uuid"])) == complaint
    assert store.find_complaint("0000-0000") is None
    assert store.complaint_progress(complaint["uuid"]) == {
        "sync_state": "pending",
        "status": None,
        "note": None,
        "tracking_id": None,
        "national_tracking_id": None,
        "status_updated_at": None,
        "withdrawn": False,
        "verdict": None,
    }


def test_events_and_attendance_counts(store):
    first, second = factories.event(), factories.event()
    store.add_records([first, second])
    store.add_records([factories.attendance(first["uuid"]) for _ in range(3)] + [factories.attendance(second["uuid"])])
    assert [e["uuid"] for e in store.events()] == [second["uuid"], first["uuid"]]
    assert store.attendance_counts() == {first["uuid"]: 3, second["uuid"]: 1}
    assert store.attendance_counts(stored_since="9999") == {}


def test_a_kiosk_from_before_verdicts_keeps_every_row_index_and_trigger_and_takes_verdicts(data_dir, monkeypatch):
    """m007 rebuilds `records` to accept feedback: on a kiosk filled under m006, every record
    (seq and order too), the tables that refer to them, the indexes, the triggers and the
    AUTOINCREMENT counter are as they were, foreign keys are on again, and a verdict is stored."""
    from kiosk.records.protocol import COMPLETED
    from kiosk.store import migrations, outbox
    from kiosk.store.personal import withdraw

    photo = b"\xff\xd8 photo of the road"
    event = factories.event()
    complaints = [
        factories.complaint(
            schema=2,
            reporter={"name": "Siti Aminah", "phone": "081234567890"},
            attachments=[
                {
                    "sha256": hashlib.sha256(photo).hexdigest(),
                    "mime": "image/jpeg",
                    "size": len(photo),
                    "name": "jalan.jpg",
                    "role": "photo",
                }
            ],
        ),
        factories.complaint(),
        factories.complaint(),
    ]
    records = [event, factories.attendance(event["uuid"], name="Budi"), *complaints]
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:-1])
    with Store(data_dir) as old:
        assert "m007_feedback_and_national_numbers" not in old.applied_migrations()
        old.add_records(records, files=attachments.in_memory(photo))
        outbox.mark_acked(old, [(complaints[0]["uuid"], "LPR-2026-0000001")])
        old.db.execute(
            "INSERT INTO complaint_status (uuid, tracking_id, status, note, updated_at) VALUES (?, ?, ?, ?, ?)",
            [complaints[0]["uuid"], "LPR-2026-0000001", COMPLETED, "Jalan sudah diperbaiki.", "2026-11-20T02:00:00Z"],
        )
        withdraw(old, complaints[2]["uuid"], "K7Q4-9XZM", "officer")
        with pytest.raises(sqlite3.IntegrityError):
            old.add_records([factories.feedback(complaints[0]["uuid"])])  # the CHECK of m001 refuses the kind
        before = _schema_and_rows(old)
    monkeypatch.undo()

    with Store(data_dir) as store:
        assert store.pending_migrations() == []
        after = _schema_and_rows(store)
        assert after["records"] == before["records"] and after["others"] == before["others"]
        assert after["sequence"] == before["sequence"]
        assert set(after["schema"]) == set(before["schema"]) | {"records_by_complaint"}
        for name, sql in before["schema"].items():
            if name not in ("records", "complaint_status"):  # a kind more, a column more
                assert after["schema"][name] == sql, name
        assert "'feedback'" in after["schema"]["records"]
        assert store.db.execute("SELECT national_tracking_id FROM complaint_status").fetchall() == [(None,)]
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.attachment(complaints[0]["uuid"], hashlib.sha256(photo).hexdigest()) == photo
        assert store.complaint_progress(complaints[0]["uuid"])["tracking_id"] == "LPR-2026-0000001"
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            store.db.execute("UPDATE records SET body = '{}' WHERE uuid = ?", [event["uuid"]])
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            store.db.execute("DELETE FROM records WHERE uuid = ?", [event["uuid"]])
        verdict = factories.feedback(complaints[0]["uuid"])
        assert [o.status for o in store.add_records([verdict])] == [STORED]
        (seq,) = store.db.execute("SELECT seq FROM records WHERE uuid = ?", [verdict["uuid"]]).fetchone()
        assert seq == before["sequence"] + 1  # numbering goes on where it stopped
        batch, _after = outbox.next_batch(store, 100, 1 << 20)
        waiting = [event["uuid"], records[1]["uuid"], complaints[1]["uuid"], verdict["uuid"]]
        assert [item.uuid for item in batch] == waiting  # acked and withdrawn ones stay as they were


def _schema_and_rows(store):
    """Everything m007 must keep: the schema's statements, every row of every table, and the counter."""
    schema = dict(store.db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall())
    tables = [name for (name,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    others = {
        name: sorted(store.db.execute(f"SELECT {'' if 'WITHOUT ROWID' in schema[name] else 'rowid, '}* FROM {name}"))
        for name in tables
        if name not in ("records", "sqlite_sequence", "_sqlite_migrations", "complaint_status")
    }
    others["complaint_status"] = store.db.execute(
        "SELECT uuid, tracking_id, status, note, updated_at FROM complaint_status"
    ).fetchall()
    (sequence,) = store.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
    records = store.db.execute("SELECT * FROM records ORDER BY seq").fetchall()
    return {"schema": schema, "others": others, "records": records, "sequence": sequence}
