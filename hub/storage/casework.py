"""What the console reads and does with complaints: the inbox, one complaint, its history,
and status changes with their dispositions.

The inbox reads the case table (hub.storage.cases) in three streams, each already in the
order its deadlines fall: reports awaiting verification by receipt, reports with an agency by
disposition, then the rest by arrival. The console merges them by deadline, so a national hub
shows its most urgent reports from indexes however many it holds. Counts come from
`complaint_counts` where the filters allow.

Status changes go through the storage's own `set_status`, the path `kiosk-hub set-status`
takes, so each one reaches the kiosk by `/api/v1/changes`; the audit entry is written in the
same transaction. The personal part of a record is handed out only by `personal` and `similar`,
which write the audit entry in the same transaction. A duplicate merged into another report
(`merge`) leaves the inbox and the counts and follows that report.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.storage import cases
from hub.storage.base import HubError, Storage
from hub.storage.sql import Run
from hub.storage.staff import audit
from kiosk.records.personal import split
from kiosk.records.protocol import ARCHIVED, COMPLETED, FOLLOWED_UP, FORWARDED, RECEIVED, VERIFIED

VIEW_PERSONAL = "view_personal"
MERGE = "merge"
OPEN = (RECEIVED, VERIFIED, FORWARDED, FOLLOWED_UP)
SIMILAR_WITHIN = timedelta(days=14)  # a matter reported again is reported within days, not months
SIMILAR_CANDIDATES = 500  # reports of one regency in four weeks compared at most
SIMILAR_FROM = 70  # token-set similarity (0-100) of title and text from which two reports look alike
SIMILAR_SHOWN = 5
CHUNK = 200  # rows a stream reads at a time


@dataclass(frozen=True)
class Stage:
    """One stream of the inbox: the statuses it holds and the column its order (and clock) runs on."""

    name: str
    statuses: tuple[str, ...]
    clock: str | None  # None: no deadline runs, in order of arrival

    @property
    def where(self) -> str:
        """Written as the partial indexes of schema.py are, so both databases use them."""
        if len(self.statuses) == 1:
            return f"c.status = '{self.statuses[0]}'"
        return f"c.status IN ({', '.join(repr(status) for status in self.statuses)})"


VERIFY = Stage("verify", (RECEIVED, VERIFIED), "received_at")
FOLLOW = Stage("follow", (FORWARDED,), "disposed_at")
REST = Stage("rest", (FOLLOWED_UP, COMPLETED, ARCHIVED), None)
STAGES = (VERIFY, FOLLOW, REST)


@dataclass(frozen=True)
class Filters:
    """What an inbox narrows to; `overdue` holds, per stage with a clock, the moment (UTC text)
    before which a clock that started is past its deadline (computed by the console's calendar)."""

    status: str | None = None
    classification: str | None = None
    device_id: str | None = None
    event_uuid: str | None = None
    province: str | None = None
    agency: str | None = None
    overdue: dict[str, str] | None = None

    def sql(self, stage: Stage) -> tuple[str, list[Any]]:
        clauses, params = [stage.where, "c.merged_into IS NULL"], list[Any]()
        for column in ("status", "classification", "device_id", "event_uuid", "province", "agency"):
            value = getattr(self, column)
            if value:
                clauses.append(f"c.{column} = ?")
                params.append(value)
        if self.overdue is not None:
            if stage.clock is None or stage.name not in self.overdue:
                clauses.append("1 = 0")
            else:
                clauses.append(f"c.{stage.clock} < ?")
                params.append(self.overdue[stage.name])
        return " AND ".join(clauses), params

    def tallied(self) -> bool:
        """Whether the counts table can answer: every filter is one of its key's columns."""
        return self.event_uuid is None and self.overdue is None


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
    seq: int
    merged_into: str | None


@dataclass(frozen=True)
class Similar:
    complaint: Complaint
    score: int  # 0-100
    body: str  # the other report's own words, for the verifier to compare


@dataclass(frozen=True)
class Event:
    uuid: str
    name: str
    starts_on: str


@dataclass(frozen=True)
class Change:
    status: str
    note: str | None
    at: str


_COMPLAINTS = (
    "SELECT c.uuid, r.tracking_id, c.device_id, c.received_at, r.body, c.status, c.status_at, c.agency,"
    " c.disposed_at, c.seq, c.merged_into FROM complaints c JOIN records r ON r.uuid = c.uuid"
)


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _words(record: dict[str, Any]) -> str:
    return f"{record.get('title', '')} {record.get('body', '')}"


def _complaint(row: tuple[Any, ...]) -> Complaint:
    values = dict(zip((field.name for field in fields(Complaint)), row, strict=True))
    values["public"] = split(json.loads(values["public"]))[0]
    return Complaint(**values)


class Casework:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def stream(self, filters: Filters, stage: Stage) -> Iterator[Complaint]:
        """The stage's complaints matching `filters`, in its order, read a chunk at a time (each
        chunk picks up after the last one read, so a long CSV holds no transaction open)."""
        where, params = filters.sql(stage)
        if filters.status and filters.status not in stage.statuses:
            return
        order = f"c.{stage.clock}, c.seq" if stage.clock else "c.seq"
        after: tuple[Any, ...] = ()
        while True:
            resume = ""
            if after:
                resume = f" AND (c.{stage.clock}, c.seq) > (?, ?)" if stage.clock else " AND c.seq > ?"
            with self.storage.writing() as run:
                rows = run(f"{_COMPLAINTS} WHERE {where}{resume} ORDER BY {order} LIMIT ?", [*params, *after, CHUNK])
            complaints = [_complaint(row) for row in rows]
            yield from complaints
            if len(rows) < CHUNK:
                return
            last = complaints[-1]
            after = (getattr(last, stage.clock), last.seq) if stage.clock else (last.seq,)

    def count(self, filters: Filters) -> int:
        if filters.tallied():
            clauses, params = ["1 = 1"], list[Any]()
            for column in ("status", "classification", "device_id", "province", "agency"):
                if value := getattr(filters, column):
                    clauses.append(f"{column} = ?")
                    params.append(value)
            sql = f"SELECT coalesce(sum(n), 0) FROM complaint_counts WHERE {' AND '.join(clauses)}"
            with self.storage.writing() as run:
                return int(run(sql, params)[0][0])
        total = 0
        with self.storage.writing() as run:
            for stage in STAGES:
                if not filters.status or filters.status in stage.statuses:
                    where, params = filters.sql(stage)
                    total += int(run(f"SELECT count(*) FROM complaints c WHERE {where}", params)[0][0])
        return total

    def tally(self, column: str) -> dict[str, int]:
        """Complaints by one column of the counts' key (status, province, device_id, agency ...)."""
        if column not in ("device_id", "province", "regency", "classification", "category", "agency", "status"):
            raise ValueError(column)
        with self.storage.writing() as run:
            rows = run(
                f"SELECT {column}, sum(n) FROM complaint_counts GROUP BY {column} HAVING sum(n) > 0 ORDER BY {column}"
            )
        return {value: int(n) for value, n in rows}

    def events(self, limit: int = 100) -> list[Event]:
        """The latest events the kiosks announced, newest first."""
        with self.storage.writing() as run:
            rows = run("SELECT uuid, body FROM records WHERE kind = 'event' ORDER BY seq DESC LIMIT ?", [limit])
        return [Event(uuid, body["name"], body["starts_on"]) for uuid, body in ((u, json.loads(b)) for u, b in rows)]

    def complaint(self, uuid: str) -> Complaint | None:
        with self.storage.writing() as run:
            rows = run(_COMPLAINTS + " WHERE c.uuid = ?", [uuid])
        return _complaint(rows[0]) if rows else None

    def history(self, uuid: str) -> list[Change]:
        with self.storage.writing() as run:
            rows = run("SELECT status, note, updated_at FROM status_changes WHERE uuid = ? ORDER BY seq", [uuid])
        return [Change(status, note, at) for status, note, at in rows]

    def verdict(self, uuid: str) -> int | None:
        """The citizen's verdict on the follow-up (1 not solved, 2 partly, 3 solved), if given."""
        with self.storage.writing() as run:
            rows = run("SELECT rating FROM verdicts WHERE complaint_uuid = ?", [uuid])
        return int(rows[0][0]) if rows else None

    def verdicts(self) -> dict[str, dict[int, int]]:
        """How citizens judged the follow-up, per agency the reports were passed to ('' for none)."""
        with self.storage.writing() as run:
            rows = run(
                "SELECT coalesce(c.agency, ''), v.rating, count(*) FROM verdicts v JOIN complaints c"
                " ON c.uuid = v.complaint_uuid GROUP BY coalesce(c.agency, ''), v.rating"
            )
        found: dict[str, dict[int, int]] = {}
        for agency, rating, n in rows:
            found.setdefault(agency, {})[int(rating)] = int(n)
        return found

    def personal(self, uuid: str, actor: str, address: str) -> dict[str, Any]:
        """The complaint's personal fields (empty once consent was withdrawn), the view audited."""
        with self.storage.writing() as run:
            rows = run("SELECT body FROM records WHERE uuid = ? AND kind = 'complaint'", [uuid])
            if not rows:
                raise HubError("unknown_complaint", f"no complaint {uuid}")
            audit(run, actor, VIEW_PERSONAL, uuid, address)
        return split(json.loads(rows[0][0]))[1]

    def similar(self, uuid: str, actor: str, address: str) -> list[Similar]:
        """Open reports that may be this one again: from the same regency (or, where the citizen
        named none, the same kiosk), received within SIMILAR_WITHIN of it, whose title and text
        are alike. Their text is personal data read for the verifier: each view is audited."""
        from rapidfuzz import fuzz, utils

        with self.storage.writing() as run:
            found = run(
                "SELECT c.province, c.regency, c.device_id, c.received_at, r.body FROM complaints c"
                " JOIN records r ON r.uuid = c.uuid WHERE c.uuid = ? AND c.merged_into IS NULL",
                [uuid],
            )
            if not found:
                return []
            province, regency, device_id, received_at, body = found[0]
            moment = datetime.fromisoformat(received_at)
            place = "c.province = ? AND c.regency = ?" if regency else "c.device_id = ?"
            rows = run(
                f"{_COMPLAINTS} WHERE {place} AND c.uuid <> ? AND c.merged_into IS NULL"
                f" AND c.status IN ({', '.join(repr(s) for s in OPEN)}) AND c.received_at BETWEEN ? AND ?"
                " ORDER BY c.seq LIMIT ?",
                [
                    *([province, regency] if regency else [device_id]),
                    uuid,
                    _text(moment - SIMILAR_WITHIN),
                    _text(moment + SIMILAR_WITHIN),
                    SIMILAR_CANDIDATES,
                ],
            )
            mine = _words(json.loads(body))
            scored = sorted(
                (
                    (fuzz.token_set_ratio(mine, _words(json.loads(row[4])), processor=utils.default_process), row)
                    for row in rows
                ),
                key=lambda pair: -pair[0],
            )
            alike = [(score, row) for score, row in scored if score >= SIMILAR_FROM][:SIMILAR_SHOWN]
            for _, row in alike:
                audit(run, actor, VIEW_PERSONAL, row[0], address)
        return [
            Similar(_complaint(row), round(score), split(json.loads(row[4]))[1].get("body") or "")
            for score, row in alike
        ]

    def merge(self, uuid: str, into: str, note: str, actor: str, address: str) -> None:
        """Join a duplicate to the report it repeats, audited in the same transaction."""
        with self.storage.changing() as run:
            cases.merge(run, uuid, into, note, actor)
            audit(run, actor, MERGE, f"{uuid} -> {into}", address)

    def change_status(
        self, uuid: str, status: str, note: str, actor: str, address: str, agency: str | None = None
    ) -> None:
        """Move the complaint on (the kiosk hears of it), passed to `agency` when FORWARDED,
        with who did it in the audit log: one transaction."""
        if (status == FORWARDED) != (agency is not None):
            raise HubError("bad_agency", "a complaint is passed on to exactly one agency")

        def audited(run: Run) -> None:
            audit(run, actor, f"status_{status}", uuid, address)

        self.storage.set_status(uuid, status, note, agency, also=audited)
