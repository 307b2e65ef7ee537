"""The statistics report of `kiosk-hub stats --format pdf`, on A4 for programme staff and donors:
participation across the fleet, how agencies answered, and the reports received, in Indonesian
or English.

fpdf2 lays it out with its own tables (`FPDF.table()`: they break across pages and repeat their
heading row) and draws the charts from the SVG of `hub.reports.charts` (`FPDF.image()`), as
vectors whose words and numbers stay text: `pdftotext` and screen readers find them, and each
chart is a tagged figure with its title as alternative text. A heading never ends a page: it
moves on with the start of what it heads, and a chart that fits on a page is not split.

Fonts: DejaVu Sans (Debian's fonts-dejavu-core), the glyphs used embedded, so a name prints as
typed. A hub without it still writes the report, in fpdf2's Helvetica, which knows Latin-1
only: other letters lose their accents, other characters print as "?".
"""

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from hub import i18n
from hub.i18n import N_
from hub.reports import charts
from hub.reports.participation import UNSPECIFIED
from hub.reports.responsiveness import RATING_KEYS
from hub.words import CLASSIFICATIONS, EVENT_TYPES, RATINGS, STATUSES

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY, FALLBACK = "DejaVu Sans", "helvetica"
ASCII_FOR = str.maketrans({"…": "...", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})

MARGIN = 18.0  # mm, all round
BODY, SMALL = 9.5, 8.0  # font sizes in points
HEADINGS = (17.0, 13.0, 11.0)  # the title, a section, a part of one
POINT = 25.4 / 72  # mm
LINE = 5.0  # mm, a line of body text
TEXT, RULE, SHADE = (26, 26, 26), (150, 150, 150), (232, 232, 232)
KEEP_ROWS = 3  # a heading moves to the next page unless this much of what it heads fits under it

TITLE = N_("LAPOR! statistics: participation and how agencies answered")
NOT_NAMED = N_("Not named")
CHANNELS = {"kiosk": N_("At a kiosk, outside events"), "event": N_("At an outreach event")}
BREAKDOWNS = (  # the figures' key, the chart's title, the table's first column
    ("by_province", N_("Registrations by province"), N_("Province")),
    ("by_regency", N_("Registrations by regency or city"), N_("Regency or city")),
    ("by_event_type", N_("Registrations by type of event"), N_("Type")),
    ("by_month", N_("Registrations by month"), N_("Month")),
)
REPORT_CHARTS: tuple[tuple[str, str, Mapping[str, str]], ...] = (  # the tally's key, the title, its groups' words
    ("by_classification", N_("Reports by type"), CLASSIFICATIONS),
    ("by_category", N_("Reports by category"), {}),
    ("by_channel", N_("Where reports were made"), CHANNELS),
    ("by_status", N_("Reports by status"), STATUSES),
)
SHARES = ("followed_up", "followed_up_in_time", "completed")  # of the reports passed on
PARTICIPATION_COLUMNS = (N_("Registrations"), N_("Women"), N_("Youth (16-30)"), N_("With a disability"), N_("Events"))
AGENCY = N_("Agency")
AGENCY_COLUMNS = (AGENCY, N_("Passed on"), N_("Followed up"), N_("Within 5 working days"), N_("Completed"))
MEDIANS = (  # the key in an agency's `median_working_days`, its column
    ("to_verification", N_("Median days to verification")),
    ("to_follow_up", N_("Median days to follow-up")),
    ("to_completion", N_("Median days to completion")),
)
VERDICTS = tuple((key, RATINGS[rating]) for rating, key in RATING_KEYS.items())  # the key in `verdicts`, its column
REGISTRATIONS_NOT_PEOPLE = N_(
    "Registrations at outreach events on every kiosk, counted as each kiosk counts its own. One person registered"
    " at two kiosks counts twice: the hub does not count people by name."
)
DISABILITY = N_(
    "A registration counts as with a disability when any of the six Washington Group questions was answered"
    " 'a lot of difficulty' or 'cannot do at all'."
)
FOLLOW_UP_TARGETS = N_(
    "Reports passed to each agency and received at the hub in these dates. SP4N-LAPOR! asks for follow-up within"
    " 5 working days; the open-government commitment, for follow-up on at least 45 percent of reports. Days are"
    " working days."
)


class Words:
    """The report's words, numbers and days in one language, as babel writes them there."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.translate = i18n.translations(language).gettext

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)

    def percent(self, value: float) -> str:
        return format_percent(value / 100, "#,##0.0%", locale=self.language)

    def share(self, count: int, percent: float) -> str:
        return f"{self.number(count)} ({self.percent(percent)})"

    def days(self, value: float | None) -> str:
        return "—" if value is None else format_decimal(value, "#,##0.0", locale=self.language)

    def day(self, value: date | str) -> str:
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long", locale=self.language)

    def group(self, key: str, label: str) -> str:
        """A group of a breakdown as a reader names it."""
        if key == "by_month":
            year, month = map(int, label.split("-"))
            return format_date(date(year, month, 1), "LLLL y", locale=self.language)
        if key == "by_event_type":
            return self.translate(EVENT_TYPES.get(label, NOT_NAMED))
        return self.translate(NOT_NAMED) if label == UNSPECIFIED else label


def find_fonts() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return {style: folder / name for style, name in FONT_FILES.items()}
    return None


def latin1(text: str) -> str:
    """`text` as Helvetica can print it (see the module's docstring)."""
    return "".join(
        char if ord(char) < 256 else unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode() or "?"
        for char in text.translate(ASCII_FOR)
    )


class Report(FPDF):
    """An A4 page flow of headings, paragraphs, tables and charts in the reader's language."""

    def __init__(self, words: Words) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.words = words
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        fonts = find_fonts()
        for style, path in (fonts or {}).items():
            self.add_font(FAMILY, style, path)
        self.typeface = FAMILY if fonts else FALLBACK
        self.clean: Callable[[str], str] = str if fonts else latin1
        self.set_lang(words.language)
        self.set_title(words.translate(TITLE))
        self.set_creator("LAPOR! Field Kiosk hub")
        self.set_text_color(*TEXT)
        self.set_draw_color(*RULE)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-MARGIN * 0.6)
        self.body(SMALL)
        number = self.words.translate(N_("Page %(page)d")) % {"page": self.page_no()}
        self.cell(0, LINE, self.clean(number), align="C")

    def body(self, size: float = BODY, bold: bool = False) -> None:
        self.set_font(self.typeface, "B" if bold else "", size)

    def heading(self, text: str, level: int, then: float = KEEP_ROWS * LINE) -> None:
        """`then`: the height of what must follow the heading on its page."""
        size = HEADINGS[level]
        before = size * POINT if level else 0.0
        if self.will_page_break(before + size * POINT * 1.6 + then):
            self.add_page()
        elif level:
            self.ln(before)
        self.start_section(text, level=level)  # the outline takes any character, whatever the font
        self.body(size, bold=True)
        self.multi_cell(0, size * POINT * 1.3, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(size * POINT * 0.3)

    def paragraph(self, text: str) -> None:
        self.body()
        self.multi_cell(0, LINE, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(LINE / 2)

    def pairs(self, rows: Sequence[tuple[str, str]]) -> None:
        """Words and a figure each, one pair a row, without lines."""
        self.body()
        with self.table(
            [[self.clean(cell) for cell in row] for row in rows],
            col_widths=(2, 3),
            width=self.epw * 0.8,
            align="LEFT",
            text_align=("LEFT", "LEFT"),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.NONE,
            line_height=LINE,
            padding=(0.6, 0),
        ):
            pass
        self.ln(LINE / 2)

    def grid(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table whose first column names each row and whose others hold figures (right-aligned);
        `widths`: the columns' widths, as shares of the page's."""
        self.body(SMALL)
        with self.table(
            [[self.clean(cell) for cell in row] for row in (headings, *rows)],
            col_widths=widths,
            text_align=("LEFT", *(["RIGHT"] * (len(headings) - 1))),
            headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            line_height=SMALL * POINT * 1.35,
            padding=(1.0, 1.5),
        ):
            pass
        self.ln(LINE)

    def chart(
        self,
        title: str,
        bars: Sequence[charts.Bar],
        label_of: Callable[[str], str],
        value_of: Callable[[float], str],
    ) -> None:
        """The chart under its heading; one longer than a page goes on, page by page."""
        self.body()
        values = {bar.value: self.clean(value_of(bar.value)) for bar in bars}
        gap = 2.0
        value_width = max(map(self.get_string_width, values.values())) + gap
        room = self.epw - charts.BAR_WIDTH - value_width - 2 * gap - self.c_margin
        labels = {bar.label: self.fit(self.clean(label_of(bar.label)), room) for bar in bars}
        label_width = max(map(self.get_string_width, labels.values()))
        geometry = charts.Geometry(
            label_width=label_width,
            value_width=value_width,
            row=BODY * POINT * 2,
            font_size=BODY * POINT,
            gap=gap,
            font_family=self.typeface,
        )
        per_page = int((self.page_break_trigger - self.t_margin) // geometry.row)
        whole = len(bars) <= per_page - 2 * KEEP_ROWS  # with room for its heading
        self.heading(title, 2, then=geometry.height(len(bars) if whole else KEEP_ROWS))
        rest = list(bars)
        while rest:
            fits = int((self.page_break_trigger - self.get_y() + 0.01) // geometry.row)  # 0.01: rounding
            if fits < len(rest) and (len(rest) <= per_page or fits < KEEP_ROWS):
                self.add_page()
                continue
            part, rest = rest[:fits], rest[fits:]
            drawn = charts.svg(part, title, values.__getitem__, labels.__getitem__, geometry)
            self.image(drawn.encode(), x=self.l_margin + self.c_margin, w=geometry.width(), alt_text=self.clean(title))
        self.ln(LINE / 2)

    def fit(self, text: str, width: float) -> str:
        """`text`, shortened with an ellipsis where it is wider than `width` mm."""
        if self.get_string_width(text) <= width:
            return text
        dots = self.clean("…")
        while text and self.get_string_width(text + dots) > width:
            text = text[:-1]
        return text.rstrip() + dots


def _scope(found: dict[str, Any], words: Words, made_on: date, agency: str | None) -> list[tuple[str, str]]:
    """What the figures count: the day they were made, the dates, and whatever else was chosen."""
    translate, chosen = words.translate, found["filters"]
    first, last = chosen["from"], chosen["to"]
    if first and last:
        dates = translate(N_("%(first)s to %(last)s")) % {"first": words.day(first), "last": words.day(last)}
    elif first:
        dates = translate(N_("From %(day)s")) % {"day": words.day(first)}
    elif last:
        dates = translate(N_("Until %(day)s")) % {"day": words.day(last)}
    else:
        dates = translate(N_("All"))
    event = chosen["event"] and (found["event_list"][0]["name"] if found["event_list"] else chosen["event"])
    rows = [
        (N_("Made on"), words.day(made_on)),
        (N_("Dates"), dates),
        (N_("Event"), event),
        (N_("Province"), chosen["province"]),
        (N_("Regency or city"), chosen["regency"]),
        (AGENCY, agency),
    ]
    return [(translate(name), value) for name, value in rows if value]


def _participation(pdf: Report, found: dict[str, Any]) -> None:
    words = pdf.words
    translate, percent = words.translate, found["percent"]
    pdf.heading(translate(N_("Participation")), 1)
    headline = [
        (N_("Registrations"), words.number(found["total"])),
        (N_("Events"), words.number(found.get("events", len(found["event_list"])))),
        (N_("Women"), words.share(found["by_gender"]["female"], percent["by_gender"]["female"])),
        (N_("Youth (16-30)"), words.share(found["youth"], percent["youth"])),
        (N_("With a disability"), words.share(found["with_disability"], percent["with_disability"])),
    ]
    pdf.pairs([(translate(name), figure) for name, figure in headline])
    pdf.paragraph(translate(REGISTRATIONS_NOT_PEOPLE))
    pdf.paragraph(translate(DISABILITY))
    if not found["total"]:
        pdf.paragraph(translate(N_("No registrations in this choice.")))
        return
    columns = [translate(name) for name in PARTICIPATION_COLUMNS]
    for key, title, first in BREAKDOWNS:
        groups: Mapping[str, dict[str, Any]] = found[key]
        pdf.chart(translate(title), charts.bars(groups), partial(words.group, key), words.number)
        rows = [
            [
                words.group(key, label),
                words.number(group["total"]),
                *(words.share(group[part], group["percent"][part]) for part in ("female", "youth", "with_disability")),
                words.number(group["events"]),
            ]
            for label, group in groups.items()
        ]
        pdf.grid([translate(first), *columns], rows, (1.9, 1.2, 1.5, 1.5, 1.5, 0.8))


def _agency(code: str, names: Mapping[str, str]) -> str:
    return f"{names[code]} ({code})" if names.get(code) else code


def _responsiveness(pdf: Report, agencies: dict[str, dict[str, Any]], names: Mapping[str, str]) -> None:
    words = pdf.words
    translate = words.translate
    pdf.heading(translate(N_("How agencies answered")), 1)
    pdf.paragraph(translate(FOLLOW_UP_TARGETS))
    if not agencies:
        pdf.paragraph(translate(N_("No report was passed to an agency in these dates.")))
        return
    labels = {code: _agency(code, names) for code in agencies}
    pdf.grid(
        [translate(name) for name in AGENCY_COLUMNS],
        [
            [
                labels[code],
                words.number(agency["passed_on"]),
                *(words.share(agency[k], agency["percent"][k]) for k in SHARES),
            ]
            for code, agency in agencies.items()
        ],
        (2.2, 1.3, 1.3, 1.3, 1.3),
    )
    pdf.chart(  # by code: the table above names them, and a long name cut short would hide which is which
        translate(N_("Followed up within 5 working days")),
        charts.bars({code: agency["percent"] for code, agency in agencies.items()}, "followed_up_in_time", full=100),
        str,
        words.percent,
    )
    pdf.heading(translate(N_("Median working days")), 2)
    pdf.grid(
        [translate(AGENCY), *(translate(name) for _key, name in MEDIANS)],
        [
            [labels[code], *(words.days(agency["median_working_days"][key]) for key, _name in MEDIANS)]
            for code, agency in agencies.items()
        ],
        (2.6, 1.2, 1.2, 1.2),
    )
    pdf.heading(translate(N_("Citizens' verdicts")), 2)
    pdf.grid(
        [translate(AGENCY), *(translate(name) for _key, name in VERDICTS)],
        [
            [labels[code], *(words.number(agency["verdicts"][key]) for key, _name in VERDICTS)]
            for code, agency in agencies.items()
        ],
        (2.6, 1.2, 1.2, 1.2),
    )


def _reports(pdf: Report, tallied: dict[str, Any]) -> None:
    translate = pdf.words.translate
    pdf.heading(translate(N_("Reports received")), 1)
    pdf.pairs([(translate(N_("All reports")), pdf.words.number(tallied["total"]))])
    if not tallied["total"]:
        return
    for key, title, names in REPORT_CHARTS:
        counted = {label: {"total": count} for label, count in tallied[key].items()}

        def label_of(label: str, names: Mapping[str, str] = names) -> str:
            """Protocol words translated; a category as the citizen chose or typed it."""
            if label in names:
                return translate(names[label])
            return label or translate(NOT_NAMED)

        pdf.chart(translate(title), charts.bars(counted), label_of, pdf.words.number)


def render(
    found: dict[str, Any],
    language: str,
    made_on: date,
    agency_names: Mapping[str, str],
    agency: str | None = None,
) -> bytes:
    """The report of `kiosk-hub stats`'s figures (`found`: participation, with `complaints` and
    `responsiveness`) as the bytes of a PDF; `agency`: the one agency chosen, if any."""
    words = Words(language)
    pdf = Report(words)
    pdf.heading(words.translate(TITLE), 0)
    pdf.pairs(_scope(found, words, made_on, agency and _agency(agency, agency_names)))
    _participation(pdf, found)
    _responsiveness(pdf, found["responsiveness"], agency_names)
    _reports(pdf, found["complaints"])
    return bytes(pdf.output())
