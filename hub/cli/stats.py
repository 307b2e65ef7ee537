"""`kiosk-hub stats`: participation across every kiosk, as `kiosk stats` gives one kiosk's (the
same JSON keys, plus where and when), for the programme's reports."""

import argparse
import csv
import io
import json
import sys
from datetime import date
from typing import Any

from hub.cli.common import CommandFailed, storage
from hub.reports.participation import Filters, figures

BREAKDOWNS = ("by_province", "by_regency", "by_event_type", "by_month")
COLUMNS = ("breakdown", "group", "registrations", "female", "youth", "with_disability", "events")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def rows(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The figures as table rows: everything, then each breakdown's groups."""
    lines: list[tuple[Any, ...]] = [
        (
            "all",
            "",
            found["total"],
            found["by_gender"]["female"],
            found["youth"],
            found["with_disability"],
            found.get("events", len(found["event_list"])),
        )
    ]
    for name in BREAKDOWNS:
        for group, counted in found[name].items():
            lines.append(
                (
                    name,
                    group,
                    counted["total"],
                    counted["female"],
                    counted["youth"],
                    counted["with_disability"],
                    counted["events"],
                )
            )
    return lines


def _cell(value: Any) -> Any:
    """A place typed at a kiosk may start like a spreadsheet formula: quoted so it stays text."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA) else value


def render(found: dict[str, Any], form: str) -> str:
    if form == "json":
        return json.dumps(found, ensure_ascii=False, indent=2) + "\n"
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([tuple(_cell(value) for value in row) for row in rows(found)])
        return out.getvalue()
    table = [COLUMNS, *((str(value) for value in row) for row in rows(found))]
    cells = [list(row) for row in table]
    widths = [max(len(row[index]) for row in cells) for index in range(len(COLUMNS))]
    return "".join(
        "  ".join(
            cell.ljust(width) if index < 2 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        + "\n"
        for row in cells
    )


def cmd_stats(args: argparse.Namespace) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise CommandFailed("--from is after --to")
    chosen = Filters(args.date_from, args.date_to, args.event, args.province, args.regency)
    with storage(args) as opened:
        text = render(figures(opened, chosen), args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    stats = commands.add_parser(
        "stats", parents=[common], help="participation across every kiosk (the keys of kiosk stats, and where)"
    )
    stats.add_argument("--format", choices=("table", "json", "csv"), default="table")
    stats.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD", help="registrations from this day")
    stats.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD", help="registrations up to this day")
    stats.add_argument("--event", metavar="UUID", help="one event")
    stats.add_argument("--province", help="events in this province (as the event names it)")
    stats.add_argument("--regency", help="events in this regency")
    stats.add_argument("--output", metavar="FILE", help="write to this file instead of the screen")
    stats.set_defaults(func=cmd_stats)
