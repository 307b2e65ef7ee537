"""The participation report for donors and agencies as an A4 PDF, drawn with fpdf2 (pure Python, no Qt).

`report_content()` lists what the report says (headings, lines, tables, charts) in the active
language; `write_pdf()` lays it out. Tables break across pages; a heading never ends a page
on its own, and a chart is never split. The bar charts are vector shapes in dark grey on a
light track, with every label and number printed as text, so they read in grey print and
a screen reader or `pdftotext` finds the numbers.

Fonts: DejaVu Sans (Debian's fonts-dejavu-core: DejaVuSans.ttf and DejaVuSans-Bold.ttf) is
looked for at run time in `FONT_DIRS` (a PyInstaller bundle's `fonts` folder first, then the
usual system and user font folders), and the glyphs used are embedded, so Indonesian and
any name print as typed; a character DejaVu Sans has no glyph for (Chinese, say) prints as
"?". When the font is not found, the report is still written, with fpdf2's built-in
Helvetica, which knows only Latin-1: typographic punctuation is spelled in ASCII ("…" as
"..."), letters outside Latin-1 lose their accents ("ő" as "o"), and any other character
prints as "?". A warning (without any text of the report) goes to the log.

fpdf2 is imported when a PDF is written, not when this module is, so the other commands
do not pay for loading it.
"""

import logging
import os
import sys
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kiosk.files import atomic_write
from kiosk.i18n import DEFAULT_LANGUAGE, _, current_language, format_day
from kiosk.reports.charts import Item, participation_charts
from kiosk.reports.tables import BREAKDOWNS, group_label, shown, shown_percent

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger(__name__)

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")  # regular, bold
FONT_DIRS = (
    *([Path(getattr(sys, "_MEIPASS", "")) / "fonts"] if getattr(sys, "frozen", False) else []),  # a bundle's own
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu (fonts-dejavu-core)
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
    Path(os.environ.get("LOCALAPPDATA", str(Path.home()))) / "Microsoft/Windows/Fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
)
UNICODE_FAMILY, CORE_FAMILY = "DejaVuSans", "helvetica"

MARGIN = 18.0  # mm, all round
BODY, H1, H2, H3 = 10.0, 18.0, 14.0, 12.0  # font sizes in points
LINE = 5.0  # mm, a line of body text
ROW = 6.5  # mm, a bar of a chart with its gap
TEXT, BAR, TRACK, RULE = (26, 26, 26), (45, 45, 45), (225, 225, 225), (110, 110, 110)  # dark bars: grey print
ASCII_FOR = str.maketrans({"…": "...", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "*"})


class Heading(NamedTuple):
    text: str
    level: int  # 0 the title, 1 a section, 2 a part of one


class Lines(NamedTuple):
    lines: list[str]


class Table(NamedTuple):
    rows: list[tuple[str, str]]  # (words, figure): the figure is right-aligned


class Chart(NamedTuple):
    title: str
    items: list[Item]


Block = Heading | Lines | Table | Chart  # named tuples rather than dataclasses: 2 ms less at every start


def scope_lines(figures: dict[str, Any]) -> list[str]:
    """Which events and which days the figures count, as two lines."""
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
    return [scope, period]


def report_content(figures: dict[str, Any], today: date | None = None) -> list[Block]:
    """Everything the report says, in order, in the active language (hidden counts stay "<5")."""
    percent = figures["percent"]
    made = _("Made on {day}").format(day=format_day((today or date.today()).isoformat()))
    intro = [*scope_lines(figures), made]
    if figures.get("open_data"):
        intro.append(_("Open data: counts of 1 to 4 are shown as <5."))
    blocks: list[Block] = [
        Heading(_("LAPOR! outreach: participation report"), 0),
        Lines(intro),
        Heading(_("Who took part"), 1),
        Table(
            [
                (_("Attendees"), shown(figures["total"])),
                (_("Women"), shown_percent(percent["by_gender"]["female"])),
                (_("Youth (16 to 30)"), shown_percent(percent["youth"])),
                (_("Persons with disabilities"), shown_percent(percent["with_disability"])),
            ]
        ),
        *(Chart(title, items) for title, items in participation_charts(figures).values()),
        Lines(
            [
                _(
                    'A person counts as having a disability when they answered "a lot of difficulty" '
                    'or "cannot do at all" to any of the six Washington Group questions.'
                )
            ]
        ),
    ]
    # through names: in _(BREAKDOWNS["event"]), pybabel would take "event" for a message
    by_event, median_days = BREAKDOWNS["event"], BREAKDOWNS["complaint_median_days"]
    if figures["event_list"] and not figures["filters"]["event"]:
        blocks.append(Heading(_(by_event), 1))
        blocks.append(
            Table([(f"{e['name']} ({format_day(e['starts_on'])})", shown(e["total"])) for e in figures["event_list"]])
        )
    complaints = figures["complaints"]
    blocks.append(Heading(_("Reports filed at the kiosk"), 1))
    rows = [(group_label("complaint_classification", ""), shown(complaints["total"]))]
    rows += [(group_label("complaint_classification", k), shown(v)) for k, v in complaints["by_classification"].items()]
    rows += [(group_label("complaint_status", k), shown(v)) for k, v in complaints["by_status"].items() if v != 0]
    blocks.append(Table(rows))
    medians = complaints["median_days_to_status"]
    if medians:
        blocks.append(Heading(_(median_days), 2))
        blocks.append(Table([(group_label("complaint_status", k), shown(v)) for k, v in medians.items()]))
    return blocks


def find_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) from the first folder of `FONT_DIRS` that holds both, if any."""
    for folder in FONT_DIRS:
        regular, bold = (folder / name for name in FONT_FILES)
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """`text` as Helvetica can print it (see the module's docstring)."""
    text = text.translate(ASCII_FOR)
    if all(ord(char) < 256 for char in text):
        return text
    kept = []
    for char in text:
        if ord(char) < 256:
            kept.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c))
        kept.append(plain or "?")
    return "".join(kept)


def in_font(text: str, glyphs: set[int]) -> str:
    """`text` with each character the font cannot draw as "?", and any space it lacks as a plain one."""
    if all(ord(char) in glyphs for char in text):
        return text
    return "".join(char if ord(char) in glyphs else " " if char.isspace() else "?" for char in text)


class _Layout:
    """Draws blocks onto an fpdf2 document, top to bottom."""

    def __init__(self, pdf: "FPDF", family: str, clean: Callable[[str], str]) -> None:
        self.pdf, self.family, self.clean = pdf, family, clean

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def keep(self, height: float) -> None:
        """Start a new page unless `height` fits on this one."""
        if self.pdf.will_page_break(height):
            self.pdf.add_page()

    def heading(self, block: Heading) -> None:
        from fpdf.enums import XPos, YPos

        size = (H1, H2, H3)[min(block.level, 2)]
        height = size * 0.55
        if block.level:
            self.pdf.ln(size * 0.35)
            self.keep(height + 4 * ROW)  # the heading and the start of what it heads
        self.pdf.start_section(block.text, level=block.level, strict=False)  # the outline is Unicode in any font
        self.font(size, bold=True)
        self.pdf.multi_cell(0, height, self.clean(block.text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(size * 0.15)

    def lines(self, block: Lines) -> None:
        from fpdf.enums import XPos, YPos

        self.font(BODY)
        for line in block.lines:
            self.pdf.multi_cell(0, LINE, self.clean(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(LINE / 2)

    def table(self, block: Table) -> None:
        self.font(BODY)
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_fill_color(255)
        with self.pdf.table(
            col_widths=(3, 1),
            text_align=("LEFT", "RIGHT"),
            first_row_as_headings=False,
            line_height=LINE,
            padding=(1.2, 2),
        ) as table:
            for words, figure in block.rows:
                row = table.row()
                row.cell(self.clean(words))
                row.cell(self.clean(figure))
        self.pdf.ln(LINE / 2)

    def chart(self, block: Chart) -> None:
        """A title, then for each item its label (right-aligned), a bar on a track, and its number."""
        pdf, items = self.pdf, [(self.clean(label), value, self.clean(text)) for label, value, text in block.items]
        self.keep(LINE * 1.6 + ROW * len(items) + LINE)
        self.font(BODY, bold=True)
        left, width = pdf.l_margin, pdf.epw
        pdf.set_x(left)
        pdf.cell(width, LINE * 1.4, self.clean(block.title))
        top = pdf.get_y() + LINE * 1.6
        self.font(BODY)
        gap, pad = 3.0, 2 * pdf.c_margin  # between the columns; inside a cell
        widest = max((pdf.get_string_width(label) for label, _, _ in items), default=0)
        label_width = min(width * 0.42, widest + pad + gap)
        value_width = max((pdf.get_string_width(text) for _, _, text in items), default=0) + pad
        bar_left = left + label_width
        bar_space = max(width - label_width - value_width - gap / 2, 20.0)
        for index, (label, value, text) in enumerate(items):
            y = top + index * ROW
            pdf.set_xy(left, y)
            pdf.cell(label_width - gap, ROW, self.elide(label, label_width - gap - pad), align="R")
            pdf.set_fill_color(*TRACK)
            pdf.rect(bar_left, y + ROW * 0.15, bar_space, ROW * 0.7, style="F")
            if value > 0:
                pdf.set_fill_color(*BAR)
                pdf.rect(bar_left, y + ROW * 0.15, bar_space * value, ROW * 0.7, style="F")
            pdf.set_xy(bar_left + bar_space + gap / 2, y)
            pdf.cell(value_width, ROW, text, align="L")
        pdf.set_fill_color(255)
        pdf.set_xy(left, top + len(items) * ROW + LINE)

    def elide(self, text: str, width: float) -> str:
        width += 0.01  # mm: what the widest label measured, less rounding
        if self.pdf.get_string_width(text) <= width:
            return text
        dots = self.clean("…")
        while text and self.pdf.get_string_width(text + dots) > width:
            text = text[:-1]
        return text.rstrip() + dots

    def draw(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Lines):
                self.lines(block)
            elif isinstance(block, Table):
                self.table(block)
            else:
                self.chart(block)


def render_pdf(figures: dict[str, Any], today: date | None = None) -> bytes:
    """The report as the bytes of an A4 PDF."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    fonts = find_font()
    if fonts:
        pdf.add_font(UNICODE_FAMILY, "", fonts[0])
        pdf.add_font(UNICODE_FAMILY, "B", fonts[1])
        glyphs = set.intersection(
            *(set(getattr(pdf.fonts[UNICODE_FAMILY.lower() + style], "cmap", ())) for style in ("", "B"))
        )
        layout = _Layout(pdf, UNICODE_FAMILY, lambda text: in_font(text, glyphs))
    else:
        log.warning("DejaVu Sans not found in %d font folders; the PDF uses Helvetica (Latin-1 only)", len(FONT_DIRS))
        layout = _Layout(pdf, CORE_FAMILY, latin1)
    title = _("LAPOR! outreach: participation report")
    pdf.set_title(title)
    pdf.set_creator("LAPOR! Field Kiosk")
    pdf.set_lang(current_language() or DEFAULT_LANGUAGE)
    pdf.set_text_color(*TEXT)
    pdf.add_page()
    layout.draw(report_content(figures, today))
    return bytes(pdf.output())


def write_pdf(figures: dict[str, Any], path: Path) -> None:
    """Write the report as an A4 PDF at `path` (through a temporary file, renamed when complete)."""
    data = render_pdf(figures)
    with atomic_write(Path(path), "wb") as out:
        out.write(data)
