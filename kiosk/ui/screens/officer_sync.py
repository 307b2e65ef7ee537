"""Officer mode's sync pages: where the records stand with the hub, enrollment, and quarantine."""

from typing import Any, Protocol

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QTableWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, format_moment, format_number
from kiosk.store import Store, outbox
from kiosk.sync.engine import LARGE_SKEW_S, error_text, reason_text
from kiosk.ui.context import Context
from kiosk.ui.syncer import NOT_ENROLLED, OFFLINE, ONLINE, SYNCING, SyncController
from kiosk.ui.tables import fill_table
from kiosk.ui.widgets import button, fit_wrapped, label, set_text

KIND_NAMES = {
    "event": N_("Event"),
    "attendance": N_("Attendance"),
    "complaint": N_("Report"),
    "feedback": N_("Verdict on a report"),
}


class Panel(Protocol):
    """What the pages of officer mode use of the panel that holds them (kiosk.ui.screens.officer_panel,
    which imports the pages: naming it here would make the imports go round)."""

    context: Context
    sync_controller: SyncController

    def refresh(self) -> None: ...

    def save_settings(self, changes: dict[str, Any]) -> None: ...


def phase_text(phase: str) -> str:
    return {
        ONLINE: _("Online: the hub answers"),
        OFFLINE: _("Offline: records wait safely on this kiosk"),
        SYNCING: _("Sending records to the hub…"),
        NOT_ENROLLED: _("Not enrolled with a hub yet"),
    }[phase]


class SyncTab(QWidget):
    def __init__(self, sync: SyncController):
        super().__init__()
        self.sync = sync
        self.phase, self.details = label("question"), label()
        self.warning = label("hint")
        self.sync_button = button("primary")
        self.sync_button.clicked.connect(sync.sync_now)
        self.enroll_caption = label()
        self.hub_url, self.code = QLineEdit(), QLineEdit()
        self.hub_url.setPlaceholderText("https://")
        self.hub_caption, self.code_caption = label(wrap=False), label(wrap=False)
        self.hub_caption.setBuddy(self.hub_url)
        self.code_caption.setBuddy(self.code)
        self.enroll_button, self.enroll_message = button(), label("hint")
        self.enroll_button.clicked.connect(self.enroll)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.hub_caption, self.hub_url)
        form.addRow(self.code_caption, self.code)
        layout = QVBoxLayout(self)
        for widget in (self.phase, self.details, self.warning):
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(16)
        layout.addWidget(self.enroll_caption)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.enroll_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.enroll_message)
        layout.addStretch(1)
        sync.changed.connect(self.show_state)
        sync.enrolled.connect(self.show_enrolled)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        fit_wrapped(
            (self.phase, self.details, self.warning, self.enroll_caption, self.enroll_message),
            self.contentsRect().width() - 24,
        )

    def retranslate(self) -> None:
        set_text(self.sync_button, _("Sync now"))
        self.enroll_caption.setText(_("Enroll this kiosk with an intake hub"))
        self.hub_caption.setText(_("Hub address"))
        self.code_caption.setText(_("Enrollment code from the hub"))
        self.hub_url.setAccessibleName(self.hub_caption.text())
        self.code.setAccessibleName(self.code_caption.text())
        set_text(self.enroll_button, _("Enroll"))
        self.show_state()

    def show_state(self) -> None:
        state = self.sync.state
        self.phase.setText(phase_text(state.phase))
        lines = [
            _("Waiting to be sent: {pending}. Quarantined: {quarantined}.").format(
                pending=format_number(state.pending), quarantined=format_number(state.quarantined)
            )
        ]
        lines.append(
            _("Last successful sync: {when}").format(
                when=format_moment(state.last_success) if state.last_success else _("never")
            )
        )
        if state.last_error:
            lines.append(_("Last problem: {problem}").format(problem=error_text(state.last_error)))
        if state.hub_url:
            lines.append(
                _("Hub: {url} (this kiosk is {device_id})").format(url=state.hub_url, device_id=state.device_id)
            )
        self.details.setText("\n".join(lines))
        warnings = []
        if state.needs_enrollment:
            warnings.append(error_text("needs_enrollment"))
        if state.skew_seconds is not None and abs(state.skew_seconds) > LARGE_SKEW_S:
            warnings.append(
                _("This kiosk's clock differs from the hub's by {minutes} minutes: set the clock.").format(
                    minutes=format_number(round(abs(state.skew_seconds) / 60))
                )
            )
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        self.sync_button.setEnabled(state.phase != SYNCING and state.phase != NOT_ENROLLED)
        self._fit_labels()

    def enroll(self) -> None:
        url, code = self.hub_url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.enroll_message.setText(_("Fill in the hub address and the enrollment code."))
            return
        self.enroll_button.setEnabled(False)
        self.enroll_message.setText(_("Contacting the hub…"))
        self.sync.enroll(url, code)

    def show_enrolled(self, succeeded: bool, message: str) -> None:
        self.enroll_button.setEnabled(True)
        if succeeded:
            self.code.clear()
            self.enroll_message.setText(_("Enrolled as {device_id}.").format(device_id=message))
        else:
            self.enroll_message.setText(message)


def _send_again(store: Store, uuid: str) -> bool:
    sent = outbox.send_again(store, uuid)
    if sent:
        store.audit("officer", "quarantine_send_again", uuid=uuid)
    return sent


class QuarantineTab(QWidget):
    """Records the hub refused or that could not be sent: kept, with the reason, until decided."""

    def __init__(self, panel: Panel, table: QTableWidget):
        super().__init__()
        self.panel, self.table = panel, table
        self.items: list[dict[str, Any]] = []
        self.explain, self.message = label("hint"), label("hint")
        self.again = button()
        self.again.clicked.connect(self.send_again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        row.addWidget(self.again)
        row.addWidget(self.message, 1)
        layout.addLayout(row)

    def retranslate(self) -> None:
        self.explain.setText(
            _(
                "The hub refused these records, or they could not be sent. They stay on this "
                "kiosk. Send one again once what it lacked is fixed."
            )
        )
        set_text(self.again, _("Send the selected record again"))
        self.table.setAccessibleName(_("Quarantined records"))

    def show_items(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        rows = []
        for item in items:
            kind = KIND_NAMES[item["kind"]]
            rows.append([item["uuid"], _(kind), reason_text(item["reason"] or ""), format_moment(item["updated_at"])])
        fill_table(self.table, [_("Record"), _("Kind"), _("Reason"), _("Since")], rows)

    def send_again(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            self.message.setText(_("Select a record in the list first."))
            return
        self.message.clear()
        self.panel.context.db.call(_send_again, self.items[row]["uuid"], on_done=self._sent_again)

    def _sent_again(self, _sent: bool) -> None:
        self.panel.refresh()
        self.panel.sync_controller.sync_now()
