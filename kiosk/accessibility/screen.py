"""Can this machine show the kiosk? A Qt platform must open and the screen be big enough.

Qt ends the whole process when no platform plugin can start (a library missing on a
freshly copied laptop, no display in the session), so the probe runs in a child process
and the caller only learns what the child said, or that it died.
"""

import multiprocessing
import queue
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

MIN_SIZE = (1024, 600)  # every screen is laid out for at least this, at 100% text
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Screen:
    platform: str  # Qt's platform plugin: xcb, wayland, windows, cocoa, offscreen
    width: int  # logical pixels, after the system's own scaling
    height: int
    ratio: float  # device pixels per logical pixel

    @property
    def too_small(self) -> bool:
        return self.platform != "offscreen" and (self.width < MIN_SIZE[0] or self.height < MIN_SIZE[1])


class NoDisplay(Exception):
    """Qt could not open a display; its own message went to stderr."""


def _probe(replies: "Queue[Screen]") -> None:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(["kiosk-screen-probe"])
    screen = app.primaryScreen()
    size = screen.size()
    replies.put(Screen(app.platformName(), size.width(), size.height(), screen.devicePixelRatio()))


def probe(timeout: float = 30) -> Screen:
    """What the primary screen is; raises NoDisplay when Qt could not open one in time."""
    replies: Queue[Screen] = _CONTEXT.Queue()
    child = _CONTEXT.Process(target=_probe, args=(replies,), daemon=True, name="kiosk-screen-probe")
    child.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return replies.get(timeout=0.1)
            except queue.Empty:
                if not child.is_alive():
                    break
        try:
            return replies.get(timeout=1)  # an answer may still be on its way from a child just ended
        except queue.Empty:
            raise NoDisplay(child.exitcode) from None
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
