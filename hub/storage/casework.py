"""What the console reads and does with complaints: the inbox, one complaint, its history,
and status changes with their dispositions.

Status changes go through the storage's own `set_status`, the path `kiosk-hub set-status`
takes, so each one reaches the kiosk by `/api/v1/changes`. The personal part of a record is
handed out only by `personal`, which writes the audit entry in the same transaction.
"""

import json
from dataclasses import dataclass
from typing import Any

from hub.storage.access import transaction
from hub.storage.base import HubError, Storage
from hub.storage.staff import audit
from kiosk.records.personal import split
from kiosk.records.protocol import FORWARDED

INBOX_LIMIT = 2000  # complaints one inbox view reads; sorting by deadline happens after
VIEW_PERSONAL = "view_personal"
_COMPLAINTS = (
    "SELECT r.uuid, r.tracking_id, r.device_id, r.received_at, r.body, c.status, c.updated_at, d.agency,"
    " d.disposed_at FROM records r"
    " JOIN status_changes c ON c.seq = (SELECT max(seq) FROM status_changes WHERE uuid = r.uuid)"
    " LEFT JOIN dispositions d ON d.uuid = r.uuid WHERE r.kind = 'complaint'"
)


@dataclass(frozen=True)
class Complaint:
    """A complaint's public part and where it stands; never its personal fields."""

    uuid: str
    tracking_id: str | None
    device_id: str
    received_at: str
    public: dict[str, Any]
    status: str
    status_at: str
    agency: str | None
    disposed_at: str | None


@dataclass(frozen=True)
class Change:
    status: str
    note: str | None
    at: str


def _complaint(row: tuple[Any, ...]) -> Complaint:
    uuid, tracking_id, device_id, received_at, body, status, status_at, agency, disposed_at = row
    public, _personal = split(json.loads(body))
    return Complaint(uuid, tracking_id, device_id, received_at, public, status, status_at, agency, disposed_at)


class Casework:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def inbox(self, status: str | None = None, agency: str | None = None) -> list[Complaint]:
        """Complaints, in the order they arrived, of this status and disposed to this agency (if given)."""
        sql, params = _COMPLAINTS, list[str]()
        if status:
            sql, params = sql + " AND c.status = ?", [*params, status]
        if agency:
            sql, params = sql + " AND d.agency = ?", [*params, agency]
        with transaction(self.storage) as run:
            rows = run(sql + " ORDER BY r.seq LIMIT ?", [*params, INBOX_LIMIT])
        return [_complaint(row) for row in rows]

    def complaint(self, uuid: str) -> Complaint | None:
        with transaction(self.storage) as run:
            rows = run(_COMPLAINTS + " AND r.uuid = ?", [uuid])
        return _complaint(rows[0]) if rows else None

    def history(self, uuid: str) -> list[Change]:
        with transaction(self.storage) as run:
            rows = run("SELECT status, note, updated_at FROM status_changes WHERE uuid = ? ORDER BY seq", [uuid])
        return [Change(status, note, at) for status, note, at in rows]

    def personal(self, uuid: str, actor: str, address: str) -> dict[str, Any]:
        """The complaint's personal fields (empty once consent was withdrawn), the view audited."""
        with transaction(self.storage) as run:
            rows = run("SELECT body FROM records WHERE uuid = ? AND kind = 'complaint'", [uuid])
            if not rows:
                raise HubError("unknown_complaint", f"no complaint {uuid}")
            audit(run, actor, VIEW_PERSONAL, uuid, address)
        return split(json.loads(rows[0][0]))[1]

    def change_status(
        self, uuid: str, status: str, note: str, actor: str, address: str, agency: str | None = None
    ) -> None:
        """Move the complaint on (the kiosk hears of it), then record who did it and, when it is
        passed to an agency, which one."""
        if (status == FORWARDED) != (agency is not None):
            raise HubError("bad_agency", "a complaint is passed on to exactly one agency")
        if agency is not None:
            with transaction(self.storage) as run:
                if not run("SELECT 1 FROM agencies WHERE code = ?", [agency]):
                    raise HubError("unknown_agency", f"no agency {agency}")
        self.storage.set_status(uuid, status, note)
        with transaction(self.storage) as run:
            if agency is not None:
                run(
                    "INSERT INTO dispositions (uuid, agency, disposed_at)"
                    " SELECT uuid, ?, updated_at FROM status_changes WHERE uuid = ? AND status = ?",
                    [agency, uuid, FORWARDED],
                )
            audit(run, actor, f"status_{status}", uuid, address)
