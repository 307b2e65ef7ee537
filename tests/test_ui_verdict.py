"""The citizen's verdict at the status screen, and the SMS offer in the complaint flow, on the real
widgets: tapped, typed and spoken as a citizen would, stored as records of the one format."""

import pytest
from PySide6.QtCore import Qt
from test_media_voice import spoken  # noqa: F401 - a fixture
from test_ui_accessibility import RecordingSpeech
from test_ui_flows import click, settle, stored
from test_ui_save_failures import held_by_another_writer
from test_ui_story import RecordingSpeaker

from kiosk.i18n import _
from kiosk.media import FileRecorder
from kiosk.records.check import validate
from kiosk.records.protocol import COMPLETED, FOLLOWED_UP, NOT_SOLVED, PARTLY_SOLVED, SOLVED
from kiosk.records.refcode import ref_code
from kiosk.store import Store, intake, outbox
from kiosk.ui.devices import Devices

REASON = "Jalan sudah ditambal tetapi retak lagi"


def a_report(data_dir, status=COMPLETED, **change) -> dict:
    """A complaint on this kiosk whose status the hub sent back."""
    complaint = intake.new_complaint(
        {
            "classification": "complaint",
            "title": "Jalan desa berlubang",
            "body": "Jalan utama desa berlubang besar sejak bulan Juni.",
            "language": "id",
        }
    )
    with Store(data_dir) as store:
        store.add_records([complaint])
        outbox.apply_changes(
            store,
            [
                {
                    "uuid": complaint["uuid"],
                    "status": status,
                    "note": "Sudah ditambal.",
                    "updated_at": "2026-12-01T02:00:00+00:00",
                    **change,
                }
            ],
            "1",
        )
    return complaint


def look_up(qtbot, window, complaint) -> None:
    """From home: the status tile, the report number typed and Enter, as a barcode scanner does."""
    click(qtbot, window.home.tiles["status"])
    qtbot.keyClicks(window.status.code, ref_code(complaint["uuid"]))
    qtbot.keyClick(window.status.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ref_code(complaint["uuid"]) in window.status.result.text(), timeout=10_000)


def test_a_completed_report_asks_the_verdict_once_and_keeps_it(qtbot, window, data_dir):
    """A face tapped, a reason typed, sent: the feedback record is stored valid (schema 2, the
    screen's language, the reason), waits to be sent, and thanks are said; the next lookup of
    the report shows the verdict given instead of asking again."""
    complaint = a_report(data_dir, national_tracking_id="4127795")
    status = window.status
    look_up(qtbot, window, complaint)
    assert "Nomor LAPOR!: 4127795" in status.result.text()
    assert status.faces.isVisible() and status.verdict_question.text() == _("Did the follow-up solve your problem?")
    assert [tile.title.text() for tile in status.faces.choices.tiles.values()] == [
        "Ya, sudah selesai",
        "Sebagian selesai",
        "Tidak, belum selesai",
    ]
    click(qtbot, status.faces.choices.tiles["partly"])
    flow = status.verdict
    assert status.pages.currentWidget() is flow and flow.wizard.step is flow.reason
    assert not flow.wizard.step_label.isVisible()  # one question: no "step 1 of 1"
    qtbot.keyClicks(flow.reason.edit, REASON)
    click(qtbot, flow.wizard.next_button)  # "Kirim jawaban saya"
    qtbot.waitUntil(lambda: flow.currentWidget() is flow.thanks, timeout=10_000)
    assert flow.thanks_text.text().startswith("Terima kasih atas jawaban Anda")

    (record,) = stored(data_dir, "feedback")
    assert validate(record) == record
    assert {k: record[k] for k in ("kind", "schema", "complaint_uuid", "rating", "reason", "language")} == {
        "kind": "feedback",
        "schema": 2,
        "complaint_uuid": complaint["uuid"],
        "rating": PARTLY_SOLVED,
        "reason": REASON,
        "language": "id",
    }
    with Store(data_dir) as store:
        (state,) = store.db.execute("SELECT state FROM sync_state WHERE uuid = ?", [record["uuid"]]).fetchone()
    assert state == "pending"

    click(qtbot, flow.done_button)
    assert window.stack.currentWidget() is window.home and flow.reason.edit.toPlainText() == ""
    look_up(qtbot, window, complaint)
    assert not status.faces.isVisible()
    assert "Jawaban Anda: Sebagian selesai" in status.result.text()
    assert "Anda juga sudah menyampaikan alasannya." in status.result.text()


@pytest.mark.parametrize(
    ("status", "change"),
    [(FOLLOWED_UP, {}), (COMPLETED, {"verdict_given": True}), (COMPLETED, {"withdrawn": True})],
    ids=["not-completed", "verdict-given", "withdrawn"],
)
def test_the_verdict_is_asked_only_of_a_completed_report_still_without_one(qtbot, window, data_dir, status, change):
    """Not while the agency still works on it, not twice, and not of a report whose consent was withdrawn."""
    complaint = a_report(data_dir, status)
    with Store(data_dir) as store:
        if change.get("verdict_given"):
            store.add_records([intake.new_feedback(complaint["uuid"], {"rating": SOLVED, "language": "id"})])
        if change.get("withdrawn"):
            from kiosk.privacy import erasure

            erasure.withdraw(store, ref_code(complaint["uuid"]))
    look_up(qtbot, window, complaint)
    assert not window.status.faces.isVisible() and not window.status.verdict_question.isVisible()


def test_back_keeps_the_reason_skip_sends_none_and_a_failed_save_is_tried_again(qtbot, window, data_dir):
    """Back to the faces keeps what was typed, and another face may be chosen; Skip leaves the
    reason out; a save that fails says so and "Try again" stores that very verdict once."""
    complaint = a_report(data_dir)
    status = window.status
    look_up(qtbot, window, complaint)
    click(qtbot, status.faces.choices.tiles["solved"])
    flow = status.verdict
    qtbot.keyClicks(flow.reason.edit, "Sudah bagus")
    click(qtbot, flow.wizard.back_button)
    assert status.pages.currentWidget() is status.lookup and status.faces.choices.value() == "solved"
    click(qtbot, status.faces.choices.tiles["not_solved"])
    assert flow.reason.edit.toPlainText() == "Sudah bagus"
    other = held_by_another_writer(window, data_dir)
    click(qtbot, flow.wizard.skip_button)
    qtbot.waitUntil(lambda: flow.wizard.alert.isVisible(), timeout=10_000)
    assert flow.wizard.next_button.text() == _("Try again") and flow.currentWidget() is flow.wizard
    settle(qtbot, window)
    other.rollback()
    other.close()
    click(qtbot, flow.wizard.next_button)
    qtbot.waitUntil(lambda: flow.currentWidget() is flow.thanks, timeout=10_000)
    (record,) = stored(data_dir, "feedback")
    assert record["rating"] == NOT_SOLVED and "reason" not in record and "attachments" not in record


def test_a_spoken_reason_is_stored_with_the_verdict(qtbot, window, data_dir, spoken):  # noqa: F811
    """The complaint's voice recorder takes the reason: recorded, kept as the verdict's one voice
    attachment, sealed at rest with it; the panel asks about the reason, not what happened."""
    window.context.devices = Devices(recorder=lambda: FileRecorder(spoken, pace=0), speaker=RecordingSpeaker())
    complaint = a_report(data_dir)
    look_up(qtbot, window, complaint)
    click(qtbot, window.status.faces.choices.tiles["not_solved"])
    reason = window.status.verdict.reason
    assert reason.speak.isVisible() and not reason.show_photos.isVisible()  # a reason is words, not photos
    click(qtbot, reason.speak)
    panel = reason.voice_panel
    assert "sampaikan alasannya" in panel.instruction.text()
    click(qtbot, panel.record)
    assert window.status.holding()  # the idle countdown waits while the citizen speaks
    qtbot.waitUntil(lambda: panel.recorder.elapsed_s > 5, timeout=20_000)
    click(qtbot, panel.record)  # Stop
    qtbot.waitUntil(lambda: reason.voice is not None, timeout=20_000)
    click(qtbot, panel.done)
    click(qtbot, window.status.verdict.wizard.next_button)
    qtbot.waitUntil(lambda: window.status.verdict.currentWidget() is window.status.verdict.thanks, timeout=10_000)
    (record,) = stored(data_dir, "feedback")
    assert validate(record) == record and "reason" not in record
    (voice,) = record["attachments"]
    assert voice["role"] == "voice" and voice["mime"] == "audio/ogg" and 5 <= voice["duration_s"] <= 20
    with Store(data_dir) as store:
        assert store.attachment(record["uuid"], voice["sha256"])[:4] == b"OggS"
        assert store.verdict(complaint["uuid"])["spoken"] is True


def test_the_verdict_is_read_aloud_and_forgotten_for_the_next_person(qtbot, window, data_dir):
    """Read-aloud says the question with its answers, then the reason's question; idle reset
    drops the face, the typed reason and the page."""
    speech = window.narrator._speech = RecordingSpeech()
    window.read_aloud.setChecked(True)
    complaint = a_report(data_dir)
    look_up(qtbot, window, complaint)
    qtbot.waitUntil(lambda: "Sebagian selesai" in speech.said[-1][0])
    assert "Apakah tindak lanjutnya menyelesaikan masalah Anda?" in speech.said[-1][0]
    click(qtbot, window.status.faces.choices.tiles["partly"])
    assert speech.said[-1][0].startswith("Mau menyampaikan alasannya?")
    qtbot.keyClicks(window.status.verdict.reason.edit, "Rahasia pribadi saya")
    window.idle_watcher.idle.emit()
    window.idle_warning.remaining = 1
    window.idle_warning._count()
    window.go("status")
    assert window.status.pages.currentWidget() is window.status.lookup and not window.status.faces.isVisible()
    assert window.status.verdict.reason.edit.toPlainText() == "" and window.status.faces.choices.value() is None


def test_sms_notices_are_offered_only_with_a_phone_and_dropped_with_it(qtbot, window, data_dir):
    """The SMS question shows once a phone number is given, and counts as a step then; a "yes"
    given, then the number taken away again with Back, leaves no `sms_updates` in the record."""
    wizard = window.complaint.wizard
    window.go("complaint")
    steps = {step.key: step for step in wizard.steps}
    wizard.answers.update(
        classification="complaint",
        title="Jalan rusak parah",
        body="Jalan desa berlubang besar sejak bulan Juni.",
        anonymous=False,
    )
    wizard.show_step("contact")
    number, total = wizard.position()
    qtbot.keyClicks(steps["contact"].form.inputs["phone"], "081234567890")
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "sms" and wizard.position() == (number + 1, total + 1)
    assert wizard.step_label.text() == f"Langkah {number + 1} dari {total + 1}"
    click(qtbot, steps["sms"].choices.tiles["sms"])
    assert wizard.step.key == "reach"
    click(qtbot, wizard.back_button)
    click(qtbot, wizard.back_button)
    assert wizard.step.key == "contact"
    steps["contact"].form.inputs["phone"].setText("")
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "reach" and wizard.position() == (number + 1, total)
    click(qtbot, wizard.skip_button)
    assert "SMS" not in steps["review"].summary.text()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)
    (record,) = stored(data_dir, "complaint")
    assert "sms_updates" not in record and record["schema"] == 1
    assert "SMS setiap" not in window.receipt.follow_up.text()
