"""The local store: durable settings on every connection, immutability, dedup by uuid."""

import sqlite3

import pytest

import factories
from kiosk.store import CONFLICT, DUPLICATE, INVALID, STORED, Store, connect


def test_every_connection_is_durable(store):
    """WAL, synchronous=FULL and a busy timeout, also on a second connection."""
    assert store.db.journal_mode == "wal"
    for conn in (store.db.conn, connect(store.path)):
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_are_versioned_and_applied_once(data_dir):
    with Store(data_dir) as first:
        assert first.applied_migrations() == ["m001_initial"]
    with Store(data_dir) as again:
        assert again.applied_migrations() == ["m001_initial"]
        assert again.pending_migrations() == []
        rows = again.db.execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert rows == [("m001_initial",)]


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
