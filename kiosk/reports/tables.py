"""Statistics as files for reports: a terminal table, tidy CSV and an XLSX workbook.

All three come from `rows()`, one list of (breakdown, group, value, percent), so they can
never disagree. CSV keeps machine keys (`gender`, `female`); the table and the workbook
show the words in the active language with its number formatting.
"""

import csv
from pathlib import Path
from typing import Any, TextIO

from kiosk.i18n import N_, _, format_number, format_percent
from kiosk.questions import COMPLAINT_STATUS
from kiosk.reports.stats import NOT_SENT, WAITING

BREAKDOWNS = {
    "total": N_("Attendees"),
    "gender": N_("By gender"),
    "age_band": N_("By age band"),
    "youth": N_("Youth (16 to 30)"),
    "with_disability": N_("Persons with disabilities (Washington Group cut-off)"),
    "wgss_answered": N_("Answered the disability questions"),
    "gender_disability": N_("Persons with disabilities, by gender"),
    "gender_youth": N_("Youth, by gender"),
    "event": N_("Attendees by event"),
    "complaint_classification": N_("Reports by kind"),
    "complaint_category": N_("Reports by topic"),
    "complaint_status": N_("Reports by status"),
    "complaint_median_days": N_("Median days from filing to each status"),
}
GROUPS = {
    "female": N_("Women"),
    "male": N_("Men"),
    "unspecified": N_("Not stated"),
    "complaint": N_("Complaints"),
    "aspiration": N_("Aspirations"),
    "information_request": N_("Information requests"),
    NOT_SENT: N_("Not yet sent to the agency"),
    WAITING: N_("Sent, no status yet"),
    **COMPLAINT_STATUS,
    "": N_("No topic given"),
}
PAIRS = (
    ("gender", "by_gender"),
    ("age_band", "by_age_band"),
    ("gender_disability", "by_gender_disability"),
    ("gender_youth", "by_gender_youth"),
)


Row = tuple[str, str, Any, Any]  # breakdown, group, value, percent of attendees or None


def rows(stats: dict[str, Any]) -> list[Row]:
    """Every figure as (breakdown, group, value, percent of attendees or None)."""
    percent = stats["percent"]
    found: list[Row] = [("total", "", stats["total"], None)]
    for breakdown, key in PAIRS[:2]:
        found += [(breakdown, group, value, percent[key][group]) for group, value in stats[key].items()]
    for key in ("youth", "with_disability", "wgss_answered"):
        found.append((key, "", stats[key], percent[key]))
    for breakdown, key in PAIRS[2:]:
        found += [(breakdown, group, value, percent[key][group]) for group, value in stats[key].items()]
    found += [("event", event["name"], event["total"], None) for event in stats["event_list"]]
    complaints = stats["complaints"]
    found.append(("complaint_classification", "", complaints["total"], None))
    found += [("complaint_classification", k, v, None) for k, v in complaints["by_classification"].items()]
    found += [("complaint_category", k, v, None) for k, v in complaints.get("by_category", {}).items()]
    found += [("complaint_status", k, v, None) for k, v in complaints["by_status"].items()]
    found += [("complaint_median_days", k, v, None) for k, v in complaints["median_days_to_status"].items()]
    return found


def group_label(breakdown: str, group: str) -> str:
    if not group and breakdown not in ("complaint_category", "complaint_classification"):
        return ""
    if breakdown == "event" or (breakdown == "complaint_category" and group):
        return group  # names as written
    if breakdown == "complaint_classification" and not group:
        return _("All reports")
    if group in GROUPS:
        label = GROUPS[group]
        return _(label)
    return group  # age bands read the same in every language


def shown(value: Any) -> str:
    return format_number(value) if isinstance(value, (int, float)) else str(value)


def shown_percent(value: Any) -> str:
    if value is None:
        return ""
    return format_percent(value) if isinstance(value, (int, float)) else str(value)


def write_csv(stats: dict[str, Any], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["breakdown", "group", "value", "percent"])
    for breakdown, group, value, percent in rows(stats):
        writer.writerow([breakdown, group, value, "" if percent is None else percent])


def table_text(stats: dict[str, Any]) -> str:
    """Aligned columns for a terminal; a breakdown of one figure stands on its title's line."""
    lines, current = [], None
    for breakdown, group, value, percent in rows(stats):
        title = BREAKDOWNS[breakdown]
        figures = f"{shown(value):>10} {shown_percent(percent):>8}".rstrip()
        if not group and breakdown not in ("complaint_category", "complaint_classification"):
            lines += ["", f"{_(title):<42} {figures}"]
            current = breakdown
            continue
        if breakdown != current:
            current = breakdown
            lines += ["", _(title)]
        lines.append(f"  {group_label(breakdown, group):<40} {figures}")
    return "\n".join(lines).strip("\n") + "\n"


def write_xlsx(stats: dict[str, Any], path: Path) -> None:
    """A sheet per breakdown (named by its key, titled in the active language), written atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kiosk.files import atomic_write

    book = Workbook()
    book.remove(book.active)
    for breakdown, group, value, percent in rows(stats):
        if breakdown not in book.sheetnames:
            sheet = book.create_sheet(breakdown)
            title = BREAKDOWNS[breakdown]
            sheet.append([_(title)])
            sheet["A1"].font = Font(bold=True)
            sheet.append([_("Group"), _("Value"), _("Percent of attendees"), "key"])
            sheet.column_dimensions["A"].width = 44
        sheet = book[breakdown]
        sheet.append([group_label(breakdown, group), value, percent, group])
    with atomic_write(Path(path), "wb") as out:
        book.save(out)
