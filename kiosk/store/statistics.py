"""The SQL the statistics read (kiosk.reports.stats sums and labels what it returns).

SQLite does the counting: attendance is grouped into a small cube from `attendance_facts`
(migration m004), complaints are grouped by classification, category and status, and the
median days to each status come from window functions. Dates filter on the day a record
was made on the device.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kiosk.records.statistics import FactRow
from kiosk.store import Store

NOT_SENT, WAITING = "on_kiosk", "sent"  # a complaint's state before the hub reports a status


@dataclass(frozen=True)
class Filters:
    event_uuid: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def where(self, table: str = "") -> tuple[str, list[Any]]:
        """SQL conditions on `records` (aliased `table`), index-friendly: created_at compared as text."""
        prefix = f"{table}." if table else ""
        conditions: list[str] = []
        args: list[Any] = []
        if self.event_uuid:
            conditions.append(f"{prefix}event_uuid = ?")
            args.append(self.event_uuid)
        if self.date_from:
            conditions.append(f"{prefix}created_at >= ?")
            args.append(self.date_from.isoformat())
        if self.date_to:
            conditions.append(f"{prefix}created_at < ?")
            args.append((self.date_to + timedelta(days=1)).isoformat())
        return "".join(f" AND {c}" for c in conditions), args


def attendance_facts(store: Store, filters: Filters) -> list[FactRow]:
    """(event, gender, age band, worst WG-SS answer, count) rows, grouped in the order
    `attendance_facts` is stored in."""
    where, args = filters.where()
    rows = store.db.execute(
        f"SELECT event_uuid, gender, age_band, wgss_worst, count(*) FROM attendance_facts WHERE 1{where}"
        " GROUP BY 1, 2, 3, 4",
        args,
    ).fetchall()
    return [(event, gender, band, int(worst), int(count)) for event, gender, band, worst, count in rows]


def events(store: Store, event_uuid: str | None) -> list[tuple[str, str, str]]:
    """(uuid, name, first day) of every event, or of the one named, by first day."""
    one = " AND uuid = ?" if event_uuid else ""
    rows = store.db.execute(
        "SELECT uuid, json_extract(body, '$.name'), json_extract(body, '$.starts_on') FROM records"
        f" WHERE kind = 'event'{one} ORDER BY json_extract(body, '$.starts_on')",
        [event_uuid] if one else [],
    ).fetchall()
    return [(uuid, name, starts_on) for uuid, name, starts_on in rows]


def median_days(store: Store, filters: Filters) -> list[tuple[str, float]]:
    """(status, median days from filing to the first time it was reached)."""
    where, args = filters.where("r")
    rows = store.db.execute(
        f"""WITH d AS (
                SELECT h.status, julianday(h.reached_at) - julianday(r.created_at) AS days
                FROM complaint_status_history h JOIN records r ON r.uuid = h.uuid
                WHERE r.kind = 'complaint'{where}),
            o AS (SELECT status, days, row_number() OVER (PARTITION BY status ORDER BY days) AS n,
                         count(*) OVER (PARTITION BY status) AS size FROM d)
            SELECT status, avg(days) FROM o WHERE n IN ((size + 1) / 2, (size + 2) / 2) GROUP BY status""",
        args,
    ).fetchall()
    return [(status, float(days)) for status, days in rows]


def complaint_counts(store: Store, filters: Filters) -> list[tuple[str, str, str, int]]:
    """(classification, category or "", status, count): the status is the hub's last word, or
    whether the complaint has reached the hub at all."""
    where, args = filters.where("r")
    rows = store.db.execute(
        f"""SELECT json_extract(r.body, '$.classification'), ifnull(json_extract(r.body, '$.category'), ''),
                   coalesce(c.status, CASE s.state WHEN 'acked' THEN '{WAITING}' ELSE '{NOT_SENT}' END), count(*)
            FROM records r JOIN sync_state s ON s.uuid = r.uuid LEFT JOIN complaint_status c ON c.uuid = r.uuid
            WHERE r.kind = 'complaint'{where}
            GROUP BY 1, 2, 3""",
        args,
    ).fetchall()
    return [(classification, category, status, int(count)) for classification, category, status, count in rows]
