"""Console users and the agencies complaints are passed to.

A password is read from standard input (`--password-stdin`), so it shows neither in the
process list nor in the shell's history; each change is written to the audit log under the
name of the system user who ran the command.
"""

import argparse
import getpass
import sys
from typing import Any

from hub.cli.common import CommandFailed, storage
from hub.storage.roles import ROLES
from hub.storage.staff import Staff


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandFailed("give the password on standard input with --password-stdin")
    first, second = getpass.getpass("Password: "), getpass.getpass("Again: ")
    if first != second:
        raise CommandFailed("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    password = _password(args)
    with storage(args) as hub:
        Staff(hub).add_user(args.name, args.role, args.agency, password, _actor())
    print(f"{args.name}: added as {args.role}" + (f" of {args.agency}" if args.agency else ""))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        for user in Staff(hub).users():
            state = f"disabled {user['disabled_at']}" if user["disabled_at"] else "active"
            print(f"{user['name']}\t{user['role']}\t{user['agency'] or '-'}\t{state}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        Staff(hub).disable_user(args.name, _actor())
    print(f"{args.name}: disabled; signed out everywhere")
    return 0


def cmd_agency_add(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        Staff(hub).add_agency(args.code, args.name, _actor())
    print(f"{args.code}: added")
    return 0


def cmd_agency_list(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        for agency in Staff(hub).agencies():
            print(f"{agency['code']}\t{agency['name']}")
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", parents=[common], help="console users")
    users = user.add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", parents=[common], help="add a console user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--agency", help="the agency code of a liaison")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=cmd_user_add)
    users.add_parser("list", parents=[common], help="list console users").set_defaults(func=cmd_user_list)
    disable = users.add_parser("disable", parents=[common], help="stop a user from signing in")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_user_disable)

    agency = commands.add_parser("agency", parents=[common], help="agencies complaints are passed to")
    agencies = agency.add_subparsers(dest="agency_command", required=True)
    add_agency = agencies.add_parser("add", parents=[common], help="add an agency")
    add_agency.add_argument("code")
    add_agency.add_argument("name")
    add_agency.set_defaults(func=cmd_agency_add)
    agencies.add_parser("list", parents=[common], help="list agencies").set_defaults(func=cmd_agency_list)
