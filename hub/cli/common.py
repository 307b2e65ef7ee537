"""What every `kiosk-hub` command shares: its settings, its storage, and how it fails."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from hub import settings
from hub.storage import Storage, open_storage

EXIT_REFUSED, EXIT_FAILED = 1, 2


class CommandFailed(Exception):
    """The command could not run; the message is the one line it prints."""


class Parser(argparse.ArgumentParser):
    """Usage mistakes end in one line, like every other failure (subcommands inherit the class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_FAILED, f"{self.prog}: {message} (see {self.prog} --help)\n")


def hub_settings(args: argparse.Namespace, **given: Any) -> settings.HubSettings:
    return settings.load(args.data_dir, database=args.database, **given)


@contextmanager
def storage(args: argparse.Namespace) -> Iterator[Storage]:
    chosen = hub_settings(args)
    opened = open_storage(chosen.data_dir, chosen.database)
    try:
        yield opened
    finally:
        opened.close()
