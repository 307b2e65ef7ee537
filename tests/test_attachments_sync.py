"""Attachments on their way to a real hub on loopback: first, content-addressed, once, and a
record only after all of its attachments arrived."""

import hashlib
import json

import factories
import pytest

from hub.storage.blobs import FolderBlobs
from kiosk.store import Store, attachments, intake
from kiosk.sync import credentials
from kiosk.sync.engine import Policy, run_sync
from kiosk.sync.transport import HubClient, Offline

QUICK = Policy(attempts=2, backoff_base=0.01, backoff_max=0.05, timeout=(2.0, 10.0))
PHOTO_1 = b"\xff\xd8\xff\xe0 jembatan putus " * 1000
PHOTO_2 = b"\xff\xd8\xff\xe0 sekolah tanpa atap " * 1000


@pytest.fixture
def enrolled(kiosk, hub, data_dir):
    done = kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code())
    assert done.returncode == 0, done.stderr
    return data_dir


def voice_only(data: bytes) -> dict:
    voice = intake.attachment(data, "audio/ogg", "voice", "suara.ogg", duration_s=180)
    record = factories.complaint(schema=2, anonymous=True, attachments=[voice])
    del record["body"]
    return record


def with_photos(*photos: bytes) -> dict:
    entries = [intake.attachment(data, "image/jpeg", "photo", f"foto-{n}.jpg") for n, data in enumerate(photos)]
    return factories.complaint(schema=2, attachments=entries)


def stored(data_dir, records: list[dict], *files: bytes) -> None:
    with Store(data_dir) as store:
        assert all(o.status == "stored" for o in store.add_records(records, attachments.in_memory(*files)))


def at_hub(hub, data: bytes) -> bytes | None:
    """The bytes the hub holds under this content's hash (its blob store is content-addressed)."""
    return FolderBlobs.of(hub.data_dir).read(hashlib.sha256(data).hexdigest())


def hub_uuids(hub) -> list[str]:
    return [json.loads(line)["uuid"] for line in hub.records()]


def test_a_voice_note_and_two_photos_arrive_byte_identical(hub, enrolled):
    """A voice-only complaint and one with two photos reach the hub with the very bytes taken at
    the kiosk; on the kiosk they are then sealed for the hub (the kiosk cannot read them back)."""
    voice = b"OggS" + b"suara " * 20_000
    spoken, shown = voice_only(voice), with_photos(PHOTO_1, PHOTO_2)
    stored(enrolled, [spoken, shown], voice, PHOTO_1, PHOTO_2)
    report = run_sync(enrolled, QUICK)
    assert (report.acked, report.quarantined, report.done) == (2, 0, True)
    assert sorted(hub_uuids(hub)) == sorted([spoken["uuid"], shown["uuid"]])
    assert [at_hub(hub, data) for data in (voice, PHOTO_1, PHOTO_2)] == [voice, PHOTO_1, PHOTO_2]
    with Store(enrolled) as store:
        assert {a["state"] for a in store.list_attachments(shown["uuid"])} == {"sealed"}
        assert list(store.readable_attachments()) == []


def test_a_cut_upload_is_tried_again_and_what_arrived_is_not_sent_again(hub, enrolled, monkeypatch):
    """A 5 MB voice note whose connection drops is not acknowledged and its record is not sent;
    the next run uploads it. When the upload arrived but the record did not, the run after sends the
    record alone: the kiosk remembers what the hub confirmed."""
    from faultproxy import FaultProxy

    voice = b"OggS" + bytes(range(256)) * (5 * 1024 * 4)
    record = voice_only(voice)
    stored(enrolled, [record], voice)
    enrollment = credentials.load(enrolled)
    with FaultProxy(hub.port, rate=1.0, modes=("drop_before",)) as proxy:
        credentials.save(enrolled, credentials.Credentials(proxy.url, enrollment.device_id, enrollment.token))
        report = run_sync(enrolled, QUICK)
        assert (report.error, report.remaining, report.sent) == ("offline", 1, 0)
        assert proxy.faults["drop_before"] >= QUICK.attempts and at_hub(hub, voice) is None

    credentials.save(enrolled, enrollment)
    put, post = HubClient.put_attachment, HubClient.post_records
    uploads = []

    def counted_put(client, sha256, data):
        uploads.append(sha256)
        return put(client, sha256, data)

    def cut_post(client, records):
        raise Offline("cut")

    monkeypatch.setattr(HubClient, "put_attachment", counted_put)
    monkeypatch.setattr(HubClient, "post_records", cut_post)
    assert run_sync(enrolled, QUICK).error == "offline"
    assert uploads == [record["attachments"][0]["sha256"]] and at_hub(hub, voice) == voice
    assert hub_uuids(hub) == []

    monkeypatch.setattr(HubClient, "post_records", post)
    report = run_sync(enrolled, QUICK)
    assert (report.acked, report.done) == (1, True)
    assert len(uploads) == 1  # not sent a second time
    assert hub_uuids(hub) == [record["uuid"]]


def test_an_attachment_too_large_for_the_hub_quarantines_exactly_its_record(hub, enrolled):
    """The hub takes at most 10 MiB an attachment: the complaint carrying a larger one is kept aside
    with the reason, never sent without it, and every other record keeps flowing."""
    big = b"\xff\xd8" + b"\x00" * (11 * 1024 * 1024)
    oversized, fine, plain = with_photos(big), with_photos(PHOTO_1), factories.complaint()
    stored(enrolled, [oversized, fine, plain], big, PHOTO_1)
    report = run_sync(enrolled, QUICK)
    assert (report.acked, report.quarantined, report.remaining) == (2, 1, 0)
    assert sorted(hub_uuids(hub)) == sorted([fine["uuid"], plain["uuid"]])
    with Store(enrolled) as store:
        (kept,) = store.quarantined()
    assert kept["uuid"] == oversized["uuid"] and kept["reason"].startswith("attachment_too_large")


def test_the_same_photo_in_two_complaints_goes_up_once(hub, enrolled, monkeypatch):
    """Content-addressed: a photo two complaints share is uploaded once; both records arrive."""
    uploads = []
    put = HubClient.put_attachment
    monkeypatch.setattr(HubClient, "put_attachment", lambda c, sha, data: uploads.append(sha) or put(c, sha, data))
    first, second = with_photos(PHOTO_1), with_photos(PHOTO_1, PHOTO_2)
    stored(enrolled, [first, second], PHOTO_1, PHOTO_2)
    assert run_sync(enrolled, QUICK).acked == 2
    assert sorted(uploads) == sorted(hashlib.sha256(p).hexdigest() for p in (PHOTO_1, PHOTO_2))
