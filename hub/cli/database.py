"""The hub's database: schema upgrades, backups, and moving a hub from one database to another.

Restore and copy write into a new database: they bring its schema up first and refuse one
that already holds data. Attachments and the sealing key stay in the data folder.
"""

import argparse
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from hub.cli.common import CommandFailed, hub_settings, storage
from hub.storage import is_postgres, migrate, open_storage, transfer
from hub.storage.schema import LATEST

SQLITE = "sqlite"  # in --from and --to: the data folder's SQLite database


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {table.replace('_', ' ')}" for table, count in counts.items())


def cmd_migrate(args: argparse.Namespace) -> int:
    chosen = hub_settings(args)
    applied = migrate(chosen.data_dir, chosen.database)
    if applied:
        print(f"applied {', '.join(applied)}; the schema is at version {LATEST}")
    else:
        print(f"the schema is up to date (version {LATEST})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        counts = transfer.backup(hub, Path(args.file))
    print(f"{_summary(counts)} written to {args.file}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    chosen = hub_settings(args)
    if not Path(args.file).is_file():
        raise CommandFailed(f"no backup file {args.file}")
    migrate(chosen.data_dir, chosen.database)
    with closing(open_storage(chosen.data_dir, chosen.database)) as hub:
        counts = transfer.restore(hub, Path(args.file))
    print(f"restored {_summary(counts)}; counts verified")
    return 0


def _database(value: str) -> str:
    if value != SQLITE and not is_postgres(value):
        raise CommandFailed(f"{value!r} is neither {SQLITE} (the data folder's) nor a postgresql:// URL")
    return "" if value == SQLITE else value


def cmd_copy(args: argparse.Namespace) -> int:
    source, target = _database(args.source), _database(args.target)
    if source == target:
        raise CommandFailed("--from and --to name the same database")
    folder = hub_settings(args).data_dir
    migrate(folder, target)
    with closing(open_storage(folder, source)) as origin, closing(open_storage(folder, target)) as destination:
        counts = transfer.copy(origin, destination)
    print(f"copied {_summary(counts)}; counts verified")
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    upgrade = commands.add_parser("migrate", parents=[common], help="bring the database's schema up to this hub's")
    upgrade.set_defaults(func=cmd_migrate)

    backup = commands.add_parser("backup", parents=[common], help="write the hub's database to a backup file")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser("restore", parents=[common], help="load a backup file into a new database")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)

    copy = commands.add_parser("copy", parents=[common], help="copy the hub's database into a new one")
    copy.add_argument("--from", dest="source", required=True, help=f"{SQLITE} or a postgresql:// URL")
    copy.add_argument("--to", dest="target", required=True, help=f"{SQLITE} or a postgresql:// URL")
    copy.set_defaults(func=cmd_copy)
