"""`kiosk import` and `kiosk export`: streaming, idempotent, every bad line reported."""

import hashlib
import io
import json
import tempfile
import tracemalloc
from pathlib import Path

import factories
import pytest
import strategies
from conftest import write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.store import Store, attachments
from kiosk.store.importer import MAX_LINE_BYTES, import_stream


def invalid_lines() -> list[tuple[str, str]]:
    """23 refused lines, each with the field its report must name."""
    dump = json.dumps
    uuid = factories.new_uuid
    return [
        (dump(factories.attendance(gender="wanita")), "gender"),
        (dump(factories.attendance(age_band="20-29")), "age_band"),
        (dump(factories.event(type="concert")), "type"),
        (dump(factories.complaint(classification="praise")), "classification"),
        (dump(factories.event(uuid="not-a-uuid")), "uuid"),
        (dump(factories.event(uuid=uuid().upper())), "uuid"),
        (dump(factories.attendance(event_uuid="12345")), "event_uuid"),
        (dump(factories.event(uuid="'; DROP TABLE records; --")), "uuid"),
        (dump(factories.complaint(category="x' OR '1'='1" * 10)), "category"),
        (dump(factories.complaint(title="Jalan\x00rusak parah")), "title"),
        (dump(factories.attendance(name="Budi\x1b[2J")), "name"),
        (dump(factories.complaint(body="b" * 4001)), "body"),
        (dump(factories.event(name="n" * 201)), "name"),
        (dump(factories.attendance(age=70, age_band="16-30")), "age"),
        (dump(factories.attendance(age=5, age_band="61+")), "age"),
        (dump(factories.attendance(age=200, age_band="61+")), "age"),
        (dump(factories.event(colour="red")), "colour"),
        (dump(factories.complaint(reporter={"name": "Siti", "nik": "3201"})), "reporter.nik"),
        ('{"uuid": "abc", "kind": "event"', "record"),
        ("this is not json", "record"),
        ("[1, 2, 3]", "record"),
        (dump(factories.attendance(consent={"given": False, "text_version": "2026-08"})), "consent.given"),
        (dump(factories.complaint(anonymous=True, reporter={"phone": "08123456789"})), "reporter"),
    ]


def reported(stderr: str) -> dict[int, list[str]]:
    """{line number: [fields]} from `LINE: field: reason` lines."""
    found: dict[int, list[str]] = {}
    for line in stderr.splitlines():
        number, field, reason = line.split(": ", 2)
        assert reason
        found.setdefault(int(number), []).append(field)
    return found


def test_import_valid_then_invalid_file(kiosk, tmp_path):
    """1,205 good lines are stored exactly as given; each of 23 bad lines is reported by number."""
    good = factories.valid_mix()
    assert len(good) == 1205
    write_jsonl(tmp_path / "good.jsonl", good)
    result = kiosk("import", tmp_path / "good.jsonl")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "1205 stored" in result.stdout

    exported = kiosk("export")
    assert exported.returncode == 0
    assert [json.loads(line) for line in exported.stdout.splitlines()] == good

    bad = invalid_lines()
    assert len(bad) == 23
    write_jsonl(tmp_path / "bad.jsonl", [line for line, _ in bad])
    result = kiosk("import", tmp_path / "bad.jsonl")
    assert result.returncode == 1
    fields = reported(result.stderr)
    assert sorted(fields) == list(range(1, 24))
    for number, (_, field) in enumerate(bad, start=1):
        assert field in fields[number], (number, fields[number])
    assert "0 stored" in result.stdout and "23 refused" in result.stdout
    assert len(kiosk("export").stdout.splitlines()) == 1205


def test_reimport_is_a_no_op_and_conflicts_are_kept_apart(kiosk, tmp_path):
    records = [factories.event(), factories.complaint()]
    write_jsonl(tmp_path / "a.jsonl", records)
    assert kiosk("import", tmp_path / "a.jsonl").returncode == 0
    again = kiosk("import", tmp_path / "a.jsonl")
    assert again.returncode == 0 and "0 stored, 2 already present" in again.stdout

    write_jsonl(tmp_path / "b.jsonl", [{**records[1], "title": "Judul yang lain sama sekali"}])
    conflict = kiosk("import", tmp_path / "b.jsonl")
    assert conflict.returncode == 1
    assert conflict.stderr.startswith("1: uuid: a different record with this uuid is already stored")
    assert [json.loads(line) for line in kiosk("export").stdout.splitlines()] == records


def test_messages_are_indonesian_by_default(kiosk, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [factories.attendance(gender="x")])
    result = kiosk("import", tmp_path / "a.jsonl", lang="")
    assert result.stderr == "1: gender: harus salah satu dari: female, male, unspecified\n"
    assert "0 disimpan, 0 sudah ada, 1 ditolak, 0 bentrok" in result.stdout


def test_odd_lines(store):
    """BOM, blank lines, CRLF, broken UTF-8 and an over-long line: each handled, none fatal."""
    record, other = factories.event(), factories.event()
    data = (
        b"\xef\xbb\xbf"
        + json.dumps(record).encode()
        + b"\r\n"
        + b"\n   \n"
        + b'{"name": "\xff\xfe"}\n'
        + b'{"x": "'
        + b"a" * (MAX_LINE_BYTES + 10)
        + b'"}\n'
        + json.dumps(other).encode()
    )
    problems = []
    counts = import_stream(store, io.BytesIO(data), lambda n, e: problems.append((n, e.code)))
    assert counts["stored"] == 2 and counts["invalid"] == 2
    assert problems == [(4, "not_utf8"), (5, "line_too_long")]
    assert store.get(other["uuid"]) == other


def test_problems_come_in_line_order_with_the_right_column(store):
    lines = [json.dumps(factories.event()), '{"broken": ', json.dumps(factories.event(type="x")), "[1]"]
    problems = []
    import_stream(store, io.BytesIO("\n".join(lines).encode() + b"\n"), lambda n, e: problems.append((n, e)))
    assert [(n, e.code) for n, e in problems] == [(2, "not_json"), (3, "not_one_of"), (4, "not_object")]
    assert problems[0][1].params == {"column": 12}


def test_import_commits_in_batches(store):
    """A crash part-way keeps every batch already committed; running again completes it."""
    records = [factories.event() for _ in range(25)]
    lines = [json.dumps(r).encode() + b"\n" for r in records]

    class Crashing(io.BytesIO):
        def readline(self, *args):
            if self.tell() >= sum(map(len, lines[:23])):
                raise OSError("USB stick pulled out")
            return super().readline(*args)

    with pytest.raises(OSError):
        import_stream(store, Crashing(b"".join(lines)), lambda *a: None, batch_size=10)
    assert store.count() == 20
    counts = import_stream(store, io.BytesIO(b"".join(lines)), lambda *a: None, batch_size=10)
    assert (counts["stored"], counts["duplicate"]) == (5, 20)


def _peak_import_memory(path: Path, data_dir: Path) -> int:
    with Store(data_dir) as store, path.open("rb") as stream:
        tracemalloc.start()
        import_stream(store, stream, lambda *a: None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.slow
def test_import_memory_stays_flat(tmp_path):
    """Ten times the lines do not take ten times the memory: the file is streamed."""
    for count in (2_000, 20_000):
        write_jsonl(tmp_path / f"{count}.jsonl", (factories.attendance() for _ in range(count)))
    small = _peak_import_memory(tmp_path / "2000.jsonl", tmp_path / "small")
    large = _peak_import_memory(tmp_path / "20000.jsonl", tmp_path / "large")
    assert large < small * 2, (small, large)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(strategies.records, max_size=12, unique_by=lambda r: r["uuid"]))
def test_generated_records_round_trip_import_export_unchanged(records):
    """Any valid records, imported and exported, come back exactly as they went in, and so do
    the bytes of their attachments."""
    files = {}
    for record in records:
        for number, entry in enumerate(record.get("attachments", [])):
            content = f"{record['uuid']} {number}".encode()
            entry |= {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            files[entry["sha256"]] = content
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        write_jsonl(path, records)
        with Store(Path(tmp) / "data") as store, path.open("rb") as stream:
            counts = import_stream(
                store, stream, lambda n, e: pytest.fail(f"{n}: {e}"), files=attachments.in_memory(*files.values())
            )
            assert counts["stored"] == len(records)
            assert [json.loads(line) for line in store.record_lines()] == records
            assert dict(store.readable_attachments()) == files


def test_export_by_kind_to_a_file(kiosk, tmp_path):
    records = [factories.event(), factories.complaint(), factories.attendance()]
    write_jsonl(tmp_path / "in.jsonl", records)
    kiosk("import", tmp_path / "in.jsonl")
    out = tmp_path / "complaints.jsonl"
    result = kiosk("export", "--kind", "complaint", "--output", out)
    assert result.returncode == 0
    assert [json.loads(line) for line in out.read_text().splitlines()] == [records[1]]
    assert not list(tmp_path.glob(".complaints.jsonl.*"))  # no temporary file left behind


def test_export_to_an_unwritable_place_fails_cleanly(kiosk, tmp_path):
    result = kiosk("export", "--output", tmp_path / "no" / "such" / "dir" / "out.jsonl")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"kiosk: The folder {tmp_path / 'no' / 'such' / 'dir'} does not exist."
    ]


@pytest.mark.parametrize("target", ["/dev/null", "link"])
def test_export_never_replaces_a_device_or_a_link(kiosk, tmp_path, target):
    if target == "link":
        (tmp_path / "real.jsonl").write_text("keep me\n")
        (tmp_path / "link").symlink_to(tmp_path / "real.jsonl")
        target = tmp_path / "link"
    result = kiosk("export", "--output", target)
    assert result.returncode == 2 and "is not a regular file" in result.stderr
    assert Path("/dev/null").is_char_device()
    if (tmp_path / "link").exists():
        assert (tmp_path / "link").is_symlink() and (tmp_path / "real.jsonl").read_text() == "keep me\n"


def test_import_of_a_missing_file_is_one_line(kiosk, tmp_path):
    result = kiosk("import", tmp_path / "nope.jsonl")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"kiosk: Cannot read {tmp_path / 'nope.jsonl'}: No such file or directory"
    ]


def test_import_and_export_are_audited(kiosk, tmp_path, data_dir):
    write_jsonl(tmp_path / "in.jsonl", [factories.event()])
    kiosk("import", tmp_path / "in.jsonl")
    kiosk("export")
    with Store(data_dir) as store:
        actions = [(e["action"], e["detail"]) for e in store.audit_entries()]
    assert actions[0] == ("import", {"file": "in.jsonl", "stored": 1, "duplicate": 0, "conflict": 0, "invalid": 0})
    assert actions[1] == ("export", {"kind": "all", "records": 1})
