"""Officer mode: events and their registration, settings, sync with the hub, quarantine, statistics, exit."""

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import questions
from kiosk.accessibility import speech
from kiosk.accessibility.display import BASE_FONT_PX
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, _, format_day, format_number
from kiosk.officer import config
from kiosk.printing import printers
from kiosk.records import RecordInvalid
from kiosk.store import Store, intake
from kiosk.ui.context import Context
from kiosk.ui.screens.officer_privacy import PrivacyTab
from kiosk.ui.screens.officer_stats import StatsTab
from kiosk.ui.screens.officer_sync import QuarantineTab, SyncTab
from kiosk.ui.syncer import SyncController
from kiosk.ui.tables import fill_table, table
from kiosk.ui.widgets import CheckBox, Screen, button, label, scrolling, set_text


def _today_utc_start() -> str:
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).isoformat(timespec="milliseconds")


COLUMNS = 5  # of the events' table: name, date, today, in all, registration
# The text scale past which it shows each event's facts as lines of one column: five columns of
# text even half as large again as usual are wider than a kiosk's 1024 pixels.
STACKED_ABOVE = 1.2
Overview = tuple[list[dict[str, Any]], dict[str, int], dict[str, int], list[dict[str, Any]]]


def _event_overview(store: Store) -> Overview:
    """Events, attendance per event today and in all, and the quarantined records."""
    return store.events(), store.attendance_counts(_today_utc_start()), store.attendance_counts(), store.quarantined()


def voice_report() -> str:
    """One line for the officer: which voice reads each language, or why nothing can be read."""
    try:
        voices = speech.describe()
    except Exception as exc:  # noqa: BLE001 - no engine: the kiosk works on, silently
        return _("Read-aloud is not available on this machine: {reason}").format(reason=f"{type(exc).__name__}: {exc}")
    fallback = _("no voice of its own, so the Indonesian voice reads it")
    parts = [f"{LANGUAGE_NAMES[lang]}: {voice.name if voice else fallback}" for lang, voice in voices.items()]
    return _("Voices: {voices}").format(voices="; ".join(parts))


def _option_title(key: str) -> str:
    title = config.OPTIONS[key].title
    return _(title)


class EventsTab(QWidget):
    def __init__(self, panel: "OfficerPanel"):
        super().__init__()
        self.panel = panel
        self.events: list[dict[str, Any]] = []
        self.table = table(COLUMNS)
        # rows as tall as their lines, at whatever size the text is now
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.name, self.organizer = QLineEdit(), QLineEdit()
        self.type = QComboBox()
        self.starts_on = QDateEdit(QDate.currentDate())
        self.starts_on.setCalendarPopup(True)
        self.starts_on.setDisplayFormat("yyyy-MM-dd")
        self.form = QFormLayout()
        self.captions = [label() for _ in range(4)]
        for caption, field in zip(self.captions, (self.name, self.type, self.starts_on, self.organizer), strict=True):
            caption.setBuddy(field)
            self.form.addRow(caption, field)
        # Not `create` and `close`: those are QWidget's own methods.
        self.create_button, self.open, self.close_button = button("primary"), button(), button()
        self.create_button.clicked.connect(self.create_event)
        self.open.clicked.connect(lambda: self.set_open(self.selected()))
        self.close_button.clicked.connect(lambda: self.set_open(None))
        self.message = label("error")
        actions = QHBoxLayout()
        actions.addWidget(self.open)
        actions.addWidget(self.close_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addLayout(self.form)
        layout.addWidget(self.create_button)
        layout.addWidget(self.message)

    def retranslate(self) -> None:
        for caption, text in zip(self.captions, (_("Event name"), _("Type"), _("Date"), _("Organizer")), strict=True):
            caption.setText(text)
            caption.buddy().setAccessibleName(text)
        current = self.type.currentData()
        self.type.clear()
        for value, title, _detail in questions.EVENT_TYPES:
            self.type.addItem(_(title), value)
        self.type.setCurrentIndex(max(0, self.type.findData(current)))
        set_text(self.create_button, _("Create event"))
        set_text(self.open, _("Open registration for the selected event"))
        set_text(self.close_button, _("Close registration"))
        self.table.setAccessibleName(_("Events"))

    def show_overview(self, events: list[dict[str, Any]], today: dict[str, int], total: dict[str, int]) -> None:
        self.events, self.counts = events, (today, total)
        self._fill()

    def _fill(self) -> None:
        """The table of events: a column for each fact, or at large text one column with each
        event's facts on lines of their own, since five columns of large text are wider than
        a kiosk's screen and its last ones would be cut off at the edge."""
        today, total = self.counts
        open_uuid = self.panel.context.settings.get("open_event")
        headers = [_("Event"), _("Date"), _("Today"), _("In all"), _("Registration")]
        rows = [
            [
                event["name"],
                format_day(event["starts_on"]),
                format_number(today.get(event["uuid"], 0)),
                format_number(total.get(event["uuid"], 0)),
                _("Open") if event["uuid"] == open_uuid else "",
            ]
            for event in self.events
        ]
        if self.stacked():
            headers, rows = (
                headers[:1],
                [
                    [
                        f"{name}\n{day}\n{headers[2]}: {count_today} · {headers[3]}: {count_all}"
                        + (f"\n{headers[4]}: {opened}" if opened else "")
                    ]
                    for name, day, count_today, count_all, opened in rows
                ],
            )
        fill_table(self.table, headers, rows)

    def stacked(self) -> bool:
        return self.table.fontInfo().pixelSize() > STACKED_ABOVE * BASE_FONT_PX

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange) and self.table.columnCount() != (
            1 if self.stacked() else COLUMNS
        ):
            self._fill()

    def selected(self) -> str | None:
        row = self.table.currentRow()
        return self.events[row]["uuid"] if 0 <= row < len(self.events) else None

    def create_event(self) -> None:
        settings = self.panel.context.settings
        answers = {
            "name": self.name.text().strip(),
            "type": self.type.currentData(),
            "starts_on": self.starts_on.date().toString("yyyy-MM-dd"),
            "organizer": self.organizer.text().strip(),
            "location": {key: settings.get(key, "") for key in ("province", "regency", "district", "village")},
        }
        try:
            record = intake.new_event(answers, self.panel.context.device_id)
        except RecordInvalid as exc:
            self.message.setText("; ".join(str(error) for error in exc.errors))
            return
        self.message.clear()
        self.name.clear()
        self.organizer.clear()
        self.panel.context.db.call(
            lambda store, r: store.add_records([r]), record, on_done=lambda _outcomes: self.panel.refresh()
        )

    def set_open(self, event_uuid: str | None) -> None:
        if event_uuid is None and self.sender() is self.open:
            self.message.setText(_("Select an event in the list first."))
            return
        self.panel.save_settings({"open_event": event_uuid})


class SettingsTab(QWidget):
    def __init__(self, panel: "OfficerPanel"):
        super().__init__()
        self.panel = panel
        self.texts = {key: QLineEdit() for key in ("kiosk_name", "province", "regency", "district", "village")}
        self.idle = QSpinBox()
        self.idle.setRange(config.MIN_IDLE_TIMEOUT, config.MAX_IDLE_TIMEOUT)
        self.rate, self.volume = QSpinBox(), QSpinBox()
        self.rate.setRange(80, 300)
        self.volume.setRange(10, 100)
        self.default_language = QComboBox()
        for code in LANGUAGES:
            self.default_language.addItem(LANGUAGE_NAMES[code], code)
        self.offered = {code: CheckBox(LANGUAGE_NAMES[code]) for code in LANGUAGES}
        self.asks_name = CheckBox()
        self.keyboard = QComboBox()
        # Its choices are sentences: sized to a few words, so the form fits the screen at 200% text.
        self.keyboard.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.keyboard.setMinimumContentsLength(10)
        for mode in config.KEYBOARD_MODES:
            self.keyboard.addItem("", mode)
        self.printer_kind, self.printer_address, self.paper_width = QComboBox(), QLineEdit(), QComboBox()
        for kind in printers.KINDS:
            self.printer_kind.addItem("", kind)
        for width in printers.PAPERS:
            self.paper_width.addItem(f"{width} mm", width)
        self.printer_kind.currentIndexChanged.connect(self._printer_kind_chosen)
        self.form = QFormLayout(self)
        # Each caption over its field: beside it, a caption that wraps is given the height of one
        # line (QFormLayout asks a label's size hint, not its height for the width it gets).
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.captions = {}
        fields = {
            **self.texts,
            "idle_timeout": self.idle,
            "default_language": self.default_language,
            "speech_rate": self.rate,
            "speech_volume": self.volume,
            "keyboard": self.keyboard,
            "receipt_printer": self.printer_kind,
        }
        for key, field in fields.items():
            caption = label()
            caption.setBuddy(field)
            self.captions[key] = caption
            self.form.addRow(caption, field)
        languages = QHBoxLayout()
        for check in self.offered.values():
            check.setAccessibleName(check.text())
            languages.addWidget(check)
        self.printer_captions = (label(), label())
        for caption, field in zip(self.printer_captions, (self.printer_address, self.paper_width), strict=True):
            caption.setBuddy(field)
            self.form.addRow(caption, field)
        self.languages_caption = label()
        self.form.addRow(self.languages_caption, languages)
        self.form.addRow(self.asks_name)
        self.speech_status = label("hint")
        self.form.addRow(self.speech_status)
        self.save, self.message = button("primary"), label("hint")
        self.save.clicked.connect(self.save_changes)
        self.form.addRow(self.save)
        self.form.addRow(self.message)

    def retranslate(self) -> None:
        for key, caption in self.captions.items():
            caption.setText(_option_title(key))
            caption.buddy().setAccessibleName(caption.text())
        self.languages_caption.setText(_option_title("languages"))
        self.asks_name.setText(_option_title("attendance_asks_name"))
        self.asks_name.setAccessibleName(self.asks_name.text())
        for index, mode in enumerate(config.KEYBOARD_MODES.values()):
            self.keyboard.setItemText(index, _(mode))
        for index, title in enumerate(printers.KINDS.values()):
            self.printer_kind.setItemText(index, _(title))
        for caption, text in zip(self.printer_captions, (_("Printer address"), _("Paper width")), strict=True):
            caption.setText(text)
            caption.buddy().setAccessibleName(text)
        self._printer_kind_chosen()
        set_text(self.save, _("Save settings"))

    def _printer_kind_chosen(self) -> None:
        """Only a receipt printer has an address; the example shows what kind of address."""
        examples = {
            printers.USB: _("Vendor and product number, for example 0416:5011"),
            printers.SERIAL: _("Port, for example /dev/ttyUSB0 or COM3"),
            printers.NETWORK: _("IP address, for example 192.168.1.50"),
        }
        kind = self.printer_kind.currentData()
        self.printer_address.setEnabled(kind in printers.ESCPOS_KINDS)
        self.paper_width.setEnabled(kind in printers.ESCPOS_KINDS)
        self.printer_address.setPlaceholderText(examples.get(kind, ""))

    def load(self, settings: dict[str, Any]) -> None:
        for key, edit in self.texts.items():
            edit.setText(settings[key])
        self.idle.setValue(settings["idle_timeout"])
        self.rate.setValue(settings["speech_rate"])
        self.volume.setValue(settings["speech_volume"])
        self.default_language.setCurrentIndex(self.default_language.findData(settings["default_language"]))
        for code, check in self.offered.items():
            check.setChecked(code in settings["languages"])
        self.asks_name.setChecked(settings["attendance_asks_name"])
        self.keyboard.setCurrentIndex(self.keyboard.findData(settings["keyboard"]))
        printer = settings["receipt_printer"]
        self.printer_kind.setCurrentIndex(self.printer_kind.findData(printer["kind"]))
        self.printer_address.setText(printer["address"])
        self.paper_width.setCurrentIndex(self.paper_width.findData(printer["width_mm"]))
        self.message.clear()

    def save_changes(self) -> None:
        offered = [code for code, check in self.offered.items() if check.isChecked()]
        default = self.default_language.currentData()
        if default not in offered:
            self.message.setText(_("The starting language must be one of the languages offered."))
            return
        chosen = {
            **self.panel.context.settings["receipt_printer"],  # keeps a printer model named by hand
            "kind": self.printer_kind.currentData(),
            "address": self.printer_address.text(),
            "width_mm": self.paper_width.currentData(),
        }
        try:
            printer = printers.normalized(chosen)
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        changes: dict[str, Any] = {key: edit.text().strip() for key, edit in self.texts.items()}
        changes |= {
            "idle_timeout": self.idle.value(),
            "default_language": default,
            "languages": offered,
            "speech_rate": self.rate.value(),
            "speech_volume": self.volume.value(),
            "attendance_asks_name": self.asks_name.isChecked(),
            "keyboard": self.keyboard.currentData(),
            "receipt_printer": printer,
        }
        self.panel.save_settings(changes)
        self.message.setText(_("Settings saved."))


class OfficerPanel(Screen):
    left = Signal()
    exit_requested = Signal()
    settings_changed = Signal()

    def __init__(self, context: Context, sync_controller: SyncController):
        super().__init__()
        self.context, self.sync_controller = context, sync_controller
        self.title = label("question")
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(False)  # tiny arrows are no touch target: long names wrap instead
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.events, self.settings = EventsTab(self), SettingsTab(self)
        self.sync = SyncTab(sync_controller)
        sync_controller.synced.connect(self.refresh)  # events shared by the hub join the list
        self.quarantine = QuarantineTab(self, table(4))
        self.stats = StatsTab(self)
        self.privacy = PrivacyTab(self)
        self.pages = (self.events, self.settings, self.sync, self.quarantine, self.stats, self.privacy)
        for page in self.pages:
            self.tabs.addTab(scrolling(page), "")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.back, self.exit = button("primary"), button()
        self.back.clicked.connect(self.left.emit)
        self.exit.clicked.connect(self.exit_requested.emit)
        nav = QHBoxLayout()
        nav.addWidget(self.exit)
        nav.addStretch(1)
        nav.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(nav)
        self.retranslate()

    def start(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.settings.load(self.context.settings)
        self.refresh()
        self.sync_controller.refresh()
        self.context.db.call(lambda _store: voice_report(), on_done=self.settings.speech_status.setText)

    def _tab_shown(self, index: int) -> None:
        shown = self.pages[index] if 0 <= index < len(self.pages) else None
        if shown is self.stats:  # these two are read afresh each time: they change elsewhere
            self.stats.refresh()
        elif shown is self.privacy:
            self.privacy.refresh()

    def reset(self) -> None:
        self.events.message.clear()
        self.privacy.message.clear()
        self.privacy.code.clear()

    def refresh(self) -> None:
        self.context.db.call(_event_overview, on_done=self._show)

    def _show(self, overview: Overview) -> None:
        events, today, total, quarantined = overview
        self.events.show_overview(events, today, total)
        self.quarantine.show_items(quarantined)

    def save_settings(self, changes: dict[str, Any]) -> None:
        self.context.settings.update(changes)
        self.context.db.call(config.save, changes, on_done=self._settings_saved)

    def _settings_saved(self, _result: object) -> None:
        self.settings_changed.emit()
        self.refresh()

    def speech_text(self) -> str:
        return ""  # officers' screens are not read aloud

    def retranslate(self) -> None:
        self.title.setText(_("Officer mode"))
        for index, text in enumerate(
            (_("Events"), _("Settings"), _("Sync"), _("Quarantine"), _("Statistics"), _("Privacy"))
        ):
            self.tabs.setTabText(index, text)
        set_text(self.back, _("Back to citizen mode"))
        set_text(self.exit, _("Exit the kiosk"))
        self.events.retranslate()
        self.settings.retranslate()
        self.sync.retranslate()
        self.quarantine.retranslate()
        self.stats.retranslate()
        self.privacy.retranslate()
