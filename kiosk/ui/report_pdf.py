"""The PDF report for donors and agencies, written with Qt's own PDF writer (no extra library).

A QTextDocument lays out the text and tables (and breaks pages); the bar charts are
images drawn by `kiosk.ui.charts`, so the PDF shows the same charts as the dashboard.
"""

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QUrl
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from kiosk.i18n import _, format_day
from kiosk.reports.stats import SMALL
from kiosk.reports.tables import BREAKDOWNS, group_label, shown, shown_percent
from kiosk.ui.charts import chart_image

CHART_WIDTH = 1400  # pixels; scaled to the page width


def chart_items(figures: dict, key: str) -> list[tuple[str, float, str]]:
    """(label, value, shown) for a breakdown of attendees, in the active language."""
    counts, percents = figures[key], figures["percent"][key]
    breakdown = {"by_gender": "gender", "by_age_band": "age_band"}.get(key, key)
    items = []
    for group, value in counts.items():
        number = value if isinstance(value, (int, float)) else 0
        items.append((group_label(breakdown, group), number, f"{shown(value)} ({shown_percent(percents[group])})"))
    return items


def disability_items(figures: dict) -> list[tuple[str, float, str]]:
    """With a disability / answered without / did not answer; the last two are differences, so in
    open data they are hidden like any other count of 1 to 4."""
    total, answered, disabled = figures["total"], figures["wgss_answered"], figures["with_disability"]
    items = [
        (
            _("With a disability"),
            disabled if isinstance(disabled, int) else 0,
            f"{shown(disabled)} ({shown_percent(figures['percent']['with_disability'])})",
        )
    ]
    if all(isinstance(value, int) for value in (total, answered, disabled)):
        for title, count in (
            (_("Answered, no disability"), answered - disabled),
            (_("Did not answer"), total - answered),
        ):
            hidden = figures.get("open_data") and 0 < count < SMALL
            items.append((title, 0 if hidden else count, "<5" if hidden else shown(count)))  # no bar to measure
    return items


def scope_text(figures: dict) -> str:
    events = figures["event_list"]
    if figures["filters"]["event"] and events:
        scope = _("Event: {name} ({day})").format(name=events[0]["name"], day=format_day(events[0]["starts_on"]))
    else:
        scope = _("All events: {count}").format(count=shown(len(events)))
    first, last = figures["filters"]["from"], figures["filters"]["to"]
    if first or last:
        period = _("Period: {first} to {last}").format(
            first=format_day(first) if first else "…", last=format_day(last) if last else "…"
        )
    else:
        period = _("Period: every record on this kiosk")
    return f"{scope}<br>{period}"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{html.escape(a)}</td><td align='right'>{html.escape(b)}</td></tr>" for a, b in rows)
    return f"<table cellpadding='4' cellspacing='0' border='1' width='100%'>{cells}</table>"


def report_html(figures: dict) -> str:
    percent = figures["percent"]
    headline = [
        (_("Attendees"), shown(figures["total"])),
        (_("Women"), shown_percent(percent["by_gender"]["female"])),
        (_("Youth (16 to 30)"), shown_percent(percent["youth"])),
        (_("Persons with disabilities"), shown_percent(percent["with_disability"])),
    ]
    title = _("LAPOR! outreach: participation report")
    made = _("Made on {day}").format(day=format_day(date.today().isoformat()))
    suppressed = _("Open data: counts of 1 to 4 are shown as <5.") if figures.get("open_data") else ""
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{scope_text(figures)}<br>{html.escape(made)}"
        + (f"<br>{html.escape(suppressed)}" if suppressed else "")
        + "</p>",
        "<h2>" + html.escape(_("Who took part")) + "</h2>",
        _table(headline),
        "<p><img src='chart:gender' width='460'></p>",
        "<p><img src='chart:age' width='460'></p>",
        "<p><img src='chart:disability' width='460'></p>",
        "<p>"
        + html.escape(
            _(
                'A person counts as having a disability when they answered "a lot of difficulty" '
                'or "cannot do at all" to any of the six Washington Group questions.'
            )
        )
        + "</p>",
    ]
    if figures["event_list"] and not figures["filters"]["event"]:
        title = BREAKDOWNS["event"]
        parts.append(f"<h2>{html.escape(_(title))}</h2>")
        parts.append(
            _table([(f"{e['name']} ({format_day(e['starts_on'])})", shown(e["total"])) for e in figures["event_list"]])
        )
    complaints = figures["complaints"]
    heading = _("Reports filed at the kiosk")
    parts.append(f"<h2>{html.escape(heading)}</h2>")
    rows = [(group_label("complaint_classification", ""), shown(complaints["total"]))]
    rows += [(group_label("complaint_classification", k), shown(v)) for k, v in complaints["by_classification"].items()]
    rows += [
        (group_label("complaint_status", k), shown(v)) for k, v in complaints["by_status"].items() if v not in (0,)
    ]
    parts.append(_table(rows))
    medians = complaints["median_days_to_status"]
    if medians:
        title = BREAKDOWNS["complaint_median_days"]
        parts.append(f"<h3>{html.escape(_(title))}</h3>")
        parts.append(_table([(group_label("complaint_status", k), shown(v)) for k, v in medians.items()]))
    return "\n".join(parts)


def write_pdf(figures: dict, path: Path) -> None:
    """Write the report as an A4 PDF at `path` (through a temporary file, renamed when complete)."""
    from kiosk.files import atomic_write

    if QGuiApplication.instance() is None:
        QGuiApplication([])
    font = QFont("DejaVu Sans", 10)
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDefaultStyleSheet("h1 { font-size: 18pt; } h2 { font-size: 14pt; } td { font-size: 10pt; }")
    chart_font = QFont("DejaVu Sans", 22)
    charts = {
        "gender": chart_image(_("By gender"), chart_items(figures, "by_gender"), CHART_WIDTH, chart_font),
        "age": chart_image(_("By age band"), chart_items(figures, "by_age_band"), CHART_WIDTH, chart_font),
        "disability": chart_image(
            _("Washington Group disability questions"), disability_items(figures), CHART_WIDTH, chart_font
        ),
    }
    for name, image in charts.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), image)
    document.setHtml(report_html(figures))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setTitle(_("LAPOR! outreach: participation report"))
    writer.setCreator("LAPOR! Field Kiosk")
    document.print_(writer)
    del writer  # finishes the PDF
    with atomic_write(Path(path), "wb") as out:
        out.write(bytes(buffer.data()))
