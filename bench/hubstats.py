"""The fleet's statistics on a national hub: `kiosk-hub stats --format json` (the command's own
code, run in this process) and the console's dashboard (`/console/stats`, whole, one province,
one quarter, over HTTP from a hub process) on a PostgreSQL database of ten million records
(HUBSTATS_RECORDS makes a quick run). Each answer must come within a second; the baseline is one
count of the records in the same run, the least a figure computed from the records would cost.
The first asking after the load is shown apart: it counts the working days of every month's
clocks, which later askings find counted (the same happens after a restore, a change of zone or
of the calendar).

The generator writes what three years of service leave (2,000 kiosks in 38 provinces, 60
agencies): outreach events with their registrations (women, youth, disability answered by some),
15% complaints with their histories (verified within days, passed to an agency, followed up and
completed later, a tenth archived, a backlog never answered, the last weeks still moving) and the
citizens' verdicts, in SQL on the server, half a million rows at a time. The derived tables (the
cases, every count and the statistics) are then built by the statements a restore rebuilds them
with, the plain indexes after the data, as in bench/casework.py, whose server settings it shares.
"""

import os
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bench.data  # noqa: F401 - puts tests/ on the path, for the PostgreSQL server and the hub process
from bench.casework import national, prepared, settled
from bench.table import Figure

RECORDS = int(os.environ.get("HUBSTATS_RECORDS", "10000000"))
KIOSKS = 2000
PROVINCES = 38
AGENCIES = 60
COMPLAINT_SHARE = 0.15
REGISTRATIONS_PER_EVENT = 500
CHUNK = 500_000
GOAL_S = 1.0
FIRST_GOAL_S = 10.0
TIMES = 3
SPAN = "interval '3 years'"

# Each event is one kiosk's, on one day of the three years, in its kiosk's province.
_EVENTS = """
INSERT INTO records (seq, uuid, kind, device_id, digest, body, device_created_at, received_at)
SELECT k + 1, u, 'event', kiosk, md5(u), jsonb_build_object('uuid', u, 'kind', 'event', 'schema', 1,
    'created_at', day || 'T08:00:00+07:00', 'name', 'Sosialisasi LAPOR! ' || k,
    'type', (ARRAY['workshop', 'socialization', 'campus', 'village_visit', 'other'])[1 + k %% 5],
    'starts_on', day, 'location', jsonb_build_object('province', 'Provinsi ' || (k %% %(kiosks)s %% %(provinces)s),
    'regency', 'Kabupaten ' || (k %% %(kiosks)s)))::text, day || 'T08:00:00+07:00', day::timestamptz + interval '1 day'
FROM (SELECT k, md5('event-' || k)::uuid::text AS u, 'kiosk-' || lpad((k %% %(kiosks)s)::text, 5, '0') AS kiosk,
        to_char(now() - %(span)s + k * (%(span)s / %(events)s), 'YYYY-MM-DD') AS day
      FROM generate_series(%(first)s::bigint, %(last)s) AS k) AS g
"""
# Registration j is at event j mod events, on its day; one in ten at a second kiosk of the event.
_ATTENDANCE = """
INSERT INTO records (seq, uuid, kind, device_id, digest, body, device_created_at, received_at)
SELECT %(offset)s + j + 1, u, 'attendance', kiosk, md5(u), (jsonb_build_object('uuid', u, 'kind', 'attendance',
    'schema', 1, 'created_at', at, 'event_uuid', md5('event-' || k)::uuid::text,
    'gender', CASE WHEN h < 52 THEN 'female' WHEN h < 97 THEN 'male' ELSE 'unspecified' END,
    'age_band', (ARRAY['0-15', '16-30', '16-30', '31-45', '31-45', '46-60', '61+', 'unspecified'])[1 + a %% 8],
    'consent', jsonb_build_object('given', true, 'text_version', '2026-08'))
    || CASE WHEN a %% 5 < 2 THEN jsonb_build_object('wgss', jsonb_build_object('seeing', 1 + a / 8 %% 4,
        'walking', 1 + a / 32 %% 3)) ELSE '{}'::jsonb END)::text, at, at::timestamptz + interval '2 hours'
FROM (SELECT j, k, gen_random_uuid()::text AS u, (hashtext(j::text)::bigint + 2147483648) %% 100 AS h,
        (hashtext('answers ' || j)::bigint + 2147483648) %% 1000 AS a,
        'kiosk-' || lpad(((k + (j %% 10 / 9)) %% %(kiosks)s)::text, 5, '0') AS kiosk,
        to_char(now() - %(span)s + k * (%(span)s / %(events)s), 'YYYY-MM-DD') || 'T'
          || lpad((8 + j %% 9)::text, 2, '0') || ':' || lpad((j %% 60)::text, 2, '0') || ':00+07:00' AS at
      FROM (SELECT j, j %% %(events)s AS k FROM generate_series(%(first)s::bigint, %(last)s) AS j) AS s) AS g
"""
# Complaint c arrives in order over the three years at its kiosk (the kiosk's province and regency);
# its plan says how far it goes, each step after the last by hours that vary, and only the steps
# already past have happened: the last weeks are still moving.
_PLAN = """
SELECT c, md5('complaint-' || c)::uuid::text AS uuid, kiosk, t0, h, h2,
  CASE WHEN h %% 10 = 0 THEN -1 WHEN h %% 50 = 1 THEN 0 WHEN h %% 50 = 2 THEN 1 WHEN h %% 20 = 3 THEN 2
       WHEN h %% 10 = 4 THEN 3 ELSE 4 END AS reach,
  t0 + (4 + h %% 96) * interval '1 hour' AS verified,
  t0 + (4 + h %% 96 + 2 + h2 %% 48) * interval '1 hour' AS forwarded,
  t0 + (4 + h %% 96 + 2 + h2 %% 48 + 12 + (h * 7) %% 240) * interval '1 hour' AS followed,
  t0 + (4 + h %% 96 + 2 + h2 %% 48 + 12 + (h * 7) %% 240 + 24 + (h2 * 3) %% 480) * interval '1 hour' AS completed
FROM (SELECT c, (hashtext(c::text)::bigint + 2147483648) %% 1000 AS h,
        (hashtext('again ' || c)::bigint + 2147483648) %% 1000 AS h2,
        'kiosk-' || lpad((c %% %(kiosks)s)::text, 5, '0') AS kiosk,
        now() - (%(complaints)s - c) * (%(span)s / %(complaints)s) AS t0
      FROM generate_series(%(first)s::bigint, %(last)s) AS c) AS g
"""
_COMPLAINTS = f"""
INSERT INTO records (seq, uuid, kind, device_id, digest, body, device_created_at, received_at, tracking_id)
SELECT %(offset)s + c + 1, uuid, 'complaint', kiosk, md5(uuid), (jsonb_build_object('uuid', uuid, 'kind', 'complaint',
    'schema', 1, 'created_at', to_char(t0, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
    'classification', (ARRAY['complaint', 'complaint', 'aspiration', 'information_request'])[1 + h %% 4],
    'title', 'Laporan warga nomor ' || c, 'body', 'Isi laporan warga yang cukup panjang nomor ' || c,
    'location', jsonb_build_object('province', 'Provinsi ' || (c %% %(kiosks)s %% %(provinces)s),
                                   'regency', 'Kabupaten ' || (c %% %(kiosks)s)),
    'category', (ARRAY['Jalan', 'Air bersih', 'Kesehatan', 'Pendidikan', 'Listrik', 'Sampah', 'Bantuan sosial',
      'Administrasi kependudukan', 'Keamanan', 'Transportasi', 'Pertanian', 'jalan rusak'])[1 + h2 %% 12],
    'anonymous', false, 'confidential', false, 'language', 'id', 'attachments', jsonb_build_array(),
    'consent', jsonb_build_object('given', true, 'text_version', '2026-08'))
    || CASE WHEN h %% 10 < 3 THEN jsonb_build_object('event_uuid', md5('event-' || (c %% %(events)s))::uuid::text)
       ELSE '{{}}'::jsonb END)::text, to_char(t0, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), t0, 'LPR-' || c
FROM ({_PLAN}) AS p
"""
_STEPS = f"""
SELECT p.c, p.uuid, p.kiosk, p.h2, s.step, s.status,
  CASE s.step WHEN 0 THEN p.t0 WHEN 1 THEN p.verified WHEN 2 THEN p.forwarded WHEN 3 THEN p.followed
    WHEN 4 THEN p.completed ELSE p.t0 + (24 + p.h2 %% 48) * interval '1 hour' END AS at
FROM ({_PLAN}) AS p CROSS JOIN (VALUES (0, 'received'), (1, 'verified'), (2, 'forwarded'), (3, 'followed_up'),
  (4, 'completed'), (5, 'archived')) AS s (step, status)
WHERE s.step <= p.reach OR (s.step IN (0, 5) AND p.reach = -1)
"""
_STATUS_CHANGES = f"""
INSERT INTO status_changes (uuid, status, updated_at)
SELECT uuid, status, at FROM ({_STEPS}) AS t WHERE at < now() ORDER BY c, step
"""
_DISPOSITIONS = f"""
INSERT INTO dispositions (uuid, agency, disposed_at)
SELECT uuid, 'AG' || (h2 %% %(agencies)s), at FROM ({_STEPS}) AS t WHERE status = 'forwarded' AND at < now()
"""
# One in five citizens whose report was completed said whether it was solved, from the same kiosk.
_FEEDBACK = f"""
INSERT INTO records (uuid, kind, device_id, digest, body, device_created_at, received_at)
SELECT f, 'feedback', kiosk, md5(f), jsonb_build_object('uuid', f, 'kind', 'feedback', 'schema', 2,
    'created_at', to_char(at + interval '3 days', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), 'complaint_uuid', uuid,
    'rating', 1 + h2 %% 3, 'language', 'id')::text,
  to_char(at + interval '3 days', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), at + interval '3 days'
FROM (SELECT *, md5('feedback-' || c)::uuid::text AS f FROM ({_STEPS}) AS t) AS t
WHERE status = 'completed' AND h2 %% 5 = 0 AND at + interval '3 days' < now()
"""
_VERDICTS = f"""
INSERT INTO verdicts (complaint_uuid, feedback_uuid, rating, given_at)
SELECT uuid, md5('feedback-' || c)::uuid::text, 1 + h2 %% 3, at + interval '3 days' FROM ({_STEPS}) AS t
WHERE status = 'completed' AND h2 %% 5 = 0 AND at + interval '3 days' < now()
"""

_HISTORY = (_COMPLAINTS, _STATUS_CHANGES, _DISPOSITIONS)


def _chunks(total: int) -> list[tuple[int, int]]:
    return [(first, min(total, first + CHUNK) - 1) for first in range(0, total, CHUNK)]


def _load(url: str, total: int) -> tuple[float, dict[str, int]]:
    """Seconds to generate and index about `total` records, and the rows of each table read."""
    import psycopg

    from hub.storage.schema import rebuild

    started = time.perf_counter()
    events = max(1, total // REGISTRATIONS_PER_EVENT)
    complaints = int(total * COMPLAINT_SHARE)
    attendance = total - events - complaints - complaints // 10  # about as many verdicts as come
    sizes = {"kiosks": KIOSKS, "provinces": PROVINCES, "agencies": AGENCIES, "events": events}
    sizes |= {"complaints": complaints}
    with psycopg.connect(url, autocommit=True) as conn:
        indexes = prepared(conn, KIOSKS, AGENCIES)
        values = {"span": SPAN, **sizes}
        numbered = [(_EVENTS, first, last, 0) for first, last in _chunks(events)]
        numbered += [(_ATTENDANCE, first, last, events) for first, last in _chunks(attendance)]
        for first, last in _chunks(complaints):
            numbered += [(statement, first, last, events + attendance) for statement in _HISTORY]
        for statement, first, last, offset in numbered:
            generated = statement % {**values, "first": first, "last": last, "offset": offset}
            conn.execute(generated.encode())  # type: ignore[arg-type]  # generated SQL, no user input
        conn.execute("SELECT setval(pg_get_serial_sequence('records', 'seq'), %s)", [events + attendance + complaints])
        for first, last in _chunks(complaints):  # numbered by the sequence, after the rest
            for statement in (_FEEDBACK, _VERDICTS):
                conn.execute((statement % {**values, "first": first, "last": last}).encode())  # type: ignore[arg-type]
        conn.execute("ANALYZE")  # the rebuild's joins planned for the rows there are, not for empty tables
        for statement in rebuild("postgresql"):
            conn.execute(statement.encode())  # type: ignore[arg-type]
        for definition in indexes:
            conn.execute(definition.encode())  # type: ignore[arg-type]
        settled(conn)
        for table in ("records", "attendance_counts", "event_days", "attendance_days", "report_days", "agency_clocks"):
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # type: ignore[arg-type]
            sizes[table] = int(row[0]) if row else 0
    return time.perf_counter() - started, sizes


def _timed(question: Callable[[], Any]) -> float:
    """The median of a few askings, the first one included."""
    spent = []
    for _ in range(TIMES):
        started = time.perf_counter()
        question()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def _command(folder: Path, url: str) -> Callable[[], Any]:
    """`kiosk-hub stats --format json`, parsed and run by the command's own code."""
    from hub.cli import main

    def ask() -> None:
        args = ["stats", "--format", "json", "--output", str(folder / "stats.json"), "--data-dir", str(folder)]
        if main([*args, "--database", url]) != 0:
            raise SystemExit("bench: kiosk-hub stats failed")

    return ask


@contextmanager
def _dashboard(folder: Path, url: str) -> Iterator[dict[str, Callable[[], Any]]]:
    """The dashboard's pages, asked of a hub process by a signed-in viewer."""
    import requests
    from hubproc import Hub

    from hub.storage.postgres import PostgresStorage
    from hub.storage.staff import Staff

    password = "kata sandi untuk bench"
    storage = PostgresStorage(folder, url)
    try:
        Staff(storage).add_user("pemantau", "viewer", None, password, "bench")
    finally:
        storage.close()
    hub = Hub(folder / "hub", database=url, log_dir=folder)
    try:
        session = requests.Session()
        form = session.get(hub.url + "/console/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        answer = session.post(
            hub.url + "/console/login",
            data={"username": "pemantau", "password": password, "csrf_token": token.group(1) if token else ""},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 303:
            raise SystemExit(f"bench: the console refused the viewer ({answer.status_code})")

        def page(query: str) -> Callable[[], Any]:
            def ask() -> None:
                shown = session.get(f"{hub.url}/console/stats{query}", timeout=60)
                if shown.status_code != 200:
                    raise SystemExit(f"bench: /console/stats{query} answered {shown.status_code}")

            return ask

        yield {
            "dashboard": page(""),
            "dashboard, one province": page("?province=Provinsi+7"),
            "dashboard, one quarter": page("?from=2026-01-01&to=2026-03-31"),
        }
    finally:
        hub.stop()


def measure() -> list[Figure]:
    import psycopg

    with national("hubstats") as (folder, url):
        loading, sizes = _load(url, RECORDS)
        with psycopg.connect(url) as conn:
            count = _timed(lambda: conn.execute("SELECT count(*) FROM records").fetchone())
        command = _command(folder, url)
        started = time.perf_counter()
        command()  # counts every month's clocks by working days, as after a restore or a new calendar
        first = time.perf_counter() - started
        answers = {"kiosk-hub stats --format json": _timed(command)}
        with _dashboard(folder, url) as pages:
            answers |= {question: _timed(ask) for question, ask in pages.items()}
    baseline = (
        f"count of the records {count * 1000:,.0f} ms ({sizes['records']:,} records: {sizes['complaints']:,}"
        f" complaints, {sizes['events']:,} events; {sizes['agency_clocks']:,} clock rows,"
        f" {sizes['event_days']:,} event days; loaded in {loading:,.0f} s)"
    )
    return [
        Figure(
            "kiosk-hub stats, first asking / count",
            first / count,
            "x",
            "every month's clocks counted by working days (after a restore, a new zone or calendar)",
            f"under {FIRST_GOAL_S:.0f} s ({first * 1000:,.0f} ms)",
            first < FIRST_GOAL_S,
        ),
        *(
            Figure(
                f"{question} / count",
                seconds / count,
                "x",
                baseline,
                f"under {GOAL_S:.0f} s ({seconds * 1000:,.0f} ms)",
                seconds < GOAL_S,
            )
            for question, seconds in answers.items()
        ),
    ]
