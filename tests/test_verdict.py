"""The bridge to SP4N-LAPOR! as the kiosk sees it: the national number brought back by sync and
told to the citizen, and the citizen's verdict kept, sealed, sent and shown, without Qt."""

import hashlib
import json

import factories
import pytest
from conftest import write_jsonl
from test_privacy import hub_key
from test_sync import QUICK

from kiosk import i18n
from kiosk.privacy import erasure
from kiosk.progress import describe
from kiosk.records import sealing
from kiosk.records.protocol import COMPLETED, FORWARDED, INVALID, NOT_SOLVED, PARTLY_SOLVED, SOLVED, STORED
from kiosk.records.refcode import ref_code
from kiosk.store import Store, attachments, intake, outbox
from kiosk.sync.engine import run_sync

NATIONAL_EN = "SP4N-LAPOR! number: 4127795. Check it at lapor.go.id or by SMS to 1708."
REASON = "Lubangnya ditambal tapi sudah retak lagi setelah hujan."


def change(uuid, status, **fields):
    return {"uuid": uuid, "status": status, "note": None, "updated_at": "2026-11-20T02:00:00+00:00", **fields}


def test_a_national_number_once_known_stays_when_a_later_change_leaves_it_out(store):
    """A change that carries `national_tracking_id` stores it; one without it (an older hub, or a
    change the hub made itself) keeps the number known, as the hub's own number is kept."""
    complaint = factories.complaint()
    store.add_records([complaint])
    outbox.apply_changes(store, [change(complaint["uuid"], FORWARDED, tracking_id="LPR-2026-0000009")], "1")
    progress = store.complaint_progress(complaint["uuid"])
    assert (progress["tracking_id"], progress["national_tracking_id"]) == ("LPR-2026-0000009", None)
    outbox.apply_changes(store, [change(complaint["uuid"], FORWARDED, national_tracking_id="4127795")], "2")
    outbox.apply_changes(store, [change(complaint["uuid"], COMPLETED, note="Sudah diperbaiki.")], "3")
    progress = store.complaint_progress(complaint["uuid"])
    assert (progress["status"], progress["tracking_id"], progress["national_tracking_id"]) == (
        COMPLETED,
        "LPR-2026-0000009",
        "4127795",
    )
    assert store.setting("sync_cursor") == "3"


@pytest.mark.parametrize(
    ("language", "national", "intake_office"),
    [
        (
            "en",
            "SP4N-LAPOR! number: 4127795. Check it at lapor.go.id or by SMS to 1708.",
            "Number at the intake office",
        ),
        ("id", "Nomor LAPOR!: 4127795. Cek di lapor.go.id atau SMS ke 1708.", "Nomor di kantor penerima"),
    ],
)
def test_the_citizen_reads_the_national_number_as_the_lapor_number(language, national, intake_office):
    """The national number is named "LAPOR! number", with where it works, and then stands alone:
    the hub's own number, shown until it comes, is never called that."""
    i18n.set_language(language)
    forwarded = {"status": FORWARDED, "tracking_id": "LPR-2026-0000009", "sync_state": "acked"}
    before = describe(forwarded)
    assert not any("LAPOR!" in line for line in before) and before[-1].startswith(intake_office)
    lines = describe({**forwarded, "national_tracking_id": "4127795"})
    assert lines[-1] == national
    assert [line for line in lines if "LAPOR!" in line] == [national]
    assert not any(line.startswith(intake_office) for line in lines)


def test_a_verdict_is_checked_sealed_queued_and_the_latest_counts(store):
    """A verdict goes the way of every record: validated (schema 2 only), its reason kept apart and
    sealed once the hub's key is known, waiting to be sent; of two, the latest given counts, by
    the clock it was given on (offsets minded), and says a reason came with it."""
    key, public = hub_key()
    erasure.seal_kept(store, public)
    complaint = factories.complaint()
    store.add_records([complaint])
    assert store.complaint_progress(complaint["uuid"])["verdict"] is None
    (refused,) = store.add_records([factories.feedback(complaint["uuid"], schema=1)])
    assert refused.status == INVALID and [(e.field, e.code) for e in refused.errors] == [("kind", "new_in_schema_2")]

    first = intake.new_feedback(complaint["uuid"], {"rating": NOT_SOLVED, "reason": REASON, "language": "id"})
    # Clocks run wrong both ways in villages: these two come from one that runs years ahead.
    earlier = factories.feedback(complaint["uuid"], rating=SOLVED, created_at="2099-11-21T09:00:00+07:00")
    later = factories.feedback(complaint["uuid"], rating=PARTLY_SOLVED, created_at="2099-11-21T03:00:00+00:00")
    assert [o.status for o in store.add_records([first])] == [STORED]
    verdict = store.complaint_progress(complaint["uuid"])["verdict"]
    assert (verdict["rating"], verdict["written"], verdict["spoken"]) == (NOT_SOLVED, True, False)
    assert first["schema"] == 2 and first["language"] == "id"

    (line,) = store.record_lines("feedback")
    assert REASON not in line and sealing.unseal_record(json.loads(line), key) == first
    assert REASON.encode() not in store.path.read_bytes()
    assert outbox.queue_counts(store) == (2, 0)  # the complaint and its verdict wait to be sent

    store.add_records([later, earlier])  # 10:00 in Jakarta after 09:00 in Jakarta, though stored first
    verdict = store.complaint_progress(complaint["uuid"])["verdict"]
    assert (verdict["uuid"], verdict["rating"], verdict["written"]) == (later["uuid"], PARTLY_SOLVED, False)


def test_withdrawing_a_report_erases_the_reason_of_its_verdict_too(store):
    """A citizen who withdraws consent withdraws their words about the report as well."""
    complaint = factories.complaint()
    verdict = intake.new_feedback(complaint["uuid"], {"rating": NOT_SOLVED, "reason": REASON, "language": "id"})
    store.add_records([complaint, verdict])
    erasure.withdraw(store, ref_code(complaint["uuid"]))
    assert "reason" not in store.get(verdict["uuid"]) and store.get(verdict["uuid"])["rating"] == NOT_SOLVED
    withdrawn = {uuid for (uuid,) in store.db.execute("SELECT uuid FROM withdrawals")}
    assert withdrawn == {complaint["uuid"], verdict["uuid"]}
    assert outbox.queue_counts(store) == (2, 0)  # nothing of them is sent now but the withdrawals


def test_status_and_export_show_the_national_number_and_the_verdict(kiosk, data_dir):
    """`kiosk status CODE` says the LAPOR! number and the verdict given; `kiosk export --status`
    carries `national_tracking_id`."""
    complaint, other = factories.complaint(), factories.complaint()
    with Store(data_dir) as store:
        store.add_records([complaint, other])
        outbox.apply_changes(
            store,
            [
                change(complaint["uuid"], COMPLETED, tracking_id="LPR-2026-0000009", national_tracking_id="4127795"),
                change(other["uuid"], FORWARDED, tracking_id="LPR-2026-0000010"),
            ],
            "7",
        )
        store.add_records([factories.feedback(complaint["uuid"], rating=SOLVED)])
    shown = kiosk("status", ref_code(complaint["uuid"]))
    assert shown.returncode == 0, shown.stderr
    assert NATIONAL_EN in shown.stdout
    assert "You answered: Yes, it is solved" in shown.stdout
    in_indonesian = kiosk("status", ref_code(complaint["uuid"]), lang="id")
    assert "Nomor LAPOR!: 4127795. Cek di lapor.go.id atau SMS ke 1708." in in_indonesian.stdout
    statuses = {line["uuid"]: line for line in map(json.loads, kiosk("export", "--status").stdout.splitlines())}
    assert statuses[complaint["uuid"]]["national_tracking_id"] == "4127795"
    assert statuses[other["uuid"]]["national_tracking_id"] is None


def test_verdicts_go_in_and_out_as_json_lines_with_their_spoken_reason(kiosk, data_dir, tmp_path):
    """`kiosk import` takes feedback records (a spoken reason's bytes from the folder), a bad one
    is refused by line, and `kiosk export --kind feedback` gives back exactly the good ones."""
    voice = b"OggS spoken reason"
    spoken = factories.feedback(
        rating=NOT_SOLVED,
        attachments=[
            {
                "sha256": hashlib.sha256(voice).hexdigest(),
                "mime": "audio/ogg",
                "size": len(voice),
                "name": "voice.ogg",
                "role": "voice",
                "duration_s": 9,
            }
        ],
    )
    written = factories.feedback(reason=REASON)
    write_jsonl(tmp_path / "in.jsonl", [spoken, written, factories.feedback(rating=4), factories.complaint()])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "voice.ogg").write_bytes(voice)
    done = kiosk("import", tmp_path / "in.jsonl", "--attachments", folder)
    assert done.returncode == 1 and done.stderr.startswith("3: rating")
    exported = kiosk("export", "--kind", "feedback")
    assert [json.loads(line) for line in exported.stdout.splitlines()] == [spoken, written]
    with Store(data_dir) as store:
        assert store.attachment(spoken["uuid"], spoken["attachments"][0]["sha256"]) == voice


def test_a_verdict_and_its_spoken_reason_reach_the_hub(kiosk, hub, data_dir):
    """Sync sends a verdict as any record, its spoken reason uploaded before it."""
    assert kiosk("enroll", "--hub", hub.url, "--code", hub.enroll_code()).returncode == 0
    voice = b"OggS a spoken reason, sealed at rest"
    complaint = factories.complaint()
    verdict = intake.new_feedback(
        complaint["uuid"],
        {
            "rating": PARTLY_SOLVED,
            "language": "id",
            "attachments": [intake.attachment(voice, "audio/ogg", "voice", "voice.ogg", 4)],
        },
    )
    with Store(data_dir) as store:
        store.add_records([complaint, verdict], files=attachments.in_memory(voice))
    report = run_sync(data_dir, QUICK)
    assert (report.acked, report.remaining, report.error) == (2, 0, None)
    (arrived,) = [json.loads(line) for line in hub.records() if json.loads(line)["kind"] == "feedback"]
    assert arrived["uuid"] == verdict["uuid"] and arrived["rating"] == PARTLY_SOLVED
    assert list((hub.data_dir / "attachments").rglob(hashlib.sha256(voice).hexdigest()))
