"""A fleet syncing at once: N kiosk processes, each with its own data folder, to one hub with
four workers on PostgreSQL; against the same fleet on the SQLite hub (one worker), and against
storing the same rows into the same PostgreSQL through the hub's storage, with no HTTP, no
validation and no kiosk in between. FLEET_KIOSKS and FLEET_RECORDS make a quick run.

The kiosk processes start and import everything first, then all begin together: 100 Python
start-ups on a small machine would otherwise be measured as sync time. The PostgreSQL server
keeps its durable settings (fsync, synchronous commit), as a hub's would. The hub is freshly
started, as on the morning after a restart: each worker checks each kiosk's token once (scrypt,
about 50 ms), which at 500 records a kiosk costs about as much as storing them."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.data import attendance_records, store_all
from bench.table import Figure

KIOSKS = int(os.environ.get("FLEET_KIOSKS", "100"))
RECORDS = int(os.environ.get("FLEET_RECORDS", "500"))  # per kiosk
EVENTS = 5  # per kiosk
WORKERS = 4
# Of the raw insert rate: the hub checks every record against the schema, hashes it, parses
# and answers HTTP and authenticates each request, and the kiosks read and mark their own
# databases, all on the same processors as PostgreSQL. One kiosk to an SQLite hub keeps half
# the raw rate (bench/sync.py); a fleet adds a process per kiosk competing for the cores.
MIN_SHARE = 0.25
MAX_P99_SECONDS = 10.0  # a batch slower than this nears the kiosk's read timeout (30 s)


@dataclass
class Run:
    rate: float
    seconds: float
    batch_latencies: list[float]
    sync_times: list[float]
    kiosk_cpu: float  # seconds, all kiosks together: what the shared processors gave the kiosks, not the hub
    lost: int
    doubled: int


def _kiosk(folder: Path) -> None:
    """One kiosk process: ready once imported, syncs when told, prints its timings as JSON. The
    engine has no per-batch hook, so the client's post is timed from outside, in this process only."""
    from kiosk.sync import transport
    from kiosk.sync.engine import run_sync

    latencies: list[float] = []
    post = transport.HubClient.post_records

    def timed(client: transport.HubClient, records: list[tuple[str, str]]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return post(client, records)
        finally:
            latencies.append(time.perf_counter() - started)

    transport.HubClient.post_records = timed  # type: ignore[method-assign, assignment]
    print("ready", flush=True)
    sys.stdin.readline()
    started, cpu = time.perf_counter(), time.process_time()
    report = run_sync(folder)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    answer = {"seconds": elapsed, "cpu": cpu, "batches": latencies, "done": report.done, "error": report.error}
    print(json.dumps(answer))


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _make_kiosks(folder: Path) -> list[Path]:
    from kiosk.store import Store

    kiosks = []
    for n in range(KIOSKS):
        kiosk = folder / f"kiosk-{n:03d}"
        with Store(kiosk) as store:
            store_all(store, attendance_records(EVENTS, RECORDS - EVENTS))
        kiosks.append(kiosk)
    return kiosks


def _held(kiosks: list[Path]) -> list[str]:
    """Every record the kiosks hold, as JSON lines: what the hub must end with, once each."""
    from kiosk.store import Store

    lines: list[str] = []
    for kiosk in kiosks:
        with Store(kiosk) as store:
            lines += store.record_lines()
    return lines


def _fleet(folder: Path, templates: list[Path], *serve_args: str, database: str = "") -> Run:
    from hubproc import Hub

    from hub.storage import open_storage
    from kiosk.sync.engine import enroll

    kiosks = [folder / template.name for template in templates]
    for template, kiosk in zip(templates, kiosks, strict=True):
        shutil.copytree(template, kiosk)
    hub = Hub(folder / "hub", *serve_args, database=database)
    processes: list[subprocess.Popen[str]] = []
    try:
        storage = open_storage(hub.data_dir, database)
        try:
            codes = [storage.create_enrollment_code() for _ in kiosks]
        finally:
            storage.close()
        for kiosk, code in zip(kiosks, codes, strict=True):
            enroll(kiosk, hub.url, code)
        for kiosk in kiosks:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.fleet", str(kiosk)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    cwd=Path(__file__).resolve().parent.parent,
                )
            )
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        answers = [json.loads(process.communicate(timeout=600)[0]) for process in processes]
        seconds = time.perf_counter() - started
        arrived = Counter(json.loads(line)["uuid"] for line in hub.records())
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        hub.stop()
    failed = [answer for answer in answers if not answer["done"]]
    if failed:
        raise SystemExit(f"bench: {len(failed)} kiosks did not finish their sync (first: {failed[0]['error']})")
    held = {json.loads(line)["uuid"] for line in _held(kiosks)}
    return Run(
        rate=len(held) / seconds,
        seconds=seconds,
        batch_latencies=[latency for answer in answers for latency in answer["batches"]],
        sync_times=[answer["seconds"] for answer in answers],
        kiosk_cpu=sum(answer["cpu"] for answer in answers),
        lost=len(held - arrived.keys()),
        doubled=sum(times - 1 for times in arrived.values()) + len(arrived.keys() - held),
    )


def _raw_rate(folder: Path, lines: list[str], database: str) -> float:
    """The kiosks' batches stored straight through `store_records`, as many at once as the hub
    has workers: the database's part of a sync, and nothing else."""
    from hub.storage import open_storage
    from kiosk.records import digest

    records = [json.loads(line) for line in lines]
    pairs = [(record, digest(record)) for record in records]
    batches = [pairs[start : start + RECORDS] for start in range(0, len(pairs), RECORDS)]
    storage = open_storage(folder, database)
    try:
        device_id, _token = storage.enroll(storage.create_enrollment_code())
        started = time.perf_counter()
        with ThreadPoolExecutor(WORKERS) as writers:
            list(writers.map(lambda batch: storage.store_records(device_id, batch), batches))
        seconds = time.perf_counter() - started
        if storage.count() != len(pairs):
            raise SystemExit(f"bench: the raw insert stored {storage.count()} of {len(pairs)} records")
    finally:
        storage.close()
    return len(pairs) / seconds


def measure() -> list[Figure]:
    from postgres import PostgresServer, installed_bin_dir

    from hub.storage.postgres import migrate

    bin_dir = installed_bin_dir()
    if bin_dir is None:
        raise SystemExit("bench: the fleet needs PostgreSQL installed (apt-get install postgresql)")
    total = KIOSKS * RECORDS
    with tempfile.TemporaryDirectory(prefix="bench-fleet-", dir=Path.home()) as name:
        folder = Path(name)
        templates = _make_kiosks(folder / "templates")
        lines = _held(templates)
        server = PostgresServer(bin_dir, settings="-c max_connections=200")
        try:
            urls = {}
            for database in ("fleet", "raw"):
                server.admin(f"CREATE DATABASE {database}")
                urls[database] = server.url(database)
                migrate(urls[database])
            raw = _raw_rate(folder / "raw", lines, urls["raw"])
            on_postgres = _fleet(folder / "postgres", templates, "--workers", str(WORKERS), database=urls["fleet"])
        finally:
            server.stop()
        on_sqlite = _fleet(folder / "sqlite", templates)
    size = f"{KIOSKS} kiosks x {RECORDS} records"
    batches = len(on_postgres.batch_latencies)
    p50, p99 = _quantile(on_postgres.batch_latencies, 0.5), _quantile(on_postgres.batch_latencies, 0.99)
    faults = on_postgres.lost + on_postgres.doubled + on_sqlite.lost + on_sqlite.doubled
    return [
        Figure(
            "fleet on PostgreSQL / raw insert",
            on_postgres.rate / raw,
            "x",
            f"fleet {on_postgres.rate:,.0f}/s ({on_postgres.seconds:.1f} s), raw {raw:,.0f}/s ({size})",
            f">= {MIN_SHARE}x",
            on_postgres.rate / raw >= MIN_SHARE,
        ),
        Figure(
            f"fleet, PostgreSQL {WORKERS} workers / SQLite 1",
            on_postgres.rate / on_sqlite.rate,
            "x",
            f"SQLite hub {on_sqlite.rate:,.0f}/s ({on_sqlite.seconds:.1f} s)",
            "-",
            True,
        ),
        Figure(
            "fleet batch latency p50",
            p50 * 1000,
            "ms",
            f"{batches} batches; SQLite hub p50 {_quantile(on_sqlite.batch_latencies, 0.5) * 1000:,.0f} ms",
            "-",
            True,
        ),
        Figure(
            "fleet batch latency p99",
            p99 * 1000,
            "ms",
            f"SQLite hub p99 {_quantile(on_sqlite.batch_latencies, 0.99) * 1000:,.0f} ms",
            f"< {MAX_P99_SECONDS:.0f} s",
            p99 < MAX_P99_SECONDS,
        ),
        Figure(
            "fleet sync time per kiosk p50 / p99",
            _quantile(on_postgres.sync_times, 0.5),
            "s",
            f"p99 {_quantile(on_postgres.sync_times, 0.99):.2f} s, kiosks' CPU {on_postgres.kiosk_cpu:.1f} s;"
            f" SQLite hub p50 {_quantile(on_sqlite.sync_times, 0.5):.2f} s,"
            f" p99 {_quantile(on_sqlite.sync_times, 0.99):.2f} s",
            "-",
            True,
        ),
        Figure(
            "fleet records lost + doubled",
            faults,
            "",
            f"{total:,} records each on PostgreSQL and SQLite, hub export against the kiosks",
            "0",
            faults == 0,
        ),
    ]


if __name__ == "__main__":
    _kiosk(Path(sys.argv[1]))
