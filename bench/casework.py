"""The console's questions of a national hub: counts by status, kiosk, province and agency,
the inbox's first page (whole, filtered, overdue only) and its count, asked through the hub's
own `Casework` of a PostgreSQL database holding ten million complaints (CASEWORK_RECORDS makes a
quick run). Each answer must come within a second; the baseline is one plain scan of the case
table in the same run, which is what every question would cost without the indexes and the
counts table.

The generator writes rows as the hub would after years of service (2,000 kiosks in 38
provinces, 60 agencies; old reports mostly completed, a backlog of open and overdue ones), in
SQL on the server, half a million at a time: one status row per complaint, the case table and
its counts built by the migration's own statements, the indexes after the data. The server runs with 1 GB of shared
buffers, as an agency's database server would (the default of 128 MB suits no production
server), and without fsync while loading (a benchmark's data, never a hub's)."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import bench.data  # noqa: F401 - puts tests/ on the path, for the PostgreSQL server
from bench.table import Figure

RECORDS = int(os.environ.get("CASEWORK_RECORDS", "10000000"))
KIOSKS = 2000
PROVINCES = 38
AGENCIES = 60
CHUNK = 500_000
GOAL_S = 1.0
SETTINGS = "-c shared_buffers=1GB -c work_mem=32MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

# Three years of complaints in order of arrival, ending now; the share of each status depends on
# age as a working hub's does: the last month is still moving, older ones are mostly closed,
# and one in two hundred old ones was never followed up (the overdue backlog).
_RECORDS = """
INSERT INTO records (seq, uuid, kind, device_id, digest, body, device_created_at, received_at, tracking_id)
SELECT i, u, 'complaint', 'kiosk-' || lpad((i %% %(kiosks)s)::text, 5, '0'), md5(i::text),
  json_build_object('uuid', u, 'kind', 'complaint', 'schema', 1, 'created_at', t,
    'classification', (ARRAY['complaint', 'aspiration', 'information_request'])[1 + i %% 3],
    'title', 'Laporan warga nomor ' || i, 'body', 'Isi laporan warga yang cukup panjang nomor ' || i,
    'location', json_build_object('province', 'Provinsi ' || ((i %% %(kiosks)s) %% %(provinces)s),
                                  'regency', 'Kabupaten ' || (i %% %(kiosks)s)),
    'category', (ARRAY['Jalan', 'Air bersih', 'Kesehatan', 'Pendidikan', 'Listrik'])[1 + i %% 5],
    'anonymous', false, 'confidential', false, 'language', 'id', 'attachments', json_build_array(),
    'consent', json_build_object('given', true, 'text_version', '2026-08'))::text,
  t, t::timestamptz, 'LPR-' || i
FROM (SELECT i, gen_random_uuid()::text AS u,
        to_char(now() - (%(total)s - i) * interval '1 second' * %(spacing)s, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS t
      FROM generate_series(%(first)s, %(last)s) AS i) AS g
"""
_STATUS = """
CASE
  WHEN now() - r.received_at < interval '30 days' THEN
    (ARRAY['received', 'verified', 'forwarded', 'followed_up', 'completed'])[1 + (r.seq * 7919) %% 5]
  WHEN (r.seq * 7919) %% 200 = 0 THEN 'forwarded'
  WHEN (r.seq * 7919) %% 200 = 1 THEN 'received'
  WHEN (r.seq * 7919) %% 10 = 2 THEN 'archived'
  WHEN (r.seq * 7919) %% 10 = 3 THEN 'followed_up'
  ELSE 'completed'
END"""
_STATUS_CHANGES = f"""
INSERT INTO status_changes (uuid, status, updated_at)
SELECT r.uuid, {_STATUS}, r.received_at + interval '1 day' FROM records r WHERE r.seq BETWEEN %(first)s AND %(last)s
ORDER BY r.seq
"""

# What was passed on went to one of the agencies a day after receipt.
_DISPOSITIONS = f"""
INSERT INTO dispositions (uuid, agency, disposed_at)
SELECT uuid, 'AG' || (seq %% %(agencies)s), received_at + interval '1 day' FROM records r
WHERE r.seq BETWEEN %(first)s AND %(last)s AND {_STATUS} IN ('forwarded', 'followed_up', 'completed')
"""


def _load(url: str, total: int) -> float:
    """Seconds to generate and index `total` complaints."""
    import psycopg

    from hub.storage.schema import rebuild

    started = time.perf_counter()
    spacing = 3 * 365 * 24 * 3600 / total  # seconds between two arrivals
    with psycopg.connect(url, autocommit=True) as conn:
        indexes = prepared(conn, KIOSKS, AGENCIES)
        for first in range(1, total + 1, CHUNK):
            last = min(total, first + CHUNK - 1)
            values = {"kiosks": KIOSKS, "provinces": PROVINCES, "total": total, "spacing": spacing}
            values |= {"first": first, "last": last}
            conn.execute((_RECORDS % values).encode())  # type: ignore[arg-type]  # generated SQL, no user input
            conn.execute((_STATUS_CHANGES % {"first": first, "last": last}).encode())  # type: ignore[arg-type]
            conn.execute((_DISPOSITIONS % {"first": first, "last": last, "agencies": AGENCIES}).encode())  # type: ignore[arg-type]
        conn.execute("SELECT setval(pg_get_serial_sequence('records', 'seq'), %s)", [total])
        cases, counts, *others = rebuild("postgresql")
        conn.execute(cases.encode())  # type: ignore[arg-type]
        for definition in indexes:
            conn.execute(definition.encode())  # type: ignore[arg-type]
        for statement in (counts, *others):
            conn.execute(statement.encode())  # type: ignore[arg-type]
        settled(conn)
    return time.perf_counter() - started


def prepared(conn: Any, kiosks: int, agencies: int) -> list[str]:
    """An empty hub database made ready for generated records: its kiosks and agencies, triggers
    and references off (what is generated is whole, and the rebuild derives the rest) and, as
    pg_restore does, the plain indexes dropped to be built once after the data, not row by row
    during it. Their definitions."""
    conn.execute("SET session_replication_role = replica")
    conn.execute(
        "INSERT INTO devices (device_id, salt, token_hash, enrolled_at) SELECT 'kiosk-' || lpad(n::text, 5, '0'),"
        " '\\x00', '\\x00', now() FROM generate_series(0, %s) AS n",
        [kiosks - 1],
    )
    conn.execute(
        "INSERT INTO agencies (code, name, created_at) SELECT 'AG' || n, 'Instansi ' || n, now()"
        " FROM generate_series(0, %s) AS n",
        [agencies - 1],
    )
    indexes = [
        definition
        for (definition,) in conn.execute(
            "SELECT i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
    ]
    conn.execute("DROP INDEX " + ", ".join(definition.split()[2] for definition in indexes))
    return indexes


def settled(conn: Any) -> None:
    """The kiosks' counts of records, and the statistics autovacuum leaves a database with once it has settled."""
    conn.execute("UPDATE devices SET records = (SELECT count(*) FROM records r WHERE r.device_id = devices.device_id)")
    conn.execute("VACUUM ANALYZE")


def _timed(question: Callable[[], Any], times: int = 3) -> float:
    """The median of a few askings, the first one included: a console asks each once per page."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        question()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def _questions(storage: Any) -> dict[str, Callable[[], Any]]:
    from hub.storage.casework import FOLLOW, STAGES, VERIFY, Casework, Filters
    from hub.workdays import FOLLOW_UP_WITHIN, VERIFY_WITHIN, days_off_around, overdue_before

    casework = Casework(storage)
    zone = __import__("zoneinfo").ZoneInfo("Asia/Jakarta")
    today = date.today()
    off = days_off_around(today)
    overdue = {
        VERIFY.name: overdue_before(today, VERIFY_WITHIN, zone, off),
        FOLLOW.name: overdue_before(today, FOLLOW_UP_WITHIN, zone, off),
    }

    def first_page(filters: Filters) -> Callable[[], Any]:
        def ask() -> Any:
            return [list(islice(casework.stream(filters, stage), 50)) for stage in STAGES], casework.count(filters)

        return ask

    questions: dict[str, Callable[[], Any]] = {
        f"count by {column}": (lambda column=column: casework.tally(column))
        for column in ("status", "device_id", "province", "agency")
    }
    questions |= {
        "inbox, first page and count": first_page(Filters()),
        "inbox, overdue only": first_page(Filters(overdue=overdue)),
        "inbox, one province": first_page(Filters(province="Provinsi 7")),
        "inbox, one kiosk": first_page(Filters(device_id="kiosk-00042")),
        "inbox, one agency's open reports": first_page(Filters(agency="AG3", status="forwarded")),
        "inbox, completed in one province": first_page(Filters(province="Provinsi 7", status="completed")),
    }
    return questions


@contextmanager
def national(name: str) -> Iterator[tuple[Path, str]]:
    """A folder of its own in the home folder (the temporary one may be too small for ten million
    records) and a migrated database on a PostgreSQL server of its own with SETTINGS: their path
    and URL, gone after."""
    from postgres import PostgresServer, installed_bin_dir

    from hub.storage.postgres import migrate

    bin_dir = installed_bin_dir()
    if bin_dir is None:
        raise SystemExit(f"bench: {name} needs PostgreSQL installed (apt-get install postgresql)")
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-", dir=Path.home()) as folder:
        server = PostgresServer(bin_dir, settings=SETTINGS)
        try:
            server.admin("CREATE DATABASE national")
            migrate(server.url("national"))
            yield Path(folder), server.url("national")
        finally:
            server.stop()


def measure() -> list[Figure]:
    import psycopg

    from hub.storage.postgres import PostgresStorage

    with national("casework") as (folder, url):
        loading = _load(url, RECORDS)
        with psycopg.connect(url) as conn:
            scan = _timed(lambda: conn.execute("SELECT count(*), count(DISTINCT status) FROM complaints").fetchone())
        storage = PostgresStorage(folder, url)
        try:
            answers = {question: _timed(ask) for question, ask in _questions(storage).items()}
        finally:
            storage.close()
    baseline = f"scan of the case table {scan * 1000:,.0f} ms ({RECORDS:,} complaints, loaded in {loading:,.0f} s)"
    return [
        Figure(
            f"{question} / scan",
            seconds / scan,
            "x",
            baseline,
            f"under {GOAL_S:.0f} s ({seconds * 1000:,.0f} ms)",
            seconds < GOAL_S,
        )
        for question, seconds in answers.items()
    ]
