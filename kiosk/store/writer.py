"""The one writer of a kiosk's database: a thread that owns the Store and runs jobs in order.

Every write goes through one Writer: the window's saves, the officer's settings and each
sync run alike, so two writers never wait on each other's locks, and what was handed in
first is written first. A job is a plain function of the store; the caller gets a Future
(the window turns it into a Qt signal, the sync engine waits on it). The store opens on
the writer's thread with the first job, as sqlite3 connections belong to their thread.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from queue import SimpleQueue
from typing import Any, TypeVar

from kiosk.store import Store

T = TypeVar("T")


class Writer:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._store: Store | None = None
        self._closed = False
        self._jobs: SimpleQueue[Callable[[], None] | None] = SimpleQueue()  # None: the last one
        # A daemon, so a Writer never closed (a test's) cannot hold the process open; the kiosk
        # closes its own, which waits for every job handed in before (see close).
        self._thread = threading.Thread(target=self._serve, name="kiosk-db", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

    def submit(self, job: Callable[..., T], *args: Any) -> "Future[T]":
        """`job(store, *args)` on the writer's thread, after every job handed in before."""
        if self._closed:
            raise RuntimeError("the kiosk's database is closed")  # a sync thread outliving the window
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                if self._store is None:
                    self._store = Store(self.data_dir)
                future.set_result(job(self._store, *args))
            except BaseException as exc:  # noqa: BLE001 - the caller receives it through the future
                future.set_exception(exc)

        self._jobs.put(run)
        return future

    def run(self, job: Callable[..., T], *args: Any) -> T:
        """`job(store, *args)` on the writer's thread; waits for it and returns its result (or raises)."""
        if threading.current_thread() is self._thread:  # a job that hands in a job of its own
            assert self._store is not None
            return job(self._store, *args)
        return self.submit(job, *args).result()

    def close(self) -> None:
        """Runs every job handed in before, closes the store and ends the thread."""

        def shut() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._closed = True
        self._jobs.put(shut)
        self._jobs.put(None)
        self._thread.join()

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
