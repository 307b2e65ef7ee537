"""A save that fails is told to the citizen on the screen they are on, every answer kept, with one
button to try again; the receipt or the thank-you page appears only once the store holds the record.

The database really fails here, nothing stands in for the store: the database thread's own
connection is made full (`max_page_count` is per connection), or another writer holds the
database while that connection waits only briefly.
"""

import sqlite3

from test_ui_accessibility import RecordingSpeech
from test_ui_flows import click, settle, stored

from kiosk.i18n import _, current_language
from kiosk.records.refcode import ref_code
from kiosk.store import DB_FILE, Store
from kiosk.ui.screens import attendance as attendance_screen
from kiosk.ui.screens import complaint as complaint_screen

NO_LIMIT = 1073741823  # SQLite's default max_page_count
# A report told at length: with the place and the contact details, its personal part (kept in a row
# of its own) is more than a database page (4 KiB), so saving it needs a new page, which a full disk
# refuses. A short record would still fit in the free room of pages the file already has.
LONG_STORY = (
    "Jalan di depan SD Sukamaju berlubang besar sejak bulan Juni dan tergenang air setiap kali hujan turun. " * 38
    + "Mohon segera diperbaiki — terima kasih 🙏🙏🙏"
)
PLACE = "Jl. Raya Sukamaju No. 12, depan SDN 1 Sukamaju, sebelah warung Bu Ani, dekat pos ronda RT 02/RW 05"
CONTACT = {"name": "Siti Aminah", "phone": "081234567890", "email": "siti.aminah@example.id"}


def disk_full(window) -> None:
    """The database thread's connection may not grow the file by one page more (a full disk)."""

    def fill(store):
        store.db.execute("VACUUM")  # no free pages left inside the file either
        (pages,) = store.db.execute("PRAGMA page_count").fetchone()
        store.db.execute(f"PRAGMA max_page_count = {pages}")

    window.context.db.call(fill)


def disk_freed(window) -> None:
    window.context.db.call(lambda store: store.db.execute(f"PRAGMA max_page_count = {NO_LIMIT}"))


def held_by_another_writer(window, data_dir) -> sqlite3.Connection:
    """Another program (a `kiosk import`, a backup) holds the write lock; the database thread waits
    a fifth of a second for it instead of fifteen."""
    window.context.db.call(lambda store: store.db.execute("PRAGMA busy_timeout = 200"))
    other = sqlite3.connect(data_dir / DB_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def wait_for_failure(qtbot, wizard) -> None:
    qtbot.waitUntil(lambda: wizard.alert.isVisible(), timeout=10_000)


def a_failed_save(qtbot, window, data_dir) -> None:
    """The person presses the last button while another writer holds the lock: the save fails
    and is shown; then the lock is gone, as the next try finds it."""
    wizard = window.attendance.wizard
    other = held_by_another_writer(window, data_dir)
    click(qtbot, wizard.next_button)
    wait_for_failure(qtbot, wizard)
    settle(qtbot, window)
    other.rollback()
    other.close()


def answer_complaint(qtbot, window) -> dict:
    """Every question of the complaint answered by taps and typing, up to the review; the steps by key."""
    wizard = window.complaint.wizard
    click(qtbot, window.home.tiles["complaint"])
    steps = {step.key: step for step in wizard.steps}
    click(qtbot, wizard.next_button)  # I agree
    click(qtbot, steps["classification"].choices.tiles["complaint"])
    qtbot.keyClicks(steps["title"].edit, "Jalan depan sekolah rusak")
    click(qtbot, wizard.next_button)
    steps["body"].edit.setPlainText(LONG_STORY)  # at once: four thousand key presses would prove nothing more
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(steps["where"].form.inputs["text"], PLACE)  # and the kiosk's village
    click(qtbot, wizard.next_button)
    click(qtbot, steps["when"].choices.tiles["yesterday"])
    click(qtbot, wizard.next_button)  # topic: skipped
    click(qtbot, wizard.next_button)  # identity: neither anonymous nor confidential
    for key, value in CONTACT.items():
        qtbot.keyClicks(steps["contact"].form.inputs[key], value)
    click(qtbot, wizard.next_button)
    click(qtbot, steps["sms"].choices.tiles["no"])  # no SMS notices
    reach = steps["reach"].groups
    for field, value in (("gender", "female"), ("age_band", "31-45"), ("_difficulty", "no")):
        click(qtbot, reach[field].choices.tiles[value])
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "review"
    return steps


def answer_attendance(qtbot, window) -> dict:
    wizard = window.attendance.wizard
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in wizard.steps}
    for tile in (
        steps["gender"].choices.tiles["female"],
        steps["age"].choices.tiles["46-60"],
        steps["difficulty"].choices.tiles["no"],
    ):
        click(qtbot, tile)
    assert wizard.step.key == "consent"
    return steps


def test_a_full_disk_keeps_the_report_and_try_again_saves_it_once(qtbot, window, data_dir):
    """The disk is full as the report is sent: the citizen reads why, in their language, on the review
    screen with every answer still there, and nothing is stored; once there is room, "Try again"
    stores that very record (same uuid, even after a language switch) once, and only then the
    receipt shows."""
    screen, wizard = window.complaint, window.complaint.wizard
    steps = answer_complaint(qtbot, window)
    disk_full(window)
    settle(qtbot, window)
    click(qtbot, wizard.next_button)  # Send my report
    wait_for_failure(qtbot, wizard)
    settle(qtbot, window)

    assert current_language() == "id"  # the citizen's language, as every screen
    assert wizard.alert.text() == _(complaint_screen.SAVE_FAILED)
    assert window.stack.currentWidget() is screen and wizard.step.key == "review"
    assert wizard.next_button.text() == _("Try again") and wizard.next_button.isEnabled()
    assert wizard.back_button.isEnabled()
    assert steps["title"].edit.text() == "Jalan depan sekolah rusak"
    assert steps["body"].edit.toPlainText() == LONG_STORY
    assert steps["contact"].form.inputs["email"].text() == CONTACT["email"]
    assert steps["reach"].groups["gender"].choices.value() == "female"
    assert "Jalan depan sekolah rusak" in steps["review"].summary.text()
    assert stored(data_dir, "complaint") == []
    tried = screen.saver.pending["uuid"]
    click(qtbot, window.language_buttons["en"])  # to read the message in another language
    assert wizard.alert.text().startswith("Your report could not be saved.")

    disk_freed(window)
    click(qtbot, wizard.next_button)  # Try again
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)
    (record,) = stored(data_dir, "complaint")
    assert record["uuid"] == tried and record["body"] == LONG_STORY
    assert record["language"] == "id"  # the very record that failed, though the screen is now in English
    assert record["reporter"] == CONTACT and record["location"]["text"] == PLACE
    assert window.receipt.code == ref_code(tried)
    assert wizard.alert_box.isHidden()  # the next person starts clean
    assert wizard.next_button.text() == _(wizard.step.next_label) != _("Try again")


def test_a_locked_database_keeps_the_registration_and_try_again_saves_it_once(qtbot, window, data_dir, event):
    """Another writer holds the database as the person agrees: the message is shown and read aloud, the
    answers stay, nothing is counted and no thank-you appears; it follows a language switch; once the
    database is free, "Try again" counts the person once."""
    screen, wizard = window.attendance, window.attendance.wizard
    steps = answer_attendance(qtbot, window)
    speech = window.narrator._speech = RecordingSpeech()
    click(qtbot, window.read_aloud)
    other = held_by_another_writer(window, data_dir)
    try:
        click(qtbot, wizard.next_button)  # I agree
        wait_for_failure(qtbot, wizard)
        settle(qtbot, window)
        assert wizard.alert.text() == _(attendance_screen.SAVE_FAILED)
        assert speech.said[-1] == (wizard.alert.text(), "id")  # read aloud as it appears
        assert screen.pages.currentWidget() is wizard and wizard.step.key == "consent"
        assert [steps[key].choices.value() for key in ("gender", "age", "difficulty")] == ["female", "46-60", "no"]
        assert wizard.next_button.text() == _("Try again")
        assert stored(data_dir, "attendance") == []
        assert wizard.speech_text().startswith(wizard.alert.text())  # Repeat says it first

        click(qtbot, window.language_buttons["en"])
        assert wizard.alert.text() == (
            "Your registration could not be saved. Nothing was lost: your answers are still here. "
            "Please try again, or call the officer."
        )
        assert wizard.next_button.text() == "Try again" and wizard.next_button.accessibleName() == "Try again"
        click(qtbot, window.language_buttons["id"])
        tried = screen.saver.pending["uuid"]
    finally:
        other.rollback()
        other.close()

    click(qtbot, wizard.next_button)  # Try again
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.thanks, timeout=10_000)
    (record,) = stored(data_dir, "attendance")
    assert (record["uuid"], record["event_uuid"], record["gender"]) == (tried, event["uuid"], "female")


def test_a_try_after_an_unknown_outcome_counts_the_person_once(qtbot, window, data_dir):
    """The first try did reach the disk after all, though the kiosk heard a failure: trying again
    sends the same record, the store answers `duplicate`, which is a save: one record, and thanks."""
    screen, wizard = window.attendance, window.attendance.wizard
    answer_attendance(qtbot, window)
    a_failed_save(qtbot, window, data_dir)
    with Store(data_dir) as store:
        (outcome,) = store.add_records([screen.saver.pending])
    assert outcome.status == "stored"

    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.thanks, timeout=10_000)
    assert len(stored(data_dir, "attendance")) == 1


def test_a_conflict_is_not_a_save_and_the_next_try_gets_its_own_uuid(qtbot, window, data_dir):
    """The store's answer is checked, not only whether it raised: a `conflict` (another record holds
    this uuid) shows the failure and no thank-you; the next try is a record of its own."""
    screen, wizard = window.attendance, window.attendance.wizard
    answer_attendance(qtbot, window)
    a_failed_save(qtbot, window, data_dir)
    taken = screen.saver.pending["uuid"]
    with Store(data_dir) as store:
        (outcome,) = store.add_records([{**screen.saver.pending, "gender": "male"}])  # someone else's
    assert outcome.status == "stored"

    click(qtbot, wizard.next_button)
    settle(qtbot, window)
    wait_for_failure(qtbot, wizard)
    assert screen.pages.currentWidget() is wizard and wizard.next_button.isEnabled()
    assert len(stored(data_dir, "attendance")) == 1  # only the other one

    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.thanks, timeout=10_000)
    records = {record["uuid"]: record["gender"] for record in stored(data_dir, "attendance")}
    assert records.pop(taken) == "male" and list(records.values()) == ["female"]


def test_going_back_and_sending_the_same_answers_again_sends_the_same_record(qtbot, window, data_dir):
    """After a failure the person may look back over the answers; sent again unchanged, it is the
    same record (one uuid); the message goes away as another question shows."""
    screen, wizard = window.attendance, window.attendance.wizard
    steps = answer_attendance(qtbot, window)
    a_failed_save(qtbot, window, data_dir)
    tried = screen.saver.pending["uuid"]
    click(qtbot, wizard.back_button)
    assert wizard.step.key == "difficulty" and wizard.alert_box.isHidden()
    click(qtbot, steps["difficulty"].choices.tiles["no"])
    assert wizard.next_button.text() == _("I agree")
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.thanks, timeout=10_000)
    assert [record["uuid"] for record in stored(data_dir, "attendance")] == [tried]


def test_a_failure_never_reaches_the_next_person(qtbot, window, data_dir):
    """The kiosk started over (idle) while the save was failing: the next person sees home, and the
    complaint screen they open holds no message and nothing of the last person's."""
    wizard = window.complaint.wizard
    steps = answer_complaint(qtbot, window)
    disk_full(window)
    settle(qtbot, window)
    click(qtbot, wizard.next_button)
    window.start_over()
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.home
    click(qtbot, window.home.tiles["complaint"])
    assert wizard.alert_box.isHidden() and window.complaint.saver.pending is None
    assert steps["title"].edit.text() == "" and wizard.next_button.text() == _("I agree")  # consent comes first
    assert stored(data_dir, "complaint") == []
