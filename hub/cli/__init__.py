"""The `kiosk-hub` command: run the intake hub and administer it (DESIGN.md's contract).

Every subcommand takes `--data-dir` and `--database` before or after its name (else
`KIOSK_HUB_DATA_DIR` and `KIOSK_HUB_DATABASE`, then the data folder's `hub.toml`); a failure
is one line on stderr and exit 1 when a request was refused, 2 when the command could not run.
"""

import argparse
import os
import sys

from pydantic import ValidationError

from hub.cli import admin, bridge, database, serve, stats, tour, users
from hub.cli.common import EXIT_FAILED, EXIT_REFUSED, CommandFailed, Parser
from hub.settings import DATA_DIR_ENV, ENV_PREFIX
from hub.storage import DatabaseUnavailable, HubError, SchemaBehind, StorageFull


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)  # a Parser too: typeshed wants the subparsers' parents of their class
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=f"the hub's data folder (or ${DATA_DIR_ENV})")
    common.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        help=f"a postgresql:// URL (or ${ENV_PREFIX}DATABASE); default: SQLite in the data folder",
    )
    parser = Parser(prog="kiosk-hub", parents=[common], description="The LAPOR! intake hub.")
    commands = parser.add_subparsers(dest="command", required=True)
    for area in (serve, admin, database, users, tour, bridge, stats):
        area.add_commands(commands, common)
    return parser


def _settings_problem(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    args.database = getattr(args, "database", None)
    os.umask(0o077)  # the database, attachments and the sealing key: the hub's user's alone
    try:
        status: int = args.func(args)
        return status
    except HubError as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except ValidationError as exc:
        print(f"kiosk-hub: settings: {_settings_problem(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, CommandFailed, DatabaseUnavailable, SchemaBehind, StorageFull) as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_FAILED
