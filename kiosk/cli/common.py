"""What every command of `kiosk` shares: the parser's translated words, the data folder,
the exit codes."""

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.i18n import _
from kiosk.paths import DATA_DIR_ENV, default_data_dir
from kiosk.store import Store

EXIT_REFUSED, EXIT_FAILED = 1, 2  # some input was refused or a check failed; the command could not run

Handler = Callable[[argparse.Namespace], int]
Command = Callable[[str, Handler | None], argparse.ArgumentParser]  # name, handler -> its parser


class Parser(argparse.ArgumentParser):
    """Usage mistakes end in one line, like every other failure."""

    def error(self, message: str) -> Any:
        self.exit(
            EXIT_FAILED, _("{prog}: {message} (see {prog} --help)").format(prog=self.prog, message=message) + "\n"
        )


class Formatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.dest == "data_dir" and action.help:
            return action.help.format(env=DATA_DIR_ENV, default=default_data_dir())
        return action.help


def new_parser(factory: Callable[..., argparse.ArgumentParser] = Parser, **kwargs: Any) -> argparse.ArgumentParser:
    """A parser whose own words (usage, headings, --help) are translated too."""
    parser = factory(add_help=False, formatter_class=Formatter, **kwargs)
    parser._positionals.title = _("arguments")
    parser._optionals.title = _("options")
    parser.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    return parser


def data_folder(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()


def open_store(args: argparse.Namespace) -> Store:
    return Store(data_folder(args))


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a date (write it as YYYY-MM-DD)").format(value=text)
        ) from None


def screen_size(text: str) -> tuple[int, int]:
    """A screen's size as WIDTHxHEIGHT, from 640x480 up (smaller, nothing fits)."""
    width, _x, height = text.lower().partition("x")
    if width.isdigit() and height.isdigit() and int(width) >= 640 and int(height) >= 480:
        return int(width), int(height)
    raise argparse.ArgumentTypeError(
        _("{value} is not a screen size (write it as WIDTHxHEIGHT, at least 640x480, for example 1366x768)").format(
            value=text
        )
    )
