"""Starting the kiosk: one instance per data folder, the database thread, the window."""

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.errors import KioskError
from kiosk.i18n import N_, _, current_language, load_catalog
from kiosk.logs import log_to
from kiosk.privacy import erasure
from kiosk.store import Store
from kiosk.ui.context import Context
from kiosk.ui.dbworker import DbWorker
from kiosk.ui.window import KioskWindow

WINDOW_SIZE = (1024, 600)
WARM_UP_MS = 1000


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("lapor-kiosk")
    return app


def _report_startup(window: KioskWindow, started: float, language: str | None) -> None:
    """Runs once the home screen's first frame is painted: says how long it took, and quits.

    In the command line's language, which the window has by now replaced with its own."""
    words = load_catalog(language).gettext if language else str
    print(words(N_("Started in {ms} ms")).format(ms=round((time.perf_counter() - started) * 1000)), flush=True)
    window.exit_kiosk()  # a plain quit() is refused by a kiosk-mode window


def single_instance(data_dir: Path) -> QLockFile:
    """Holds the data folder for this process; a lock left by a crash is stale and taken over."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = QLockFile(str(data_dir / "kiosk.lock"))
    if not lock.tryLock(100):
        raise KioskError(_("Another kiosk is already running with the data folder {path}.").format(path=data_dir))
    return lock


def _warm_up(store: Store, data_dir: Path) -> None:
    """On the database thread, a moment after the home screen shows: the log file opens, and
    personal details past their retention time are erased (a kiosk may have been switched
    off for weeks)."""
    log_to(data_dir)
    logging.getLogger(__name__).info("kiosk started")
    erasure.purge(store)


def _settle(app: QApplication, window: KioskWindow, db: DbWorker, data_dir: Path) -> None:
    """A moment after the home screen shows: touches are watched for the idle reset, and the
    database thread does what the first frame need not wait for."""
    app.installEventFilter(window.idle_watcher)
    db.call(_warm_up, data_dir)


def run(data_dir: Path, windowed: bool, exit_after_startup: bool = False) -> int:
    """Shows the kiosk on `data_dir` until it quits."""
    started = time.perf_counter()
    app = application()
    lock = single_instance(data_dir)
    db = DbWorker(data_dir)
    try:
        window = KioskWindow(Context(db=db), kiosk_mode=not windowed)
        window.ready.connect(
            lambda: QTimer.singleShot(WARM_UP_MS, lambda: _settle(app, window, db, data_dir)),
            Qt.ConnectionType.SingleShotConnection,
        )
        db.failed.connect(
            lambda error: window.home.welcome.setText(
                _("The kiosk cannot save right now. Please call the officer. ({reason})").format(
                    reason=type(error).__name__
                )
            )
        )
        if exit_after_startup:
            said_in = current_language()
            window.ready.connect(lambda: QTimer.singleShot(0, lambda: _report_startup(window, started, said_in)))
        window.load()
        if windowed:
            window.resize(*WINDOW_SIZE)
            window.show()
        else:
            # Full screen is a request a window manager grants; a bare X server (a kiosk started
            # with xinit) has none, so the window is also made as big as the screen itself.
            window.setGeometry(window.screen().geometry())
            window.showFullScreen()
        return app.exec()
    finally:
        db.close()
        lock.unlock()
