"""What the participation charts show, as plain data: the PDF report and the officer's dashboard
draw the same bars from here (no drawing in this module, no Qt).

A chart is a title and its items; an item is (label, share, value as printed). The share of
all attendees (0 to 1) sets the bar's length, so a full bar is everyone and two charts can be
compared by eye; the printed text carries the number and its percentage, so a chart reads
the same without colour, and in open data a hidden count prints "<5" with no bar.
"""

from typing import Any

from kiosk.i18n import _
from kiosk.reports.stats import SMALL
from kiosk.reports.tables import group_label, shown, shown_percent

Item = tuple[str, float, str]  # (label, share of all attendees for the bar, value as printed)
BREAKDOWN_OF = {"by_gender": "gender", "by_age_band": "age_band"}


def chart_items(figures: dict[str, Any], key: str) -> list[Item]:
    """(label, value, shown) for a breakdown of attendees (`by_gender`, `by_age_band`), in the active language."""
    counts, percents = figures[key], figures["percent"][key]
    breakdown = BREAKDOWN_OF.get(key, key)
    items: list[Item] = []
    for group, value in counts.items():
        printed = f"{shown(value)} ({shown_percent(percents[group])})"
        items.append((group_label(breakdown, group), _share(value, figures), printed))
    return items


def _share(count: object, figures: dict[str, Any]) -> float:
    """A count as a share of all attendees; a hidden count ("<5") or no attendees is no bar."""
    total = figures["total"]
    if not isinstance(count, int) or not isinstance(total, int) or total == 0:
        return 0.0
    return count / total


def disability_items(figures: dict[str, Any]) -> list[Item]:
    """With a disability / answered without / did not answer; the last two are differences, so in
    open data they are hidden like any other count of 1 to 4."""
    total, answered, disabled = figures["total"], figures["wgss_answered"], figures["with_disability"]
    items: list[Item] = [
        (
            _("With a disability"),
            _share(disabled, figures),
            f"{shown(disabled)} ({shown_percent(figures['percent']['with_disability'])})",
        )
    ]
    if all(isinstance(value, int) for value in (total, answered, disabled)):
        for title, count in (
            (_("Answered, no disability"), answered - disabled),
            (_("Did not answer"), total - answered),
        ):
            hidden = bool(figures.get("open_data")) and 0 < count < SMALL
            items.append((title, 0.0 if hidden else _share(count, figures), "<5" if hidden else shown(count)))
    return items


def participation_charts(figures: dict[str, Any]) -> dict[str, tuple[str, list[Item]]]:
    """The three charts of the report and the dashboard, by key: gender, age band, disability."""
    return {
        "gender": (_("By gender"), chart_items(figures, "by_gender")),
        "age": (_("By age band"), chart_items(figures, "by_age_band")),
        "disability": (_("Washington Group disability questions"), disability_items(figures)),
    }
