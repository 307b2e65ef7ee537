"""Events shared between kiosks, so that several kiosks at one outreach event count into one.

An event is an ordinary record, whoever made it: a kiosk that synced it, or a coordinator in
the console. The console's are stored under `HUB_DEVICE`, a device row no token opens (its
hash is of random bytes nobody kept, and it is revoked from the start), so every record keeps
a device and the uniqueness of uuids stays the database's.

`offered` pages through events by the hub's own sequence, as /api/v1/changes does with
statuses: a kiosk keeps its cursor and asks only for what is new. It is offered events made
elsewhere that have not ended more than `STILL_OPEN_DAYS` ago by the hub's clock (UTC): last
year's events from across the fleet would only lengthen the officer's list, while the day of
grace keeps an event open until its last day has ended in every Indonesian time zone.
"""

import json
import secrets
from datetime import date, timedelta
from typing import Any

from hub.storage.base import Record, Result, Storage, now
from hub.storage.staff import audit
from kiosk.records import digest

HUB_DEVICE = "hub"
CREATE_EVENT = "create_event"
STILL_OPEN_DAYS = 1


def last_day(event: Record) -> str:
    return str(event.get("ends_on") or event["starts_on"])


def offered(storage: Storage, device_id: str, cursor: int, limit: int, today: date) -> tuple[list[Record], int, bool]:
    """(events for this device, the cursor after them, whether there may be more)."""
    with storage.writing() as run:
        rows = run(
            "SELECT seq, body FROM records WHERE kind = 'event' AND seq > ? AND device_id <> ? ORDER BY seq LIMIT ?",
            [cursor, device_id, limit],
        )
    since = (today - timedelta(days=STILL_OPEN_DAYS)).isoformat()
    found = [event for _, body in rows if last_day(event := json.loads(body)) >= since]
    return found, int(rows[-1][0]) if rows else cursor, len(rows) == limit


def create(storage: Storage, event: Record, actor: str, address: str) -> Result:
    """Store an event made in the console (validated by kiosk.records), with its audit entry."""
    with storage.writing() as run:
        run(
            "INSERT INTO devices (device_id, salt, token_hash, enrolled_at, revoked_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (device_id) DO NOTHING",
            [HUB_DEVICE, secrets.token_bytes(16), secrets.token_bytes(32), now(), now()],
        )
    (result,) = storage.store_records(HUB_DEVICE, [(event, digest(event))])
    with storage.writing() as run:
        audit(run, actor, CREATE_EVENT, event["uuid"], address)
    return result


def listed(storage: Storage, limit: int) -> list[tuple[Record, str, int]]:
    """The newest events (record, the device it came from, registrations counted), newest first."""
    with storage.writing() as run:
        rows = run(
            "SELECT r.body, r.device_id, coalesce((SELECT sum(n) FROM attendance_counts a"
            " WHERE a.event_uuid = r.uuid), 0) FROM records r WHERE r.kind = 'event' ORDER BY r.seq DESC LIMIT ?",
            [limit],
        )
    found: list[tuple[Record, str, int]] = []
    for body, device_id, registrations in rows:
        record: dict[str, Any] = json.loads(body)
        found.append((record, str(device_id), int(registrations)))
    return found
