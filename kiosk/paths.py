"""Where the kiosk keeps its data and finds its bundled files, from source or a bundle."""

import os
import sys
from pathlib import Path

APP_NAME = "lapor-kiosk"
DATA_DIR_ENV = "KIOSK_DATA_DIR"


def resource_dir() -> Path:
    """The folder holding `locales/` and `outreach_materials/` (a PyInstaller bundle's own)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def locales_dir() -> Path:
    return resource_dir() / "locales"


def default_data_dir() -> Path:
    """`KIOSK_DATA_DIR` if set, else the platform's per-user data folder."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)
