"""`kiosk import --attachments DIR` and `kiosk export --attachments DIR`: files named by their
sha256 or by the attachment's name, checked, stored with their record or refused with it."""

import hashlib
import json

import factories
from conftest import write_jsonl

from kiosk.store import Store

VOICE = b"OggS" + b"rekaman suara warga " * 500
PHOTO_1 = b"\xff\xd8\xff\xe0 foto pertama " * 300
PHOTO_2 = b"\xff\xd8\xff\xe0 foto kedua " * 300


def entry(data: bytes, name: str, mime: str, role: str, **extra) -> dict:
    sha256 = hashlib.sha256(data).hexdigest()
    return {"sha256": sha256, "mime": mime, "size": len(data), "name": name, "role": role, **extra}


def voice_only() -> dict:
    voice = entry(VOICE, "suara.ogg", "audio/ogg", "voice", duration_s=20)
    record = factories.complaint(schema=2, anonymous=True, attachments=[voice])
    del record["body"]
    return record


def two_photos() -> dict:
    photos = [entry(PHOTO_1, "foto-1.jpg", "image/jpeg", "photo"), entry(PHOTO_2, "foto-2.jpg", "image/jpeg", "photo")]
    return factories.complaint(schema=2, attachments=photos)


def test_import_by_hash_or_by_name_then_export_gives_the_same_bytes(kiosk, tmp_path, data_dir):
    """A voice-only complaint (its file named by hash) and one with two photos (named by their
    names) are imported; export writes every file back named by its sha256, byte for byte."""
    spoken, shown = voice_only(), two_photos()
    write_jsonl(tmp_path / "in.jsonl", [spoken, shown])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / hashlib.sha256(VOICE).hexdigest()).write_bytes(VOICE)
    (folder / "foto-1.jpg").write_bytes(PHOTO_1)
    (folder / "foto-2.jpg").write_bytes(PHOTO_2)
    done = kiosk("import", tmp_path / "in.jsonl", "--attachments", folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 stored")

    out = tmp_path / "out"
    exported = kiosk("export", "--output", tmp_path / "out.jsonl", "--attachments", out)
    assert exported.returncode == 0, exported.stderr
    assert "3 attachment files written" in exported.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == {
        hashlib.sha256(data).hexdigest(): data for data in (VOICE, PHOTO_1, PHOTO_2)
    }
    assert [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()] == [spoken, shown]

    again = tmp_path / "second-kiosk"
    reimported = kiosk("import", tmp_path / "out.jsonl", "--attachments", out, env={"KIOSK_DATA_DIR": str(again)})
    assert reimported.returncode == 0, reimported.stderr
    with Store(again) as store:
        assert store.attachment(spoken["uuid"], spoken["attachments"][0]["sha256"]) == VOICE


def test_a_missing_or_wrong_file_refuses_its_record_only(kiosk, tmp_path, data_dir):
    """Without its file, or with a file that is not it, a record is refused whole, named by its line
    and attachment (and the file at fault); the other records are stored; nothing of the refused is kept."""
    spoken, shown, plain = voice_only(), two_photos(), factories.complaint()
    write_jsonl(tmp_path / "in.jsonl", [spoken, shown, plain])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "foto-1.jpg").write_bytes(PHOTO_1)
    (folder / "foto-2.jpg").write_bytes(PHOTO_1)  # the wrong photo under the second's name
    done = kiosk("import", tmp_path / "in.jsonl", "--attachments", folder, lang="id")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert [line.split(":")[0:2] for line in lines] == [["1", " attachments.0"], ["2", " attachments.1"]]
    assert "foto-2.jpg" in lines[1]
    with Store(data_dir) as store:
        assert store.count() == 1 and store.get(plain["uuid"])
        assert store.db.execute("SELECT count(*) FROM attachments").fetchone() == (0,)

    without = kiosk("import", tmp_path / "in.jsonl")
    assert without.returncode == 1 and "1: attachments.0: has no file at hand" in without.stderr
    assert kiosk("import", tmp_path / "in.jsonl", "--attachments", tmp_path / "nowhere").returncode == 2
