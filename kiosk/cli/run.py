"""`kiosk run` and `kiosk tour`: the kiosk's screens, on a display or drawn to PNG files.

The one module of the core that starts the UI (DESIGN.md's import rules): Qt loads only
for these two commands.
"""

import argparse
import os
import shutil
from pathlib import Path

from kiosk.accessibility.display import display_named
from kiosk.cli.common import Command, data_folder, screen_size
from kiosk.errors import KioskError
from kiosk.i18n import _, missing_catalogs
from kiosk.paths import locales_dir


def _need_catalogs() -> None:
    """The screens switch language at a tap: without a catalog, the window would stop half-built."""
    if missing := missing_catalogs():
        raise KioskError(
            _(
                "The screens cannot be shown: no compiled catalog for {languages} in {path} (run `make locales`)."
            ).format(languages=", ".join(missing), path=locales_dir())
        )


def cmd_run(args: argparse.Namespace) -> int:
    _need_catalogs()
    if not display_named():
        raise KioskError(_("No display found; try `kiosk tour --output DIR`, or run the kiosk under Xvfb."))
    from kiosk.ui.app import run

    if not args.demo:
        return run(data_folder(args), windowed=args.windowed, exit_after_startup=args.exit_after_startup)
    from kiosk.cli.demo import DEMO_PIN, make_demo_dir  # its sample event brings the record rules (pydantic)

    data_dir = make_demo_dir()
    print(_("Demo kiosk in {path}; the officer PIN is {pin}.").format(path=data_dir, pin=DEMO_PIN))
    try:
        return run(data_dir, windowed=args.windowed, exit_after_startup=args.exit_after_startup)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)  # throw-away: nothing of a demo stays behind


def cmd_tour(args: argparse.Namespace) -> int:
    _need_catalogs()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from kiosk.ui.app import WINDOW_SIZE
    from kiosk.ui.tour import render

    written = render(Path(args.output), size=args.size or WINDOW_SIZE)
    print(_("{count} screens written to {path}").format(count=len(written), path=args.output))
    return 0


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    runner = command("run", cmd_run)
    runner.add_argument("--windowed", action="store_true", help=_("in a window instead of full screen"))
    runner.add_argument("--demo", action="store_true", help=_("on a throw-away data folder with a sample event"))
    runner.add_argument(
        "--exit-after-startup",
        action="store_true",
        help=_("quit once the home screen shows, printing how long it took"),
    )
    tour = command("tour", cmd_tour)
    tour.add_argument("--output", required=True, metavar=_("DIR"), help=_("folder for the images"))
    tour.add_argument(
        "--size",
        type=screen_size,
        metavar=_("WIDTHxHEIGHT"),
        help=_("the screen's size in pixels (default: 1024x600, a small kiosk screen)"),
    )
