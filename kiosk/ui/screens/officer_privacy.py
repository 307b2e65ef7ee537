"""Officer mode's privacy page: what personal data the kiosk keeps and for how long, a
citizen's withdrawal of consent, and the audit log of officer actions.

Erasing and withdrawing run on the database thread and are recorded in the audit log by
`kiosk.privacy.erasure`, the same as from the command line.
"""

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from kiosk.files import atomic_write
from kiosk.i18n import _, format_moment, format_number
from kiosk.officer import config
from kiosk.privacy import audit, erasure
from kiosk.store import Store
from kiosk.ui.screens import officer_stats
from kiosk.ui.screens.officer_sync import KIND_NAMES, Panel
from kiosk.ui.tables import fill_table, fit_rows, table
from kiosk.ui.widgets import button, label, set_text


def _withdraw(store: Store, code: str) -> str:
    erasure.withdraw(store, code)
    return code


def _save_audit(store: Store, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = store.audit_entries()
    with atomic_write(path) as out:
        audit.write_csv(entries, out)
    store.audit("officer", "audit_export", entries=len(entries))
    return path


class PrivacyTab(QWidget):
    def __init__(self, panel: Panel):
        super().__init__()
        self.panel = panel
        self.summary: dict[str, Any] | None = None
        self.rules, self.sealing = label(), label()
        self.table = table(6)
        self.days = QSpinBox()
        self.days.setRange(0, config.MAX_RETENTION_DAYS)
        self.days_caption = label()
        self.days_caption.setBuddy(self.days)
        self.save_days, self.erase_now = button(), button()
        self.save_days.clicked.connect(self.save_retention)
        self.erase_now.clicked.connect(self.erase)
        self.withdraw_title, self.withdraw_help = label("title"), label("hint")
        self.code = QLineEdit()
        self.withdraw_button = button()
        self.withdraw_button.clicked.connect(self.withdraw)
        self.message = label("hint")
        self.audit = AuditLog(panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rules)
        layout.addWidget(self.sealing)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.days_caption, 1)
        row.addWidget(self.days)
        row.addWidget(self.save_days)
        layout.addLayout(row)
        layout.addWidget(self.erase_now)
        layout.addWidget(self.withdraw_title)
        layout.addWidget(self.withdraw_help)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.withdraw_button)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.audit)

    def retranslate(self) -> None:
        title = config.OPTIONS["retention_days"].title
        self.days_caption.setText(_(title))
        self.days.setAccessibleName(self.days_caption.text())
        set_text(self.save_days, _("Save"))
        set_text(self.erase_now, _("Erase what is due now"))
        self.withdraw_title.setText(_("Withdrawal of consent"))
        self.withdraw_help.setText(
            _(
                "A citizen who withdraws consent gives the reference code from their receipt. "
                "Their name, contact details and the words of their report are erased from "
                "this kiosk at once, and the hub is asked to erase them too."
            )
        )
        self.code.setAccessibleName(_("Report number"))
        self.code.setPlaceholderText("K7Q4-9XZM")
        set_text(self.withdraw_button, _("Withdraw consent and erase"))
        self.table.setAccessibleName(_("Personal details on this kiosk"))
        if self.summary:
            self.show_summary(self.summary)
        self.audit.retranslate()

    def refresh(self) -> None:
        self.panel.context.db.call(erasure.summary, on_done=self.show_summary)
        self.audit.refresh()

    def show_summary(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        self.days.setValue(summary["retention_days"])
        self.rules.setText(
            _(
                "Names, phone numbers, e-mail addresses, written places and the words of a report are "
                "personal details. They are erased from this kiosk {days} days after the hub has "
                "them; the counts for statistics stay."
            ).format(days=format_number(summary["retention_days"]))
        )
        self.sealing.setText(
            _("Sealed for the hub: only the hub can read them, not this kiosk.")
            if summary["sealed_for_hub"]
            else _("Not sealed yet: they are sealed when the kiosk is enrolled with its hub.")
        )
        rows = [
            [
                _(KIND_NAMES[kind]),
                format_number(counts["kept"]),
                format_number(counts["sealed"]),
                format_number(counts["waiting"]),
                format_number(counts[erasure.RETENTION]),
                format_number(counts[erasure.WITHDRAWN]),
            ]
            for kind, counts in sorted(summary["kinds"].items())
        ]
        fill_table(
            self.table,
            [_("Kind"), _("Kept"), _("Sealed"), _("Not at the hub yet"), _("Erased: time up"), _("Erased: withdrawn")],
            rows,
        )
        fit_rows(self.table)

    def save_retention(self) -> None:
        self.panel.save_settings({"retention_days": self.days.value()})
        self.message.setText(_("Settings saved."))
        self.refresh()

    def erase(self) -> None:
        def done(count: int) -> None:
            self.message.setText(
                _("Personal details of {count} records were erased.").format(count=format_number(count))
            )
            self.refresh()

        self.panel.context.db.call(lambda store: erasure.purge(store, actor="officer"), on_done=done)

    def withdraw(self) -> None:
        def done(code: str) -> None:
            self.code.clear()
            self.message.setText(
                _(
                    "Consent withdrawn: the personal details of {code} were erased from this kiosk; "
                    "the hub is asked to erase them at the next sync."
                ).format(code=code)
            )
            self.refresh()
            self.panel.sync_controller.sync_now()

        self.panel.context.db.call(
            _withdraw, self.code.text().strip(), on_done=done, on_error=lambda exc: self.message.setText(str(exc))
        )


class AuditLog(QWidget):
    """Every officer action, newest first, and a CSV copy for whoever oversees the kiosk."""

    def __init__(self, panel: Panel):
        super().__init__()
        self.panel = panel
        self.entries: list[dict[str, Any]] = []
        self.title, self.explain, self.message = label("title"), label("hint"), label("hint")
        self.table = table(4)
        self.table.setMinimumHeight(240)
        self.save = button()
        self.save.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.save)
        row.addWidget(self.message, 1)
        layout.addLayout(row)

    def retranslate(self) -> None:
        self.title.setText(_("Audit log"))
        self.explain.setText(_("What officers did on this kiosk. Entries cannot be changed or removed."))
        set_text(self.save, _("Save as CSV"))
        self.table.setAccessibleName(_("Audit log"))
        self.show_entries(self.entries)

    def refresh(self) -> None:
        self.panel.context.db.call(lambda store: store.audit_entries(), on_done=self.show_entries)

    def show_entries(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        rows = []
        for entry in reversed(entries):
            action = audit.ACTIONS.get(entry["action"])
            rows.append(
                [
                    format_moment(entry["at"]),
                    entry["actor"],
                    _(action) if action else entry["action"],
                    audit.describe_detail(entry["detail"]),
                ]
            )
        fill_table(self.table, [_("When"), _("Who"), _("Action"), _("Details")], rows)

    def export(self) -> None:
        path = officer_stats.exports_dir() / f"lapor-audit-{datetime.now():%Y-%m-%d-%H%M}.csv"

        def saved(written: Path) -> None:
            self.message.setText(_("Saved to {path}").format(path=written))
            self.refresh()

        self.panel.context.db.call(
            _save_audit,
            path,
            on_done=saved,
            on_error=lambda exc: self.message.setText(
                _("Could not save: {reason}").format(reason=getattr(exc, "strerror", None) or exc)
            ),
        )
