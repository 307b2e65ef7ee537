"""Privacy in the kiosk window: officer mode times out, the Privacy page and its audit log, and a
log file that holds none of what citizens typed."""

import csv
import logging

import factories
import pytest
from conftest import PIN
from PySide6.QtCore import Qt
from test_ui_flows import click, settle

from kiosk.logs import log_to
from kiosk.records.refcode import ref_code
from kiosk.store import Store
from kiosk.ui.screens import officer_stats

NAME, PHONE, WORDS, PLACE = "Ratna Sari Dewi Pertiwi", "085712340987", "Kepala dusun meminta imbalan", "Blok Sawah"


def enter_officer_mode(qtbot, window):
    window.open_officer()
    settle(qtbot, window)
    qtbot.keyClicks(window.officer_login.pin, PIN)
    qtbot.keyClick(window.officer_login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.officer, timeout=10_000)
    window.set_language("en")


def test_officer_mode_times_out_and_asks_for_the_pin_again(qtbot, window):
    enter_officer_mode(qtbot, window)
    window.idle_watcher.idle.emit()  # no touch for the idle time
    assert window.idle_warning.isVisible()
    window.idle_warning.remaining = 1
    window.idle_warning._count()
    assert window.stack.currentWidget() is window.home
    window.open_officer()
    assert window.stack.currentWidget() is window.officer_login and window.officer_login.pin.text() == ""


def test_the_privacy_page_shows_what_is_kept_and_withdraws_consent(qtbot, window, data_dir):
    complaint = factories.complaint(reporter={"name": NAME, "phone": PHONE})
    with Store(data_dir) as store:
        store.add_records([complaint])
    enter_officer_mode(qtbot, window)
    page = window.officer.privacy
    window.officer.tabs.setCurrentIndex(5)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert [page.table.item(0, column).text() for column in range(6)] == ["Report", "1", "0", "1", "0", "0"]
    assert "30 days" in page.rules.text() and "Not sealed yet" in page.sealing.text()
    assert page.code.accessibleName() and page.withdraw_button.accessibleName()

    qtbot.keyClicks(page.code, "ZZZZ-ZZZZ")
    click(qtbot, page.withdraw_button)
    qtbot.waitUntil(lambda: "No report with the code" in page.message.text(), timeout=10_000)
    page.code.clear()
    qtbot.keyClicks(page.code, ref_code(complaint["uuid"]))
    click(qtbot, page.withdraw_button)
    qtbot.waitUntil(lambda: "Consent withdrawn" in page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: page.table.item(0, 5) is not None and page.table.item(0, 5).text() == "1", timeout=10_000)
    assert page.code.text() == ""
    with Store(data_dir) as store:
        assert "reporter" not in store.get(complaint["uuid"])
        assert store.audit_entries()[-1]["action"] == "consent_withdrawn"

    page.days.setValue(14)
    click(qtbot, page.save_days)
    qtbot.waitUntil(lambda: "14 days" in page.rules.text(), timeout=10_000)
    with Store(data_dir) as store:
        assert store.setting("retention_days") == 14


def test_the_audit_page_lists_officer_actions_and_saves_them(qtbot, window, data_dir, monkeypatch, tmp_path):
    monkeypatch.setattr(officer_stats, "exports_dir", lambda: tmp_path / "exports")
    enter_officer_mode(qtbot, window)
    page = window.officer.privacy.audit
    window.officer.tabs.setCurrentIndex(5)
    qtbot.waitUntil(lambda: page.table.rowCount() >= 3, timeout=10_000)
    actions = [page.table.item(row, 2).text() for row in range(page.table.rowCount())]
    assert actions[0] == "Officer mode opened"  # newest first, in words
    assert {"Officer PIN set", "Settings changed"} <= set(actions)
    click(qtbot, page.save)
    qtbot.waitUntil(lambda: "Saved to" in page.message.text(), timeout=10_000)
    (saved,) = (tmp_path / "exports").glob("lapor-audit-*.csv")
    rows = list(csv.reader(saved.open(encoding="utf-8")))
    assert rows[0] == ["at", "actor", "action", "detail"] and len(rows) == len(actions) + 1
    qtbot.waitUntil(lambda: page.table.item(0, 2).text() == "Audit log saved", timeout=10_000)


@pytest.fixture
def kiosk_log(data_dir):
    handler = log_to(data_dir)
    yield data_dir / "kiosk.log"
    logging.getLogger().removeHandler(handler)
    handler.close()


def test_logs_hold_nothing_citizens_typed(qtbot, window, data_dir, kiosk_log, hub, tmp_path):
    """A complaint with a name, phone, place and words, sent to the hub, withdrawn and purged:
    the kiosk's log and the hub's say what happened without any of it."""
    wizard = window.complaint.wizard
    click(qtbot, window.home.tiles["complaint"])
    steps = {step.key: step for step in wizard.steps}
    click(qtbot, wizard.next_button)  # I agree
    click(qtbot, steps["classification"].choices.tiles["complaint"])
    qtbot.keyClicks(steps["title"].edit, "Pungutan di dusun")
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(steps["body"].edit, f"{WORDS} untuk surat keterangan usaha.")
    click(qtbot, wizard.next_button)
    qtbot.keyClicks(steps["where"].form.inputs["text"], PLACE)
    click(qtbot, wizard.next_button)
    click(qtbot, steps["when"].choices.tiles["unknown"])
    click(qtbot, wizard.next_button)  # topic: skipped
    click(qtbot, wizard.next_button)  # identity: named, not confidential
    qtbot.keyClicks(steps["contact"].form.inputs["name"], NAME)
    qtbot.keyClicks(steps["contact"].form.inputs["phone"], PHONE)
    while wizard.step.key != "review":
        click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)
    code = window.receipt.code
    click(qtbot, window.receipt.done_button)

    enter_officer_mode(qtbot, window)
    window.officer.tabs.setCurrentIndex(2)
    window.officer.sync.hub_url.setText(hub.url)
    window.officer.sync.code.setText(hub.enroll_code())
    with qtbot.waitSignal(window.sync.enrolled, timeout=20_000):
        click(qtbot, window.officer.sync.enroll_button)
    qtbot.waitUntil(lambda: bool(window.sync.state.last_success) and not window.sync.state.running, timeout=30_000)
    assert NAME in "".join(hub.records())
    window.officer.tabs.setCurrentIndex(5)
    qtbot.keyClicks(window.officer.privacy.code, code)
    click(qtbot, window.officer.privacy.withdraw_button)
    qtbot.waitUntil(lambda: "Consent withdrawn" in window.officer.privacy.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: not window.sync.state.running and NAME not in "".join(hub.records()), timeout=30_000)

    logged = kiosk_log.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in tmp_path.glob("hub-*.log")
    )
    assert "sync: 2 sent, 2 acknowledged" in logged  # the log is written: the event and the complaint
    for typed in (NAME, PHONE, WORDS, PLACE, PIN):
        assert typed not in logged
