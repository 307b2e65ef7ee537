"""The kiosk's own log file, for the officer or a technician after something went wrong.

It lives in the data folder, readable by the kiosk's user only, and rotates so it never
fills a disk. What is written there is counts, states and the kinds of errors: never a
record's content, a PIN or a token (a test runs the citizen flows and reads the log).
"""

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

FILE = "kiosk.log"
MAX_BYTES, BACKUPS = 1024 * 1024, 3


def log_to(data_dir: Path) -> logging.Handler:
    path = Path(data_dir) / FILE
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    os.chmod(path, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler
