"""`kiosk-hub tour --output DIR`: every console page to PNG files, for review (hub.console.tour).

The tour works on a throw-away data folder of its own, never on `--data-dir`: it starts a
demonstration hub there (SQLite, or an empty PostgreSQL database named by `--database`).
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from hub import i18n, settings
from hub.cli.common import CommandFailed

SIDES = (240, 7680)  # pixels: a small old phone to an 8K screen
_SIZE = re.compile(r"(\d{1,5})x(\d{1,5})")


def screen_size(text: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(text.strip().lower())
    if not match or not all(SIDES[0] <= int(side) <= SIDES[1] for side in match.groups()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a screen size: WIDTHxHEIGHT in pixels, each {SIDES[0]} to {SIDES[1]}, e.g. 390x844"
        )
    width, height = match.groups()
    return int(width), int(height)


def cmd_tour(args: argparse.Namespace) -> int:
    from hub.console import tour

    if problem := tour.missing():
        raise CommandFailed(problem)
    from hub.console.demo import DemoFailed, demonstration

    output = Path(args.output)
    with tempfile.TemporaryDirectory(prefix="kiosk-hub-tour-") as folder:
        database = settings.load(folder, database=args.database).database
        try:
            with demonstration(Path(folder), database) as demo:
                shots = tour.tour(
                    demo,
                    output,
                    list(dict.fromkeys(args.size or tour.SIZES)),
                    list(dict.fromkeys(args.language or i18n.LANGUAGES)),
                )
        except (DemoFailed, tour.TourFailed) as exc:
            raise CommandFailed(str(exc)) from None
    print(f"{len(shots.written)} screenshots written to {output}")
    if shots.absent:
        print(f"not served by this hub, so not shown: {', '.join(shots.absent)}", file=sys.stderr)
    for place in shots.too_wide:
        print(f"wider than its screen (read it sideways): {place}.png", file=sys.stderr)
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    tour = commands.add_parser(
        "tour",
        parents=[common],
        help="every console page to PNG files (headless Chromium), on a throw-away demonstration hub",
        description="The demonstration hub lives in a throw-away folder (--data-dir is not used), on SQLite, or on"
        " the empty PostgreSQL database --database names, which keeps it afterwards.",
    )
    tour.add_argument("--output", required=True, metavar="DIR", help="folder for the images")
    tour.add_argument(
        "--size",
        action="append",
        type=screen_size,
        metavar="WIDTHxHEIGHT",
        help="a screen size in pixels, repeatable (default: 1366x768, an office laptop, and 390x844, a phone)",
    )
    tour.add_argument(
        "--language",
        action="append",
        choices=i18n.LANGUAGES,
        help="a console language, repeatable (default: all)",
    )
    tour.set_defaults(func=cmd_tour)
