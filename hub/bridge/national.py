"""The two ways a report reaches SP4N-LAPOR!, behind one interface the outbox drives.

SP4N-LAPOR!'s integration API is open only to agencies with a developer account; the others hand
reports over by hand. Both must survive the hub's networks (village offices, captive portals,
links that drop mid-answer) without a report reaching the national side twice: the API adapter
sends our uuid as the Idempotency-Key of every attempt, and the folder adapter writes each report
once whatever happens between its steps. Each failure is sorted into Retry (the outbox tries again
later, honouring Retry-After) or Refused (a dead letter for staff), never left as a bare exception.
"""

import csv
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import requests

from hub.bridge.config import NationalConfig
from hub.bridge.errors import ConfigError, Refused, Retry, retry_after
from hub.spreadsheets import spreadsheet_cell
from kiosk.records.patterns import UUID4_PATTERN

log = logging.getLogger(__name__)

MAX_TRACKING_ID = 64
MAX_EXCERPT = 200  # characters of the national side's error message kept in a refusal
_RETRY_STATUSES = frozenset({408, 429})
_UUID = re.compile(UUID4_PATTERN)


@dataclass(frozen=True)
class News:
    """Something the national side says of one report."""

    uuid: str
    tracking_id: str | None  # its SP4N-LAPOR! number, when known
    status: str | None  # our status word, through [status_map]; None when unmapped or absent
    national_status: str | None  # the national word as received
    note: str | None
    updated_at: str | None


class National(Protocol):
    def forward(self, uuid: str, report: dict[str, Any]) -> str | None:
        """Hand one report over (report = the mapped body); its tracking id, or None when it comes
        later (the folder adapter). Raises Retry or Refused. Calling it again with the same uuid
        must never make a second report on the national side."""

    def poll(self, open_reports: list[tuple[str, str]]) -> list[News]:
        """News of reports already handed over; open_reports = (uuid, tracking_id) pairs still open."""

    def done(self, news: list[News]) -> None:
        """Called after the caller has kept `news` (e.g. the folder adapter moves read files aside)."""

    def close(self) -> None: ...


def open_national(config: NationalConfig) -> National:
    """The adapter `config` asks for."""
    if config.adapter == "http" and config.base_url and config.token:
        return HttpNational(config.base_url, config.token, config.status_map, timeout_s=config.timeout_s)
    if config.adapter == "folder" and config.folder:
        return FolderNational(config.folder, config.status_map, columns=tuple(sorted(config.fields)))
    raise ConfigError(f"the {config.adapter} adapter is missing its address, token or folder")


def usable_tracking_id(value: object) -> str | None:
    """`value` when it can be a tracking number: a printable string of 1 to 64 characters."""
    if isinstance(value, str) and 0 < len(value) <= MAX_TRACKING_ID and value.isprintable() and value == value.strip():
        return value
    return None


def _excerpt(response: requests.Response) -> str:
    """A short, single-line excerpt of the error message in a JSON answer, or ''."""
    try:
        payload = response.json()
    except ValueError:
        return ""
    message: object = None
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict):
            error = error.get("message")
        message = next(
            (m for m in (payload.get("message"), error, payload.get("detail")) if isinstance(m, str) and m), None
        )
    if not isinstance(message, str):
        return ""
    line = " ".join("".join(c if c.isprintable() else " " for c in message).split())
    return line if len(line) <= MAX_EXCERPT else line[: MAX_EXCERPT - 1] + "…"


class HttpNational:
    """SP4N-LAPOR!'s integration API: JSON over HTTPS with a bearer token.

    `POST {base}/reports` with `Idempotency-Key: <uuid>` answers 201 `{"tracking_id": ...}`, or 200
    with the same number when that key was seen before; `GET {base}/reports/{tracking_id}` answers
    `{"status", "note", "updated_at"}`. Redirects are not followed: the token goes to `base_url`
    and nowhere else, and a captive portal's redirect is not an answer.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        status_map: Mapping[str, str],
        timeout_s: float = 30,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.statuses = _status_lookup(status_map)
        self.timeout_s = timeout_s
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def forward(self, uuid: str, report: dict[str, Any]) -> str | None:
        response = self._request("POST", "/reports", report, uuid)
        if 200 <= response.status_code < 300:
            try:
                answer = response.json()
            except ValueError:
                # Not the national side talking (a captive portal answers 200 with a web page):
                # the key makes another attempt safe.
                raise Retry(f"the national side answered HTTP {response.status_code} without JSON") from None
            tracking_id = usable_tracking_id(answer.get("tracking_id")) if isinstance(answer, dict) else None
            if tracking_id is None:
                raise Refused("the national side answered without a tracking number")
            return tracking_id
        raise self._failure(response)

    def poll(self, open_reports: list[tuple[str, str]]) -> list[News]:
        news = []
        for uuid, tracking_id in open_reports:
            response = self._request("GET", "/reports/" + quote(tracking_id, safe=""))
            if not 200 <= response.status_code < 300:
                failure = self._failure(response)
                if isinstance(failure, Retry):
                    raise failure
                log.warning("national status of %s (%s) skipped: %s", uuid, tracking_id, failure.reason)
                continue
            one = self._news(uuid, tracking_id, response)
            if one is not None:
                news.append(one)
        return news

    def done(self, news: list[News]) -> None:
        """Nothing to tidy: the API keeps no state on our side."""

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, key: str | None = None
    ) -> requests.Response:
        """The whole answer (requests reads it before returning, so a cut-off body is a Retry too)."""
        headers = self._auth if key is None else {**self._auth, "Idempotency-Key": key}
        try:
            return self.session.request(
                method, self.base_url + path, headers=headers, json=body, timeout=self.timeout_s, allow_redirects=False
            )
        except requests.RequestException as error:
            raise Retry(f"cannot reach the national side ({type(error).__name__})") from None

    def _failure(self, response: requests.Response) -> Retry | Refused:
        status = response.status_code
        if status in _RETRY_STATUSES or status >= 500 or status < 400:
            return Retry(
                f"the national side answered HTTP {status}", after_s=retry_after(response.headers.get("Retry-After"))
            )
        excerpt = _excerpt(response)
        return Refused(f"the national side refused the report: HTTP {status}" + (f": {excerpt}" if excerpt else ""))

    def _news(self, uuid: str, tracking_id: str, response: requests.Response) -> News | None:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        values = {key: answer.get(key) for key in ("status", "note", "updated_at")} if isinstance(answer, dict) else {}
        if not values or not all(value is None or isinstance(value, str) for value in values.values()):
            log.warning("national status of %s (%s) skipped: not a status answer", uuid, tracking_id)
            return None
        return _make_news(uuid, tracking_id, values["status"], values["note"], values["updated_at"], self.statuses)


def _status_lookup(status_map: Mapping[str, str]) -> dict[str, str]:
    """[status_map] keyed by the national word without case or surrounding spaces, as staff may type it."""
    return {word.strip().casefold(): ours for word, ours in status_map.items()}


def _make_news(
    uuid: str,
    tracking_id: str | None,
    national_status: str | None,
    note: str | None,
    updated_at: str | None,
    statuses: Mapping[str, str],
) -> News:
    status = statuses.get(national_status.strip().casefold()) if national_status else None
    if national_status and status is None:
        log.warning("national status %r of %s is not in [status_map]; kept as it is", national_status, uuid)
    return News(uuid, tracking_id, status, national_status or None, note or None, updated_at or None)


class FolderNational:
    """Files out, a spreadsheet of tracking numbers back, for agencies without API access.

    Out: `outgoing/<uuid>.json` holds each report's whole body plus "uuid", and one line per report
    goes to `outgoing/reports-YYYY-MM-DD.csv` (the UTC day it was written), for staff to open in a
    spreadsheet and copy into SP4N-LAPOR!: the columns are `uuid`, then `columns` (the national
    field names of [fields], sorted; dotted names for nested values), UTF-8 with a byte order mark
    so spreadsheets read Indonesian text right. Booleans are written true/false, lists as JSON,
    absent values as empty cells; a text cell starting with = + - @ (or a tab or carriage return)
    gets a leading ' so no spreadsheet runs it as a formula. When the mapping changes during a day,
    the lines after the change go to `reports-YYYY-MM-DD-2.csv` (and so on), so every file keeps one
    header.

    Back: staff drop CSV files into `incoming/` with the header `uuid,tracking_id` and, optionally,
    `status`, `note` and `updated_at` (comma, semicolon or tab separated, as spreadsheets save them);
    `poll` reads them all and `done` moves them to `incoming/read/`.
    """

    def __init__(self, folder: Path, status_map: Mapping[str, str], columns: Sequence[str] = ()) -> None:
        self.outgoing = folder / "outgoing"
        self.incoming = folder / "incoming"
        self.statuses = _status_lookup(status_map)
        self.header = ["uuid", *columns]
        self._read: list[Path] = []

    def forward(self, uuid: str, report: dict[str, Any]) -> str | None:
        """Writes the report's files; the tracking number comes back later, through `poll`.

        Steps: the JSON to a `.part` file, the CSV line, then the `.part` renamed into place. A
        finished JSON file means the report was written; a `.part` left by a crash means the CSV
        line may be there, so the CSV files are searched before a line is added again."""
        if not _UUID.match(uuid):
            raise Refused(f"not a report uuid: {uuid!r}")
        self.outgoing.mkdir(parents=True, exist_ok=True)
        final = self.outgoing / f"{uuid}.json"
        if final.exists():
            return None
        part = self.outgoing / f".{uuid}.json.part"
        interrupted = part.exists()
        document = {"uuid": uuid} | {key: value for key, value in report.items() if key != "uuid"}
        try:
            _write_synced(part, json.dumps(document, ensure_ascii=False, indent=2).encode())
            if not (interrupted and self._listed(uuid)):
                self._append_line(uuid, report)
            os.replace(part, final)
            _sync_folder(self.outgoing)
        except OSError as error:
            raise Retry(f"cannot write to {self.outgoing}: {error.strerror or error}") from None
        return None

    def poll(self, open_reports: list[tuple[str, str]]) -> list[News]:
        """News from every CSV file in `incoming/`; `open_reports` is not needed, as each line names
        its report."""
        self._read = []
        news: list[News] = []
        if not self.incoming.is_dir():
            return news
        for path in sorted(self.incoming.glob("*.csv")):
            try:
                with path.open(encoding="utf-8-sig", newline="") as stream:
                    found = self._lines(path, stream)
            except (OSError, UnicodeDecodeError, csv.Error) as error:
                log.warning("%s skipped: %s", path, error)
                continue
            if found is None:
                continue
            news.extend(found)
            self._read.append(path)
        return news

    def done(self, news: list[News]) -> None:
        """Moves the files the last `poll` read to `incoming/read/` (with a number added to the name
        when one of that name is already there)."""
        if not self._read:
            return
        read = self.incoming / "read"
        read.mkdir(parents=True, exist_ok=True)
        for path in self._read:
            target = read / path.name
            number = 1
            while target.exists():
                number += 1
                target = read / f"{path.stem}-{number}{path.suffix}"
            os.replace(path, target)
        _sync_folder(read)
        _sync_folder(self.incoming)
        self._read = []

    def close(self) -> None:
        """Nothing is kept open between calls."""

    def _lines(self, path: Path, stream: Iterator[str]) -> list[News] | None:
        first = next(stream, "")
        delimiter = max((",", ";", "\t"), key=first.count)
        reader = csv.DictReader(_chain(first, stream), delimiter=delimiter)
        columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        if "uuid" not in columns or "tracking_id" not in columns:
            log.warning("%s skipped: its first line must name the columns uuid and tracking_id", path)
            return None
        found = []
        for row in reader:
            cells = {column: _text(row.get(name)) for column, name in columns.items()}
            if not any(cells.values()):  # a row of empty cells, as spreadsheets leave at the end
                continue
            uuid = (cells["uuid"] or "").lower()
            tracking_id = usable_tracking_id(cells["tracking_id"])
            if not _UUID.match(uuid) or tracking_id is None:
                log.warning("%s line %d skipped: it needs a report uuid and a tracking number", path, reader.line_num)
                continue
            found.append(
                _make_news(
                    uuid, tracking_id, cells.get("status"), cells.get("note"), cells.get("updated_at"), self.statuses
                )
            )
        return found

    def _listed(self, uuid: str) -> bool:
        """Whether a CSV file of `outgoing/` already has a line for `uuid`."""
        for path in self.outgoing.glob("reports-*.csv"):
            with path.open(encoding="utf-8-sig", newline="") as stream:
                if any(row and row[0] == uuid for row in csv.reader(stream)):
                    return True
        return False

    def _append_line(self, uuid: str, report: dict[str, Any]) -> None:
        flat = _flattened(report)
        line = [uuid, *(_cell(flat.get(column)) for column in self.header[1:])]
        day = datetime.now(UTC).date().isoformat()
        path = self.outgoing / f"reports-{day}.csv"
        number = 1
        while path.exists() and self._header_of(path) != self.header:
            number += 1
            path = self.outgoing / f"reports-{day}-{number}.csv"
        new = not path.exists()
        with path.open("a", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            if new:
                writer.writerow(self.header)
            writer.writerow(line)
            stream.flush()
            os.fsync(stream.fileno())
        if new:
            _sync_folder(self.outgoing)

    @staticmethod
    def _header_of(path: Path) -> list[str]:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return next(csv.reader(stream), [])


def _text(value: object) -> str | None:
    """A cell's text without surrounding spaces; None when empty or missing."""
    return (value.strip() or None) if isinstance(value, str) else None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _flattened(body: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys: {"pelapor": {"nama": x}} -> {"pelapor.nama": x}."""
    flat: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dict):
            flat.update(_flattened(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _cell(value: Any) -> str:
    """One spreadsheet cell; text that a spreadsheet would take for a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return spreadsheet_cell(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _sync_folder(folder: Path) -> None:
    """Makes a new or renamed entry of `folder` survive a power cut (POSIX; Windows has no need)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
