"""Voice notes and photos end to end: taken at one kiosk, carried to another by export and
import, synced to a real hub, and written out by the hub byte for byte; one attachment over the
hub's limit keeps back its own record only."""

import hashlib
import json

import factories

from kiosk.store import Store, attachments, intake

VOICE = b"OggS" + bytes(range(256)) * 4096 * 2 + b"akhir rekaman"  # over 2 MiB: goes up in chunks
PHOTO_1 = b"\xff\xd8\xff\xe0 jalan desa berlubang " * 2000
PHOTO_2 = b"\xff\xd8\xff\xe0 puskesmas tutup " * 2000
OVERSIZED = b"\xff\xd8\xff\xe0" + bytes(4 * 1024 * 1024)
LIMIT = 3 * 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_voice_and_photos_reach_the_hub_export_byte_identical(kiosk, start_hub, data_dir, tmp_path):
    voice = intake.attachment(VOICE, "audio/ogg", "voice", "suara.ogg", duration_s=150)
    spoken = factories.complaint(schema=2, anonymous=True, attachments=[voice])
    del spoken["body"]
    photos = [
        intake.attachment(data, "image/jpeg", "photo", f"foto-{n}.jpg") for n, data in enumerate((PHOTO_1, PHOTO_2))
    ]
    shown = factories.complaint(schema=2, attachments=photos)
    too_big = factories.complaint(
        schema=2, attachments=[intake.attachment(OVERSIZED, "image/jpeg", "photo", "besar.jpg")]
    )
    with Store(data_dir) as store:
        outcomes = store.add_records(
            [spoken, shown, too_big], attachments.in_memory(VOICE, PHOTO_1, PHOTO_2, OVERSIZED)
        )
        assert [outcome.status for outcome in outcomes] == ["stored"] * 3

    carried = tmp_path / "carried"
    exported = kiosk("export", "--output", tmp_path / "records.jsonl", "--attachments", carried)
    assert exported.returncode == 0, exported.stderr

    second = {"KIOSK_DATA_DIR": str(tmp_path / "second-kiosk")}
    imported = kiosk("import", tmp_path / "records.jsonl", "--attachments", carried, env=second)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("3 stored")

    hub = start_hub("--max-attachment", str(LIMIT))
    enrolled = kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code(), env=second)
    assert enrolled.returncode == 0, enrolled.stderr
    synced = kiosk("sync", "--json", env=second)
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert (report["acked"], report["quarantined"], report["remaining"], report["error"]) == (2, 1, 0, None)
    with Store(tmp_path / "second-kiosk") as store:
        (kept,) = store.quarantined()
    assert kept["uuid"] == too_big["uuid"] and kept["reason"].startswith("attachment_too_large")

    assert sorted(json.loads(line)["uuid"] for line in hub.records()) == sorted([spoken["uuid"], shown["uuid"]])
    out = tmp_path / "hub-out"
    done = hub.cli("export", "--output", str(tmp_path / "hub.jsonl"), "--attachments", str(out))
    assert done.returncode == 0, done.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == {
        sha(data): data for data in (VOICE, PHOTO_1, PHOTO_2)
    }
