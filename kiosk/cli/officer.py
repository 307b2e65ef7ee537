"""`kiosk officer set-pin`: the officer PIN, for set-up scripts."""

import argparse
import getpass
import sys

from kiosk.cli.common import Command, new_parser, open_store
from kiosk.i18n import _
from kiosk.officer import access


def cmd_set_pin(args: argparse.Namespace) -> int:
    pin = getpass.getpass(_("New officer PIN: ")) if sys.stdin.isatty() else sys.stdin.readline().strip()
    with open_store(args) as store:
        access.set_pin(store, pin, actor="cli")
    print(_("The officer PIN is set."))
    return 0


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    officer = command("officer", None)
    officer_commands = officer.add_subparsers(
        dest="officer_command", metavar=_("COMMAND"), title=_("commands"), required=True
    )
    set_pin = new_parser(
        officer_commands.add_parser,
        name="set-pin",
        parents=[common],
        help=_("set the officer PIN, read from standard input"),
    )
    set_pin.set_defaults(handler=cmd_set_pin)
