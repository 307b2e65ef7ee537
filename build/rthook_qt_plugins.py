"""Run-time hook of the bundle, in place of PyInstaller's own for PySide6 (see kiosk.spec).

Qt finds its plugins inside the bundle. PyInstaller's hook also imports QtCore, only to find
the qt.conf that the PySide6 wheel embeds itself: every start of the bundle paid for Qt
(about 60 ms) before the kiosk's first line, `kiosk --version` and `kiosk export` too, and
`kiosk run --demo` could no longer fill its folder while Qt loads.
"""

import os
import sys

os.environ["QT_PLUGIN_PATH"] = os.path.join(
    sys._MEIPASS, "PySide6", *(() if sys.platform == "win32" else ("Qt",)), "plugins"
)
