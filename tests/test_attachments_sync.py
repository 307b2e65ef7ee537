"""Attachments on their way to a real hub on loopback: first, content-addressed, once, and a
record only after all of its attachments arrived."""

import hashlib
import json

import factories
import pytest
import requests

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
    post = HubClient.post_records
    sent = []
    put_chunk = HubClient.put_chunk

    def counted_chunk(client, sha256, data, start, total):
        sent.append((sha256, len(data)))
        return put_chunk(client, sha256, data, start, total)

    def cut_post(client, records):
        raise Offline("cut")

    monkeypatch.setattr(HubClient, "put_chunk", counted_chunk)
    monkeypatch.setattr(HubClient, "post_records", cut_post)
    assert run_sync(enrolled, QUICK).error == "offline"
    assert {sha for sha, _ in sent} == {record["attachments"][0]["sha256"]} and at_hub(hub, voice) == voice
    assert sum(size for _, size in sent) == len(voice)
    assert hub_uuids(hub) == []

    monkeypatch.setattr(HubClient, "post_records", post)
    report = run_sync(enrolled, QUICK)
    assert (report.acked, report.done) == (1, True)
    assert sum(size for _, size in sent) == len(voice)  # not sent a second time
    assert hub_uuids(hub) == [record["uuid"]]


class CutAfterChunks:
    """A fault proxy that lets `chunks` chunks of an upload reach the hub and then drops the
    connection of the next one, either before it reaches the hub or after, before its answer;
    it keeps the body of every request that passes through it."""

    def __init__(self, monkeypatch, hub_port: int, chunks: int, mode: str):
        import faultproxy

        self.bodies: list[bytes] = []
        read_body = faultproxy._read_body

        def counted(reader, headers, until_eof):
            body = read_body(reader, headers, until_eof)
            if not until_eof:  # a request's body, not an answer's
                self.bodies.append(body)
            return body

        def choose(proxy):
            if sum(len(body) == Policy.chunk_bytes for body in self.bodies) == chunks + 1 and not proxy.faults:
                proxy.faults[mode] += 1
                return mode
            return None

        monkeypatch.setattr(faultproxy, "_read_body", counted)
        monkeypatch.setattr(faultproxy.FaultProxy, "_choose", choose)
        self.proxy = faultproxy.FaultProxy(hub_port, rate=0.0)

    def bytes_of(self, data: bytes) -> int:
        """How many bytes of `data` went through, resent ones counted again."""
        return sum(len(body) for body in self.bodies if body and body in data)


@pytest.mark.parametrize("mode", ["drop_after", "drop_before"])
def test_a_connection_dropped_half_way_through_a_voice_note_resumes_where_the_hub_stopped(
    hub, enrolled, monkeypatch, mode
):
    """A 5 MB voice note goes up in 1 MiB chunks; the connection drops at the third. The kiosk asks
    the hub where its bytes end and goes on from there: a chunk the hub stored (its answer lost)
    is not sent again, one that never arrived is, and the hub holds the very bytes recorded."""
    voice = b"OggS" + bytes(range(256)) * (5 * 1024 * 4)
    record = voice_only(voice)
    stored(enrolled, [record], voice)
    enrollment = credentials.load(enrolled)
    cutting = CutAfterChunks(monkeypatch, hub.port, chunks=2, mode=mode)
    with cutting.proxy as proxy:
        credentials.save(enrolled, credentials.Credentials(proxy.url, enrollment.device_id, enrollment.token))
        report = run_sync(enrolled, QUICK)
    assert (report.acked, report.done, proxy.faults[mode]) == (1, True, 1)
    assert at_hub(hub, voice) == voice and hub_uuids(hub) == [record["uuid"]]
    resent = Policy.chunk_bytes if mode == "drop_before" else 0
    assert cutting.bytes_of(voice) == len(voice) + resent


def test_a_hub_older_than_chunks_gets_a_large_attachment_whole(hub, enrolled, monkeypatch):
    """A hub that does not know HEAD on attachments answers 405: the kiosk sends the bytes in one PUT."""
    voice = b"OggS" + bytes(range(256)) * 4096 * 2
    record = voice_only(voice)
    stored(enrolled, [record], voice)
    real = requests.Session.head

    def older_hub(session, url, **kwargs):
        answer = real(session, url, **kwargs)
        answer.status_code = 405
        return answer

    monkeypatch.setattr(requests.Session, "head", older_hub)
    monkeypatch.setattr(HubClient, "put_chunk", lambda *args: pytest.fail("a chunk sent to a hub without chunks"))
    assert run_sync(enrolled, QUICK).acked == 1
    assert at_hub(hub, voice) == voice


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
