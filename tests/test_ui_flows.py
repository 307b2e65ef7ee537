"""The kiosk screens driven like a citizen and an officer would: clicks, taps and keys."""

import json
import re
from pathlib import Path

import pytest
from conftest import PIN
from PySide6.QtCore import Qt
from windowscript import fresh

from kiosk.accessibility.display import DisplayMode
from kiosk.errors import KioskError
from kiosk.officer import access, config
from kiosk.records.check import validate
from kiosk.records.refcode import ref_code
from kiosk.store import Store, intake
from kiosk.ui.app import single_instance
from kiosk.ui.wizard import Wizard


def settle(qtbot, window):
    qtbot.waitUntil(lambda: not window.context.db.busy, timeout=10_000)


def stored(data_dir, kind):
    with Store(data_dir) as store:
        return [json.loads(line) for line in store.record_lines(kind)]


def click(qtbot, widget):
    """A deliberate tap: after the wizard's double-tap guard on a new page has passed."""
    assert widget.isVisible() and widget.isEnabled(), widget.accessibleName()
    guards = [w.guard for w in widget.window().findChildren(Wizard)]
    qtbot.waitUntil(lambda: not any(guard.armed for guard in guards), timeout=5000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_complaint_flow_end_to_end(qtbot, window, data_dir):
    """Every question answered by clicks and typing; the stored record holds exactly that."""
    wizard = window.complaint.wizard
    click(qtbot, window.home.tiles["complaint"])
    steps = {step.key: step for step in wizard.steps}
    assert wizard.step.key == "consent"  # before anything is asked
    click(qtbot, wizard.next_button)  # I agree
    click(qtbot, steps["classification"].choices.tiles["aspiration"])
    assert wizard.step.key == "title"
    qtbot.keyClicks(steps["title"].edit, "Lampu jalan mati")
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(steps["body"].edit, "Lampu jalan di gang kami mati sejak dua minggu.")
    click(qtbot, wizard.back_button)
    assert steps["title"].edit.text() == "Lampu jalan mati"  # nothing lost going back
    click(qtbot, wizard.next_button)
    assert steps["body"].edit.toPlainText().startswith("Lampu jalan di gang")
    click(qtbot, wizard.next_button)
    assert steps["where"].form.inputs["village"].text() == "Mekarsari"  # the kiosk's village as default
    qtbot.keyClicks(steps["where"].form.inputs["text"], "Gang Melati")
    click(qtbot, wizard.next_button)
    click(qtbot, steps["when"].choices.tiles["yesterday"])
    qtbot.keyClicks(steps["topic"].form.inputs["category"], "Penerangan jalan")
    click(qtbot, wizard.next_button)
    click(qtbot, steps["identity"].confidential)
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(steps["contact"].form.inputs["name"], "Siti Aminah")
    qtbot.keyClicks(steps["contact"].form.inputs["phone"], "081234567890")
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "sms"  # a phone to send it to: SMS notices are offered
    click(qtbot, steps["sms"].choices.tiles["sms"])
    reach = steps["reach"].groups
    for field, value in (("gender", "female"), ("age_band", "31-45"), ("_difficulty", "yes")):
        click(qtbot, reach[field].choices.tiles[value])
    assert wizard.step.key == "reach"  # several questions on one screen: Next moves on
    click(qtbot, wizard.next_button)
    for domain, answer in (
        ("seeing", 2),
        ("hearing", 1),
        ("walking", 3),
        ("cognition", 1),
        ("selfcare", 1),
        ("communication", 1),
    ):
        assert wizard.step.key == f"wgss-{domain}"
        click(qtbot, steps[f"wgss-{domain}"].choices.tiles[answer])
    assert wizard.step.key == "review"
    assert "Lampu jalan mati" in steps["review"].summary.text()
    assert "SMS setiap ada kabar laporan Anda" in steps["review"].summary.text()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)

    (record,) = stored(data_dir, "complaint")
    assert validate(record) == record
    assert window.receipt.code == ref_code(record["uuid"])
    assert {k: record[k] for k in ("classification", "title", "confidential", "anonymous", "gender", "age_band")} == {
        "classification": "aspiration",
        "title": "Lampu jalan mati",
        "confidential": True,
        "anonymous": False,
        "gender": "female",
        "age_band": "31-45",
    }
    assert record["location"] == {"village": "Mekarsari", "district": "Cibatu", "text": "Gang Melati"}
    assert record["reporter"] == {"name": "Siti Aminah", "phone": "081234567890"}
    assert record["wgss"] == {
        "seeing": 2,
        "hearing": 1,
        "walking": 3,
        "cognition": 1,
        "selfcare": 1,
        "communication": 1,
    }
    assert record["category"] == "Penerangan jalan" and record["language"] == "id"
    assert record["sms_updates"] is True and record["schema"] == 2
    assert "SMS" in " ".join(window.receipt.follow_up.text().split())
    assert "_difficulty" not in record and "incident_date" in record

    click(qtbot, window.receipt.done_button)
    assert window.stack.currentWidget() is window.home
    assert steps["title"].edit.text() == ""  # the next person sees nothing of this one


def test_an_anonymous_complaint_is_never_asked_for_identity(qtbot, window, data_dir):
    wizard = window.complaint.wizard
    click(qtbot, window.home.tiles["complaint"])
    steps = {step.key: step for step in wizard.steps}
    click(qtbot, wizard.next_button)  # I agree
    click(qtbot, steps["classification"].choices.tiles["complaint"])
    qtbot.keyClicks(steps["title"].edit, "Pungutan liar di kantor desa")
    qtbot.keyClick(steps["title"].edit, Qt.Key.Key_Return)  # Enter goes on, like Next
    assert wizard.step.key == "body"
    click(qtbot, wizard.next_button)
    assert "paling sedikit 20" in wizard.error.text()  # the body is too short: refused with a reason
    qtbot.keyClicks(steps["body"].edit, "Petugas meminta uang untuk surat keterangan.")
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)  # where: the kiosk's village
    assert wizard.step.key == "when"
    click(qtbot, wizard.next_button)  # optional: no day given
    click(qtbot, wizard.next_button)  # topic: skipped
    click(qtbot, steps["identity"].anonymous)
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "reach"  # the contact step does not apply
    click(qtbot, wizard.skip_button)  # one tap skips all three questions
    assert wizard.step.key == "review"
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)
    (record,) = stored(data_dir, "complaint")
    assert record["anonymous"] is True and "reporter" not in record and "incident_date" not in record
    assert "gender" not in record and "age_band" not in record and "wgss" not in record


def test_attendance_takes_four_taps(qtbot, window, data_dir, event):
    """Gender, age band, "no difficulty", "I agree": stored, and the screen is ready for the next person."""
    attendance = window.attendance
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in attendance.wizard.steps}
    taps = [
        steps["gender"].choices.tiles["male"],
        steps["age"].choices.tiles["16-30"],
        steps["difficulty"].choices.tiles["no"],
        attendance.wizard.next_button,
    ]
    for tap in taps:
        click(qtbot, tap)
    qtbot.waitUntil(lambda: attendance.pages.currentWidget() is attendance.thanks, timeout=10_000)
    (record,) = stored(data_dir, "attendance")
    assert validate(record) == record
    assert (record["event_uuid"], record["gender"], record["age_band"]) == (event["uuid"], "male", "16-30")
    assert "wgss" not in record and record["consent"]["given"] is True
    click(qtbot, attendance.next_person)
    assert attendance.wizard.step.key == "gender" and steps["gender"].choices.value() is None


def test_declining_consent_records_nothing(qtbot, window, data_dir):
    attendance = window.attendance
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in attendance.wizard.steps}
    for tile in (
        steps["gender"].choices.tiles["female"],
        steps["age"].choices.tiles["61+"],
        steps["difficulty"].choices.tiles["skip"],
    ):
        click(qtbot, tile)
    click(qtbot, steps["consent"].decline)
    assert attendance.pages.currentWidget() is attendance.thanks
    settle(qtbot, window)
    assert stored(data_dir, "attendance") == []


def test_no_open_event_hides_attendance(qtbot, window):
    window.officer.save_settings({"open_event": None})
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.home.tiles["attendance"].isVisible())


def test_idle_reset_clears_everything(qtbot, window):
    """Left alone mid-report: a warning, then everything typed is gone and home shows in Indonesian."""
    click(qtbot, window.language_buttons["en"])
    click(qtbot, window.home.tiles["complaint"])
    steps = {step.key: step for step in window.complaint.wizard.steps}
    click(qtbot, window.complaint.wizard.next_button)  # I agree
    click(qtbot, steps["classification"].choices.tiles["complaint"])
    qtbot.keyClicks(steps["title"].edit, "Rahasia pribadi saya")
    click(qtbot, window.text_size)
    window.idle_watcher.idle.emit()
    assert window.idle_warning.isVisible()
    click(qtbot, window.idle_warning.resume)  # "continue" keeps everything
    assert steps["title"].edit.text() == "Rahasia pribadi saya"
    window.idle_watcher.idle.emit()
    window.idle_warning.remaining = 1
    window.idle_warning._count()
    assert window.stack.currentWidget() is window.home and not window.idle_warning.isVisible()
    assert steps["title"].edit.text() == "" and steps["classification"].choices.value() is None
    assert window.home.tiles["complaint"].title.text() == "Sampaikan Laporan"
    assert window.mode.scale == 1.0


def test_a_tap_on_a_tiles_words_presses_the_tile(qtbot, window):
    """The title and the sentence cover most of a tile: a tap there is the tile's."""
    tile = window.home.tiles["complaint"]
    for part in (tile.title, tile.detail):
        window.go("home")
        assert part.isVisible() and tile.childAt(part.geometry().center()) is part
        qtbot.mouseClick(part, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.complaint


def test_the_idle_warning_covers_the_screen_with_its_own_background(qtbot, window):
    """What is on the screen beneath must not show through the warning."""
    window.go("complaint")
    window.complaint.wizard.show_step("classification")
    tile = {step.key: step for step in window.complaint.wizard.steps}["classification"].choices.tiles["complaint"]
    qtbot.waitUntil(tile.isVisible)
    spot = tile.mapTo(window, tile.rect().center())
    surface, background = window.mode.palette.surface.lower(), window.mode.palette.window.lower()
    assert window.grab().toImage().pixelColor(spot).name() == surface  # a tile, white on grey
    window.idle_watcher.idle.emit()
    assert window.idle_warning.geometry() == window.rect()
    assert not window.idle_warning.childAt(window.idle_warning.mapFrom(window, spot))  # nothing of its own there
    assert window.grab().toImage().pixelColor(spot).name() == background
    window.idle_warning.stop()


def test_idle_warning_counts_down_at_least_twenty_seconds():
    from kiosk.ui.idle import WARNING_SECONDS

    assert WARNING_SECONDS >= 20


def test_officer_mode_by_long_press_and_pin_lockout(qtbot, window, data_dir):
    qtbot.mousePress(window.logo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.officer_login, timeout=4000)
    qtbot.mouseRelease(window.logo, Qt.MouseButton.LeftButton)
    login = window.officer_login
    settle(qtbot, window)
    for _attempt in range(5):
        qtbot.keyClicks(login.pin, "000000")
        qtbot.keyClick(login.pin, Qt.Key.Key_Return)
        settle(qtbot, window)
    assert "Too many wrong tries" in login.message.text() or "Terlalu banyak" in login.message.text()
    qtbot.keyClicks(login.pin, PIN)
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.officer_login  # locked even for the right PIN
    with Store(data_dir) as store:
        assert [e["action"] for e in store.audit_entries()].count("pin_failed") == 5


def test_short_press_does_not_open_officer_mode(qtbot, window):
    click(qtbot, window.logo)
    qtbot.wait(100)
    assert window.stack.currentWidget() is window.home


def test_officer_creates_and_opens_an_event(qtbot, window, data_dir):
    window.go("officer_login")
    settle(qtbot, window)
    window.activateWindow()  # the PIN field gets the focus, and the on-screen number pad docks under it
    qtbot.waitUntil(lambda: window.keyboard.shown)
    pad = {key.key.value or key.key.kind: key for key in window.keyboard.keyboard.keys["numeric"]}
    for digit in PIN:
        click(qtbot, pad[digit])
    click(qtbot, pad["next"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.officer, timeout=10_000)
    events = window.officer.events
    qtbot.keyClicks(events.name, "Lokakarya Pengaduan Kampus")
    events.type.setCurrentIndex(events.type.findData("campus"))
    click(qtbot, events.create_button)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: events.table.rowCount() == 2)
    events.table.selectRow(0)
    click(qtbot, events.open)
    settle(qtbot, window)
    new_event = stored(data_dir, "event")[-1]
    assert new_event["name"] == "Lokakarya Pengaduan Kampus" and new_event["type"] == "campus"
    assert new_event["location"] == {"district": "Cibatu", "village": "Mekarsari"}
    with Store(data_dir) as store:
        assert store.setting("open_event") == new_event["uuid"]
    click(qtbot, window.officer.back)
    assert window.home.tiles["attendance"].detail.text().endswith("Lokakarya Pengaduan Kampus")


def test_at_large_text_each_event_is_shown_whole_in_one_column(qtbot, window, data_dir):
    """Five columns of enlarged text run off a kiosk's screen: the events' table then gives each
    event its lines in one column (name, date, registrations today and in all, registration open),
    and goes back to five columns at the usual size."""
    window.go("officer")
    settle(qtbot, window)
    table = window.officer.events.table
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert table.columnCount() == 5
    for scale in (1.5, 2.0):
        window.set_mode(DisplayMode(scale=scale))
        settle(qtbot, window)
        assert table.columnCount() == 1, scale
        name, day, counts, opened = table.item(0, 0).text().splitlines()
        assert (name, day, counts, opened) == (
            "Sosialisasi LAPOR! Desa Mekarsari",
            "20 November 2026",
            "Hari ini: 0 · Seluruhnya: 0",
            "Pendaftaran: Dibuka",
        )
        assert table.rowHeight(0) >= 4 * table.fontMetrics().lineSpacing()
        assert table.horizontalHeader().length() <= table.viewport().width()
    window.set_mode(DisplayMode())
    settle(qtbot, window)
    assert table.columnCount() == 5 and table.item(0, 0).text() == "Sosialisasi LAPOR! Desa Mekarsari"


def test_officer_settings_are_saved(qtbot, window, data_dir):
    window.go("officer")
    settings = window.officer.settings
    settings.idle.setValue(120)
    settings.offered["en"].setChecked(False)
    settings.texts["kiosk_name"].setText("Kantor Desa Mekarsari")
    click(qtbot, window.officer.tabs.tabBar())  # focus moves; nothing else happens
    settings.save_changes()
    settle(qtbot, window)
    with Store(data_dir) as store:
        saved = config.load(store)
    assert (saved["idle_timeout"], saved["languages"], saved["kiosk_name"]) == (120, ["id"], "Kantor Desa Mekarsari")
    qtbot.waitUntil(lambda: list(window.language_buttons) == ["id"])


def test_status_check_by_reference_code(qtbot, window, data_dir):
    complaint = intake.new_complaint(
        {
            "classification": "complaint",
            "title": "Sampah menumpuk",
            "body": "Sampah di pasar desa tidak diangkut selama seminggu.",
            "language": "id",
        }
    )
    with Store(data_dir) as store:
        store.add_records([complaint])
    click(qtbot, window.home.tiles["status"])
    code = ref_code(complaint["uuid"])
    qtbot.keyClicks(window.status.code, code.lower().replace("-", " "))
    qtbot.keyClick(window.status.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: code in window.status.result.text(), timeout=10_000)
    assert "tersimpan di kios ini" in window.status.result.text()
    window.status.code.setText("ZZZZ-ZZZZ")
    click(qtbot, window.status.check_button)
    qtbot.waitUntil(lambda: "Tidak ada laporan" in window.status.result.text(), timeout=10_000)


def test_language_switch_retranslates_the_live_window(qtbot, window):
    assert window.home.tiles["complaint"].title.text() == "Sampaikan Laporan"
    click(qtbot, window.language_buttons["en"])
    assert window.home.tiles["complaint"].title.text() == "File a report"
    assert window.home.tiles["complaint"].accessibleName() == "File a report"


def test_one_kiosk_per_data_dir(qapp, data_dir):
    lock = single_instance(data_dir)
    try:
        with pytest.raises(KioskError, match="already running"):
            single_instance(data_dir)
    finally:
        lock.unlock()
    single_instance(data_dir).unlock()


def test_officer_set_pin_from_standard_input(kiosk, data_dir):
    result = kiosk("officer", "set-pin", input="13572468\n")
    assert result.returncode == 0, result.stderr
    with Store(data_dir) as store:
        assert access.check_pin(store, "13572468").ok
    assert kiosk("officer", "set-pin", input="12\n").returncode == 2


def test_the_qt_binding_survives_many_signals():
    """Guards the pinned PySide6: some releases lose a reference per emit and abort."""
    code = (
        "from PySide6.QtCore import QObject, Signal\n"
        "class W(QObject):\n    s = Signal(object)\n"
        "w = W()\nw.s.connect(lambda x: None)\n"
        "for _ in range(300000):\n    w.s.emit(None)\nprint('ok')\n"
    )
    result = fresh(code)
    assert result.stdout.strip() == "ok", result.stderr[-500:]


@pytest.mark.parametrize("extra", [["--windowed"], []])
def test_the_kiosk_starts_and_shows_home(kiosk, extra):
    """The real entry point, full screen or windowed, on the demo data; the demo folder is removed after."""
    result = kiosk("run", "--demo", "--exit-after-startup", *extra, env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert "123456" in first and re.fullmatch(r"Started in \d+ ms", second)  # as the command line speaks
    demo_dir = first.split(" in ", 1)[1].split(";")[0]
    assert not Path(demo_dir).exists()


def test_a_demo_folder_that_cannot_be_filled_is_a_clear_error_and_leaves_nothing(tmp_path):
    """A demo folder that cannot be filled (a full disk) stops the start with one line saying
    why, and is removed."""
    code = (
        "import sys, kiosk.cli.demo\n"
        "def broken(data_dir):\n    raise OSError(28, 'No space left on device')\n"
        "kiosk.cli.demo.fill = broken\n"
        "from kiosk.cli import main\n"
        "sys.exit(main(['run', '--demo', '--windowed', '--exit-after-startup']))\n"
    )
    result = fresh(code, env={"KIOSK_LANG": "en", "TMPDIR": str(tmp_path)})
    assert result.returncode != 0
    assert "could not be filled" in result.stderr and "No space left on device" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Demo kiosk in" not in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_the_database_worker_runs_jobs_in_order_and_closing_waits_for_them(qtbot, tmp_path):
    """One thread, first in first out; `close` returns once every job handed in before it has run
    and the store is closed, so nothing the kiosk confirmed is still being written at exit."""
    from kiosk.ui.dbworker import DbWorker

    db = DbWorker(tmp_path)
    results = []
    for number in range(50):
        db.call(lambda store, n=number: store.set_setting("last", n) or n, on_done=results.append)
    db.close()
    with Store(tmp_path) as store:
        assert store.setting("last") == 49
    qtbot.waitUntil(lambda: len(results) == 50)
    assert results == list(range(50))


def test_idle_timer_fires_without_input(qtbot, window):
    window.idle_watcher.set_timeout(1)
    window.go("status")
    with qtbot.waitSignal(window.idle_watcher.idle, timeout=3000):
        pass
    assert window.idle_warning.isVisible()


def test_receipt_prints(qtbot, window, tmp_path):
    """The receipt goes to a printer; here the printer writes a PDF that we can measure."""
    from PySide6.QtPrintSupport import QPrinter

    record = intake.new_complaint(
        {
            "classification": "complaint",
            "title": "Air bersih tidak mengalir",
            "body": "Air PDAM tidak mengalir ke dusun kami sejak tiga hari.",
            "language": "id",
        }
    )
    window.show_receipt(record)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "receipt.pdf"))
    window.receipt.print_receipt(printer).join(timeout=30)
    pdf = (tmp_path / "receipt.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_closing_registration_mid_flow_keeps_the_event_the_person_came_for(qtbot, window, data_dir, event):
    attendance = window.attendance
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in attendance.wizard.steps}
    click(qtbot, steps["gender"].choices.tiles["female"])
    click(qtbot, steps["age"].choices.tiles["46-60"])
    window.context.settings["open_event"] = None  # the officer closed it meanwhile
    click(qtbot, steps["difficulty"].choices.tiles["no"])
    click(qtbot, attendance.wizard.next_button)
    qtbot.waitUntil(lambda: attendance.pages.currentWidget() is attendance.thanks, timeout=10_000)
    (record,) = stored(data_dir, "attendance")
    assert record["event_uuid"] == event["uuid"]


def test_undo_cannot_bring_back_the_last_persons_words(qtbot, window):
    click(qtbot, window.home.tiles["complaint"])
    title = {step.key: step for step in window.complaint.wizard.steps}["title"].edit
    window.complaint.wizard.show_step("title")
    qtbot.keyClicks(title, "Rahasia pribadi saya")
    window.start_over()
    window.go("complaint")
    window.complaint.wizard.show_step("title")
    qtbot.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert title.text() == ""
    window.go("status")
    qtbot.keyClicks(window.status.code, "K7Q4-9XZM")
    window.start_over()
    window.go("status")
    qtbot.keyClick(window.status.code, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.status.code.text() == ""


def test_back_keeps_a_draft_that_is_not_finished_yet(qtbot, window):
    wizard = window.complaint.wizard
    window.go("complaint")
    steps = {step.key: step for step in wizard.steps}
    wizard.show_step("body")
    qtbot.keyClicks(steps["body"].edit, "Lampu mati")  # too short to go on
    click(qtbot, wizard.back_button)
    wizard.show_step("body")
    assert steps["body"].edit.toPlainText() == "Lampu mati"


def test_a_double_tap_answers_only_the_question_on_screen(qtbot, window):
    wizard = window.attendance.wizard
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in wizard.steps}
    tile = steps["gender"].choices.tiles["female"]
    click(qtbot, tile)
    qtbot.mouseClick(steps["age"].choices.tiles["0-15"], Qt.MouseButton.LeftButton)  # the second half of a double tap
    assert wizard.step.key == "age" and steps["age"].choices.value() is None


def test_a_double_tap_on_i_agree_stores_one_record(qtbot, window, data_dir):
    wizard = window.attendance.wizard
    click(qtbot, window.home.tiles["attendance"])
    wizard.answers = {"gender": "male", "age_band": "61+", "_difficulty": "no"}
    for key, value in (("gender", "male"), ("age", "61+"), ("difficulty", "no")):
        {step.key: step for step in wizard.steps}[key].choices.set_value(value)
    wizard.show_step("consent")
    click(qtbot, wizard.next_button)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.attendance.pages.currentWidget() is window.attendance.thanks, timeout=10_000)
    settle(qtbot, window)
    assert len(stored(data_dir, "attendance")) == 1


def test_a_late_result_never_reaches_the_next_person(qtbot, window):
    """A slow save finishing after the kiosk started over must not show the old receipt."""
    import time

    window.context.db.call(lambda store: time.sleep(0.5))  # a slow disk ahead in the queue
    window.go("complaint")
    window.complaint.wizard.answers = {}
    window.complaint._submit(
        {
            "classification": "complaint",
            "title": "Jalan rusak parah",
            "body": "Jalan desa rusak parah dan belum diperbaiki.",
            "anonymous": True,
        }
    )
    window.start_over()
    settle(qtbot, window)
    assert window.stack.currentWidget() is window.home


def test_a_fresh_kiosk_asks_for_the_officer_pin_first(qtbot, open_window, tmp_path):
    """No PIN yet: the kiosk opens on choosing one; the long press never offers to choose it."""
    fresh = open_window(tmp_path / "fresh")
    login = fresh.officer_login
    assert fresh.stack.currentWidget() is login and login.setting_pin and not login.cancel.isVisibleTo(fresh)
    fresh.idle_watcher.idle.emit()
    fresh.idle_warning.remaining = 1
    fresh.idle_warning._count()
    assert fresh.stack.currentWidget() is login and login.setting_pin  # idle reset does not skip it
    for pin in ("135790", "135790"):
        login.pin.setText(pin)
        login.submit()
    qtbot.waitUntil(lambda: fresh.stack.currentWidget() is fresh.officer, timeout=10_000)
    fresh.start_over()
    fresh.open_officer()
    assert not login.setting_pin  # from now on, only the PIN opens officer mode


def test_contact_details_are_checked_on_their_own_screen(qtbot, window):
    wizard = window.complaint.wizard
    window.go("complaint")
    wizard.answers = {"anonymous": False}
    wizard.show_step("contact")
    contact = {step.key: step for step in wizard.steps}["contact"]
    contact.form.inputs["phone"].setText("08-12 abc")
    wizard.next()
    assert wizard.step.key == "contact"
    assert wizard.error.text().startswith("Nomor telepon: ")


def test_review_follows_a_language_switch(qtbot, window):
    wizard = window.complaint.wizard
    window.go("complaint")
    wizard.answers = {
        "classification": "complaint",
        "title": "Jalan rusak",
        "anonymous": True,
        "incident_date": "2026-08-17",
    }
    wizard.show_step("review")
    review = {step.key: step for step in wizard.steps}["review"]
    assert "Pokok laporan" in review.summary.text() and "17 Agustus 2026" in review.summary.text()
    click(qtbot, window.language_buttons["en"])
    assert "Subject" in review.summary.text() and "Pokok laporan" not in review.summary.text()
    assert "August 17, 2026" in review.summary.text() or "17 August 2026" in review.summary.text()


WATCHED = """
import sys
import time
from pathlib import Path
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
import kiosk.ui.app as app
from kiosk.ui.window import KioskWindow

def check(window):
    timer = window.idle_watcher.timer
    time.sleep(0.3)  # the countdown goes on
    before = timer.remainingTime()
    press = QMouseEvent(QEvent.Type.MouseButtonPress, QPointF(5, 5), QPointF(5, 5), Qt.MouseButton.LeftButton,
                        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.home.tiles["complaint"], press)
    print(timer.remainingTime() > before + 250)
    window.exit_kiosk()

real_init = KioskWindow.__init__
def init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    self.ready.connect(lambda: QTimer.singleShot(app.WARM_UP_MS + 500, lambda: check(self)))
KioskWindow.__init__ = init
app.run(Path(sys.argv[1]), windowed=True)
"""


def test_a_touch_anywhere_restarts_the_idle_countdown_once_the_kiosk_is_up(data_dir):
    """The touch watcher is installed a moment after the home screen shows (not before its first
    frame); from then on a tap on any widget starts the countdown again."""
    access.set_pin(Store(data_dir), "204060")
    result = fresh(WATCHED, data_dir)
    assert result.stdout.strip() == "True", result.stderr[-800:]


CATALOG_READ = """
import gettext, sys, threading
from pathlib import Path
read_on = []
real_parse = gettext.GNUTranslations._parse
def parse(self, catalog):
    read_on.append((Path(catalog.name).parent.parent.name, threading.current_thread().name))
    real_parse(self, catalog)
gettext.GNUTranslations._parse = parse
from kiosk.cli import main
main(["run", "--data-dir", sys.argv[1], "--windowed", "--exit-after-startup"])
print(read_on)
"""


def test_the_starting_language_is_read_off_the_ui_thread(data_dir):
    """The command line speaks English here, the kiosk starts in Indonesian: its catalog is read
    on the database thread, while the window paints."""
    result = fresh(CATALOG_READ, data_dir, env={"KIOSK_LANG": "en"})
    assert result.stdout.strip().splitlines()[-1] == "[('en', 'MainThread'), ('id', 'kiosk-db')]", result.stderr[-800:]
