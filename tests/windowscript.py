"""A kiosk window in a fresh interpreter, for what only a clean process can show: what was
imported, how much memory it holds, how long its event loop stalls. `script(body)` gives
Python source that opens the window on the data folder in argv[1], as `kiosk run` does;
`body` defines `ready()`, called once the home screen shows, and calls `close()` when done.
`fresh(code, *args)` runs such source (or any) and gives back its output."""

import os
import subprocess
import sys

PRELUDE = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from kiosk.ui.app import application
from kiosk.ui.context import Context
from kiosk.ui.dbworker import DbWorker
from kiosk.ui.window import KioskWindow

app = application()
window = KioskWindow(Context(db=DbWorker(Path(sys.argv[1]))), kiosk_mode=False)
window.resize(1024, 600)
window.show()

def close():
    window.sync.stop()
    window.context.db.close()
    app.quit()
"""
EPILOGUE = """
window.ready.connect(ready)
window.load()
app.exec()
"""


def script(body: str) -> str:
    return PRELUDE + body + EPILOGUE


def fresh(code: str, *args, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter, offscreen, with `args` as its argv[1:]; output as text."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
