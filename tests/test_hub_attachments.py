"""Attachment bytes at the hub are personal data: sealed at rest, erased by withdrawal unless
another record still needs them, and written out plain only by `kiosk-hub export --attachments`;
on SQLite and on PostgreSQL alike."""

import hashlib
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import factories
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hubproc import run_cli
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.storage import HubError
from hub.storage.blobs import SEALED_MARK, FolderBlobs
from kiosk.records import digest

TIMEOUT = 30
PHOTO = b"\xff\xd8\xff\xe0" + b"jalan berlubang di depan sekolah " * 40 + b"\xff\xd9"
VOICE = b"OggS\x00\x02" + bytes(range(256)) * 8
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()
VOICE_SHA = hashlib.sha256(VOICE).hexdigest()


def attachment(data: bytes, mime: str = "image/jpeg", name: str = "jalan.jpg") -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "mime": mime, "size": len(data), "name": name}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def enroll(hub) -> str:
    answer = requests.post(hub.url + "/api/v1/enroll", json={"code": hub.enroll_code()}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def put(hub, token: str, data: bytes) -> requests.Response:
    sha256 = hashlib.sha256(data).hexdigest()
    return requests.put(f"{hub.url}/api/v1/attachments/{sha256}", data=data, headers=bearer(token), timeout=TIMEOUT)


def send(hub, token: str, *data: bytes) -> dict:
    """A complaint naming these attachments, uploaded first and then stored."""
    for item in data:
        assert put(hub, token, item).status_code in (200, 201)
    complaint = factories.complaint(attachments=[attachment(item) for item in data])
    answer = requests.post(
        hub.url + "/api/v1/records", json={"records": [complaint]}, headers=bearer(token), timeout=TIMEOUT
    )
    assert answer.json()["results"][0]["status"] == "stored", answer.text
    return complaint


def withdraw(hub, token: str, record: dict) -> None:
    answer = requests.post(
        hub.url + "/api/v1/withdrawals", json={"uuids": [record["uuid"]]}, headers=bearer(token), timeout=TIMEOUT
    )
    assert answer.status_code == 200, answer.text


def exported(data_dir, folder) -> dict[str, bytes]:
    """`kiosk-hub export --attachments FOLDER`: the files written, by name."""
    done = run_cli(data_dir, "export", "--attachments", str(folder), database=os.environ.get("KIOSK_HUB_DATABASE", ""))
    assert done.returncode == 0, done.stderr
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}


def on_disk(data_dir, sha256: str) -> bytes:
    return FolderBlobs.of(data_dir).path(sha256).read_bytes()


# sealed at rest
def test_the_file_on_disk_does_not_hold_the_plain_bytes(hub):
    """After a PUT the attachment's file is sealed: neither the bytes nor any long run of them is
    in it, and only the hub's own key opens it, to exactly the bytes sent."""
    token = enroll(hub)
    assert put(hub, token, PHOTO).status_code == 201
    kept = on_disk(hub.data_dir, PHOTO_SHA)
    assert kept.startswith(SEALED_MARK)
    assert PHOTO not in kept and b"jalan berlubang" not in kept
    assert FolderBlobs.of(hub.data_dir).read(PHOTO_SHA) == PHOTO
    stranger = FolderBlobs(hub.data_dir / "attachments", X25519PrivateKey.generate())
    with pytest.raises(HubError):
        stranger.read(PHOTO_SHA)


def test_a_sealed_file_moved_to_another_address_does_not_open(tmp_path):
    """The address is bound into the seal: a file copied under another attachment's name is refused."""
    blobs = FolderBlobs.of(tmp_path)
    blobs.write(PHOTO_SHA, PHOTO)
    blobs.write(VOICE_SHA, VOICE)
    blobs.path(VOICE_SHA).write_bytes(blobs.path(PHOTO_SHA).read_bytes())
    with pytest.raises(HubError, match=VOICE_SHA):
        blobs.read(VOICE_SHA)


def test_the_put_stays_idempotent(hub):
    """A second PUT of the same bytes is 200 and leaves the sealed file as it was; a body with
    another hash is still refused before anything is sealed."""
    token = enroll(hub)
    assert put(hub, token, PHOTO).status_code == 201
    first = on_disk(hub.data_dir, PHOTO_SHA)
    again = put(hub, token, PHOTO)
    assert again.status_code == 200 and again.json() == {"sha256": PHOTO_SHA, "size": len(PHOTO)}
    assert on_disk(hub.data_dir, PHOTO_SHA) == first
    wrong = requests.put(
        f"{hub.url}/api/v1/attachments/{VOICE_SHA}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "hash_mismatch"
    assert not FolderBlobs.of(hub.data_dir).path(VOICE_SHA).exists()


# export
def test_put_then_export_gives_identical_bytes(hub, tmp_path):
    """A complaint with a photo and a voice note: the export writes both, plain and byte-identical,
    each named by its sha256, and nothing for an attachment no exported record names."""
    token = enroll(hub)
    send(hub, token, PHOTO, VOICE)
    stray = b"uploaded, but no record names it"
    assert put(hub, token, stray).status_code == 201
    files = exported(hub.data_dir, tmp_path / "out")
    assert files == {PHOTO_SHA: PHOTO, VOICE_SHA: VOICE}


def test_plain_files_of_an_older_hub_are_read_and_can_be_sealed(tmp_path, backend):  # noqa: F811 - the fixture imported above
    """A file an older hub kept plain is still exported as it is; `kiosk-hub seal-attachments`
    seals it in place (and only it), and the export then gives the same bytes."""
    data_dir = tmp_path / "hub"
    with storage_of(data_dir) as storage:
        device, _ = storage.enroll(storage.create_enrollment_code())
        storage.put_attachment(PHOTO_SHA, PHOTO)
        storage.put_attachment(VOICE_SHA, VOICE)
        complaint = factories.complaint(attachments=[attachment(PHOTO), attachment(VOICE, "audio/ogg", "suara.ogg")])
        assert storage.store_records(device, [(complaint, digest(complaint))])[0].status == "stored"
    blobs = FolderBlobs.of(data_dir)
    blobs.path(PHOTO_SHA).write_bytes(PHOTO)  # as a hub before sealing kept it
    sealed_voice = on_disk(data_dir, VOICE_SHA)
    assert exported(data_dir, tmp_path / "before") == {PHOTO_SHA: PHOTO, VOICE_SHA: VOICE}

    done = run_cli(data_dir, "seal-attachments", database=backend)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 ")
    assert PHOTO not in on_disk(data_dir, PHOTO_SHA) and on_disk(data_dir, PHOTO_SHA).startswith(SEALED_MARK)
    assert on_disk(data_dir, VOICE_SHA) == sealed_voice
    assert exported(data_dir, tmp_path / "after") == {PHOTO_SHA: PHOTO, VOICE_SHA: VOICE}
    assert run_cli(data_dir, "seal-attachments", database=backend).stdout.startswith("0 ")


# withdrawal
def test_a_withdrawal_erases_the_attachment(hub, tmp_path):
    """Consent withdrawn: the file is gone, the hub no longer counts the attachment as arrived,
    and the export writes nothing for the record."""
    token = enroll(hub)
    complaint = send(hub, token, PHOTO, VOICE)
    withdraw(hub, token, complaint)
    blobs = FolderBlobs.of(hub.data_dir)
    assert not blobs.path(PHOTO_SHA).exists() and not blobs.path(VOICE_SHA).exists()
    with storage_of(hub.data_dir) as storage:
        assert not storage.has_attachment(PHOTO_SHA) and not storage.has_attachment(VOICE_SHA)
    assert exported(hub.data_dir, tmp_path / "out") == {}
    assert len(hub.records()) == 1  # the record itself stays


def test_a_shared_photo_stays_while_another_record_names_it(hub, tmp_path):
    """Two complaints name one photo: withdrawing the first keeps the photo (and exports it for
    the second); withdrawing the second erases it. The first's own voice note goes at once."""
    token = enroll(hub)
    first = send(hub, token, PHOTO, VOICE)
    second = send(hub, token, PHOTO)
    withdraw(hub, token, first)
    blobs = FolderBlobs.of(hub.data_dir)
    assert blobs.read(PHOTO_SHA) == PHOTO and not blobs.path(VOICE_SHA).exists()
    assert exported(hub.data_dir, tmp_path / "one") == {PHOTO_SHA: PHOTO}
    withdraw(hub, token, second)
    assert not blobs.path(PHOTO_SHA).exists()
    assert exported(hub.data_dir, tmp_path / "none") == {}


def test_another_devices_withdrawal_erases_nothing(hub):
    """A device can withdraw only its own records, so it cannot erase another kiosk's photo."""
    token, other = enroll(hub), enroll(hub)
    complaint = send(hub, token, PHOTO)
    withdraw(hub, other, complaint)
    assert FolderBlobs.of(hub.data_dir).read(PHOTO_SHA) == PHOTO


def test_a_photo_withdrawn_before_erasure_existed_is_not_exported(tmp_path):
    """A hub older than erasure on withdrawal may still hold a withdrawn record's bytes: the
    export leaves them out all the same."""
    data_dir = tmp_path / "hub"
    with storage_of(data_dir) as storage:
        device, _ = storage.enroll(storage.create_enrollment_code())
        storage.put_attachment(PHOTO_SHA, PHOTO)
        complaint = factories.complaint(attachments=[attachment(PHOTO)])
        storage.store_records(device, [(complaint, digest(complaint))])
        assert storage.withdraw(device, [complaint["uuid"]]) == 1
    FolderBlobs.of(data_dir).write(PHOTO_SHA, PHOTO)  # as such a hub left it
    assert exported(data_dir, tmp_path / "out") == {}


def test_withdrawals_at_once_of_records_sharing_a_photo_erase_it(tmp_path):
    """Two withdrawals of the two records naming one photo, at the same moment on two
    connections: neither may keep the photo for the other, so it is gone after both."""
    data_dir = tmp_path / "hub"
    with storage_of(data_dir) as storage:
        device, _ = storage.enroll(storage.create_enrollment_code())
        for round_ in range(5):
            data = PHOTO + bytes([round_])
            sha256 = hashlib.sha256(data).hexdigest()
            storage.put_attachment(sha256, data)
            pair = [factories.complaint(attachments=[attachment(data)]) for _ in range(2)]
            storage.store_records(device, [(record, digest(record)) for record in pair])
            barrier = threading.Barrier(2)

            def withdraw_one(record: dict, barrier: threading.Barrier) -> int:
                barrier.wait(10)
                return storage.withdraw(device, [record["uuid"]])

            with ThreadPoolExecutor(2) as pool:
                assert list(pool.map(withdraw_one, pair, [barrier] * 2)) == [1, 1]
            assert not FolderBlobs.of(data_dir).path(sha256).exists(), round_
            assert not storage.has_attachment(sha256)


# uploads in chunks
BIG = bytes(range(256)) * 4096  # 1 MiB
BIG_SHA = hashlib.sha256(BIG).hexdigest()


def head(hub, token: str, sha256: str = BIG_SHA) -> requests.Response:
    return requests.head(f"{hub.url}/api/v1/attachments/{sha256}", headers=bearer(token), timeout=TIMEOUT)


def put_chunk(hub, token: str, start: int, end: int, data: bytes = BIG, sha256: str = BIG_SHA) -> requests.Response:
    return requests.put(
        f"{hub.url}/api/v1/attachments/{sha256}",
        data=data[start:end],
        headers={**bearer(token), "Content-Range": f"bytes {start}-{end - 1}/{len(data)}"},
        timeout=TIMEOUT,
    )


def test_an_upload_in_chunks_becomes_the_attachment_only_when_whole(hub):
    """HEAD tells how many bytes arrived; until the last chunk the bytes are kept encrypted where no
    attachment is looked for, then they are checked, sealed and the upload's file is gone."""
    token = enroll(hub)
    assert (head(hub, token).status_code, head(hub, token).headers["Upload-Offset"]) == (404, "0")
    first = put_chunk(hub, token, 0, 400_000)
    assert (first.status_code, first.headers["Upload-Offset"], first.json()["received"]) == (202, "400000", 400_000)
    assert head(hub, token).headers["Upload-Offset"] == "400000"
    assert BIG[:1024] not in (hub.data_dir / "attachments" / "uploads" / BIG_SHA).read_bytes()  # personal data
    with storage_of(hub.data_dir) as storage:
        assert not storage.has_attachment(BIG_SHA)
    assert not FolderBlobs.of(hub.data_dir).path(BIG_SHA).exists()
    again = put_chunk(hub, token, 300_007, 700_003)  # a chunk sent again replaces what it covers
    assert again.headers["Upload-Offset"] == "700003"
    last = put_chunk(hub, token, 700_003, len(BIG))
    assert last.status_code == 201 and last.json() == {"sha256": BIG_SHA, "size": len(BIG)}
    assert head(hub, token).status_code == 200
    assert on_disk(hub.data_dir, BIG_SHA).startswith(SEALED_MARK)
    assert FolderBlobs.of(hub.data_dir).read(BIG_SHA) == BIG
    assert list((hub.data_dir / "attachments" / "uploads").iterdir()) == []
    assert put_chunk(hub, token, 0, 10).status_code == 200  # idempotent, as the whole PUT


def test_a_chunk_cut_half_way_keeps_the_bytes_that_arrived(hub):
    """The connection drops in the middle of a chunk's body: the hub keeps what came before the
    cut, and HEAD says so, so the kiosk goes on from there."""
    token = enroll(hub)
    head_block = (
        f"PUT /api/v1/attachments/{BIG_SHA} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Range: bytes 0-{len(BIG) - 1}/{len(BIG)}\r\nContent-Length: {len(BIG)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", hub.port), timeout=TIMEOUT) as cut:
        cut.sendall(head_block.encode() + BIG[:300_000])
        time.sleep(0.5)
    deadline = time.monotonic() + 10
    while head(hub, token).headers["Upload-Offset"] != "300000":
        assert time.monotonic() < deadline, head(hub, token).headers
        time.sleep(0.05)
    assert put_chunk(hub, token, 300_000, len(BIG)).status_code == 201
    assert FolderBlobs.of(hub.data_dir).read(BIG_SHA) == BIG


def test_a_chunk_must_follow_what_arrived_and_the_whole_must_match_its_hash(hub):
    """A chunk past the bytes that arrived is refused with where to go on from; a malformed
    Content-Range is refused; bytes that, whole, hash to something else are dropped."""
    token = enroll(hub)
    gap = put_chunk(hub, token, 500_000, len(BIG))
    assert (gap.status_code, gap.json()["error"]["code"], gap.headers["Upload-Offset"]) == (409, "upload_offset", "0")
    bad = requests.put(
        f"{hub.url}/api/v1/attachments/{BIG_SHA}",
        data=b"x",
        headers={**bearer(token), "Content-Range": "bytes 5-1/10"},
        timeout=TIMEOUT,
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_range")
    forged = put_chunk(hub, token, 0, len(BIG), data=bytes(len(BIG)))
    assert (forged.status_code, forged.json()["error"]["code"]) == (400, "hash_mismatch")
    assert head(hub, token).headers["Upload-Offset"] == "0"
    assert not FolderBlobs.of(hub.data_dir).path(BIG_SHA).exists()


def test_the_size_limit_is_set_at_serve_and_holds_for_the_total_of_chunks(start_hub, tmp_path):
    """`--max-attachment` bounds a whole PUT and the TOTAL of a chunked one, whatever the chunk's size."""
    hub = start_hub("--max-attachment", "500000")
    token = enroll(hub)
    whole = put(hub, token, BIG)
    assert (whole.status_code, whole.json()["error"]["code"]) == (413, "too_large")
    chunk = put_chunk(hub, token, 0, 1000)
    assert (chunk.status_code, chunk.json()["error"]["code"]) == (413, "too_large")
    assert put(hub, token, PHOTO).status_code == 201


def test_the_size_limit_comes_from_the_environment_or_hub_toml(tmp_path, monkeypatch):
    from hub import settings

    (tmp_path / "hub.toml").write_text("max_attachment = 2048\n")
    assert settings.load(str(tmp_path)).limits.max_attachment == 2048
    monkeypatch.setenv("KIOSK_HUB_MAX_ATTACHMENT", "4096")
    assert settings.load(str(tmp_path)).limits.max_attachment == 4096
    assert settings.load(str(tmp_path), max_attachment=8192).limits.max_attachment == 8192
    assert settings.Limits().max_attachment == 10 * 1024 * 1024
