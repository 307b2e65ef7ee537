"""Fuzzing the hub's HTTP API on a real hub process, on SQLite and on PostgreSQL: no input makes
it answer 5xx or non-JSON."""

import json
from contextlib import ExitStack
from datetime import UTC, timedelta, timezone

import factories
import pytest
import requests
import schemathesis
from hubproc import Hub
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from postgres import fresh_database, postgres_server  # noqa: F401 - fixtures
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

TIMEOUT = 30
RESULT_STATUSES = {"stored", "duplicate", "conflict", "invalid"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_hub(request, tmp_path_factory):
    with ExitStack() as stack:
        url = ""
        if request.param == "postgresql":
            url = stack.enter_context(fresh_database(request.getfixturevalue("postgres_server")))
        hub = Hub(tmp_path_factory.mktemp("fuzz") / "hub", database=url)
        stack.callback(hub.stop)
        yield hub


@pytest.fixture(scope="module")
def token(fuzz_hub):
    answer = requests.post(fuzz_hub.url + "/api/v1/enroll", json={"code": fuzz_hub.enroll_code()}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@pytest.fixture(scope="module")
def api_schema(fuzz_hub):
    return schemathesis.openapi.from_url(fuzz_hub.url + "/openapi.json", timeout=TIMEOUT)


# schemathesis.pytest.from_fixture() reads pytest's Item._nodeid, which pytest 9 no longer has,
# so each operation's strategy runs under a plain @given instead.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_operation_answers_a_server_error(api_schema, token, mode):
    """Every operation of /openapi.json, with generated input of this mode, answers below 500 and in JSON."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} >= {
        ("GET", "/api/v1/health"),
        ("POST", "/api/v1/enroll"),
        ("POST", "/api/v1/records"),
        ("PUT", "/api/v1/attachments/{sha256}"),
        ("GET", "/api/v1/changes"),
    }
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not has_input(operation):
            continue  # nothing to get wrong (GET /health)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=50,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_in_json_below_500(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
            case.validate_response(response, checks=[not_a_server_error])
            content_type = response.headers.get("content-type", [""])[0]
            assert content_type.startswith("application/json"), f"{operation.label}: {content_type}"  # noqa: B023 - run within this pass
            if case.method.upper() != "HEAD":  # a HEAD answer has headers only, by HTTP's rule
                json.loads(response.content)

        answers_in_json_below_500()


def has_input(operation) -> bool:
    return bool(operation.body) or any(True for _ in operation.iter_parameters())


# arbitrary JSON, and valid records with fields overwritten by it
FACTORIES = (factories.event, factories.attendance, factories.complaint)
FIELDS = sorted(
    {key for make in FACTORIES for key in make()}
    | {
        "reporter",
        "incident_date",
        "ends_on",
        "organizer",
        "age",
        "wgss",
        "supersedes",
        "device_id",
        "event_uuid",
        "category",
        "agency",
        "gender",
        "age_band",
        "name",
        "village",
    }
)
HUB_READS = ("uuid", "kind", "created_at", "attachments")  # the fields the hub itself reads: changed more often
# awkward characters, lone surrogates first, spliced in so they are not lost among a million others
AWKWARD = [
    "\ud800",
    "\udfff",
    "\udc00",
    "\ud83d",
    "\udbff\udfff",
    "\x00",
    "\x1b",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\u0301",
    "\U0001f600",
]
plain_texts = st.text(st.characters(codec="utf-8"), max_size=20)
texts = plain_texts | st.builds("".join, st.tuples(plain_texts, st.sampled_from(AWKWARD), plain_texts))
zones = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=14)),
        timezone(-timedelta(hours=12)),
        timezone(timedelta(hours=7)),
        timezone(timedelta(hours=5, minutes=30)),
    ]
)
moments = st.datetimes(timezones=zones).map(lambda moment: moment.isoformat())  # years 1 to 9999
days = st.dates().map(str)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts | moments | days,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | texts, children, max_size=4)
    ),
    max_leaves=12,
)

field_values = texts | json_values  # most fields are text


@st.composite
def mutated_records(draw):
    """A valid record of some kind, then some top-level or nested fields overwritten, added or removed."""
    record = draw(st.sampled_from(FACTORIES))(uuid=str(draw(st.uuids(version=4))))
    for key in draw(st.lists(st.sampled_from(FIELDS) | st.sampled_from(HUB_READS), max_size=3, unique=True)):
        action = draw(st.sampled_from(["overwrite", "remove", "nested"]))
        if action == "remove":
            record.pop(key, None)
        elif action == "nested" and isinstance(record.get(key), dict):
            inner = draw(st.sampled_from(sorted(record[key]) + ["given", "name", "lat"]))
            record[key] = {**record[key], inner: draw(field_values)}
        else:
            record[key] = draw(field_values)
    return record


bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"records": st.lists(mutated_records() | json_values, max_size=6)}),
    st.fixed_dictionaries({"records": st.lists(mutated_records(), min_size=1, max_size=6)}),
    st.fixed_dictionaries({"records": st.lists(mutated_records(), max_size=3)}, optional={"extra": json_values}),
)


def encoded(body, ascii_only: bool) -> bytes:
    """JSON bytes; unescaped lone surrogates become bytes that are not UTF-8."""
    return json.dumps(body, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@given(body=bodies, ascii_only=st.booleans())
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_posting_arbitrary_json_never_breaks_the_hub(fuzz_hub, token, body, ascii_only):
    """POST /records with any JSON answers below 500 in JSON: one result per record, in order, or a JSON error."""
    answer = requests.post(
        fuzz_hub.url + "/api/v1/records",
        data=encoded(body, ascii_only),
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert answer.status_code < 500, f"{answer.text[:200]} for {ascii(body)[:2000]}"
    assert answer.headers["content-type"].startswith("application/json")
    reply = answer.json()
    event(f"HTTP {answer.status_code}")
    if answer.status_code != 200:
        assert answer.status_code in (400, 413), answer.text[:500]
        assert set(reply) == {"error"} and set(reply["error"]) == {"code", "message"}
        return
    assert isinstance(body, dict) and set(body) == {"records"}
    results = reply["results"]
    assert len(results) == len(body["records"])
    for record, result in zip(body["records"], results, strict=True):
        assert result["status"] in RESULT_STATUSES
        event(f"record {result['status']}")
        if result["status"] in ("invalid", "conflict"):
            assert isinstance(result["error"], str) and result["error"]
        else:
            assert "error" not in result
            assert ("tracking_id" in result) == (record["kind"] == "complaint")
        given_uuid = record.get("uuid") if isinstance(record, dict) else None
        if result["status"] != "invalid" or (isinstance(given_uuid, str) and utf8(given_uuid)):
            assert result["uuid"] == given_uuid


def utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
