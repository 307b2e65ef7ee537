"""One sync run: push the outbox, then pull complaint status, under a per-folder lock.

Failures of a request are retried by tenacity with exponential backoff and jitter, or
after the hub's Retry-After; when the tries run out the run ends and everything not
acknowledged waits for the next run. 413 splits a batch; 401 stops and asks for a new
enrollment. Attachments go up before the records that name them.
"""

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.store import Store, utc_now
from kiosk.sync import credentials, outbox
from kiosk.sync.transport import HubClient, Offline, Refused, RetryLater, TooLarge, TransportError

LOCK_FILE = "sync.lock"
ATTACHMENTS = "attachments"
LARGE_SKEW_S = 300

ERRORS = {
    "offline": N_("The hub cannot be reached. The records wait safely on this kiosk and are sent later."),
    "hub_busy": N_("The hub is busy. The kiosk tries again later."),
    "needs_enrollment": N_("The hub no longer accepts this kiosk. Enroll it again with a new code from the hub."),
    "refused": N_("The hub refused the request."),
    "too_large": N_("The hub refused a batch as too large."),
}
REASONS = {
    "conflict": N_("the hub holds another record with the same uuid"),
    "invalid": N_("the hub found the record invalid"),
    "attachment_missing": N_("an attachment is missing from this kiosk"),
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


@dataclass
class SyncReport:
    sent: int = 0
    acked: int = 0
    quarantined: int = 0
    statuses: int = 0
    remaining: int = 0
    quarantined_total: int = 0
    skew_seconds: float | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.error is None and self.remaining == 0

    def as_dict(self) -> dict:
        return {**asdict(self), "done": self.done}


def error_text(code: str | None) -> str:
    return _(ERRORS[code]) if code in ERRORS else ""


def reason_text(reason: str) -> str:
    """A quarantine reason ("code: detail") in the reader's language."""
    code, _sep, detail = reason.partition(": ")
    shown = _(REASONS[code]) if code in REASONS else code
    return f"{shown} ({detail})" if detail else shown


def attachment_path(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / ATTACHMENTS / sha256


class SyncBusy(KioskError):
    pass


class NotEnrolled(KioskError):
    pass


class _Run:
    def __init__(self, data_dir: Path, store: Store, client: HubClient, policy: Policy, progress):
        self.data_dir, self.store, self.client, self.policy = data_dir, store, client, policy
        self.progress = progress or (lambda report: None)
        self.report = SyncReport()
        self.uploaded: set[str] = set()
        exponential = wait_random_exponential(multiplier=policy.backoff_base, max=policy.backoff_max)

        def wait(state) -> float:
            failure = state.outcome.exception()
            if isinstance(failure, RetryLater) and failure.seconds is not None:
                return min(failure.seconds, policy.retry_after_max)
            return exponential(state)

        self.retrying = Retrying(retry=retry_if_exception_type((Offline, RetryLater)), wait=wait,
                                 stop=stop_after_attempt(policy.attempts), reraise=True)

    def push(self) -> None:
        after = 0
        while True:
            batch, after = outbox.next_batch(self.store, self.policy.batch_count, self.policy.batch_bytes, after)
            if not batch:
                return
            self.send(self.with_attachments(batch))
            self.progress(self.report)

    def with_attachments(self, batch: list[outbox.Item]) -> list[outbox.Item]:
        """Upload what the batch's records name; a record whose file is missing is quarantined."""
        ready, missing = [], []
        for item in batch:
            problem = None
            for attachment in item.record.get("attachments", []):
                sha256 = attachment["sha256"]
                if sha256 in self.uploaded:
                    continue
                try:
                    data = attachment_path(self.data_dir, sha256).read_bytes()
                except OSError:
                    data = None
                if data is None or hashlib.sha256(data).hexdigest() != sha256:
                    problem = f"attachment_missing: {sha256[:12]}"
                    break
                self.retrying(self.client.put_attachment, sha256, data)
                self.uploaded.add(sha256)
            if problem:
                missing.append((item.uuid, problem))
            else:
                ready.append(item)
        self._quarantine(missing)
        return ready

    def send(self, batch: list[outbox.Item]) -> None:
        if not batch:
            return
        outbox.mark_sending(self.store, [item.uuid for item in batch])
        self.report.sent += len(batch)
        try:
            body = self.retrying(self.client.post_records, [item.record for item in batch])
        except TooLarge:
            if len(batch) == 1:
                self._quarantine([(batch[0].uuid, "too_large")])
                return
            middle = len(batch) // 2
            self.send(batch[:middle])
            self.send(batch[middle:])
            return
        acked, refused = [], []
        for item, result in zip(batch, body["results"]):
            if result["status"] in ("stored", "duplicate"):
                acked.append((item.uuid, result.get("tracking_id")))
            else:
                detail = str(result.get("error") or "")[:500]
                refused.append((item.uuid, f"{result['status']}: {detail}" if detail else result["status"]))
        outbox.mark_acked(self.store, acked)
        self.report.acked += len(acked)
        self._quarantine(refused)

    def _quarantine(self, refused: list[tuple[str, str]]) -> None:
        if refused:
            outbox.quarantine(self.store, refused)
            self.report.quarantined += len(refused)

    def pull(self) -> None:
        cursor = str(self.store.setting("sync_cursor", "0"))
        while True:
            body = self.retrying(self.client.changes, cursor)
            self.report.statuses += outbox.apply_changes(self.store, body["changes"], body["cursor"])
            cursor = body["cursor"]
            if not body.get("more"):
                return


def run_sync(data_dir: Path, policy: Policy = Policy(),
             progress: Callable[[SyncReport], None] | None = None) -> SyncReport:
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
        with Store(data_dir) as store:
            client = HubClient(enrolled.hub_url, enrolled.token, policy.timeout)
            run = _Run(data_dir, store, client, policy, progress)
            try:
                run.push()
                run.pull()
            except TransportError as exc:
                run.report.error = exc.code
            finally:
                client.close()
            _record(store, run.report, client.skew)
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


def enroll(data_dir: Path, hub_url: str, code: str, policy: Policy = Policy()) -> str:
    """Register this kiosk with a hub; returns the device id the hub gave it."""
    from urllib.parse import urlsplit

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
    with Store(data_dir) as store:
        credentials.save(data_dir, credentials.Credentials(hub_url, answer["device_id"], answer["token"]))
        store.set_setting("device_id", answer["device_id"])
        store.set_setting("hub_url", hub_url)
        store.set_setting("sync_needs_enrollment", False)
        store.audit("officer", "enroll", hub=hub_url, device_id=answer["device_id"])
    return answer["device_id"]
