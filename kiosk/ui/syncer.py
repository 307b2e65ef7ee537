"""Background sync for the kiosk window: on a timer, when the network comes back, and on request.

Each run is `kiosk.sync.engine.run_sync` (the same as `kiosk sync`) on a daemon thread, so
the UI never waits on the network and quitting never waits on a slow hub: a run cut off
at exit leaves its batch `sending`, which the next run sends again. Results come back to
the UI thread through Qt signals. While the hub is unreachable a light health probe runs
every half minute, and a reachable hub starts a sync at once.
"""

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.errors import KioskError
from kiosk.store import Store, outbox
from kiosk.sync import credentials

if TYPE_CHECKING:
    from types import ModuleType

    from kiosk.sync.engine import SyncReport
    from kiosk.ui.context import Context

log = logging.getLogger(__name__)

SYNC_EVERY_MS = 5 * 60 * 1000
PROBE_EVERY_MS = 30 * 1000
WATCH_NETWORK_AFTER_MS = 1000
POLICY = {"attempts": 3, "backoff_max": 10.0, "retry_after_max": 60.0}  # the window does not wait long


def _engine() -> "ModuleType":
    """The sync engine, with the network libraries it brings (100 ms to load), comes with the
    first sync or probe: a kiosk that is not enrolled never needs it."""
    from kiosk.sync import engine

    return engine


OFFLINE, ONLINE, SYNCING, NOT_ENROLLED = "offline", "online", "syncing", "not_enrolled"


@dataclass
class SyncState:
    """What the officer and the citizen indicator show."""

    hub_url: str | None = None
    device_id: str | None = None
    online: bool | None = None  # None: not tried yet
    running: bool = False
    pending: int = 0
    quarantined: int = 0
    last_success: str | None = None
    last_error: str | None = None  # an error code of engine.ERRORS
    skew_seconds: float | None = None
    needs_enrollment: bool = False

    @property
    def phase(self) -> str:
        if self.running:
            return SYNCING
        if not self.hub_url:
            return NOT_ENROLLED
        return ONLINE if self.online else OFFLINE


def _read_state(store: Store, data_dir: Path) -> SyncState:
    enrolled = credentials.load(data_dir)
    pending, quarantined = outbox.queue_counts(store)
    last_error = store.setting("sync_last_error")
    return SyncState(
        hub_url=enrolled.hub_url if enrolled else None,
        device_id=enrolled.device_id if enrolled else None,
        pending=pending,
        quarantined=quarantined,
        last_success=store.setting("sync_last_success"),
        last_error=last_error["code"] if last_error else None,
        skew_seconds=store.setting("clock_skew_seconds"),
        needs_enrollment=bool(store.setting("sync_needs_enrollment", False)),
    )


class SyncController(QObject):
    changed = Signal()
    synced = Signal()  # a run ended: what it brought (statuses, shared events) is in the store
    enrolled = Signal(bool, str)  # succeeded, message for the officer
    _ran = Signal(object)  # a SyncReport, or an error code
    _probed = Signal(bool)

    def __init__(self, context: "Context", parent: QObject):
        super().__init__(parent)
        self.context = context
        self.data_dir = context.db.data_dir
        self.state = SyncState()
        self.closed = False
        self.periodic = QTimer(self, interval=SYNC_EVERY_MS)
        self.periodic.timeout.connect(self.sync_now)
        self.prober = QTimer(self, interval=PROBE_EVERY_MS)
        self.prober.timeout.connect(self.probe)
        self._ran.connect(self._finished)
        self._probed.connect(self._probe_result)
        self.enrolled.connect(self._after_enroll)

    def _watch_network(self) -> None:
        """Qt's reachability signal where the platform has a backend (NetworkManager, Windows)."""
        from PySide6.QtNetwork import QNetworkInformation

        if self.closed or not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            return
        info = QNetworkInformation.instance()

        def changed(reachability: QNetworkInformation.Reachability) -> None:
            if reachability == QNetworkInformation.Reachability.Online:
                self.sync_now()

        info.reachabilityChanged.connect(changed)

    def start(self) -> None:
        """Syncs now and on the timers; the network is watched a moment later, as loading Qt's
        reachability backend (a plugin and, on Linux, a D-Bus connection) would delay the first frame."""
        self.periodic.start()
        self.prober.start()
        self.refresh(then_sync=True)
        QTimer.singleShot(WATCH_NETWORK_AFTER_MS, self, self._watch_network)

    def stop(self) -> None:
        self.closed = True
        self.periodic.stop()
        self.prober.stop()

    def refresh(self, then_sync: bool = False) -> None:
        def loaded(state: SyncState) -> None:
            state.online, state.running = self.state.online, self.state.running
            self.state = state
            self.context.device_id = state.device_id
            self.changed.emit()
            if then_sync:
                self.sync_now()

        self.context.db.call(_read_state, self.data_dir, on_done=loaded)

    def _in_background(self, work: Callable[[], None]) -> None:
        def run() -> None:
            with contextlib.suppress(RuntimeError):  # the window went away while the hub answered
                work()

        threading.Thread(target=run, daemon=True, name="kiosk-sync").start()

    def sync_now(self) -> None:
        if self.closed or self.state.running or not self.state.hub_url or self.state.needs_enrollment:
            return
        self.state.running = True
        self.changed.emit()

        def work() -> None:
            engine = _engine()
            outcome: SyncReport | str
            try:
                outcome = engine.run_sync(self.data_dir, engine.Policy(**POLICY), writer=self.context.db.writer)
            except engine.SyncBusy:
                outcome = "busy"  # `kiosk sync` from a terminal holds the folder: it reports itself
            except Exception as exc:  # noqa: BLE001 - a sync failure must never take the kiosk down
                log.error("sync failed: %s", type(exc).__name__)
                outcome = "failed"
            self._ran.emit(outcome)

        self._in_background(work)

    def _finished(self, outcome: "SyncReport | str") -> None:
        self.state.running = False
        if not isinstance(outcome, str):  # a SyncReport
            self.state.online = outcome.error not in ("offline", "hub_busy")
        self.refresh()
        self.synced.emit()

    def probe(self) -> None:
        """While offline, ask the hub's health (cheap) and sync the moment it answers."""
        if self.closed or self.state.running or self.state.online or not self.state.hub_url:
            return
        url = self.state.hub_url

        def work() -> None:
            engine = _engine()
            client = engine.HubClient(url, timeout=(3.0, 5.0))
            try:
                client.health()
                reachable = True
            except engine.TransportError:
                reachable = False
            finally:
                client.close()
            self._probed.emit(reachable)

        self._in_background(work)

    def _probe_result(self, reachable: bool) -> None:
        self.state.online = reachable
        self.changed.emit()
        if reachable:
            self.sync_now()

    def enroll(self, hub_url: str, code: str) -> None:
        def work() -> None:
            try:
                device_id = _engine().enroll(self.data_dir, hub_url, code, writer=self.context.db.writer)
                self.enrolled.emit(True, device_id)
            except KioskError as exc:
                self.enrolled.emit(False, str(exc))

        self._in_background(work)

    def _after_enroll(self, succeeded: bool, _message: str) -> None:
        if succeeded:
            self.state.online = True
            self.refresh(then_sync=True)
