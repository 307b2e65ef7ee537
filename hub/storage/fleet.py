"""What the admin oversees: the kiosks (their last contact, their tokens) and the audit log.

A kiosk's contact is noted when its token is accepted, by a conditional UPDATE that writes only
when the stored contact is a minute old: several hub processes serving one database then write
about once a minute per kiosk between them, and a fleet syncing at once does not turn every
request into a write. Revoking a token is audited in its own transaction; an enrollment code is
audited before it is handed out, so a code whose entry could not be written is never shown.

The audit log grows without bound: it is read a page at a time, newest first, each page after
the last entry of the one before (by `seq`), never by an offset the database would count through.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.storage.base import HubError, Storage, now
from hub.storage.events import HUB_DEVICE
from hub.storage.staff import audit

CONTACT_EVERY = timedelta(minutes=1)
REVOKE_KIOSK, ENROLLMENT_CODE = "revoke_kiosk", "enrollment_code"
CHUNK = 500  # audit entries a download reads at a time


@dataclass(frozen=True)
class Kiosk:
    device_id: str
    enrolled_at: str
    revoked_at: str | None
    last_seen_at: str | None
    app_version: str | None
    clock_skew_s: float | None  # the kiosk's clock minus the hub's, when it last said its time
    records: int  # received from it


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    address: str | None


@dataclass(frozen=True)
class AuditFilters:
    """Exact actor and action; `since` (inclusive) and `until` (exclusive) as UTC text."""

    actor: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None

    def sql(self) -> tuple[str, list[object]]:
        chosen = (
            ("actor = ?", self.actor),
            ("action = ?", self.action),
            ("at >= ?", self.since),
            ("at < ?", self.until),
        )
        return " AND ".join(["1 = 1", *(clause for clause, value in chosen if value)]), [v for _, v in chosen if v]


class Fleet:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def kiosks(self) -> list[Kiosk]:
        with self.storage.writing() as run:
            rows = run(
                "SELECT device_id, enrolled_at, revoked_at, last_seen_at, app_version, clock_skew_s, records"
                " FROM devices WHERE device_id <> ? ORDER BY enrolled_at, device_id",
                [HUB_DEVICE],  # the console's events are stored under it; it is no kiosk
            )
        return [Kiosk(*row) for row in rows]

    def contact(self, device_id: str, app_version: str | None, clock_skew_s: float | None) -> bool:
        """Notes that the kiosk called now; False when a contact within the last minute is noted
        already. A call that did not say its clock keeps the skew noted before."""
        at = now()
        with self.storage.writing() as run:
            written = run(
                "UPDATE devices SET last_seen_at = ?, app_version = ?, clock_skew_s = coalesce(?, clock_skew_s)"
                " WHERE device_id = ? AND (last_seen_at IS NULL OR last_seen_at < ?) RETURNING device_id",
                [at, app_version, clock_skew_s, device_id, _iso(datetime.fromisoformat(at) - CONTACT_EVERY)],
            )
        return bool(written)

    def revoke(self, device_id: str, actor: str, address: str) -> None:
        """Storage.revoke's UPDATE with its audit entry, in one transaction."""
        with self.storage.writing() as run:
            if not run("UPDATE devices SET revoked_at = ? WHERE device_id = ? RETURNING device_id", [now(), device_id]):
                raise HubError("unknown_device", f"no device {device_id}")
            audit(run, actor, REVOKE_KIOSK, device_id, address)

    def enrollment_code(self, valid_for: timedelta, actor: str, address: str, device_id: str | None = None) -> str:
        """A one-time code, for a new kiosk or (with `device_id`) a new token of that one."""
        code = self.storage.create_enrollment_code(valid_for, device_id)
        with self.storage.writing() as run:
            audit(run, actor, ENROLLMENT_CODE, device_id, address)
        return code

    # the audit log
    def audit_page(self, filters: AuditFilters, before: int | None, limit: int) -> list[Entry]:
        """The newest `limit` entries matching `filters` older than entry `before`."""
        where, params = filters.sql()
        if before is not None:
            where += " AND seq < ?"
            params.append(before)
        with self.storage.writing() as run:
            rows = run(
                f"SELECT seq, at, actor, action, target, address FROM audit_log WHERE {where}"
                " ORDER BY seq DESC LIMIT ?",
                [*params, limit],
            )
        return [Entry(*row) for row in rows]

    def audit_entries(self, filters: AuditFilters) -> Iterator[Entry]:
        """Every entry matching `filters`, newest first, a chunk per transaction."""
        before = None
        while True:
            entries = self.audit_page(filters, before, CHUNK)
            yield from entries
            if len(entries) < CHUNK:
                return
            before = entries[-1].seq


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
