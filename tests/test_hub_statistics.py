"""The statistics the hub keeps current (hub.storage.statistics, the participation counts by day and
event), on SQLite and PostgreSQL, against what is counted from scratch: after random batches,
status changes, merges, verdicts, repeated notes, rows corrected by hand, changes of the calendar
and of the hub's zone, the figures of the dashboard and `kiosk-hub stats` equal those counted
report by report and registration by registration, every table kept equals its rebuild from the
source tables, and a restored hub counts the same from what it restored."""

import random
import sqlite3
import statistics as stats
from collections import defaultdict
from contextlib import closing, suppress
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import factories
import psycopg
import pytest
from postgres import backend, database, elsewhere, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.reports import participation as figures_of
from hub.reports import responsiveness
from hub.storage import cases, participation, statistics
from hub.storage.base import HubError
from hub.storage.casework import Casework
from hub.storage.schema import EVENTS_REBUILD, PARTICIPATION_REBUILD
from hub.storage.sqlite import DB_FILE
from hub.storage.staff import Staff
from hub.storage.transfer import backup, restore
from hub.workdays import FOLLOW_UP_WITHIN, days_off_in, local_day, working_days_between
from kiosk.records import digest
from kiosk.records.models import AGE_BANDS, CLASSIFICATIONS, GENDERS
from kiosk.records.protocol import COMPLAINT_STATUSES, COMPLETED, FOLLOWED_UP, VERIFIED
from kiosk.records.statistics import people, share

ZONES = (ZoneInfo("Asia/Jakarta"), ZoneInfo("America/Los_Angeles"))  # days apart most of the day
AGENCIES = ("PUPR", "DINKES", None)  # None: passed on by an officer's hub that names no agency
PLACES = (("Jawa Barat", "Garut"), ("Jawa Barat", "Bandung"), ("Papua", "Jayapura"), ("", ""))
HOLIDAYS = days_off_in(2026, 2027)
DAYS = ("08-03", "08-31", "09-01")  # of registrations, by the kiosk's clock
# the counts a rebuild must give again (the clocks' counts by working days are the reader's, checked by the figures)
DERIVED = ("report_days", "agency_days", "agency_clocks", "attendance_days", "event_days")


class Undone(Exception):
    """Raised to roll back a transaction that only looked."""


def _moment(rng: random.Random) -> str:
    """A moment of August or early September 2026, at any hour."""
    moment = datetime(2026, 8, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(40 * 24 * 60))
    return moment.isoformat(timespec="milliseconds")


class World:
    """A hub and what the test made of it, with one random step after another."""

    def __init__(self, storage, rng: random.Random, kiosks: list[str] | None = None) -> None:
        """A new hub with its agencies and three kiosks, or one more of its users at `kiosks`."""
        self.storage, self.rng = storage, rng
        self.zone = ZONES[0]
        if kiosks is None:
            staff = Staff(storage)
            for code in AGENCIES[:2]:
                staff.add_agency(code, f"Dinas {code}", "test")
            kiosks = [storage.enroll(storage.create_enrollment_code())[0] for _ in range(3)]
        self.kiosks = kiosks
        self.events: list[dict] = []
        self.complaints: dict[str, str] = {}  # uuid -> the kiosk that sent it

    def batch(self, size: int = 8) -> None:
        rng, kiosk = self.rng, self.rng.choice(self.kiosks)
        records: list[dict] = []
        for _ in range(rng.randrange(1, size)):
            kind = rng.choice(("complaint", "complaint", "attendance", "attendance", "event", "feedback"))
            if kind == "event" or (kind == "attendance" and not self.events):
                province, regency = rng.choice(PLACES)
                event = factories.event(
                    starts_on=f"2026-08-{rng.randrange(1, 29):02d}",
                    type=rng.choice(("workshop", "socialization")),
                    location={"province": province, "regency": regency} if province else {"village": "Sukamaju"},
                )
                self.events.append(event)
                records.append(event)
            elif kind == "attendance":
                answers = {"wgss": {"seeing": rng.randrange(1, 5)}} if rng.random() < 0.5 else {}
                records.append(
                    factories.attendance(
                        rng.choice(self.events)["uuid"],
                        gender=rng.choice(GENDERS),
                        age_band=rng.choice(AGE_BANDS[1:]),
                        created_at=f"2026-{rng.choice(DAYS)}T{rng.randrange(6, 22):02d}:00:00+07:00",
                        **answers,
                    )
                )
            elif kind == "complaint":
                province, regency = rng.choice(PLACES)
                extra = {"category": rng.choice(("Jalan", "Air bersih"))} if rng.random() < 0.7 else {}
                if self.events and rng.random() < 0.3:
                    extra["event_uuid"] = rng.choice(self.events)["uuid"]
                complaint = factories.complaint(
                    classification=rng.choice(CLASSIFICATIONS),
                    location={"province": province, "regency": regency} if province else {},
                    **extra,
                )
                self.complaints[complaint["uuid"]] = kiosk
                records.append(complaint)
            elif self.complaints:
                uuid = rng.choice(list(self.complaints))
                records.append(factories.feedback(uuid, rating=rng.randrange(1, 4), created_at=_moment(rng)))
        self.storage.store_records(kiosk, [(record, digest(record)) for record in records])

    def move(self) -> None:
        if not self.complaints:
            return
        uuid = self.rng.choice(list(self.complaints))
        with self.storage.writing() as run:
            (status,) = run("SELECT status FROM complaints WHERE uuid = ?", [uuid])[0]
        later = COMPLAINT_STATUSES[COMPLAINT_STATUSES.index(status) + 1 :]
        if not later:
            return
        chosen = later[0] if self.rng.random() < 0.8 else self.rng.choice(later)  # mostly one step on
        agency = self.rng.choice(AGENCIES) if chosen == "forwarded" else None
        with suppress(HubError):  # merged into another
            self.storage.set_status(uuid, chosen, "catatan", agency)

    def merge(self) -> None:
        if len(self.complaints) > 1:
            uuid, into = self.rng.sample(list(self.complaints), 2)
            with suppress(HubError):  # one of them closed or merged already
                Casework(self.storage).merge(uuid, into, "sama", "test", "127.0.0.1")

    def announce(self) -> None:
        if self.complaints:
            with self.storage.changing() as run:
                cases.announce(run, self.rng.choice(list(self.complaints)), "nomor nasional")

    def correct(self) -> None:
        """An officer's correction straight in the database, as the tests of the figures make them."""
        if not self.complaints:
            return
        rng, uuid = self.rng, self.rng.choice(list(self.complaints))
        with self.storage.changing() as run:
            column = rng.choice(("received_at", "disposed_at", "change"))
            if column == "change":
                changes = run("SELECT seq FROM status_changes WHERE uuid = ?", [uuid])
                run("UPDATE status_changes SET updated_at = ? WHERE seq = ?", [_moment(rng), rng.choice(changes)[0]])
            else:
                run(f"UPDATE complaints SET {column} = ? WHERE uuid = ? AND {column} IS NOT NULL", [_moment(rng), uuid])

    def step(self) -> None:
        self.rng.choices((self.batch, self.move, self.merge, self.announce, self.correct), weights=(3, 10, 1, 1, 5))[
            0
        ]()


def _reports(storage) -> list[dict]:
    """Every report as the figures count it, from the case table, the status changes and the verdicts."""
    with storage.writing() as run:
        rows = run(
            "SELECT c.uuid, c.received_at, c.province, c.regency, c.classification, c.category, c.status,"
            " c.event_uuid, c.agency, c.disposed_at, v.rating FROM complaints c"
            " LEFT JOIN verdicts v ON v.complaint_uuid = c.uuid WHERE c.merged_into IS NULL"
        )
        firsts: dict[tuple[str, str], str] = {}
        for uuid, status, at in run("SELECT uuid, status, updated_at FROM status_changes ORDER BY updated_at DESC"):
            firsts[uuid, status] = at
    names = ("uuid", "received", "province", "regency", "classification", "category", "status", "event")
    found = []
    for row in rows:
        report = dict(zip((*names, "agency", "disposed", "rating"), row, strict=True))
        for status in (VERIFIED, FOLLOWED_UP, COMPLETED):
            report[status] = firsts.get((report["uuid"], status))
        found.append(report)
    return found


def _days(start: str | None, end: str | None, zone: ZoneInfo, off: frozenset[date]) -> int | None:
    if start is None or end is None:
        return None
    return max(working_days_between(local_day(start, zone), local_day(end, zone), off), 0)


def _agencies(reports: list[dict], zone: ZoneInfo, off: frozenset[date], first: date | None, last: date | None):
    """`responsiveness.by_agency` counted report by report, as it was before the statistics tables."""
    chosen: dict[str, list[dict]] = defaultdict(list)
    for report in reports:
        day = local_day(report["received"], zone)
        if report["agency"] and (not first or day >= first) and (not last or day <= last):
            chosen[report["agency"]].append(report)
    figures = {}
    for agency, held in sorted(chosen.items()):
        follow = [_days(r["disposed"], r[FOLLOWED_UP] or r[COMPLETED], zone, off) for r in held]
        answered = [days for days in follow if days is not None]
        verified = [days for r in held if (days := _days(r["received"], r[VERIFIED], zone, off)) is not None]
        done = [days for r in held if (days := _days(r["received"], r[COMPLETED], zone, off)) is not None]
        in_time = sum(days <= FOLLOW_UP_WITHIN for days in answered)
        figures[agency] = {
            "passed_on": len(held),
            "followed_up": len(answered),
            "followed_up_in_time": in_time,
            "completed": len(done),
            "median_working_days": {
                name: round(float(stats.median(values)), 1) if values else None
                for name, values in (("to_verification", verified), ("to_follow_up", answered), ("to_completion", done))
            },
            "verdicts": {
                key: sum(r["rating"] == rating for r in held) for rating, key in responsiveness.RATING_KEYS.items()
            },
            "percent": {
                "followed_up": round(100 * len(answered) / len(held), 1),
                "followed_up_in_time": round(100 * in_time / len(held), 1),
                "completed": round(100 * len(done) / len(held), 1),
            },
        }
    return figures


def _tallies(reports: list[dict], zone: ZoneInfo, first, last, province, regency) -> dict:
    found: dict = {"total": 0, "by_classification": dict.fromkeys(CLASSIFICATIONS, 0), "by_category": {}}
    found |= {"by_status": dict.fromkeys(COMPLAINT_STATUSES, 0), "by_channel": {"kiosk": 0, "event": 0}}
    for report in reports:
        day = local_day(report["received"], zone)
        if (first and day < first) or (last and day > last):
            continue
        if (province and report["province"] != province) or (regency and report["regency"] != regency):
            continue
        found["total"] += 1
        found["by_classification"][report["classification"]] += 1
        found["by_category"][report["category"]] = found["by_category"].get(report["category"], 0) + 1
        found["by_status"][report["status"]] += 1
        found["by_channel"]["event" if report["event"] else "kiosk"] += 1
    found["by_category"] = dict(sorted(found["by_category"].items()))
    return found


def _participation(storage, filters: figures_of.Filters) -> dict:
    """The participation figures from every registration's counts, each breakdown by `people`."""
    known = participation.events(storage)
    placed = filters.province or filters.regency or filters.event_uuid
    narrowed = [uuid for uuid, event in known.items() if filters.chosen(event)] if placed else None
    rows = participation.attendance(storage, filters.date_from, filters.date_to, narrowed)
    found = people(participation.facts(rows))
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        event = known.get(row[0])
        for name, key in (
            ("event", row[0]),
            ("by_province", (event.province if event else "") or figures_of.UNSPECIFIED),
            ("by_regency", (event.regency if event else "") or figures_of.UNSPECIFIED),
            ("by_event_type", event.type if event else figures_of.UNSPECIFIED),
            ("by_month", row[1][:7]),
        ):
            groups[name][key].append(row)

    def headline(held: list) -> dict:
        counted = people(participation.facts(held))
        numbers = {"female": counted["by_gender"]["female"], "youth": counted["youth"]}
        numbers["with_disability"] = counted["with_disability"]
        percent = {key: share(value, counted["total"]) for key, value in numbers.items()}
        return {"total": counted["total"], **numbers, "percent": percent}

    for name in ("by_province", "by_regency", "by_event_type", "by_month"):
        found[name] = {
            key: {**headline(held), "events": len({row[0] for row in held})}
            for key, held in sorted(groups[name].items())
        }
    found["event_list"] = {uuid: headline(held) for uuid, held in groups["event"].items()}
    return found


def _same_participation(storage, filters: figures_of.Filters) -> None:
    kept, counted = figures_of.figures(storage, filters), _participation(storage, filters)
    for key in ("total", "by_gender", "by_age_band", "youth", "with_disability", "wgss_answered", "percent"):
        assert kept[key] == counted[key], key
    for key in ("by_gender_disability", "by_gender_youth", "by_province", "by_regency", "by_event_type", "by_month"):
        assert kept[key] == counted[key], key
    for shown in kept["event_list"]:
        expected = counted["event_list"].get(shown["uuid"], {"total": 0})
        assert {key: shown[key] for key in expected} == expected, shown["uuid"]


def _tables(run) -> dict[str, list]:
    kept = {table: sorted(run(f"SELECT * FROM {table} WHERE n <> 0")) for table in DERIVED}
    return kept | {"outreach_events": sorted(run("SELECT * FROM outreach_events"))}


def _kept_as_rebuilt(storage, dialect: str) -> None:
    """The tables kept step by step equal those the rebuild makes, and the case table's clocks and
    ratings those its history gives (each compared in a transaction undone after)."""
    clocks = f"SELECT uuid, {', '.join(statistics.CASE_COLUMNS[-4:])} FROM complaints"
    with storage.writing() as run:
        kept, kept_clocks = _tables(run), sorted(run(clocks))
    try:
        with storage.writing() as run:
            run(f"UPDATE complaints SET {', '.join(f'{column} = NULL' for column in statistics.CASE_COLUMNS[-4:])}")
            for statement in statistics.CLOCKS_FROM_HISTORY:
                run(statement)
            assert sorted(run(clocks)) == kept_clocks
            for table in ("outreach_events", "attendance_days", "event_days"):
                run(f"DELETE FROM {table}")
            for statement in (EVENTS_REBUILD[dialect], *PARTICIPATION_REBUILD, *statistics.REFILL):
                run(statement)
            assert _tables(run) == kept
            raise Undone
    except Undone:
        pass


def same_figures(world: World, rng: random.Random) -> None:
    storage, zone = world.storage, world.zone
    reports = _reports(storage)
    off = HOLIDAYS | {date(2026, 8, day) for day in rng.sample(range(1, 32), rng.randrange(0, 4))}
    for first, last in ((None, None), (date(2026, 8, rng.randrange(1, 20)), date(2026, 8, rng.randrange(20, 32)))):
        bounds = responsiveness._bounds(zone, first, last)
        assert responsiveness.by_agency(storage, zone, off, *bounds) == _agencies(reports, zone, off, first, last)
        province, regency = rng.choice(PLACES)
        for place in ((None, None), (province or None, None), (None, regency or None), (province, regency)):
            counted = _tallies(reports, zone, first, last, *place)
            assert responsiveness.complaints(storage, zone, first, last, *place) == counted, place
    if world.events:
        event = rng.choice(world.events)
        for filters in (
            figures_of.Filters(),
            figures_of.Filters(date(2026, 8, 4), date(2026, 8, 31)),
            figures_of.Filters(province=event["location"].get("province")),
            figures_of.Filters(event_uuid=event["uuid"], date_to=date(2026, 8, 31)),
        ):
            _same_participation(storage, filters)


@pytest.mark.parametrize("seed", range(3))
def test_the_statistics_kept_equal_a_count_from_scratch_after_any_steps(tmp_path, backend, request, seed):  # noqa: F811
    """Random steps; after each few, every figure against its count from scratch and every table
    against its rebuild; the zone changed half-way; then a backup restored elsewhere counts the same."""
    rng, dialect = random.Random(seed), "postgresql" if backend else "sqlite"
    with storage_of(tmp_path / "hub") as storage:
        world = World(storage, rng)
        for _ in range(3):
            world.batch(40)
        for number in range(80):
            world.step()
            if number == 40:
                world.zone = ZONES[1]  # the admin set another zone
            if number % 8 == 7:
                same_figures(world, rng)
                _kept_as_rebuilt(storage, dialect)
        backup(storage, tmp_path / "hub.backup")
        with elsewhere(tmp_path / "restored", backend, request) as restored:
            restore(restored, tmp_path / "hub.backup")
            world.storage = restored
            same_figures(world, rng)
            _kept_as_rebuilt(restored, dialect)


def _unmade(statements: tuple[str, ...]) -> list[str]:
    """What undoes a migration's tables, columns, indexes, functions and triggers, last made first."""
    undone = []
    for statement in reversed(statements):
        words = statement.replace("(", " ").split()
        if words[:2] in (["CREATE", "TABLE"], ["CREATE", "INDEX"], ["CREATE", "FUNCTION"]):
            undone.append(f"DROP {words[1]} {words[2]}{' CASCADE' if words[1] == 'FUNCTION' else ''}")
        elif words[:2] == ["ALTER", "TABLE"]:
            undone.append(f"ALTER TABLE {words[2]} DROP COLUMN {words[5]}")
    return undone


def test_a_hub_made_before_the_statistics_finds_its_figures_in_them(tmp_path, backend):  # noqa: F811
    """A hub at schema 6 with reports moved on, passed on, judged and registrations: migration 7
    builds the statistics from what it held, and they count what they count on a hub made with them."""
    from hub.storage import migrate
    from hub.storage.schema import MIGRATIONS

    rng = random.Random(5)
    with storage_of(tmp_path) as storage:
        world = World(storage, rng)
        for _ in range(3):
            world.batch(40)
        for _ in range(240):
            rng.choice((world.move, world.move, world.move, world.correct))()
        with storage.writing() as run:
            kept = _tables(run)
        before = responsiveness.received_between(storage, ZONES[0], None, None)
    # back to schema 6, outside the hub (whose SQLite connections keep the statistics by triggers)
    undo = [
        *_unmade(MIGRATIONS[6].postgresql if backend else MIGRATIONS[6].sqlite),
        "DELETE FROM hub_schema WHERE version = 7",
    ]
    if backend:
        with psycopg.connect(backend) as conn:
            for statement in undo:
                conn.execute(statement)
    else:
        with closing(sqlite3.connect(tmp_path / DB_FILE)) as db, db:
            for statement in undo:
                db.execute(statement)
    assert migrate(tmp_path, backend) == ["statistics"]
    with storage_of(tmp_path) as storage:
        with storage.writing() as run:
            assert _tables(run) == kept
        assert responsiveness.received_between(storage, ZONES[0], None, None) == before
        assert before and any(agency["completed"] for agency in before.values())


def test_kiosks_and_staff_at_once_leave_the_statistics_as_a_rebuild_finds_them(tmp_path, backend):  # noqa: F811
    """Four kiosks send complaints, verdicts and registrations while their reports are moved on and
    passed to agencies, all at once (on PostgreSQL, in transactions that overlap): the statistics
    equal their rebuild and the figures their count from scratch."""
    from concurrent.futures import ThreadPoolExecutor

    with storage_of(tmp_path) as storage:
        world = World(storage, random.Random(9))

        def kiosk(number: int) -> None:
            mine = World(storage, random.Random(number), [world.kiosks[number % 3]])
            for _ in range(12):
                mine.batch(12)
                for _ in range(6):
                    mine.move()
            world.events += mine.events

        with ThreadPoolExecutor(4) as workers:
            list(workers.map(kiosk, range(4)))
        _kept_as_rebuilt(storage, "postgresql" if backend else "sqlite")
        same_figures(world, random.Random(1))
