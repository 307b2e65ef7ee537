"""On-screen keyboard: from a tap on a key to the field showing the new letter (its text
changed and the window repainted), against a physical key press doing the same, offscreen,
in a kiosk window on the complaint's title question. A tap must show within one frame."""

import os
import shutil
import subprocess
import sys

import bench.data  # noqa: F401  (puts tests/ on the path, for windowscript)
from bench.table import Figure
from kiosk.cli.demo import make_demo_dir

TAPS = 200
FRAME_MS = 16.0  # one frame at 60 Hz
# Runs in its own process (a fresh Qt application): prints the median tap and key press, in ms.
TAPS_BODY = """
import statistics
import time
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest

class Painted(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            Painted.seen = True
        return False

def timed(press, field):
    Painted.seen = False
    before = field.text()
    start = time.perf_counter()
    press()
    while not Painted.seen:
        app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    assert field.text() != before
    return elapsed

def ready():
    window.context.settings["keyboard"] = "always"
    window.activateWindow()
    window.go("complaint")
    window.complaint.wizard.show_step("title")
    field = window.complaint.wizard.step.edit
    field.setFocus()
    while not window.keyboard.shown:
        app.processEvents()
    app.processEvents()
    field.installEventFilter(painted)
    board = window.keyboard.keyboard
    letters = [key for key in board.keys[board.page] if key.key.kind == "char" and key.key.value.isalpha()]
    taps, presses = [], []
    for n in range(int(sys.argv[2])):
        if n % 50 == 0:
            field.setText("")
            app.processEvents()
        key = letters[n % len(letters)]
        taps.append(timed(lambda: QTest.mouseClick(key, Qt.MouseButton.LeftButton), field))
        presses.append(timed(lambda: QTest.keyClick(field, key.key.value), field))
    print(statistics.median(taps), statistics.median(presses), flush=True)
    close()

painted = Painted()
"""


def measure() -> list[Figure]:
    from windowscript import script

    data_dir = make_demo_dir()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_LANG": "id"}
    done = subprocess.run(
        [sys.executable, "-c", script(TAPS_BODY), str(data_dir), str(TAPS)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    shutil.rmtree(data_dir)
    tap, press = (float(value) for value in done.stdout.split()[-2:])
    return [
        Figure(
            "on-screen key tap to repaint (median)",
            tap,
            "ms",
            f"physical key press {press:.2f} ms (median of {TAPS})",
            f"< {FRAME_MS:.0f} ms (a frame)",
            tap < FRAME_MS,
        )
    ]
