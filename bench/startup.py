"""Start-up: from launch to the home screen's first frame, against a bare PySide6 window
that shows one label and quits after its first frame (same interpreter, same run)."""

import statistics
import sys

from bench.bundle import RUNS, STARTUP, wall_time
from bench.table import Figure

MAX_RATIO = 1.3
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

class Label(QLabel):
    def paintEvent(self, event):
        super().paintEvent(event)
        QTimer.singleShot(0, QApplication.quit)

app = QApplication(sys.argv[:1])
label = Label("LAPOR!")
label.resize(1024, 600)
label.show()
app.exec()
"""


def measure() -> list[Figure]:
    kiosk = [sys.executable, "-m", "kiosk", *STARTUP]
    bare = [sys.executable, "-c", BARE_WINDOW]
    wall_time(kiosk), wall_time(bare)  # warm the file cache for both
    kiosk_s, bare_s = [], []
    for _ in range(RUNS):
        kiosk_s.append(wall_time(kiosk))
        bare_s.append(wall_time(bare))
    ratio = statistics.median(kiosk_s) / statistics.median(bare_s)
    return [
        Figure(
            "start to home screen / bare window",
            ratio,
            "x",
            f"bare {statistics.median(bare_s) * 1000:.0f} ms, kiosk {statistics.median(kiosk_s) * 1000:.0f} ms "
            f"(median of {RUNS})",
            f"<= {MAX_RATIO}x",
            ratio <= MAX_RATIO,
        )
    ]
