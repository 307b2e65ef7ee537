"""Officer mode's statistics: who the events reached, as charts, and the same figures as files.

Figures are computed on the database thread, and the CSV and XLSX files are written there.
The PDF (`kiosk.reports.pdf`, no Qt) is written on the UI thread when the officer asks for
it: well under a second for a report of a few pages.
"""

from datetime import date
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.files import atomic_write
from kiosk.i18n import _, format_number, format_percent
from kiosk.reports import stats, tables
from kiosk.reports.charts import participation_charts
from kiosk.reports.pdf import write_pdf
from kiosk.store import Store
from kiosk.ui.charts import BarChart
from kiosk.ui.context import Context
from kiosk.ui.widgets import button, fit_wrapped, label, set_text

Figures = dict[str, Any]


class Panel(Protocol):
    context: Context


def exports_dir() -> Path:
    """Where the officer finds exported files: Documents/LAPOR (the data folder holds no loose files)."""
    import platformdirs

    return platformdirs.user_documents_path() / "LAPOR"


def _compute(store: Store, event_uuid: str | None) -> tuple[Figures, list[dict[str, Any]]]:
    return stats.compute(store, stats.Filters(event_uuid=event_uuid)), store.events()


def _write(store: Store, figures: Figures, kind: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "pdf":
        write_pdf(figures, path)
    elif kind == "xlsx":
        tables.write_xlsx(figures, path)
    else:
        with atomic_write(path) as out:
            tables.write_csv(figures, out)
    store.audit("officer", "stats_export", format=kind)
    return path


class StatsTab(QWidget):
    def __init__(self, panel: Panel) -> None:
        super().__init__()
        self.panel = panel
        self.figures: Figures | None = None
        self.event_choice = QComboBox()
        self.event_choice.activated.connect(lambda _index: self.refresh())
        self.event_caption = label(wrap=False)
        self.event_caption.setBuddy(self.event_choice)
        self.headline = label("title")
        self.charts = {key: BarChart() for key in ("gender", "age", "disability")}
        self.complaints = label()
        self.exports = {kind: button() for kind in ("csv", "xlsx", "pdf")}
        for kind, export in self.exports.items():
            export.clicked.connect(lambda _checked=False, k=kind: self.export(k))
        self.message = label("hint")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.event_caption)
        row.addWidget(self.event_choice, 1)
        layout.addLayout(row)
        layout.addWidget(self.headline)
        for chart in self.charts.values():
            layout.addWidget(chart)
        layout.addWidget(self.complaints)
        row = QHBoxLayout()
        for export in self.exports.values():
            row.addWidget(export)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        fit_wrapped((self.headline, self.complaints, self.message), self.contentsRect().width() - 24)

    def retranslate(self) -> None:
        self.event_caption.setText(_("Show"))
        self.event_choice.setAccessibleName(_("Which events to count"))
        set_text(self.exports["csv"], _("Save as CSV"))
        set_text(self.exports["xlsx"], _("Save as Excel"))
        set_text(self.exports["pdf"], _("Save the PDF report"))
        if self.figures:
            self.show_figures((self.figures, None))

    def refresh(self) -> None:
        self.panel.context.db.call(_compute, self.event_choice.currentData(), on_done=self.show_figures)

    def show_figures(self, result: tuple[Figures, list[dict[str, Any]] | None]) -> None:
        figures, events = result
        self.figures = figures
        if events is not None:
            chosen = self.event_choice.currentData()
            self.event_choice.clear()
            self.event_choice.addItem(_("All events"), None)
            for event in events:
                self.event_choice.addItem(event["name"], event["uuid"])
            self.event_choice.setCurrentIndex(max(self.event_choice.findData(chosen), 0))
        percent = figures["percent"]
        self.headline.setText(
            _("{total} attendees: women {women}, youth {youth}, persons with disabilities {disability}").format(
                total=format_number(figures["total"]),
                women=format_percent(percent["by_gender"]["female"]),
                youth=format_percent(percent["youth"]),
                disability=format_percent(percent["with_disability"]),
            )
        )
        for key, (title, items) in participation_charts(figures).items():
            self.charts[key].show_data(title, items)
        complaints = figures["complaints"]
        self.complaints.setText(
            _("Reports filed: {total} ({sent} sent to the agency, {waiting} still on this kiosk)").format(
                total=format_number(complaints["total"]),
                sent=format_number(complaints["total"] - complaints["by_status"]["on_kiosk"]),
                waiting=format_number(complaints["by_status"]["on_kiosk"]),
            )
        )
        self._fit_labels()

    def export(self, kind: str) -> None:
        if not self.figures:
            return
        path = exports_dir() / f"lapor-statistik-{date.today().isoformat()}.{kind}"

        def done(written: Path) -> None:
            self.message.setText(_("Saved to {path}").format(path=written))

        def failed(exc: BaseException) -> None:
            reason = getattr(exc, "strerror", None) or exc  # an OSError's own words, without its number
            self.message.setText(_("Could not save: {reason}").format(reason=reason))

        self.panel.context.db.call(_write, self.figures, kind, path, on_done=done, on_error=failed)
