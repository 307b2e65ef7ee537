"""`kiosk stats`: participation statistics as a table, JSON, CSV, XLSX or PDF."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from kiosk.cli.common import Command, day, open_store
from kiosk.errors import KioskError
from kiosk.files import atomic_write
from kiosk.i18n import _
from kiosk.reports import stats, tables
from kiosk.reports.pdf import write_pdf

FORMATS = ("table", "json", "csv", "xlsx", "pdf")


def _write_text(figures: dict[str, Any], form: str, out: TextIO) -> None:
    if form == "json":
        json.dump(figures, out, ensure_ascii=False, indent=2)
    elif form == "csv":
        tables.write_csv(figures, out)
    else:
        out.write(tables.table_text(figures))


def cmd_stats(args: argparse.Namespace) -> int:
    if args.format in ("xlsx", "pdf") and not args.output:
        raise KioskError(_("--format {format} needs --output FILE").format(format=args.format))
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise KioskError(_("--from must not be after --to"))
    with open_store(args) as store:
        if args.event and (store.get(args.event) or {}).get("kind") != "event":
            raise KioskError(_("No event {uuid} on this kiosk.").format(uuid=args.event))
        figures = stats.compute(store, stats.Filters(args.event, args.date_from, args.date_to))
        if args.open_data:
            figures = stats.open_data(figures)
        store.audit("cli", "stats_export", format=args.format, open_data=args.open_data)
    if args.format == "pdf":
        write_pdf(figures, Path(args.output))
    elif args.format == "xlsx":
        tables.write_xlsx(figures, Path(args.output))
    elif args.output:
        with atomic_write(Path(args.output)) as out:
            _write_text(figures, args.format, out)
    else:
        _write_text(figures, args.format, sys.stdout)
        if args.format == "json":
            print()
    if args.output:
        print(_("Statistics written to {path}").format(path=args.output), file=sys.stderr)
    return 0


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    statistics = command("stats", cmd_stats)
    statistics.add_argument("--event", metavar="UUID", help=_("only this event"))
    statistics.add_argument(
        "--from",
        dest="date_from",
        type=day,
        metavar=_("DAY"),
        help=_("only records made on or after this day (YYYY-MM-DD)"),
    )
    statistics.add_argument(
        "--to",
        dest="date_to",
        type=day,
        metavar=_("DAY"),
        help=_("only records made on or before this day (YYYY-MM-DD)"),
    )
    statistics.add_argument("--format", choices=FORMATS, default="table", help=_("how to write them (default: table)"))
    statistics.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
    statistics.add_argument(
        "--open-data", action="store_true", help=_("safe to publish: no free text, and counts of 1 to 4 shown as <5")
    )
