"""`kiosk-hub stats`: participation across every kiosk, as `kiosk stats` gives one kiosk's (the
same JSON keys, plus where and when), and how agencies answered, for the programme's reports: on
the screen, or as JSON, CSV, a workbook or an A4 PDF report."""

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub import i18n
from hub.cli.common import CommandFailed, hub_settings, storage
from hub.reports import opendata, responsiveness
from hub.reports.participation import Filters, figures
from hub.spreadsheets import spreadsheet_cell
from hub.storage.staff import Staff

BREAKDOWNS = ("by_province", "by_regency", "by_event_type", "by_month")
COLUMNS = ("breakdown", "group", "registrations", "female", "youth", "with_disability", "events")
AGENCY_COLUMNS = (
    "agency",
    "passed_on",
    "followed_up_percent",
    "in_time_percent",
    "completed_percent",
    "median_days_to_verification",
    "median_days_to_follow_up",
    "median_days_to_completion",
    "solved",
    "partly_solved",
    "not_solved",
)
PARTICIPATION, RESPONSIVENESS = "participation", "responsiveness"
BINARY = ("xlsx", "pdf")  # formats written to a file only, never to the screen


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


def agency_rows(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Each agency's responsiveness as a table row."""
    return [
        (
            code,
            agency["passed_on"],
            agency["percent"]["followed_up"],
            agency["percent"]["followed_up_in_time"],
            agency["percent"]["completed"],
            *("" if days is None else days for days in agency["median_working_days"].values()),
            *agency["verdicts"].values(),
        )
        for code, agency in found["responsiveness"].items()
    ]


def _text_safe(value: Any) -> Any:
    """Numbers stay numbers; text a spreadsheet would run as a formula is quoted."""
    return spreadsheet_cell(value) if isinstance(value, str) else value


def report_rows(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The reports received, one row per breakdown and group."""
    return [
        (name, group, count)
        for name in ("by_classification", "by_status", "by_channel", "by_category")
        for group, count in found["complaints"][name].items()
    ]


def write_xlsx(found: dict[str, Any], path: Path) -> None:
    """A sheet each for participation, responsiveness and the reports, written whole or not at all."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, columns, lines in (
        (PARTICIPATION, COLUMNS, rows(found)),
        (RESPONSIVENESS, AGENCY_COLUMNS, agency_rows(found)),
        ("reports", ("breakdown", "group", "reports"), report_rows(found)),
    ):
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for line in lines:
            sheet.append([_text_safe(value) for value in line])
    data = io.BytesIO()
    book.save(data)
    write_whole(path, data.getvalue())


def write_whole(path: Path, data: bytes) -> None:
    """Through a hidden temporary file beside `path`, on disk before it is renamed into place: a
    failure (a missing folder, a full disk) leaves no half file, and an older report stays whole."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise CommandFailed(f"cannot write {path}: {exc.strerror or exc}") from None


def write_pdf(
    found: dict[str, Any], path: Path, language: str, made_on: date, names: dict[str, str], agency: str | None
) -> None:
    """The A4 report in `language` (`names`: the agencies' by their codes), written whole or not at all."""
    from hub.reports import pdf  # fpdf2 takes half a second to load: only when a PDF is asked for

    try:
        data = pdf.render(found, language, made_on, names, agency)
    except i18n.CatalogMissing as exc:
        raise CommandFailed(str(exc)) from None
    write_whole(path, data)


def render(found: dict[str, Any], form: str, of: str = PARTICIPATION) -> str:
    if form == "json":
        return json.dumps(found, ensure_ascii=False, indent=2) + "\n"
    columns, lines = (COLUMNS, rows(found)) if of == PARTICIPATION else (AGENCY_COLUMNS, agency_rows(found))
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([tuple(_text_safe(value) for value in row) for row in lines])
        return out.getvalue()
    table = [columns, *((str(value) for value in row) for row in lines)]
    cells = [list(row) for row in table]
    widths = [max(len(row[index]) for row in cells) for index in range(len(columns))]
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
    if args.format in BINARY and not args.output:
        raise CommandFailed(f"--format {args.format} needs --output FILE")
    folder = Path(args.output or ".").parent
    if not folder.is_dir():  # said before the figures are counted, which takes a while on a big fleet
        raise CommandFailed(f"cannot write {args.output}: the folder {folder} does not exist")
    chosen = Filters(args.date_from, args.date_to, args.event, args.province, args.regency)
    zone = ZoneInfo(hub_settings(args).console.timezone)
    with storage(args) as opened:
        found = figures(opened, chosen)
        found["complaints"] = responsiveness.complaints(
            opened, zone, args.date_from, args.date_to, args.province, args.regency
        )
        agencies = responsiveness.received_between(opened, zone, args.date_from, args.date_to)
        found["responsiveness"] = {
            code: one for code, one in agencies.items() if not args.agency or code == args.agency
        }
        if args.format == "xlsx":
            write_xlsx(found, Path(args.output))
            return 0
        if args.format == "pdf":
            names = {agency["code"]: agency["name"] for agency in Staff(opened).agencies()}
            write_pdf(found, Path(args.output), args.language, datetime.now(zone).date(), names, args.agency)
            return 0
        text = render(found, args.format, args.of)
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
    stats.add_argument("--format", choices=("table", "json", "csv", *BINARY), default="table")
    stats.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD", help="registrations from this day")
    stats.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD", help="registrations up to this day")
    stats.add_argument("--event", metavar="UUID", help="one event")
    stats.add_argument("--province", help="events in this province (as the event names it)")
    stats.add_argument("--regency", help="events in this regency")
    stats.add_argument("--agency", metavar="CODE", help="one agency's responsiveness")
    stats.add_argument(
        "--of",
        choices=(PARTICIPATION, RESPONSIVENESS),
        default=PARTICIPATION,
        help="which figures a table or CSV holds (JSON, XLSX and PDF hold both)",
    )
    stats.add_argument(
        "--language", choices=i18n.LANGUAGES, default=i18n.DEFAULT, help="the PDF report's language (default: id)"
    )
    stats.add_argument("--output", metavar="FILE", help="write to this file instead of the screen (XLSX, PDF: needed)")
    stats.set_defaults(func=cmd_stats)
    add_open_data(commands, common)


def cmd_open_data(args: argparse.Namespace) -> int:
    with storage(args) as opened:
        written = opendata.write(opened, Path(args.output))
    print(f"{len(written)} files written to {args.output}")
    return 0


def add_open_data(commands: Any, common: argparse.ArgumentParser) -> None:
    command = commands.add_parser(
        "open-data",
        parents=[common],
        help="aggregate tables anyone may reuse (CSV, JSON, CC BY 4.0), small counts hidden",
    )
    command.add_argument("--output", metavar="DIR", required=True, help="the folder to write into")
    command.set_defaults(func=cmd_open_data)
