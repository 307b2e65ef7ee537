"""Attachment bytes in the local store: stored with their record or not at all, sealed at rest,
read back while the kiosk still needs them, erased by retention and by withdrawal."""

import base64
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factories
import pytest

from kiosk.privacy import erasure
from kiosk.records import refcode, sealing
from kiosk.records.protocol import INVALID, STORED
from kiosk.store import Store, attachments, intake, outbox

# Distinctive bytes, so a test can look for them in every file of the data folder.
VOICE = b"OggS" + b"suara warga tentang jembatan putus " * 3000
PHOTO = b"\xff\xd8\xff\xe0" + b"foto jalan berlubang di desa " * 2000


def complaint_with(*files: tuple[bytes, str, str], **fields) -> dict:
    entries = [
        intake.attachment(data, mime, role, f"lampiran-{number}", duration_s=30 if role == "voice" else None)
        for number, (data, mime, role) in enumerate(files)
    ]
    return factories.complaint(**{"schema": 2, "attachments": entries, **fields})


def voice_only(**fields) -> dict:
    record = complaint_with((VOICE, "audio/ogg", "voice"), anonymous=True, **fields)
    del record["body"]
    return record


def assert_nowhere(folder: Path, *needles: bytes) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(needle in content for needle in needles), f"plain bytes in {path}"


def hub_key():
    key = sealing.load_private_key(sealing.new_private_key())
    return key, sealing.public_key_text(key)


def opened_by_hub(store: Store, private_key, uuid: str, sha256: str) -> bytes:
    """What the hub, and only the hub, can do with an attachment sealed on the kiosk."""
    sealed_key, data = store.db.execute(
        "SELECT sealed_key, data FROM attachments WHERE uuid = ? AND sha256 = ?", [uuid, sha256]
    ).fetchone()
    key = sealing.open_sealed(private_key, uuid, sealed_key)["attachment_key"]
    return attachments._opened(uuid, sha256, data, base64.b64decode(key))


def test_a_record_is_stored_with_its_bytes_and_they_are_read_back(store, data_dir):
    """The bytes come back as they went in, listed with the record's own description of them;
    in the database they are sealed, so no file of the data folder holds them plain."""
    record = complaint_with((VOICE, "audio/ogg", "voice"), (PHOTO, "image/jpeg", "photo"))
    (outcome,) = store.add_records([record], attachments.in_memory(PHOTO, VOICE))
    assert outcome.status == STORED
    voice, photo = record["attachments"]
    assert store.attachment(record["uuid"], voice["sha256"]) == VOICE
    assert store.attachment(record["uuid"], photo["sha256"]) == PHOTO
    assert store.list_attachments(record["uuid"]) == [{**voice, "state": "readable"}, {**photo, "state": "readable"}]
    assert store.attachment(record["uuid"], "0" * 64) is None
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert_nowhere(data_dir, VOICE[:200], PHOTO[:200])


@pytest.mark.parametrize(
    ("given", "code"),
    [(None, "attachment_missing"), (attachments.in_memory(PHOTO), "attachment_missing")],
    ids=["no files", "another file"],
)
def test_a_record_without_its_bytes_is_refused_whole_and_the_batch_goes_on(store, given, code):
    """A record must never point at bytes the kiosk does not have: it is refused, nothing of it is
    kept, and the records beside it are stored."""
    lacking, plain = voice_only(), factories.complaint()
    outcomes = store.add_records([lacking, plain], given)
    assert [o.status for o in outcomes] == [INVALID, STORED]
    assert [(e.field, e.code) for e in outcomes[0].errors] == [("attachments.0", code)]
    assert store.get(lacking["uuid"]) is None
    assert store.db.execute("SELECT count(*) FROM attachments").fetchone() == (0,)
    assert store.db.execute("SELECT count(*) FROM ref_codes").fetchone() == (1,)


def test_bytes_of_another_size_or_hash_are_refused(store, tmp_path):
    """A file found under the attachment's name that is not the attachment (other bytes, same size
    or not) is refused, naming the file; the first attachment stored before it is undone too."""
    record = complaint_with((PHOTO, "image/jpeg", "photo"), (VOICE, "audio/ogg", "voice"))
    (tmp_path / record["attachments"][0]["sha256"]).write_bytes(PHOTO)
    (tmp_path / "lampiran-1").write_bytes(VOICE[:-1] + b"!")
    (outcome,) = store.add_records([record], attachments.in_folder(tmp_path))
    assert [(e.field, e.code, e.params) for e in outcome.errors] == [
        ("attachments.1", "attachment_mismatch", {"file": "lampiran-1"})
    ]
    assert store.db.execute("SELECT count(*) FROM attachments").fetchone() == (0,)
    assert "lampiran-1" in str(outcome.errors[0])


def test_a_full_disk_leaves_neither_record_nor_bytes(store):
    """When the database cannot grow (a full disk), the record and its bytes are written together
    or not at all: nothing half-written, and the kiosk goes on once there is room."""
    store.add_records([factories.complaint()])
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages + 4}")
    record = complaint_with((VOICE, "audio/ogg", "voice"))
    with pytest.raises(sqlite3.OperationalError, match="full"):
        store.add_records([record], attachments.in_memory(VOICE))
    assert store.get(record["uuid"]) is None
    assert store.db.execute("SELECT count(*) FROM attachments").fetchone() == (0,)
    store.db.execute("PRAGMA max_page_count = 1073741823")
    assert store.add_records([record], attachments.in_memory(VOICE))[0].status == STORED


def test_once_at_the_hub_only_the_hub_can_open_the_bytes(store):
    """Enrolled, the key of each attachment is sealed for the hub; when the hub confirmed it holds
    the bytes, the kiosk's own key is gone: the kiosk cannot read them any more, the hub still could."""
    private_key, public_key = hub_key()
    stored_before = complaint_with((PHOTO, "image/jpeg", "photo"))
    store.add_records([stored_before], attachments.in_memory(PHOTO))
    erasure.seal_kept(store, public_key)  # enrolled after the photo was taken
    record = voice_only()
    store.add_records([record], attachments.in_memory(VOICE))
    sha256 = record["attachments"][0]["sha256"]
    assert store.attachment(record["uuid"], sha256) == VOICE  # still to be sent: readable

    outbox.mark_uploaded(store, sha256)
    assert store.attachment(record["uuid"], sha256) is None
    assert store.list_attachments(record["uuid"])[0]["state"] == "sealed"
    assert store.sealed_attachment_count() == 1
    assert opened_by_hub(store, private_key, record["uuid"], sha256) == VOICE
    photo_sha = stored_before["attachments"][0]["sha256"]
    assert opened_by_hub(store, private_key, stored_before["uuid"], photo_sha) == PHOTO
    assert outbox.known_at_hub(store, sha256) and not outbox.known_at_hub(store, photo_sha)


def test_withdrawal_erases_the_bytes(store, data_dir):
    """A citizen who withdraws consent takes their voice note with them: bytes and keys are gone
    from every file of the data folder; the record stays, and says its attachment was erased."""
    record = voice_only()
    store.add_records([record], attachments.in_memory(VOICE))
    erasure.withdraw(store, refcode.ref_code(record["uuid"]))
    assert store.attachment(record["uuid"], record["attachments"][0]["sha256"]) is None
    assert store.list_attachments(record["uuid"])[0]["state"] == "erased"
    assert list(store.readable_attachments()) == []
    row = store.db.execute("SELECT data, key, sealed_key, erased_why FROM attachments").fetchone()
    assert row == (None, None, None, "withdrawn")
    assert_nowhere(data_dir, VOICE[:200])


def test_retention_erases_the_bytes_of_a_complaint_that_names_nobody(store):
    """An anonymous voice-only complaint has no personal fields, only its voice note: retention
    still erases it once the hub has had it long enough, and keeps what is still waiting."""
    old, waiting = voice_only(), complaint_with((PHOTO, "image/jpeg", "photo"))
    store.add_records([old, waiting], attachments.in_memory(VOICE, PHOTO))
    assert store.db.execute("SELECT count(*) FROM personal WHERE uuid = ?", [old["uuid"]]).fetchone() == (0,)
    outbox.mark_acked(store, [(old["uuid"], None)])
    long_ago = (datetime.now(UTC) - timedelta(days=60)).isoformat(timespec="milliseconds")
    store.db.execute("UPDATE sync_state SET updated_at = ? WHERE uuid = ?", [long_ago, old["uuid"]])
    assert erasure.purge(store, older_than_days=30, actor="cli") == 1
    assert store.list_attachments(old["uuid"])[0]["state"] == "erased"
    assert store.list_attachments(waiting["uuid"])[0]["state"] == "readable"
