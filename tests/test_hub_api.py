"""The hub's HTTP API (DESIGN.md, "Sync protocol"), against a real hub process on loopback,
on SQLite and on PostgreSQL alike."""

import hashlib
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import factories
import psycopg
import requests
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures

from hub.storage import open_storage
from hub.storage.blobs import FolderBlobs
from hub.storage.rules import FAST_SALT, hash_token
from hub.storage.sqlite import DB_FILE
from kiosk.records import digest

TIMEOUT = 30
RECORDS, CHANGES = "/api/v1/records", "/api/v1/changes"
PHOTO = b"\xff\xd8\xff\xe0 not really a JPEG, but bytes all the same \xff\xd9"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


# helpers


def query(data_dir, url: str, sql: str, params=()) -> list[tuple]:
    """Rows straight from the hub's database, SQLite in `data_dir` or PostgreSQL at `url` (`?` placeholders)."""
    if url:
        with psycopg.connect(url) as conn:
            return [tuple(row) for row in conn.execute(sql.replace("?", "%s"), params)]
    with sqlite3.connect(f"file:{data_dir / DB_FILE}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def enroll(hub, *code_args: str) -> tuple[str, str]:
    answer = requests.post(hub.url + "/api/v1/enroll", json={"code": hub.enroll_code(*code_args)}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["device_id"], answer.json()["token"]


def post_records(hub, token: str, records: list) -> requests.Response:
    return requests.post(hub.url + RECORDS, json={"records": records}, headers=bearer(token), timeout=TIMEOUT)


def stored(hub, token: str, records: list) -> list[dict]:
    """Posts records that must all be accepted; returns their results."""
    answer = post_records(hub, token, records)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["stored"] * len(records), results
    return results


def changes(hub, token: str, cursor: str | None = None) -> dict:
    params = {} if cursor is None else {"cursor": cursor}
    answer = requests.get(hub.url + CHANGES, params=params, headers=bearer(token), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_error(answer: requests.Response, status: int, code: str | None = None) -> dict:
    """The answer has this status and a JSON body `{"error": {"code", "message"}}`."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def photo_attachment(sha256: str = PHOTO_SHA, size: int = len(PHOTO)) -> dict:
    return {"sha256": sha256, "mime": "image/jpeg", "size": size, "name": "jalan.jpg"}


# health and error format
def test_health_answers_json_with_protocol_and_server_time(hub):
    """GET /health answers JSON holding protocol 1 and the hub's current time with an offset."""
    answer = requests.get(hub.url + "/api/v1/health", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["protocol"] == 1
    server_time = datetime.fromisoformat(body["server_time"])
    assert server_time.tzinfo is not None
    assert abs(server_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert body["attachments"] == 0
    _device, token = enroll(hub)
    put = requests.put(f"{hub.url}/api/v1/attachments/{PHOTO_SHA}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
    assert put.status_code == 201, put.text
    assert requests.get(hub.url + "/api/v1/health", timeout=TIMEOUT).json()["attachments"] == 1  # counted once whole


def test_unknown_paths_and_methods_answer_json_errors(hub):
    """A path or method the hub does not serve is a JSON error too, never an HTML page."""
    assert_error(requests.get(hub.url + "/api/v1/nothing-here", timeout=TIMEOUT), 404)
    assert_error(requests.delete(hub.url + "/api/v1/health", timeout=TIMEOUT), 405)


# enrollment
def test_an_enrollment_code_works_exactly_once(hub):
    """A code gives a device id and a token once; using it a second time is a 400 JSON error."""
    code = hub.enroll_code()
    first = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["device_id"] and body["token"].startswith(body["device_id"] + ".")
    datetime.fromisoformat(body["server_time"])
    assert changes(hub, body["token"])["changes"] == []
    again = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
    assert_error(again, 400, "bad_code")


def test_an_unknown_enrollment_code_is_refused(hub):
    """A code the hub never issued is a 400 JSON error, and no device is enrolled."""
    real = hub.enroll_code()  # a real code exists, it is just not any of these
    for code in ("ABCDE-FGHJK", real[:-1] + ("2" if real[-1] != "2" else "3"), "", "x" * 65, "\u0000", "\ud800"):
        answer = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
        assert_error(answer, 400)
    for body in ({}, {"code": 5}, {"code": real, "device": "x"}, [real]):
        assert_error(requests.post(hub.url + "/api/v1/enroll", json=body, timeout=TIMEOUT), 400, "bad_request")
    assert hub.cli("devices").stdout == ""


def test_a_code_used_by_many_at_once_enrolls_one_device(hub):
    """Eight simultaneous uses of one code: exactly one enrolls, the others get 400."""
    code = hub.enroll_code()
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT), range(8)
            )
        )
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7
    assert len(hub.cli("devices").stdout.splitlines()) == 1


def test_an_expired_enrollment_code_is_refused(hub):
    """A code made with `enroll-code --hours 0` has already expired: 400 JSON error."""
    code = hub.enroll_code("--hours", "0")
    answer = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
    assert_error(answer, 400, "bad_code")
    with storage_of(hub.data_dir) as storage:
        older = storage.create_enrollment_code(timedelta(seconds=-1))
    answer = requests.post(hub.url + "/api/v1/enroll", json={"code": older}, timeout=TIMEOUT)
    assert_error(answer, 400, "bad_code")
    assert hub.cli("devices").stdout == ""


def test_tokens_and_codes_are_kept_only_as_salted_hashes(hub, backend):  # noqa: F811 - the fixture imported above
    """No file in the hub's data dir (WAL included) holds a clear token, its secret or a code."""
    codes, tokens = [hub.enroll_code(), hub.enroll_code()], []
    for code in codes:
        answer = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        tokens.append(answer.json()["token"])
        stored(hub, tokens[-1], [factories.complaint()])  # the token went through authentication too
    files = {path: path.read_bytes() for path in hub.data_dir.rglob("*") if path.is_file()}
    assert backend or any(path.name == DB_FILE + "-wal" for path in files)
    secrets = [token.partition(".")[2] for token in tokens]
    needles = [*tokens, *secrets, *codes, *(code.replace("-", "") for code in codes)]
    for path, content in files.items():
        for needle in needles:
            assert needle.encode() not in content, f"{needle!r} is in {path}"
    rows = {
        device: (bytes(salt), bytes(digest))
        for device, salt, digest in query(hub.data_dir, backend, "SELECT device_id, salt, token_hash FROM devices")
    }
    assert len({salt for salt, _ in rows.values()}) == 2 and all(len(salt) >= 16 for salt, _ in rows.values())
    for token in tokens:
        device_id, _, secret = token.partition(".")
        salt, digest = rows[device_id]
        assert digest == hash_token(secret, salt) and salt.startswith(FAST_SALT)


# authorization
ENDPOINTS = {
    "post records": lambda url, headers: requests.post(
        url + RECORDS, json={"records": [factories.complaint()]}, headers=headers, timeout=TIMEOUT
    ),
    "put attachment": lambda url, headers: requests.put(
        f"{url}/api/v1/attachments/{PHOTO_SHA}", data=PHOTO, headers=headers, timeout=TIMEOUT
    ),
    "get changes": lambda url, headers: requests.get(url + CHANGES, headers=headers, timeout=TIMEOUT),
    "get sealing key": lambda url, headers: requests.get(url + "/api/v1/sealing-key", headers=headers, timeout=TIMEOUT),
    "post withdrawals": lambda url, headers: requests.post(
        url + "/api/v1/withdrawals", json={"uuids": [factories.new_uuid()]}, headers=headers, timeout=TIMEOUT
    ),
}


def assert_refused_everywhere(hub, headers: dict) -> None:
    for name, call in ENDPOINTS.items():
        answer = call(hub.url, headers)
        assert_error(answer, 401, "unauthorized")
        assert answer.headers.get("www-authenticate") == "Bearer", name


def assert_allowed_everywhere(hub, token: str) -> None:
    for name, call in ENDPOINTS.items():
        answer = call(hub.url, bearer(token))
        assert answer.status_code in (200, 201), f"{name}: {answer.text}"


MALFORMED_HEADERS = [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
    {"Authorization": "Token abc.def"},
    {"Authorization": "Bearer no-dot-in-this-token"},
    {"Authorization": "Bearer .only-a-secret"},
    {"Authorization": "Bearer kiosk-000000000000.unknown-device"},
    {"Authorization": "Bearer kiosk-a." + "x" * 300},
]


def test_missing_or_malformed_credentials_get_401(hub):
    """No token or a malformed Authorization header: 401 JSON with WWW-Authenticate: Bearer, nothing stored."""
    enroll(hub)
    for headers in MALFORMED_HEADERS:
        assert_refused_everywhere(hub, headers)
    assert hub.records() == []
    assert not any((hub.data_dir / "attachments").iterdir())


def test_a_forged_token_gets_401(hub):
    """A token with a real device id but another secret is refused on every endpoint."""
    device_id, token = enroll(hub)
    secret = token.partition(".")[2]
    for forged in (
        f"{device_id}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        f"{device_id}.{secret}x",
        f"{device_id}.",
        f"{device_id}.{'A' * len(secret)}",
    ):
        assert_refused_everywhere(hub, bearer(forged))
    assert hub.records() == []
    assert_allowed_everywhere(hub, token)  # the real token was not disturbed


def test_a_revoked_token_gets_401(hub):
    """After `kiosk-hub revoke DEVICE` the device's token is refused, though it worked a moment before."""
    device_id, token = enroll(hub)
    other_id, other = enroll(hub)
    assert_allowed_everywhere(hub, token)
    done = hub.cli("revoke", device_id)
    assert done.returncode == 0, done.stderr
    assert_refused_everywhere(hub, bearer(token))
    assert_allowed_everywhere(hub, other)  # only that device was revoked
    listed = dict(line.split("\t", 1) for line in hub.cli("devices").stdout.splitlines())
    assert "revoked" in listed[device_id] and "active" in listed[other_id]
    assert hub.cli("revoke", "kiosk-nobody").returncode == 1


def test_rekeying_a_device_replaces_its_token(hub):
    """`enroll-code --device D` gives D a working new token; the old one then gets 401."""
    device_id, old = enroll(hub)
    complaint = factories.complaint()
    stored(hub, old, [complaint])
    code = hub.enroll_code("--device", device_id)
    assert_allowed_everywhere(hub, old)  # until the code is used
    answer = requests.post(hub.url + "/api/v1/enroll", json={"code": code}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.json()["device_id"] == device_id
    new = answer.json()["token"]
    assert new != old
    assert_refused_everywhere(hub, bearer(old))
    assert_allowed_everywhere(hub, new)
    assert complaint["uuid"] in {c["uuid"] for c in changes(hub, new)["changes"]}  # still the same device
    assert hub.cli("enroll-code", "--device", "kiosk-nobody").returncode == 1


def test_rekeying_a_revoked_device_lets_it_back_in(hub):
    """A revoked device enrolled again with `enroll-code --device` works with its new token only."""
    device_id, old = enroll(hub)
    assert hub.cli("revoke", device_id).returncode == 0
    again_id, new = enroll(hub, "--device", device_id)
    assert again_id == device_id
    assert_allowed_everywhere(hub, new)
    assert_refused_everywhere(hub, bearer(old))


def test_a_device_sees_only_its_own_complaints_changes(hub):
    """Two devices each post a complaint; after set-status on both, each /changes lists only its own."""
    (_, first), (_, second) = enroll(hub), enroll(hub)
    mine, theirs = factories.complaint(), factories.complaint()
    stored(hub, first, [mine, factories.event()])
    stored(hub, second, [theirs])
    for uuid in (mine["uuid"], theirs["uuid"]):
        done = hub.cli("set-status", uuid, "verified", "--note", f"checked {uuid}")
        assert done.returncode == 0, done.stderr
    for token, own in ((first, mine["uuid"]), (second, theirs["uuid"])):
        seen = changes(hub, token)["changes"]
        assert {c["uuid"] for c in seen} == {own}
        assert [(c["status"], c["note"]) for c in seen] == [("received", None), ("verified", f"checked {own}")]


# records
def test_records_are_stored_once_and_conflicts_are_reported(hub):
    """stored, then duplicate with the same tracking id, then conflict for the same uuid with other content."""
    _, token = enroll(hub)
    event = factories.event()
    complaint = factories.complaint()
    first = stored(hub, token, [event, complaint])
    assert [r["uuid"] for r in first] == [event["uuid"], complaint["uuid"]]
    assert "tracking_id" not in first[0]
    tracking_id = first[1]["tracking_id"]
    assert tracking_id.startswith("LPR-")

    again = post_records(hub, token, [complaint, event]).json()["results"]
    assert again == [
        {"uuid": complaint["uuid"], "status": "duplicate", "tracking_id": tracking_id},
        {"uuid": event["uuid"], "status": "duplicate"},
    ]

    changed = [{**complaint, "title": "Jembatan desa putus"}, {**event, "name": "Another event"}]
    conflicts = post_records(hub, token, changed).json()["results"]
    assert [(r["uuid"], r["status"]) for r in conflicts] == [
        (complaint["uuid"], "conflict"),
        (event["uuid"], "conflict"),
    ]
    assert all(r["error"] for r in conflicts)

    exported = [json.loads(line) for line in hub.records()]
    assert [r["uuid"] for r in exported] == [event["uuid"], complaint["uuid"]]
    assert exported[1]["title"] == complaint["title"]  # the first version stays


def test_the_same_record_sent_at_once_is_stored_once(hub):
    """Eight simultaneous posts of one complaint: one `stored`, seven `duplicate` with the same tracking id."""
    _, token = enroll(hub)
    complaint = factories.complaint()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post_records(hub, token, [complaint]), range(8)))
    results = [a.json()["results"][0] for a in answers]
    assert sorted(r["status"] for r in results) == ["duplicate"] * 7 + ["stored"]
    assert len({r["tracking_id"] for r in results}) == 1
    assert len(hub.records()) == 1


def test_duplicates_within_one_batch(hub):
    """The same record twice in one batch is stored then duplicate; a changed copy in the batch is conflict."""
    _, token = enroll(hub)
    complaint = factories.complaint()
    results = post_records(hub, token, [complaint, complaint, {**complaint, "title": "Lain judul"}]).json()["results"]
    assert [r["status"] for r in results] == ["stored", "duplicate", "conflict"]
    assert results[0]["tracking_id"] == results[1]["tracking_id"]


def test_a_mixed_batch_is_answered_in_order_and_numbered_in_order(tmp_path, backend):  # noqa: F811 - the fixture imported above
    """The store takes a batch in one statement and still answers each record in its place:
    new, repeated, changed and waiting for its file; new complaints are numbered in batch
    order, each with its `received` status, and nothing else is written."""
    storage = open_storage(tmp_path, backend)
    device, _ = storage.enroll(storage.create_enrollment_code())
    earlier = factories.complaint()
    storage.store_records(device, [(earlier, digest(earlier))])
    first, second, event = factories.complaint(), factories.complaint(), factories.event()
    waiting = factories.complaint(attachments=[photo_attachment()])
    changed = {**earlier, "title": "Lain judul"}
    batch = [first, earlier, waiting, event, second, first, changed]
    results = storage.store_records(device, [(record, digest(record)) for record in batch])
    assert [(r.uuid, r.status) for r in results] == [
        (first["uuid"], "stored"),
        (earlier["uuid"], "duplicate"),
        (waiting["uuid"], "invalid"),
        (event["uuid"], "stored"),
        (second["uuid"], "stored"),
        (first["uuid"], "duplicate"),
        (earlier["uuid"], "conflict"),
    ]
    numbers = [int(results[i].tracking_id.rsplit("-", 1)[1]) for i in (1, 0, 4)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert results[5].tracking_id == results[0].tracking_id and results[3].tracking_id is None
    assert PHOTO_SHA in results[2].error and "uuid" in results[6].error
    assert query(tmp_path, backend, "SELECT uuid, status FROM status_changes ORDER BY seq") == [
        (earlier["uuid"], "received"),
        (first["uuid"], "received"),
        (second["uuid"], "received"),
    ]
    assert [
        json.loads(body)["uuid"] for (body,) in query(tmp_path, backend, "SELECT body FROM records ORDER BY seq")
    ] == [
        earlier["uuid"],
        first["uuid"],
        event["uuid"],
        second["uuid"],
    ]
    assert query(tmp_path, backend, "SELECT body FROM records WHERE uuid = ?", [earlier["uuid"]])[0][0] == json.dumps(
        earlier, ensure_ascii=False, separators=(",", ":")
    )
    assert storage.store_records(device, []) == []
    storage.close()


def test_invalid_records_do_not_stop_valid_ones(hub):
    """Invalid records are `invalid` with an error, valid ones around them are stored; results keep request order."""
    _, token = enroll(hub)
    event = factories.event()
    batch = [
        event,
        factories.complaint(title=""),
        factories.attendance(event["uuid"]),
        "not an object",
        {"kind": "spaceship"},
        factories.complaint(),
        factories.attendance(event["uuid"], age=70),  # outside its age band
        factories.event(uuid="not-a-uuid"),
    ]
    answer = post_records(hub, token, batch)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [
        "stored",
        "invalid",
        "stored",
        "invalid",
        "invalid",
        "stored",
        "invalid",
        "invalid",
    ]
    for record, result in zip(batch, results, strict=True):
        if result["status"] == "invalid":
            assert isinstance(result["error"], str) and result["error"]
            assert "tracking_id" not in result
        else:
            assert "error" not in result
        if isinstance(record, dict) and "uuid" in record:
            assert result["uuid"] == record["uuid"]
    assert results[3]["uuid"] is None and results[4]["uuid"] is None
    assert "title" in results[1]["error"] and "age" in results[6]["error"]
    assert results[5]["tracking_id"].startswith("LPR-")
    assert len(hub.records()) == 3


def test_every_complaint_gets_its_own_tracking_id(hub):
    """Each stored complaint gets a distinct tracking id; events and attendance get none."""
    _, token = enroll(hub)
    event = factories.event()
    batch = [factories.complaint() for _ in range(5)] + [event, factories.attendance(event["uuid"])]
    results = stored(hub, token, batch)
    ids = [r.get("tracking_id") for r in results]
    assert len(set(ids[:5])) == 5 and all(ids[:5])
    assert ids[5:] == [None, None]


def test_an_anonymous_complaint_with_a_reporter_name_is_invalid(hub):
    """anonymous: true with a reporter name is `invalid` naming the reporter; without the name it is stored."""
    _, token = enroll(hub)
    named = factories.complaint(anonymous=True, reporter={"name": "Siti Aminah"})
    result = post_records(hub, token, [named]).json()["results"][0]
    assert result["status"] == "invalid" and "reporter" in result["error"]
    stored(hub, token, [{**named, "reporter": {}}])


def test_a_record_with_broken_unicode_in_its_uuid_is_invalid(hub):
    """A lone surrogate in an invalid record's uuid is `invalid`, not a server error."""
    _, token = enroll(hub)
    good = factories.complaint()
    body = json.dumps({"records": [{"uuid": "\ud800", "kind": "complaint"}, good]})
    answer = requests.post(
        hub.url + RECORDS,
        data=body.encode(),
        timeout=TIMEOUT,
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "stored"]
    assert results[1]["uuid"] == good["uuid"]


def test_a_record_from_the_last_day_of_year_9999_is_answered(hub):
    """A complaint dated at the very end of the calendar gets a result, not a server error."""
    _, token = enroll(hub)
    edge = factories.complaint(created_at="9999-12-31T10:00:00+00:00", incident_date="2026-08-01")
    good = factories.complaint()
    answer = post_records(hub, token, [edge, good])
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] in (["invalid", "stored"], ["stored", "stored"])


# limits and malformed bodies
def test_batch_and_body_limits_give_413(start_hub):
    """With --max-batch 5 --max-body 20000: 5 records pass, 6 records or a body over 20000 bytes get 413 JSON."""
    hub = start_hub("--max-batch", "5", "--max-body", "20000")
    _, token = enroll(hub)
    stored(hub, token, [factories.complaint() for _ in range(5)])
    assert_error(post_records(hub, token, [factories.complaint() for _ in range(6)]), 413, "too_large")

    padded = json.dumps({"records": [factories.complaint()]}).encode() + b" " * 20_000
    headers = {**bearer(token), "Content-Type": "application/json"}
    assert_error(requests.post(hub.url + RECORDS, data=padded, headers=headers, timeout=TIMEOUT), 413, "too_large")
    chunks = (padded[i : i + 4096] for i in range(0, len(padded), 4096))  # no Content-Length: counted as it comes
    assert_error(requests.post(hub.url + RECORDS, data=chunks, headers=headers, timeout=TIMEOUT), 413, "too_large")
    fits = json.dumps({"records": [factories.complaint()]}).encode() + b" " * 1000
    assert requests.post(hub.url + RECORDS, data=fits, headers=headers, timeout=TIMEOUT).status_code == 200
    assert len(hub.records()) == 6


MALFORMED_BODIES = {
    "broken": b"{not json",
    "empty": b"",
    "records-number": b'{"records": 5}',
    "records-object": b'{"records": {}}',
    "records-null": b'{"records": null}',
    "array": b"[]",
    "string": b'"records"',
    "no-records": b"{}",
    "extra-key": b'{"records": [], "more": 1}',
    "key-twice": b'{"records": [], "records": []}',
    "nan": b'{"records": [NaN]}',
    "huge-integer": b'{"records": [' + b"1" * 5000 + b"]}",
    "not-utf8": b'{"records": ["\xff\xfe"]}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
}


def test_malformed_bodies_get_400_json(hub):
    """A body that is not strict UTF-8 JSON of the form {"records": [...]} is a 400 JSON error."""
    _, token = enroll(hub)
    headers = {**bearer(token), "Content-Type": "application/json"}
    for name, body in MALFORMED_BODIES.items():
        answer = requests.post(hub.url + RECORDS, data=body, headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 400, name
        assert_error(answer, 400, "bad_request")
    infinite = requests.post(hub.url + RECORDS, data=b'{"records": [1e999]}', headers=headers, timeout=TIMEOUT)
    assert infinite.json()["results"] == [{"uuid": None, "status": "invalid", "error": "record: must be a JSON object"}]
    assert hub.records() == []


# attachments
def test_attachments_are_content_addressed_and_idempotent(hub):
    """PUT with the right hash: 201, then 200 again; the bytes are kept exactly; a wrong hash is 400 hash_mismatch."""
    _, token = enroll(hub)
    url = f"{hub.url}/api/v1/attachments/{PHOTO_SHA}"
    first = requests.put(url, data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
    assert first.status_code == 201, first.text
    assert first.json() == {"sha256": PHOTO_SHA, "size": len(PHOTO)}
    again = requests.put(url, data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
    assert again.status_code == 200 and again.json() == first.json()
    blobs = FolderBlobs.of(hub.data_dir)
    assert PHOTO not in blobs.path(PHOTO_SHA).read_bytes() and blobs.read(PHOTO_SHA) == PHOTO  # sealed at rest

    other = hashlib.sha256(b"other bytes").hexdigest()
    wrong = requests.put(f"{hub.url}/api/v1/attachments/{other}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
    assert_error(wrong, 400, "hash_mismatch")
    assert not blobs.path(other).exists()
    with storage_of(hub.data_dir) as storage:
        assert not storage.has_attachment(other)
    for bad in (PHOTO_SHA.upper(), PHOTO_SHA[:-1], PHOTO_SHA + "0", "../" + PHOTO_SHA[3:]):
        answer = requests.put(f"{hub.url}/api/v1/attachments/{bad}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
        assert 400 <= answer.status_code < 500 and "error" in answer.json(), bad


def test_a_complaint_waits_for_its_attachment(hub):
    """A complaint naming an attachment never uploaded is `invalid`; after the upload the same complaint is stored."""
    _, token = enroll(hub)
    complaint = factories.complaint(attachments=[photo_attachment()])
    before = post_records(hub, token, [complaint]).json()["results"]
    assert before[0]["status"] == "invalid" and PHOTO_SHA in before[0]["error"]
    assert hub.records() == []
    put = requests.put(f"{hub.url}/api/v1/attachments/{PHOTO_SHA}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT)
    assert put.status_code == 201
    after = stored(hub, token, [complaint])
    assert after[0]["tracking_id"]


def test_a_failed_upload_does_not_count_as_uploaded(hub):
    """After a PUT refused for its hash, a complaint naming that hash is still `invalid`."""
    _, token = enroll(hub)
    other = b"a different photo"
    other_sha = hashlib.sha256(other).hexdigest()
    wrong = requests.put(
        f"{hub.url}/api/v1/attachments/{other_sha}", data=PHOTO, headers=bearer(token), timeout=TIMEOUT
    )
    assert_error(wrong, 400, "hash_mismatch")
    complaint = factories.complaint(attachments=[photo_attachment(other_sha, len(other))])
    assert post_records(hub, token, [complaint]).json()["results"][0]["status"] == "invalid"


# changes and complaint status
def test_changes_are_paged_by_the_hubs_cursor(hub):
    """501 complaints give a page of 500 with more=true, then the last one; the cursor only moves forward."""
    _, token = enroll(hub)
    complaints = [factories.complaint() for _ in range(501)]
    results = stored(hub, token, complaints)
    first = changes(hub, token)
    assert len(first["changes"]) == 500 and first["more"] is True
    second = changes(hub, token, first["cursor"])
    assert len(second["changes"]) == 1 and second["more"] is False
    seen = [c["uuid"] for c in first["changes"] + second["changes"]]
    assert seen == [c["uuid"] for c in complaints]
    by_uuid = {r["uuid"]: r["tracking_id"] for r in results}
    assert all(
        c["tracking_id"] == by_uuid[c["uuid"]] and c["status"] == "received"
        for c in first["changes"] + second["changes"]
    )
    assert changes(hub, token, "0")["changes"] == first["changes"]  # no cursor means from the start

    done = changes(hub, token, second["cursor"])
    assert (done["changes"], done["cursor"], done["more"]) == ([], second["cursor"], False)
    assert hub.cli("set-status", complaints[7]["uuid"], "verified", "--note", "Sudah dicek").returncode == 0
    news = changes(hub, token, second["cursor"])
    assert [(c["uuid"], c["status"], c["note"]) for c in news["changes"]] == [
        (complaints[7]["uuid"], "verified", "Sudah dicek")
    ]
    assert int(news["cursor"]) > int(second["cursor"])


def test_a_malformed_cursor_gets_400(hub):
    """A cursor that is not one the hub hands out (e.g. `abc`) is a 400 JSON error."""
    _, token = enroll(hub)
    for cursor in ("abc", "-1", "1.5", "", "1" * 19, "12 ", "12\n", "\u0661"):
        answer = requests.get(hub.url + CHANGES, params={"cursor": cursor}, headers=bearer(token), timeout=TIMEOUT)
        assert answer.status_code == 400, repr(cursor)
        assert_error(answer, 400, "bad_request")


def test_set_status_moves_forward_only(hub):
    """set-status follows the lifecycle; going back, repeating, leaving a final status or a non-complaint exit 1."""
    _, token = enroll(hub)
    complaint, event = factories.complaint(), factories.event()
    stored(hub, token, [complaint, event])
    uuid = complaint["uuid"]

    def set_status(status, target=uuid):
        return hub.cli("set-status", target, status)

    assert set_status("forwarded").returncode == 0  # a step may be skipped
    for refused in ("received", "verified", "forwarded"):
        done = set_status(refused)
        assert done.returncode == 1 and done.stderr.startswith("kiosk-hub: "), done
    assert set_status("completed").returncode == 0
    assert set_status("archived").returncode == 1  # completed is final
    for target in (event["uuid"], factories.new_uuid()):
        done = set_status("verified", target)
        assert done.returncode == 1 and "no complaint" in done.stderr
    assert set_status("closed").returncode == 2  # not a status at all
    statuses = [c["status"] for c in changes(hub, token)["changes"]]
    assert statuses == ["received", "forwarded", "completed"]


def test_archived_is_reachable_from_any_open_status_and_final(hub):
    """A complaint can be archived from an open status, and nothing moves it afterwards."""
    _, token = enroll(hub)
    complaint = factories.complaint()
    stored(hub, token, [complaint])
    assert hub.cli("set-status", complaint["uuid"], "verified").returncode == 0
    assert hub.cli("set-status", complaint["uuid"], "archived").returncode == 0
    for status in ("forwarded", "completed", "archived"):
        assert hub.cli("set-status", complaint["uuid"], status).returncode == 1
    assert [c["status"] for c in changes(hub, token)["changes"]] == ["received", "verified", "archived"]
