"""The window's side of the one writer (kiosk.store.writer): results come back by Qt signal.

Screens hand it plain functions of the store and get the result back on the UI thread, so
the UI never waits on the disk and never shares a connection (the pattern of Anki's
CollectionOp). The sync engine gets the same `writer`, so a sync run and a citizen's save
queue up on one thread instead of competing for the database's lock.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.store.writer import Writer

log = logging.getLogger(__name__)

Callbacks = tuple[Callable[[Any], object] | None, Callable[[BaseException], object] | None]


class DbWorker(QObject):
    failed = Signal(object)  # an exception no caller handled
    _finished = Signal(object, object)  # callbacks, the finished future

    def __init__(self, data_dir: Path):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.writer = Writer(self.data_dir)
        self._pending = 0
        self._finished.connect(self._deliver)

    def call(
        self,
        job: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Run `job(store, *args)` on the writer's thread; `on_done(result)` or `on_error(exception)`
        runs on the UI thread."""
        self._pending += 1
        callbacks: Callbacks = (on_done, on_error)
        self.writer.submit(job, *args).add_done_callback(lambda future: self._finished.emit(callbacks, future))

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def _deliver(self, callbacks: Callbacks, future: "Future[Any]") -> None:
        self._pending -= 1
        on_done, on_error = callbacks
        error = future.exception()
        if error is None:
            if on_done:
                on_done(future.result())
        elif on_error:
            on_error(error)
        else:
            log.error("database call failed: %s", type(error).__name__)
            self.failed.emit(error)

    def close(self) -> None:
        """Waits for every job handed in before, then closes the store."""
        self.writer.close()
