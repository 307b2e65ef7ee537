"""Work that is neither the database's nor quick: encoding a voice note, re-encoding a photo,
asking the sound system for a microphone. It runs on a thread of its own, so the database
writer is not held up and the screen keeps answering; the result comes back by signal."""

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import Shiboken


class _Reply(QObject):
    """Lives on the UI thread; a signal emitted from the worker thread reaches it queued."""

    done = Signal(object)
    failed = Signal(object)


_running: set[_Reply] = set()  # kept alive until their answer has been delivered


def in_background(
    owner: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Runs `work()` on a new thread; `on_done(result)` or `on_error(exception)` on the UI thread,
    unless `owner` (the widget the answer is for) is gone by then: a camera frame or a recording
    that comes back after the kiosk started over, or after its window closed, is dropped."""
    reply = _Reply()
    _running.add(reply)

    def finish(callback: Callable[[Any], None] | None, value: object) -> None:
        _running.discard(reply)
        reply.deleteLater()
        if callback is not None and Shiboken.isValid(owner):
            callback(value)

    reply.done.connect(lambda value: finish(on_done, value))
    reply.failed.connect(lambda error: finish(on_error, error))

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - handed to the screen, which says what went wrong
            reply.failed.emit(exc)
        else:
            reply.done.emit(result)

    threading.Thread(target=run, name="kiosk-background", daemon=True).start()


def busy() -> bool:
    """Whether an answer is still to come (the tour waits for them before drawing)."""
    return bool(_running)
