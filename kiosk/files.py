"""Writing output files so that a full disk or a crash never leaves half a file behind."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from kiosk.errors import KioskError
from kiosk.i18n import _


@overload
def atomic_write(path: Path, mode: Literal["w"] = "w") -> AbstractContextManager[TextIO]: ...
@overload
def atomic_write(path: Path, mode: Literal["wb"]) -> AbstractContextManager[BinaryIO]: ...
@overload
def atomic_write(path: Path, mode: str) -> AbstractContextManager[IO[Any]]: ...
def atomic_write(path: Path, mode: str = "w") -> AbstractContextManager[IO[Any]]:
    """Write to a temporary file beside `path`, then rename it into place once complete.

    Only a regular file (or nothing) may stand at `path`: a device or a link is refused
    rather than replaced.
    """
    return _atomic_write(path, mode)


@contextmanager
def _atomic_write(path: Path, mode: str) -> Iterator[IO[Any]]:
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise KioskError(_("{path} is not a regular file; choose another name.").format(path=path))
    if not path.parent.is_dir():
        raise KioskError(_("The folder {folder} does not exist.").format(folder=path.parent))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    encoding, newline = (None, None) if "b" in mode else ("utf-8", "\n")
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
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
