"""What every storage of the hub answers, whichever database is behind it.

The HTTP API and the commands see only `Storage`: SQLite for an officer's laptop, PostgreSQL
for an agency's fleet. Both keep a record's uuid unique by a database constraint, never by
looking first and inserting after.
"""

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, Protocol, TypedDict

from hub.storage.sql import Run

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

Record = dict[str, Any]  # a validated record, as parsed JSON
Value = str | int | bytes | None
Row = tuple[str, tuple[Value, ...]]  # a table's name and one of its rows (hub.storage.transfer)
Also = Callable[[Run], None]  # more statements for the transaction of a status change (the console's audit)


class Answer(TypedDict):
    """What the records answer says of one record (DESIGN.md, "Sync protocol")."""

    uuid: str | None  # None only for an invalid record whose uuid could not be echoed
    status: str  # one of RESULT_STATUSES
    tracking_id: NotRequired[str]
    error: NotRequired[str]


class Device(TypedDict):
    device_id: str
    enrolled_at: str
    revoked_at: str | None
    records: int


class StatusChange(TypedDict):
    uuid: str
    tracking_id: str | None  # the hub's own intake number
    status: str
    note: str | None
    updated_at: str
    national_tracking_id: NotRequired[str]  # the SP4N-LAPOR! number, once the report was handed over


def status_change(
    uuid: str, tracking_id: str | None, status: str, note: str | None, updated_at: str, national: str | None
) -> StatusChange:
    """One change as /api/v1/changes carries it: the national number only once there is one."""
    change: StatusChange = {
        "uuid": uuid,
        "tracking_id": tracking_id,
        "status": status,
        "note": note,
        "updated_at": updated_at,
    }
    if national is not None:
        change["national_tracking_id"] = national
    return change


class HubError(Exception):
    """A request the hub refuses; `code` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class DatabaseUnavailable(Exception):
    """The database cannot be reached or refused the connection (the message says why, in one line)."""


class StorageFull(Exception):
    """The disk under the database or the attachments is full: nothing of the request was kept."""


FULL_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


@contextmanager
def full_disk_said() -> Iterator[None]:
    """A write the disk has no room for is said as StorageFull, which the API answers as a pause
    (the kiosk keeps its records and retries), not as a crash."""
    try:
        yield
    except OSError as exc:
        if exc.errno in FULL_DISK_ERRNOS:
            raise StorageFull(os.strerror(exc.errno)) from exc
        raise


class SchemaBehind(Exception):
    """The database's schema is older than this hub's: `kiosk-hub migrate` brings it up."""


@dataclass(frozen=True)
class Result:
    uuid: str
    status: str  # one of RESULT_STATUSES
    tracking_id: str | None = None
    error: str | None = None

    def answer(self) -> Answer:
        """As the records answer carries it: a field without a value is left out."""
        answer: Answer = {"uuid": self.uuid, "status": self.status}
        if self.tracking_id is not None:
            answer["tracking_id"] = self.tracking_id
        if self.error is not None:
            answer["error"] = self.error
        return answer


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Blobs(Protocol):
    """Where attachment bytes live, by their SHA-256: a folder today, an object store later."""

    def write(self, sha256: str, data: bytes) -> None: ...


class Storage(Protocol):
    """The hub's state: devices, records, complaint status and attachments."""

    @property
    def data_dir(self) -> Path: ...

    @property
    def blobs(self) -> Blobs: ...

    @property
    def sealing_key(self) -> "X25519PrivateKey": ...

    def close(self) -> None: ...

    # enrollment and authentication
    def create_enrollment_code(self, valid_for: timedelta = ..., device_id: str | None = None) -> str:
        """A one-time code; with `device_id`, it gives that device a new token (the old one stops working)."""
        ...

    def enroll(self, code: str) -> tuple[str, str]:
        """Exchange a one-time code for (device_id, token); only a salted hash of the token is kept."""
        ...

    def authenticate(self, token: str) -> str | None:
        """The device a bearer token belongs to, or None (forged, revoked, re-keyed or malformed)."""
        ...

    def revoke(self, device_id: str) -> None: ...

    def devices(self) -> list[Device]: ...

    # records
    def store_records(self, device_id: str, records: list[tuple[Record, str]]) -> list[Result]:
        """Store validated (record, digest) pairs in one transaction, each answered in its place."""
        ...

    def withdraw(self, device_id: str, uuids: list[str]) -> int:
        """Erase the personal fields of this device's records among `uuids`; how many were erased."""
        ...

    def record_lines(self) -> Iterator[str]: ...

    def count(self) -> int: ...

    # attachments
    def attachment_count(self) -> int:
        """How many attachments the hub holds whole (for the health answer)."""
        ...

    def has_attachment(self, sha256: str) -> bool: ...

    def put_attachment(self, sha256: str, data: bytes) -> bool:
        """Keep a verified attachment; False when it was already here (the PUT is idempotent)."""
        ...

    def read_only(self) -> bool:
        """Whether this database takes no writes (a PostgreSQL read replica): readers that keep
        what they counted for the next reader count without keeping it."""
        ...

    def writing(self) -> AbstractContextManager[Run]:
        """A transaction for statements written once for both databases (hub.storage.sql),
        committed when the block ends without an exception; on SQLite behind its one writer."""
        ...

    # complaint status
    def changing(self) -> AbstractContextManager[Run]:
        """A write transaction in which status changes are numbered in the order they commit, so a
        kiosk's cursor on /api/v1/changes never passes one not yet visible."""
        ...

    def set_status(
        self, uuid: str, status: str, note: str | None = None, agency: str | None = None, also: Also | None = None
    ) -> str:
        """Move a complaint along its lifecycle, passed on to `agency` when FORWARDED, `also` run in
        the same transaction; returns the status it had."""
        ...

    def changes(self, device_id: str, cursor: int, limit: int) -> tuple[list[StatusChange], int, bool]:
        """Status changes of this device's complaints after `cursor`: (changes, next cursor, more)."""
        ...

    # the database whole (hub.storage.transfer)
    def rows(self) -> Iterator[Row]:
        """Every row of every table, as one snapshot, tables in transfer.TABLES order, times as UTC text."""
        ...

    def load(self, rows: Iterable[Row]) -> None:
        """Insert these rows into this empty database, all or nothing."""
        ...

    def counts(self) -> dict[str, int]:
        """Rows per table of transfer.TABLES."""
        ...
