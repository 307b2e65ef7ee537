"""The kiosk window: a top bar that is always there, and one screen at a time below it.

The top bar holds the logo (a long press opens officer mode), the language choice and
the display toggles. Everything a citizen typed lives in the screens, and `start_over`
clears every one of them. While a text field has focus, the on-screen keyboard docks under
the screens (kiosk.ui.keyboard), and the screens shrink to leave room for it.
"""

import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.accessibility.display import DisplayMode
from kiosk.i18n import LANGUAGE_NAMES, _, load_catalog, set_language
from kiosk.ui.context import Context
from kiosk.ui.idle import IdleWarning, IdleWatcher
from kiosk.ui.keyboard import KeyboardDock
from kiosk.ui.narrator import Narrator
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.syncer import OFFLINE, ONLINE, SYNCING, SyncController
from kiosk.ui.theme import style_sheet
from kiosk.ui.widgets import Screen, Scroller, button, clear_layout, label, running_app, set_style_property, set_text

if TYPE_CHECKING:  # the screens themselves load when first shown
    from kiosk.store import Store
    from kiosk.ui.devices import Devices
    from kiosk.ui.screens.about import AboutScreen
    from kiosk.ui.screens.attendance import AttendanceScreen
    from kiosk.ui.screens.complaint import ComplaintScreen
    from kiosk.ui.screens.officer_login import OfficerLogin
    from kiosk.ui.screens.officer_panel import OfficerPanel
    from kiosk.ui.screens.receipt import ReceiptScreen
    from kiosk.ui.screens.status import StatusScreen

log = logging.getLogger(__name__)

LONG_PRESS_MS = 2000
DEVICES_AFTER_MS = 2000  # the microphone and cameras are looked for once the kiosk has started
S = TypeVar("S", bound=Screen)
Loaded = tuple[dict[str, Any], str | None, bool]  # settings, the open event's name, whether a PIN is set


def _load_settings(store: "Store") -> Loaded:
    """On the database thread. The starting language's catalog is read here too, while the UI
    thread paints: at `start_over` it is then at hand (1 ms less before the first frame)."""
    from kiosk.officer import access, config

    settings = config.load(store)
    load_catalog(settings["default_language"])
    open_event = next((e for e in store.events() if e["uuid"] == settings["open_event"]), None)
    return settings, open_event["name"] if open_event else None, access.has_pin(store)


class KioskWindow(QWidget):
    ready = Signal()  # settings are loaded and the home screen shows

    def __init__(self, context: Context, kiosk_mode: bool = True):
        super().__init__()
        self.context = context
        self.kiosk_mode = kiosk_mode
        self.may_close = not kiosk_mode
        self.mode = DisplayMode()
        self.needs_pin = False
        self.setObjectName("kiosk")

        self.logo = button()
        self.logo.setText("LAPOR!")
        self.logo.setAccessibleName("LAPOR!")
        self.long_press = QTimer(self, singleShot=True, interval=LONG_PRESS_MS)
        self.long_press.timeout.connect(self.open_officer)
        self.logo.pressed.connect(self.long_press.start)
        self.logo.released.connect(self.long_press.stop)
        self.language_buttons: dict[str, QPushButton] = {}
        self.sync = SyncController(context, parent=self)
        self.sync_badge = label("badge", wrap=False)
        self.sync.changed.connect(self._show_sync)
        self.languages_box = QHBoxLayout()
        self.text_size, self.contrast, self.read_aloud, self.repeat = button(), button(), button(), button()
        for toggle in (self.contrast, self.read_aloud):
            toggle.setCheckable(True)
        self.text_size.clicked.connect(self.next_text_size)
        self.contrast.toggled.connect(self.set_contrast)
        self.narrator = Narrator(self, context.settings, self.speech_text)
        self.read_aloud.toggled.connect(self._read_aloud)
        self.repeat.clicked.connect(self.narrator.repeat)
        self.top = top = QFrame()
        top.setObjectName("topbar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(12, 6, 12, 6)
        bar.addWidget(self.logo)
        bar.addWidget(self.sync_badge)
        bar.addStretch(1)
        bar.addLayout(self.languages_box)
        for toggle in (self.text_size, self.contrast, self.read_aloud, self.repeat):
            bar.addWidget(toggle)

        self.home = HomeScreen()
        # The other screens are built the first time they are shown (see `screen_named`), so the
        # home screen does not wait for the PIN pad, the wizards, the printer lookup or officer mode.
        self.screens: dict[str, Screen] = {"home": self.home}
        self.stack = QStackedWidget()
        self.stack.addWidget(self.home)
        self.home.chosen.connect(self.go)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.stack, 1)
        self.keyboard = KeyboardDock(
            self, layout, context.settings, self.narrator, lambda: self.kiosk_mode, self.make_room
        )
        self.idle_watcher = IdleWatcher(90, parent=self)
        self.idle_warning = IdleWarning(self)
        self.idle_watcher.idle.connect(self.warn_idle)
        self.idle_warning.expired.connect(self.start_over)
        self.idle_warning.resumed.connect(self.idle_watcher.timer.start)
        self.apply_mode()

    def screen_named(self, name: str) -> Screen:
        """The screen called `name` (built the first time it is asked for, see `_add`)."""
        screen: Screen = getattr(self, name)
        return screen

    def _add(self, name: str, screen: S) -> S:
        """A screen just built and wired: translated, and in the stack."""
        screen.retranslate()
        self.screens[name] = screen
        self.stack.addWidget(screen)
        return screen

    @cached_property
    def officer_login(self) -> "OfficerLogin":
        from kiosk.ui.screens.officer_login import OfficerLogin

        screen = OfficerLogin(self.context)
        screen.left.connect(self.start_over)
        screen.entered.connect(self._officer_entered)
        return self._add("officer_login", screen)

    @cached_property
    def complaint(self) -> "ComplaintScreen":
        from kiosk.ui.screens.complaint import ComplaintScreen

        screen = ComplaintScreen(self.context)
        screen.wizard.shown.connect(self.narrator.read_screen)
        screen.wizard.alerted.connect(self.narrator.say)  # a failed save: what went wrong, at once
        screen.wizard.hushed.connect(self.narrator.stop)
        screen.left.connect(self.start_over)
        screen.submitted.connect(self.show_receipt)
        return self._add("complaint", screen)

    @cached_property
    def attendance(self) -> "AttendanceScreen":
        from kiosk.ui.screens.attendance import AttendanceScreen

        screen = AttendanceScreen(self.context)
        for shown in (screen.wizard.shown, screen.shown):
            shown.connect(self.narrator.read_screen)
        screen.wizard.alerted.connect(self.narrator.say)
        screen.left.connect(self.start_over)
        return self._add("attendance", screen)

    @cached_property
    def receipt(self) -> "ReceiptScreen":
        from kiosk.ui.screens.receipt import ReceiptScreen

        screen = ReceiptScreen(self.context)
        screen.done.connect(self.start_over)
        return self._add("receipt", screen)

    @cached_property
    def status(self) -> "StatusScreen":
        from kiosk.ui.screens.status import StatusScreen

        screen = StatusScreen(self.context)
        screen.shown.connect(self.narrator.read_screen)
        screen.alerted.connect(self.narrator.say)
        screen.hushed.connect(self.narrator.stop)
        screen.left.connect(self.start_over)
        return self._add("status", screen)

    @cached_property
    def about(self) -> "AboutScreen":
        from kiosk.ui.screens.about import AboutScreen

        screen = AboutScreen(self.context.db.data_dir)
        screen.left.connect(self.start_over)
        return self._add("about", screen)

    @cached_property
    def officer(self) -> "OfficerPanel":
        """Officer mode is most of the kiosk's code (sync, statistics, reports)."""
        from kiosk.ui.screens.officer_panel import OfficerPanel

        panel = OfficerPanel(self.context, self.sync)
        panel.left.connect(self.start_over)
        panel.exit_requested.connect(self.exit_kiosk)
        panel.settings_changed.connect(self.reload_settings)
        return self._add("officer", panel)

    # settings and language
    def load(self) -> None:
        self.context.db.call(_load_settings, on_done=self._loaded)
        if self.context.devices is None:
            QTimer.singleShot(DEVICES_AFTER_MS, self._find_devices)

    def _find_devices(self) -> None:
        """Off the UI thread, and not before the first frame: PortAudio probes every sound card."""
        from kiosk.ui import devices
        from kiosk.ui.background import in_background

        photo_files = not self.kiosk_mode  # an officer's laptop: photos may come from a USB stick
        in_background(self, lambda: devices.find(photo_files), self._devices_found, self._devices_missing)

    def _devices_found(self, found: "Devices") -> None:
        if self.context.devices is None:  # devices given by a test or the tour stay
            self.context.devices = found

    def _devices_missing(self, error: BaseException) -> None:
        log.warning("no microphone, speaker or camera can be used: %s", type(error).__name__)

    def reload_settings(self) -> None:
        self.context.db.call(_load_settings, on_done=lambda result: self._loaded(result, keep_screen=True))

    def _loaded(self, result: Loaded, keep_screen: bool = False) -> None:
        settings, event_name, has_pin = result
        self.needs_pin = not has_pin
        self.context.settings.clear()
        self.context.settings.update(settings)
        self.idle_watcher.set_timeout(settings["idle_timeout"])
        self.home.set_event(event_name)
        self._build_language_buttons()
        if keep_screen:
            self.retranslate()
            self.keyboard.refresh()  # the officer may have changed when it shows
        else:
            self.start_over()  # in the starting language, which translates every screen
            self.sync.start()
        self.ready.emit()

    def _build_language_buttons(self) -> None:
        clear_layout(self.languages_box)
        self.language_buttons = {}
        for code in self.context.settings["languages"]:
            choice = button()
            choice.setCheckable(True)
            choice.setAutoExclusive(True)
            set_text(choice, code.upper(), LANGUAGE_NAMES[code])
            choice.clicked.connect(lambda _checked=False, c=code: self.set_language(c))
            self.languages_box.addWidget(choice)
            self.language_buttons[code] = choice

    def set_language(self, code: str) -> None:
        set_language(code)
        for language, choice in self.language_buttons.items():
            choice.setChecked(language == code)
        self.retranslate()
        self.narrator.read_screen()  # speech follows the language

    def retranslate(self) -> None:
        self.home.set_place(self.context.settings.get("kiosk_name", ""))
        self.logo.setAccessibleDescription(_("Officers: press and hold for two seconds"))
        self._label_text_size()
        set_text(self.contrast, _("Contrast"), _("High contrast: light text on black"))
        set_text(self.read_aloud, _("Read aloud"), _("Reads each screen aloud"))
        set_text(self.repeat, _("Repeat"), _("Reads this screen aloud again"))
        for screen in self.screens.values():
            screen.retranslate()
        for area in self.findChildren(Scroller):
            area.retranslate()
        self.idle_warning.retranslate()
        self.keyboard.retranslate()
        self._show_sync()
        self.setWindowTitle(_("LAPOR! Field Kiosk"))

    def _show_sync(self) -> None:
        """A small sign for citizens that the kiosk works offline too; hidden until it is enrolled."""
        phase = self.sync.state.phase
        texts = {ONLINE: _("Online"), OFFLINE: _("Offline"), SYNCING: _("Sending…")}
        self.sync_badge.setVisible(phase in texts)
        # At larger text the word would push the top bar's buttons off a 1024 px screen: the sign alone stays.
        self.sync_badge.setText("●" if self.mode.scale > 1 else f"● {texts.get(phase, '')}")
        self.sync_badge.setToolTip(texts.get(phase, ""))
        set_style_property(self.sync_badge, "phase", phase)
        self.sync_badge.setAccessibleName(_("Connection to LAPOR!: {state}").format(state=texts.get(phase, "")))

    # display modes
    def next_text_size(self) -> None:
        self.mode = self.mode.next_scale()
        self.apply_mode()

    def set_contrast(self, on: bool) -> None:
        self.mode = DisplayMode(self.mode.scale, on)
        self.apply_mode()

    def set_mode(self, mode: DisplayMode) -> None:
        if mode == self.mode:
            return  # restyling the whole window is not free
        self.mode = mode
        with QSignalBlocker(self.contrast):  # or set_contrast would restyle the window a second time
            self.contrast.setChecked(mode.high_contrast)
        self.apply_mode()

    def apply_mode(self) -> None:
        self.setStyleSheet(style_sheet(self.mode))
        self.keyboard.follow_focus()  # keys of another size: room and sight made anew
        self._label_text_size()
        self._show_sync()

    def make_room(self, docked: bool) -> None:
        """Room for the on-screen keyboard on a 600 px screen: the screens may shrink below their
        usual minimum (the field scrolls into what is left; the stack's minimum is that of its
        largest screen, hidden or not), and at larger text the top bar and a wizard's progress line
        step aside while typing, so that the field's name stays in sight above it."""
        tight = docked and self.mode.scale > 1
        self.stack.setMinimumHeight(1 if docked else 0)
        self.top.setVisible(not tight)
        for flow in ("complaint", "attendance"):
            if flow in self.screens:  # one not built yet has nothing to make room in
                getattr(self, flow).wizard.set_typing(tight)

    def _label_text_size(self) -> None:
        percent = round(self.mode.scale * 100)
        self.text_size.setText(f"Aa {percent}%")
        self.text_size.setAccessibleName(_("Text size {percent}%").format(percent=percent))
        self.text_size.setAccessibleDescription(_("Makes the text larger; press again for larger still"))

    # navigation
    def speech_text(self) -> str:
        """What read-aloud says of the screen on show."""
        screen = self.stack.currentWidget()
        return screen.speech_text() if isinstance(screen, Screen) else ""

    def go(self, name: str) -> None:
        screen = self.screen_named(name)
        self.stack.setCurrentWidget(screen)
        screen.start()
        self.narrator.read_screen()

    def show_receipt(self, record: dict[str, Any]) -> None:
        self.complaint.reset()
        self.stack.setCurrentWidget(self.receipt)
        self.receipt.show_record(record)
        self.narrator.read_screen()

    def open_officer(self) -> None:
        self.go("officer_login")

    def _officer_entered(self) -> None:
        self.needs_pin = False
        self.go("officer")

    def warn_idle(self) -> None:
        current = self.stack.currentWidget()
        if isinstance(current, Screen) and current.holding():
            self.idle_watcher.timer.start()  # still there, speaking: ask again later
        elif current is self.home:
            self.start_over()  # nothing typed to lose: start over without asking
        else:
            self.idle_warning.begin()
            self.narrator.say(self.idle_warning.text.text())

    def start_over(self) -> None:
        """Clears every screen, closes the warning, and shows home in the starting language.

        On a kiosk without an officer PIN, the first thing shown is choosing one."""
        self.context.new_session()
        self.idle_warning.stop()
        for screen in list(self.screens.values()):
            screen.reset()
        self.set_mode(DisplayMode())
        self.read_aloud.setChecked(False)
        self.narrator.stop()  # also what Repeat started
        self.keyboard.start_over()  # in "auto" mode, the next person gets it even if the last one typed
        if self.context.settings:
            self.set_language(self.context.settings["default_language"])
        if self.needs_pin:
            self.stack.setCurrentWidget(self.officer_login)
            self.officer_login.begin_setup()
        else:
            self.go("home")
        self.idle_watcher.timer.start()

    def _read_aloud(self, on: bool) -> None:
        self.narrator.set_enabled(on)

    def exit_kiosk(self) -> None:
        self.may_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """In kiosk mode only officer mode may close the window."""
        if self.may_close:
            event.accept()
            # Nothing left to watch for; and each object the closing touches would pass through
            # the filter, and PySide6 would set up Python types for them (about 4 ms, at exit).
            running_app().removeEventFilter(self.idle_watcher)
            self.keyboard.close()
            self.sync.stop()
            self.narrator.close()
            running_app().quit()
        else:
            event.ignore()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.idle_warning.setGeometry(self.rect())
