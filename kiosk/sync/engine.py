"""One sync run: push the outbox, then pull complaint status and shared events, under a per-folder lock.

Failures of a request are retried by tenacity with exponential backoff and jitter, or
after the hub's Retry-After; when the tries run out the run ends and everything not
acknowledged waits for the next run. 413 splits a batch; 401 stops and asks for a new
enrollment. Attachments go up before the records that name them: a record is posted only
once the hub holds all of its attachments, and a hash the hub confirmed is remembered in the
store, so a run cut short resends only what had not arrived. A large attachment goes up in
chunks, resumed from where the hub says its bytes end. Every read and write of
the database goes through the kiosk's one writer (kiosk.store.writer): the window's, when
the window syncs, so a sync never competes with a citizen's save for the database's lock.
"""

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from filelock import FileLock, Timeout
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.privacy import erasure
from kiosk.records.protocol import ACKNOWLEDGED, CONFLICT, INVALID
from kiosk.records.sealing import check_public_key
from kiosk.store import SEALING_KEY, Store, outbox, utc_now
from kiosk.store.writer import Writer
from kiosk.sync import credentials
from kiosk.sync.transport import HubClient, NotResumable, Offline, Refused, RetryLater, TooLarge, TransportError

T = TypeVar("T")
log = logging.getLogger(__name__)
LOCK_FILE = "sync.lock"
LARGE_SKEW_S = 300
IN_FLIGHT = 3  # batches on their way at once
ATTACHING_KINDS = ("complaint", "feedback")  # a voice note or photos; a spoken reason for a verdict

ERRORS = {
    "offline": N_("The hub cannot be reached. The records wait safely on this kiosk and are sent later."),
    "hub_busy": N_("The hub is busy. The kiosk tries again later."),
    "needs_enrollment": N_("The hub no longer accepts this kiosk. Enroll it again with a new code from the hub."),
    "refused": N_("The hub refused the request."),
    "too_large": N_("The hub refused a batch as too large."),
}
REASONS = {
    CONFLICT: N_("the hub holds another record with the same uuid"),
    INVALID: N_("the hub found the record invalid"),
    "attachment_missing": N_("an attachment is missing from this kiosk"),
    "attachment_too_large": N_("an attachment is larger than the hub accepts"),
    "attachment_refused": N_("the hub refused an attachment"),
    "too_large": N_("the record is too large for the hub"),
}


@dataclass(frozen=True)
class Policy:
    batch_count: int = 500
    batch_bytes: int = 1024 * 1024
    timeout: tuple[float, float] = (5.0, 30.0)  # connect, read
    attempts: int = 4  # per request
    backoff_base: float = 1.0  # seconds; grows exponentially, with jitter
    backoff_max: float = 15.0
    retry_after_max: float = 300.0
    chunk_bytes: int = 1024 * 1024  # a larger attachment goes up in chunks of this size, resumable


@dataclass
class SyncReport:
    sent: int = 0
    acked: int = 0
    quarantined: int = 0
    statuses: int = 0
    events: int = 0  # shared by the hub, new on this kiosk
    remaining: int = 0
    quarantined_total: int = 0
    skew_seconds: float | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.error is None and self.remaining == 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "done": self.done}


def error_text(code: str | None) -> str:
    return _(ERRORS[code]) if code in ERRORS else ""


def reason_text(reason: str) -> str:
    """A quarantine reason ("code: detail") in the reader's language."""
    code, _sep, detail = reason.partition(": ")
    shown = _(REASONS[code]) if code in REASONS else code
    return f"{shown} ({detail})" if detail else shown


class SyncBusy(KioskError):
    pass


class NotEnrolled(KioskError):
    pass


class _Run:
    def __init__(
        self,
        writer: Writer,
        new_client: Callable[[], HubClient],
        policy: Policy,
        progress: Callable[[SyncReport], None] | None,
    ):
        self.writer, self.policy = writer, policy
        self.new_client, self.client = new_client, new_client()
        self.couriers = threading.local()  # a client (and its connection) per courier thread
        self.courier_clients: list[HubClient] = []
        self.progress = progress or (lambda report: None)
        self.report = SyncReport()
        self.uploaded: set[str] = set()
        exponential = wait_random_exponential(multiplier=policy.backoff_base, max=policy.backoff_max)

        def wait(state: RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, RetryLater) and failure.seconds is not None:
                return min(failure.seconds, policy.retry_after_max)
            return float(exponential(state))

        self.retrying = Retrying(
            retry=retry_if_exception_type((Offline, RetryLater)),
            wait=wait,
            stop=stop_after_attempt(policy.attempts),
            reraise=True,
        )

    def retry(self, request: Callable[..., T], *args: Any) -> T:
        """`request(*args)`, tried again as the policy says; safe from any thread (each call
        gets its own copy of the retry state)."""
        result: T = self.retrying.copy()(request, *args)
        return result

    def push(self) -> None:
        """Up to IN_FLIGHT batches travel at once, each posted by a courier thread, while this
        thread has the next batch read and the answers recorded, in order: the hub validates one
        batch while it stores another and the kiosk reads a third."""
        self.writer.run(outbox.resume_interrupted)
        after, more = 0, True
        in_flight: deque[tuple[list[outbox.Item], Future[dict[str, Any]]]] = deque()
        with ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="kiosk-sync-post") as couriers:
            while more or in_flight:
                if more and len(in_flight) < IN_FLIGHT:
                    batch, after = self.writer.run(
                        outbox.next_batch, self.policy.batch_count, self.policy.batch_bytes, after
                    )
                    more = bool(batch)
                    ready = self.with_attachments(batch)
                    if ready:
                        self.writer.run(outbox.mark_sending, [item.uuid for item in ready])
                        self.report.sent += len(ready)
                        in_flight.append((ready, couriers.submit(self._post, ready)))
                    continue
                ready, posted = in_flight.popleft()
                try:
                    self.settle(ready, posted.result())
                except TooLarge:
                    self.split(ready)
                self.progress(self.report)

    def _post(self, batch: list[outbox.Item]) -> dict[str, Any]:
        client: HubClient | None = getattr(self.couriers, "client", None)
        if client is None:
            client = self.couriers.client = self.new_client()
            self.courier_clients.append(client)
        return self.retry(client.post_records, [(item.uuid, item.body) for item in batch])

    @property
    def skew(self) -> float | None:
        """The hub's clock against ours, from the clients that heard it (this thread's first)."""
        return next((c.skew for c in (self.client, *self.courier_clients) if c.skew is not None), None)

    def close(self) -> None:
        for client in (self.client, *self.courier_clients):
            client.close()

    def with_attachments(self, batch: list[outbox.Item]) -> list[outbox.Item]:
        """Uploads what the batch's records name; a record whose attachment cannot reach the
        hub is quarantined with the reason, and the others go on."""
        ready, refused = [], []
        for item in batch:
            entries = item.record.get("attachments", []) if item.kind in ATTACHING_KINDS else []
            problem = next(filter(None, (self.upload(entry["sha256"]) for entry in entries)), None)
            if problem:
                refused.append((item.uuid, problem))
            else:
                ready.append(item)
        self._quarantine(refused)
        return ready

    def upload(self, sha256: str) -> str | None:
        """Puts one attachment at the hub unless it is there already; the reason it cannot, or None."""
        if sha256 in self.uploaded or self.writer.run(outbox.known_at_hub, sha256):
            self.uploaded.add(sha256)
            return None
        data = self.writer.run(outbox.attachment_to_send, sha256)
        if data is None:
            return f"attachment_missing: {sha256[:12]}"
        try:
            if len(data) > self.policy.chunk_bytes:
                self.put_in_chunks(sha256, data)
            else:
                self.retry(self.client.put_attachment, sha256, data)
        except TooLarge:
            return f"attachment_too_large: {sha256[:12]}"
        except Refused as exc:
            return f"attachment_refused: {sha256[:12]} {exc}"
        self.writer.run(outbox.mark_uploaded, sha256)
        self.uploaded.add(sha256)
        return None

    def put_in_chunks(self, sha256: str, data: bytes) -> None:
        """Each chunk has the policy's tries of its own, so a long upload that progresses over a
        poor line is not given up; the hub is asked where to go on first and after every failure,
        so what arrived before a dropped connection is not sent again. A hub older than chunks
        gets the attachment whole."""
        total = len(data)
        known: int | None = None  # the hub's offset, when the last answer told it

        def next_chunk() -> int:
            nonlocal known
            start, known = known, None
            if start is None:
                try:
                    start = self.client.upload_offset(sha256)
                except NotResumable:
                    self.client.put_attachment(sha256, data)
                    return total
                if start is None:
                    return total
                if start >= total:  # every byte arrived, yet the hub holds no attachment: start over
                    start = 0
            return self.client.put_chunk(sha256, data[start : start + self.policy.chunk_bytes], start, total)

        while (reached := self.retry(next_chunk)) < total:
            known = reached

    def send(self, batch: list[outbox.Item]) -> None:
        """One batch, here and now (the halves of a batch the hub found too large)."""
        if not batch:
            return
        self.writer.run(outbox.mark_sending, [item.uuid for item in batch])
        try:
            self.settle(batch, self.retry(self.client.post_records, [(item.uuid, item.body) for item in batch]))
        except TooLarge:
            self.split(batch)

    def split(self, batch: list[outbox.Item]) -> None:
        if len(batch) == 1:
            self._quarantine([(batch[0].uuid, "too_large")])
            return
        middle = len(batch) // 2
        self.send(batch[:middle])
        self.send(batch[middle:])

    def settle(self, batch: list[outbox.Item], body: dict[str, Any]) -> None:
        acked, refused = [], []
        for item, result in zip(batch, body["results"], strict=True):
            if result["status"] in ACKNOWLEDGED:
                acked.append((item.uuid, result.get("tracking_id")))
            else:
                detail = str(result.get("error") or "")[:500]
                refused.append((item.uuid, f"{result['status']}: {detail}" if detail else result["status"]))
        self.writer.run(outbox.mark_acked, acked)
        self.report.acked += len(acked)
        self._quarantine(refused)

    def _quarantine(self, refused: list[tuple[str, str]]) -> None:
        if refused:
            self.writer.run(outbox.quarantine, refused)
            self.report.quarantined += len(refused)

    def withdraw(self) -> None:
        """Withdrawals of consent go after the records: a record in flight when its person
        withdrew reaches the hub first, and is then erased there too."""
        while uuids := self.writer.run(outbox.unsent_withdrawals, self.policy.batch_count):
            self.retry(self.client.withdraw, uuids)
            self.writer.run(outbox.mark_withdrawals_sent, uuids)

    def pull(self) -> None:
        cursor = str(self.writer.run(Store.setting, "sync_cursor", "0"))
        while True:
            body = self.retry(self.client.changes, cursor)
            self.report.statuses += self.writer.run(outbox.apply_changes, body["changes"], body["cursor"])
            cursor = body["cursor"]
            if not body.get("more"):
                return

    def pull_events(self) -> None:
        """Events made at other kiosks or in the hub's console, so this kiosk's registrations can
        count into them; a hub older than shared events answers 404 (Refused), and is let be."""
        cursor = str(self.writer.run(Store.setting, "events_cursor", "0"))
        while True:
            try:
                body = self.retry(self.client.events, cursor)
            except Refused:
                return
            self.report.events += self.writer.run(outbox.keep_events, body["events"], body["cursor"])
            cursor = body["cursor"]
            if not body.get("more"):
                return


@contextmanager
def _writer_for(data_dir: Path, writer: Writer | None) -> Iterator[Writer]:
    """The kiosk's writer when the window runs the sync; else one of this run's own."""
    if writer is not None:
        yield writer
        return
    with Writer(data_dir) as own:
        yield own


def run_sync(
    data_dir: Path,
    policy: Policy = Policy(),
    progress: Callable[[SyncReport], None] | None = None,
    writer: Writer | None = None,
) -> SyncReport:
    """Sync now; raises SyncBusy when another sync holds this folder, NotEnrolled before enrollment."""
    data_dir = Path(data_dir)
    enrolled = credentials.load(data_dir)
    if enrolled is None:
        raise NotEnrolled(_("This kiosk is not enrolled with a hub yet: kiosk enroll --hub URL --code CODE"))
    lock = FileLock(data_dir / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SyncBusy(_("Another sync is already running for this data folder.")) from None
    try:
        with _writer_for(data_dir, writer) as writing:
            run = _Run(writing, lambda: HubClient(enrolled.hub_url, enrolled.token, policy.timeout), policy, progress)
            try:
                if writing.run(Store.setting, SEALING_KEY) is None:  # enrolled before the hub gave keys out
                    writing.run(erasure.seal_kept, run.retry(run.client.sealing_key))
                run.push()
                run.withdraw()
                run.pull()
                run.pull_events()
            except TransportError as exc:
                run.report.error = exc.code
            finally:
                run.close()
            writing.run(_record, run.report, run.skew)
            erased = writing.run(erasure.purge)  # what the hub has had for the retention time leaves the kiosk
            log.info(
                "sync: %d sent, %d acknowledged, %d quarantined, %d waiting, %d status updates, %d events, %d erased%s",
                run.report.sent,
                run.report.acked,
                run.report.quarantined,
                run.report.remaining,
                run.report.statuses,
                run.report.events,
                erased,
                f", stopped: {run.report.error}" if run.report.error else "",
            )
            return run.report
    finally:
        lock.release()


def _record(store: Store, report: SyncReport, skew: float | None) -> None:
    """What the officer sees: counts, last success, last error, clock skew."""
    report.remaining, report.quarantined_total = outbox.queue_counts(store)
    report.skew_seconds = None if skew is None else round(skew, 1)
    if skew is not None:
        store.set_setting("clock_skew_seconds", report.skew_seconds)
    if report.error:
        store.set_setting("sync_last_error", {"code": report.error, "at": utc_now()})
    else:
        store.set_setting("sync_last_success", utc_now())
        store.set_setting("sync_last_error", None)
    store.set_setting("sync_needs_enrollment", report.error == "needs_enrollment")


def enroll(data_dir: Path, hub_url: str, code: str, policy: Policy = Policy(), writer: Writer | None = None) -> str:
    """Register this kiosk with a hub; returns the device id the hub gave it."""
    parts = urlsplit(hub_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KioskError(_("{url} is not a hub address; write it like https://hub.example.go.id").format(url=hub_url))
    client = HubClient(hub_url, timeout=policy.timeout)
    try:
        answer = client.enroll(code.strip())
    except Refused:
        raise KioskError(_("The hub refused the enrollment code: it is unknown, used or expired.")) from None
    except TransportError:
        raise KioskError(_("Cannot reach a LAPOR! hub at {url}.").format(url=hub_url)) from None
    finally:
        client.close()
    try:
        check_public_key(answer["sealing_key"])
    except ValueError:
        raise KioskError(_("The hub at {url} sent a sealing key this kiosk cannot use.").format(url=hub_url)) from None
    with _writer_for(Path(data_dir), writer) as writing:
        writing.run(_enrolled, Path(data_dir), hub_url, answer)
    return str(answer["device_id"])


def _enrolled(store: Store, data_dir: Path, hub_url: str, answer: dict[str, Any]) -> None:
    credentials.save(data_dir, credentials.Credentials(hub_url, answer["device_id"], answer["token"]))
    erasure.seal_kept(store, answer["sealing_key"])
    store.set_setting("device_id", answer["device_id"])
    store.set_setting("hub_url", hub_url)
    store.set_setting("sync_needs_enrollment", False)
    store.audit("officer", "enroll", hub=hub_url, device_id=answer["device_id"])
