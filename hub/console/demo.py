"""A demonstration hub for `kiosk-hub tour`: a real `kiosk-hub serve` process on loopback, its
console holding what an agency's holds after a few weeks.

Two agencies, one user of each role, and a kiosk that enrolled and sent eight complaints in
Indonesian through /api/v1/records (personal details sealed, as a kiosk sends them), moved on
by the verifier and the liaison as they would be. The hub stamps each receipt and each step
with its own clock, so nothing sent today could be overdue: the story is played on a staging
hub, then its rows are loaded, each step moved back to the day the story puts it on, into the
hub the tour looks at, the way `kiosk-hub copy` moves a hub.
"""

import os
import random
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from hub import i18n
from hub.console import rights
from hub.console.events import FIELDS, new_event
from hub.settings import ENV_PREFIX, Console
from hub.storage import HubError, events, forwards, migrate, open_storage
from hub.storage.base import Row, Value
from hub.storage.casework import Casework
from hub.storage.roles import ADMIN, LIAISON, VERIFIER, VIEWER
from hub.storage.staff import Staff
from hub.storage.transfer import TABLES
from hub.workdays import days_off_around, is_working_day
from kiosk.records.check import validate
from kiosk.records.personal import SEALED, split
from kiosk.records.protocol import FORWARDED, RECEIVED, STORED
from kiosk.records.sealing import seal

LOOPBACK = "127.0.0.1"
STARTS_WITHIN = 30  # seconds a hub process may take to answer its health check
TIMEOUT = 30  # seconds for one request to the demonstration hub
ACTOR = "tour"  # who set the demonstration up, in its audit log
SET_UP_WORKING_DAYS_AGO = 20  # agencies, users and the kiosk came before any complaint
ZONE = ZoneInfo(Console.timezone)  # the kiosk's clock, in the hub's default time zone
CONSENT_VERSION = "2026-11-v1"
AGENCIES = {"PUPR": "Dinas Pekerjaan Umum dan Penataan Ruang", "DINKES": "Dinas Kesehatan"}
USERS = {ADMIN: "andi", VERIFIER: "sari", LIAISON: "budi", VIEWER: "wulan"}
LIAISON_AGENCY = "PUPR"
GARUT = {"province": "Jawa Barat", "regency": "Garut", "district": "Cibatu"}


class DemoFailed(Exception):
    """The demonstration hub could not be set up; the message says why, in one line."""


@dataclass(frozen=True)
class Step:
    action: str  # a name of rights.ACTIONS
    working_days_ago: int
    agency: str | None = None  # where `dispose` passes the report
    note: str | None = None  # else the note the console offers, in Indonesian


@dataclass(frozen=True)
class Story:
    """One complaint: what the citizen wrote, when the hub received it, and what happened since."""

    key: str  # how PAGES name it in a path: {verified}
    working_days_ago: int  # when it reached the hub
    fields: dict[str, Any]
    steps: tuple[Step, ...] = field(default=())


# What the national side answered when it refused the demonstration's report (the mapping named a
# field it does not know), as the bridge keeps it.
REFUSED = 'SP4N-LAPOR! answered 400: {"error": "field kategori: unknown category Jalan dan jembatan"}'
STORIES = (
    Story(
        "followed_up",
        18,
        {
            "classification": "complaint",
            "title": "Saluran air di Pasar Cibatu tersumbat sampah",
            "body": "Saluran air di belakang Pasar Cibatu tersumbat sampah plastik. Setiap hujan, air meluap ke "
            "kios pedagang dan jalan. Sudah dua kali dilaporkan ke pengelola pasar tetapi belum ada tindakan.",
            "location": {**GARUT, "village": "Sindangsuka", "text": "Belakang blok C Pasar Cibatu"},
            "category": "Kebersihan",
            "reporter": {"name": "Dedi Kurniawan", "phone": "0812 2233 4455"},
            "gender": "male",
            "age_band": "46-60",
        },
        (
            Step("verify", 17),
            Step("dispose", 16, "PUPR"),
            Step(
                "follow-up",
                11,
                note="Petugas Dinas PUPR sudah membersihkan saluran pada hari Senin. Penutup saluran yang rusak "
                "akan diganti bulan ini.",
            ),
        ),
    ),
    Story(
        "forwarded",
        15,
        {
            "classification": "complaint",
            "title": "Jembatan gantung Dusun Cikadu putus",
            "body": "Jembatan gantung di Dusun Cikadu putus sejak banjir bulan lalu. Anak-anak tidak bisa ke "
            "sekolah dan warga harus memutar 7 km lewat jalan kabupaten untuk ke pasar.",
            "location": {**GARUT, "village": "Sukamaju", "text": "Dusun Cikadu, dekat masjid Al-Ikhlas"},
            "category": "Jalan dan jembatan",
            "agency": "Dinas PUPR Kabupaten Garut",
            "reporter": {"name": "Siti Rahayu", "phone": "081234567890", "email": "siti.rahayu@contoh.id"},
            "gender": "female",
            "age_band": "31-45",
            "wgss": {"walking": 3},
        },
        (Step("verify", 14), Step("dispose", 12, "PUPR")),
    ),
    Story(
        "overdue",
        7,
        {
            "classification": "complaint",
            "title": "Puskesmas pembantu Mekarsari sering tutup",
            "body": "Puskesmas pembantu di Desa Mekarsari tutup pada jam pelayanan hampir setiap Jumat. Ibu hamil "
            "dan warga lanjut usia harus berobat ke kecamatan yang jaraknya 12 km.",
            "location": {**GARUT, "village": "Mekarsari"},
            "category": "Kesehatan",
            "agency": "Dinas Kesehatan",
            "reporter": {"name": "Nur Aini", "phone": "085711122233"},
            "gender": "female",
            "age_band": "16-30",
        },
    ),
    Story(
        "other_agency",
        4,
        {
            "classification": "complaint",
            "title": "Stok obat di Puskesmas Cibatu kosong",
            "body": "Sudah tiga minggu obat hipertensi dan diabetes kosong di Puskesmas Cibatu. Pasien disuruh "
            "membeli sendiri di apotek.",
            "location": {**GARUT, "village": "Karyamukti"},
            "category": "Kesehatan",
            "anonymous": True,
            "gender": "unspecified",
            "age_band": "61+",
        },
        (Step("verify", 3), Step("dispose", 1, "DINKES")),
    ),
    Story(
        "information",
        3,
        {
            "classification": "information_request",
            "title": "Permohonan informasi jadwal dan syarat penyaluran Bantuan Langsung Tunai Dana Desa tahap "
            "kedua bagi warga lanjut usia di Desa Sukamaju",
            "body": "Saya ingin mengetahui kapan BLT Dana Desa tahap kedua dibagikan, dokumen apa saja yang harus "
            "dibawa, dan apakah orang tua saya yang tidak bisa berjalan boleh diwakilkan.",
            "location": {**GARUT, "village": "Sukamaju"},
            "confidential": True,
            "reporter": {"name": "Ahmad Fauzi", "email": "ahmad.fauzi@contoh.id"},
        },
    ),
    Story(
        "verified",
        2,
        {
            "classification": "complaint",
            "title": "Lampu penerangan jalan mati di Jalan Raya Cibatu",
            "body": "Dua belas lampu penerangan jalan di Jalan Raya Cibatu mati sejak awal bulan. Malam hari "
            "jalan gelap dan sudah terjadi dua kali penjambretan.",
            "location": {**GARUT, "village": "Cibunar", "text": "Dari SPBU sampai pertigaan Sukamaju"},
            "category": "Jalan dan jembatan",
            "anonymous": True,
        },
        (Step("verify", 1),),
    ),
    Story(
        "suggestion",
        1,
        {
            "classification": "aspiration",
            "title": "Usulan taman bermain anak di balai desa",
            "body": "Lahan kosong di samping balai Desa Sukamaju bisa dijadikan taman bermain anak yang aman, "
            "karena sekarang anak-anak bermain di pinggir jalan raya.",
            "location": {**GARUT, "village": "Sukamaju"},
            "reporter": {"name": "Rina Marlina"},
            "gender": "female",
            "age_band": "16-30",
        },
    ),
    Story(
        "received",
        0,
        {
            "classification": "complaint",
            "title": "Jalan desa berlubang di depan SDN 2 Sukamaju",
            "body": "Jalan utama Desa Sukamaju berlubang besar sejak musim hujan. Minggu ini dua pengendara motor "
            "jatuh dan anak-anak harus berjalan di pinggir saluran air.",
            "location": {**GARUT, "village": "Sukamaju", "text": "Depan SDN 2 Sukamaju"},
            "category": "Jalan dan jembatan",
            "reporter": {"name": "Yusuf Hidayat", "phone": "+62 813 9988 7766"},
            "gender": "male",
            "age_band": "31-45",
        },
    ),
)


@dataclass(frozen=True)
class Demo:
    url: str
    password: str  # every user's
    users: Mapping[str, str]  # role -> user name
    complaints: Mapping[str, str]  # Story.key -> uuid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else "it said nothing"


@contextmanager
def serving(data_dir: Path, database: str = "") -> Iterator[str]:
    """`kiosk-hub serve` in a process of its own on a free loopback port while the block runs; its URL."""
    port, log = _free_port(), data_dir.with_name(data_dir.name + ".log")
    url = f"http://{LOOPBACK}:{port}"
    command = [sys.executable, "-m", "hub.cli", "serve", "--data-dir", str(data_dir), "--host", LOOPBACK]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, ENV_PREFIX + "DATABASE": database},
        )
    try:
        deadline = time.monotonic() + STARTS_WITHIN
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise DemoFailed(f"the demonstration hub did not start: {_last_line(log)}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/api/v1/health", timeout=1).ok
    except requests.RequestException:
        return False


def _complaint(story: Story, device_id: str, received: datetime) -> dict[str, Any]:
    """The complaint as the kiosk made it, on the kiosk's clock, a few minutes before the hub received it."""
    created = (received - timedelta(minutes=20)).astimezone(ZONE)
    incident = {"incident_date": (created - timedelta(days=3)).date().isoformat()}
    return validate(
        {
            "uuid": str(uuid.uuid4()),
            "kind": "complaint",
            "schema": 1,
            "created_at": created.isoformat(timespec="seconds"),
            "device_id": device_id,
            "anonymous": False,
            "confidential": False,
            "language": "id",
            "attachments": [],
            "consent": {"given": True, "text_version": CONSENT_VERSION},
            **(incident if story.fields["classification"] == "complaint" else {}),
            **story.fields,
        }
    )


def _sealed(record: dict[str, Any], sealing_key: str) -> dict[str, Any]:
    public, personal = split(record)
    return {**public, SEALED: seal(sealing_key, record["uuid"], personal)}


def _send(url: str, code: str) -> dict[str, str]:
    """Enrolls a kiosk with `code` and sends every story's complaint, oldest first; Story.key -> uuid."""
    enrolled = requests.post(url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT).json()
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    records = [
        _complaint(story, enrolled["device_id"], now - _back(story.working_days_ago, today)) for story in STORIES
    ]
    records += _gatherings(enrolled["device_id"], today)
    answer = requests.post(
        url + "/api/v1/records",
        json={"records": [_sealed(record, enrolled["sealing_key"]) for record in records]},
        headers={"Authorization": f"Bearer {enrolled['token']}"},
        timeout=TIMEOUT,
    )
    refused = [result for result in answer.json()["results"] if result["status"] != STORED]
    if refused:
        raise DemoFailed(f"the demonstration hub refused a complaint: {refused[0]}")
    return {story.key: record["uuid"] for story, record in zip(STORIES, records[: len(STORIES)], strict=True)}


# Outreach the kiosk went to, for the statistics: (name, type, province, regency, days ago, people).
GATHERINGS = (
    ("Sosialisasi LAPOR! Desa Sukamaju", "socialization", "Jawa Barat", "Garut", 40, 64),
    ("Kelas warga Kecamatan Cibatu", "workshop", "Jawa Barat", "Garut", 12, 38),
    ("Kunjungan desa Lhoknga", "village_visit", "Aceh", "Aceh Besar", 25, 45),
)


def _gatherings(device_id: str, today: date) -> list[dict[str, Any]]:
    """Events and their registrations, the same every time (a seeded draw)."""
    draw = random.Random(2026)
    records: list[dict[str, Any]] = []
    for name, kind, province, regency, days_ago, people in GATHERINGS:
        day = today - timedelta(days=days_ago)
        event = validate(
            {
                "uuid": str(uuid.UUID(int=draw.getrandbits(128), version=4)),
                "kind": "event",
                "schema": 1,
                "created_at": f"{day.isoformat()}T08:00:00+07:00",
                "device_id": device_id,
                "name": name,
                "type": kind,
                "starts_on": day.isoformat(),
                "location": {"province": province, "regency": regency},
            }
        )
        records.append(event)
        for _ in range(people):
            answered = draw.random() < 0.7
            records.append(
                validate(
                    {
                        "uuid": str(uuid.UUID(int=draw.getrandbits(128), version=4)),
                        "kind": "attendance",
                        "schema": 1,
                        "created_at": f"{day.isoformat()}T{draw.randrange(8, 15):02d}:30:00+07:00",
                        "device_id": device_id,
                        "event_uuid": event["uuid"],
                        "gender": draw.choices(("female", "male", "unspecified"), (55, 42, 3))[0],
                        "age_band": draw.choices(("16-30", "31-45", "46-60", "61+"), (35, 30, 22, 13))[0],
                        **({"wgss": {"seeing": draw.choices((1, 2, 3, 4), (70, 18, 9, 3))[0]}} if answered else {}),
                        "consent": {"given": True, "text_version": CONSENT_VERSION},
                    }
                )
            )
    return records


def _coming_event(today: date) -> dict[str, Any]:
    """An event the coordinator set up in the console, for kiosks to count into next week."""
    entered = dict.fromkeys(FIELDS, "") | {
        "name": "Festival Pelayanan Publik Kabupaten Garut",
        "type": "socialization",
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=8)).isoformat(),
        "organizer": "Pemerintah Kabupaten Garut",
        "province": "Jawa Barat",
        "regency": "Garut",
    }
    return new_event(entered, datetime.now(ZONE))


def _back(working_days: int, today: date) -> timedelta:
    """How far before `today` the day `working_days` working days earlier is: the story keeps to
    days the village office, and so the kiosk and the staff, are at work."""
    holidays = days_off_around(today)
    day = today
    while working_days > 0:
        day -= timedelta(days=1)
        working_days -= is_working_day(day, holidays)
    return today - day


def _ages(complaints: Mapping[str, str], today: date) -> dict[tuple[str, str], timedelta]:
    """(uuid, status) -> how long ago the story has the complaint reach that status."""
    ages: dict[tuple[str, str], timedelta] = {}
    for story in STORIES:
        ages[complaints[story.key], RECEIVED] = _back(story.working_days_ago, today)
        for step in story.steps:
            ages[complaints[story.key], rights.ACTIONS[step.action].status] = _back(step.working_days_ago, today)
    return ages


def _play(url: str, storage_dir: Path, password: str) -> dict[str, str]:
    """The whole story on the staging hub; Story.key -> uuid."""
    with closing(open_storage(storage_dir)) as storage:
        staff = Staff(storage)
        for code, name in AGENCIES.items():
            staff.add_agency(code, name, ACTOR)
        for role, user in USERS.items():
            staff.add_user(user, role, LIAISON_AGENCY if role == LIAISON else None, password, ACTOR)
        complaints = _send(url, storage.create_enrollment_code(timedelta(hours=1)))
        casework, indonesian = Casework(storage), i18n.translations("id")
        steps = sorted(
            ((step, story) for story in STORIES for step in story.steps), key=lambda s: -s[0].working_days_ago
        )
        for step, story in steps:  # in the order they happened, as the audit log would have them
            action = rights.ACTIONS[step.action]
            note = step.note or indonesian.gettext(action.note)
            casework.change_status(
                complaints[story.key], action.status, note, USERS[action.role], LOOPBACK, step.agency
            )
        with storage.writing() as run:  # a report SP4N-LAPOR! refused, for its page and the report's
            forwards.queue(run, complaints["verified"], USERS[VERIFIER])
            forwards.bury(run, complaints["verified"], 3, REFUSED)
    return complaints


# The moment of a row the story dates: a step of a complaint's, or part of the set-up before them.
_STEPS = {"records": "received_at", "status_changes": "updated_at", "dispositions": "disposed_at", "audit_log": "at"}
_SET_UP = {"agencies": "created_at", "staff": "created_at", "devices": "enrolled_at"}


def _step_of(table: str, row: Mapping[str, Value]) -> tuple[str, str]:
    """(uuid, status) of the step a row of one of _STEPS' tables records."""
    if table == "records":
        return str(row["uuid"]), RECEIVED
    if table == "status_changes":
        return str(row["uuid"]), str(row["status"])
    if table == "dispositions":
        return str(row["uuid"]), FORWARDED
    return str(row["target"]), str(row["action"]).removeprefix("status_")  # a status change's audit entry


def _aged(rows: Iterable[Row], ages: Mapping[tuple[str, str], timedelta], set_up: timedelta) -> Iterator[Row]:
    for table, values in rows:
        row = dict(zip(TABLES[table], values, strict=True))
        column = _STEPS.get(table) or _SET_UP.get(table)
        moment = row[column] if column else None
        if column and isinstance(moment, str):
            age = ages.get(_step_of(table, row), set_up) if table in _STEPS else set_up
            row[column] = (datetime.fromisoformat(moment) - age).isoformat(timespec="milliseconds")
        yield table, tuple(row.values())


@contextmanager
def demonstration(folder: Path, database: str = "") -> Iterator[Demo]:
    """The demonstration hub, serving from `folder` (its staging hub beside), on SQLite or on
    `database`, an empty PostgreSQL database it is loaded into and left in."""
    password = secrets.token_urlsafe(16)
    staging, shown = folder / "staging", folder / "hub"
    with serving(staging) as url:
        complaints = _play(url, staging, password)
    if database:
        migrate(shown, database)
    with closing(open_storage(staging)) as source, closing(open_storage(shown, database)) as target:
        if any(target.counts().values()):
            raise HubError("not_empty", "the tour loads its demonstration into an empty database only")
        today = datetime.now(ZONE).date()
        target.load(_aged(source.rows(), _ages(complaints, today), _back(SET_UP_WORKING_DAYS_AGO, today)))
        events.create(target, _coming_event(today), USERS[VERIFIER], LOOPBACK)
    with serving(shown, database) as url:
        yield Demo(url, password, USERS, complaints)
