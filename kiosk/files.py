"""Writing output files so that a full disk or a crash never leaves half a file behind."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _


@contextmanager
def atomic_write(path: Path, mode: str = "w"):
    """Write to a temporary file beside `path`, then rename it into place once complete.

    Only a regular file (or nothing) may stand at `path`: a device or a link is refused
    rather than replaced.
    """
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise KioskError(_("{path} is not a regular file; choose another name.").format(path=path))
    if not path.parent.is_dir():
        raise KioskError(_("The folder {folder} does not exist.").format(folder=path.parent))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)
