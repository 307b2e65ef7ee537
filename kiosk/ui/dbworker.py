"""The single writer: one thread owns the Store, and every database call runs there.

Screens hand it plain functions of the store and get the result back on the UI thread
through a Qt signal, so the UI never waits on the disk and never shares a connection
(the pattern of Anki's CollectionOp, in a few lines). A plain thread and queue: a
`ThreadPoolExecutor` would load `concurrent.futures` before the first frame, for one thread.
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from queue import SimpleQueue

from PySide6.QtCore import QObject, Signal

from kiosk.store import Store

log = logging.getLogger(__name__)


class DbWorker(QObject):
    failed = Signal(object)  # an exception no caller handled
    _finished = Signal(object, object, object)  # callbacks, result, error

    def __init__(self, data_dir: Path):
        super().__init__()
        self.data_dir = Path(data_dir)
        self._store: Store | None = None  # opened by the first call, on the worker thread
        self._pending = 0
        self._jobs: SimpleQueue[Callable[[], None] | None] = SimpleQueue()  # None: the last one
        # A daemon, so a DbWorker never closed (a test's) cannot hold the process open; the kiosk
        # closes its own, which waits for every job handed in before (see close).
        self._thread = threading.Thread(target=self._serve, name="kiosk-db", daemon=True)
        self._thread.start()
        self._finished.connect(self._deliver)

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

    def call(self, job: Callable, *args, on_done: Callable | None = None, on_error: Callable | None = None) -> None:
        """Run `job(store, *args)` on the database thread; `on_done(result)` runs on the UI thread."""
        self._pending += 1

        def run():
            try:
                if self._store is None:
                    self._store = Store(self.data_dir)
                result, error = job(self._store, *args), None
            except Exception as exc:  # noqa: BLE001 - handed to the UI thread below
                result, error = None, exc
            self._finished.emit((on_done, on_error), result, error)

        self._jobs.put(run)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def _deliver(self, callbacks, result, error) -> None:
        self._pending -= 1
        on_done, on_error = callbacks
        if error is None:
            if on_done:
                on_done(result)
        elif on_error:
            on_error(error)
        else:
            log.error("database call failed: %s", type(error).__name__)
            self.failed.emit(error)

    def close(self) -> None:
        def shut(store):
            store.close()
            self._store = None

        self._jobs.put(lambda: self._store and shut(self._store))
        self._jobs.put(None)
        self._thread.join()
