"""Sync from the kiosk window against a real hub: enrolled by the officer, running by itself."""

import json

import factories
import pytest
from test_ui_flows import click

from kiosk.officer import access
from kiosk.store import Store
from kiosk.ui.syncer import OFFLINE, ONLINE


@pytest.fixture
def kiosk_with_records(data_dir):
    with Store(data_dir) as store:
        access.set_pin(store, "246810")
        event = factories.event()
        store.add_records([event, factories.complaint()] + [factories.attendance(event["uuid"]) for _ in range(20)])
    return data_dir


def test_the_officer_enrolls_and_records_go_by_themselves(qtbot, open_window, kiosk_with_records, start_hub, tmp_path):
    """Enrolling on the Sync page sends the waiting records in the background; the citizen's sign says
    online; with the hub gone a sync leaves everything waiting and the sign says offline; when the hub
    answers again the health probe starts a sync by itself, and new records carry the device id."""
    hub = start_hub()
    window = open_window(kiosk_with_records)
    assert not window.sync_badge.isVisible()  # nothing to say before the kiosk is enrolled
    window.go("officer")
    page = window.officer.sync
    window.officer.tabs.setCurrentIndex(2)
    page.hub_url.setText(hub.url)
    page.code.setText(hub.enroll_code())
    with qtbot.waitSignal(window.sync.enrolled, timeout=20_000) as enrolled:
        click(qtbot, page.enroll_button)
    assert enrolled.args[0] is True
    qtbot.waitUntil(lambda: bool(window.sync.state.last_success) and not window.sync.state.running, timeout=30_000)
    assert (window.sync.state.pending, window.sync.state.phase) == (0, ONLINE)
    assert len(hub.records()) == 22
    assert window.sync_badge.isVisible() and "Tersambung" in window.sync_badge.text()  # Indonesian: online
    assert "Menunggu dikirim: 0" in page.details.text()

    port, hub_dir = hub.port, hub.data_dir
    hub.stop()
    with Store(kiosk_with_records) as store:
        store.add_records([factories.complaint()])
    window.sync.refresh()
    qtbot.waitUntil(lambda: window.sync.state.pending == 1, timeout=10_000)
    click(qtbot, page.sync_button)
    qtbot.waitUntil(lambda: window.sync.state.phase == OFFLINE and bool(window.sync.state.last_error), timeout=60_000)
    assert "Tanpa internet" in window.sync_badge.text()
    assert "tidak dapat dihubungi" in page.details.text()

    start_hub(data_dir=hub_dir, port=port)
    window.sync.probe()  # what the half-minute timer does
    qtbot.waitUntil(lambda: window.sync.state.phase == ONLINE and window.sync.state.pending == 0, timeout=30_000)
    assert len(hub.records()) == 23
    assert window.context.device_id and window.context.device_id.startswith("kiosk-")


def test_the_officer_sends_a_quarantined_record_again(qtbot, open_window, kiosk_with_records):
    """A quarantined record is listed with its reason in the reader's words; sending it again puts it
    back in the queue and the audit log says who decided."""
    from kiosk.store import outbox

    with Store(kiosk_with_records) as store:
        uuid = json.loads(next(store.record_lines("complaint")))["uuid"]
        outbox.quarantine(store, [(uuid, "conflict")])
    window = open_window(kiosk_with_records)
    window.go("officer")
    window.officer.tabs.setCurrentIndex(3)
    table = window.officer.quarantine.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10_000)
    assert table.item(0, 0).text() == uuid
    assert "uuid yang sama" in table.item(0, 2).text() and table.item(0, 1).text() == "Laporan"
    click(qtbot, window.officer.quarantine.again)
    assert "Pilih dulu" in window.officer.quarantine.message.text()
    table.selectRow(0)
    click(qtbot, window.officer.quarantine.again)
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=10_000)
    with Store(kiosk_with_records) as store:
        assert store.sync_counts().get("quarantined", 0) == 0
        assert store.audit_entries()[-1]["action"] == "quarantine_send_again"


def test_the_dashboard_shows_the_figures_and_saves_them(qtbot, open_window, kiosk_with_records, monkeypatch, tmp_path):
    """The Statistics page shows the same headline as `kiosk stats`, its charts carry the numbers for
    screen readers, and Save as CSV / PDF write files where the officer is told."""
    from kiosk.reports import stats
    from kiosk.ui.screens import officer_stats

    monkeypatch.setattr(officer_stats, "exports_dir", lambda: tmp_path / "exports")
    with Store(kiosk_with_records) as store:
        figures = stats.compute(store)
    window = open_window(kiosk_with_records)
    window.go("officer")
    window.officer.tabs.setCurrentIndex(4)
    page = window.officer.stats
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    assert page.headline.text().startswith(f"{figures['total']} peserta")
    assert f"{figures['by_gender']['female']} (" in page.charts["gender"].accessibleDescription()
    click(qtbot, page.exports["csv"])
    qtbot.waitUntil(lambda: "Disimpan di" in page.message.text(), timeout=10_000)
    page.message.clear()
    click(qtbot, page.exports["pdf"])
    qtbot.waitUntil(lambda: "Disimpan di" in page.message.text(), timeout=10_000)
    saved = sorted(p.suffix for p in (tmp_path / "exports").iterdir())
    assert saved == [".csv", ".pdf"]
    qtbot.waitUntil(lambda: not window.context.db.busy, timeout=10_000)
    with Store(kiosk_with_records) as store:
        assert [e["detail"]["format"] for e in store.audit_entries() if e["action"] == "stats_export"] == ["csv", "pdf"]
