"""Bar charts of the hub's figures as SVG, drawn on the server for the console's pages and the PDF
report alike, so both show the same picture without a script in the browser.

Dark grey bars on a light track, with each group's name and its number written out as text
beside its bar: the chart reads in grey print, to a screen reader, and to `pdftotext`, and no
reader has to judge a length. The caller chooses the words (translated, shortened to fit) and
how a number is written (babel, in the reader's language). Colours and fonts are presentation
attributes, not a style sheet: a page's CSS overrides them, and fpdf2 draws them as they are.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

BAR_WIDTH = 100  # the longest bar, in the SVG's own units (it scales with the page)
BAR, TRACK, TEXT = "#2d2d2d", "#e1e1e1", "#1a1a1a"  # grey print keeps them apart


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    length: float  # 0..BAR_WIDTH


@dataclass(frozen=True)
class Geometry:
    """Sizes in the SVG's units, the bars' track being BAR_WIDTH long: a caller that knows its
    fonts (the PDF measures its labels) sets the label and value columns to what they hold."""

    label_width: float = 58.0
    value_width: float = 24.0
    row: float = 12.0
    font_size: float = 8.0
    gap: float = 2.0
    font_family: str = "DejaVu Sans, sans-serif"

    def width(self) -> float:
        return self.label_width + self.gap + BAR_WIDTH + self.gap + self.value_width

    def height(self, rows: int) -> float:
        return rows * self.row


DEFAULT = Geometry()  # the console's sizes


def bars(groups: Mapping[str, Mapping[str, float]], key: str = "total", full: float | None = None) -> list[Bar]:
    """One bar per group, in the groups' order; the largest, or a value of `full` (100 for shares
    in percent), is BAR_WIDTH long."""
    most = full if full is not None else max((group[key] for group in groups.values()), default=0)
    return [
        Bar(label, group[key], BAR_WIDTH * min(group[key] / most, 1.0) if most else 0.0)
        for label, group in groups.items()
    ]


def svg(
    chart: Sequence[Bar],
    title: str,
    value_of: Callable[[float], str] = str,
    label_of: Callable[[str], str] = str,
    geometry: Geometry = DEFAULT,
) -> str:
    """The chart as a standalone SVG document: on each row the label (right-aligned), the track
    with its bar, and the number just past the bar's end."""
    g = geometry
    track = g.label_width + g.gap
    baseline = (g.row + g.font_size * 0.7) / 2  # the text's middle on the bar's
    bar_top, bar_height = g.row * 0.125, g.row * 0.75
    rows = []
    for index, bar in enumerate(chart):
        top, text = index * g.row, index * g.row + baseline
        rows.append(
            f'<rect x="{track:.2f}" y="{top + bar_top:.2f}" width="{BAR_WIDTH}" height="{bar_height:.2f}"'
            f' fill="{TRACK}"/>'
            f'<rect x="{track:.2f}" y="{top + bar_top:.2f}" width="{bar.length:.2f}" height="{bar_height:.2f}"'
            f' fill="{BAR}"/>'
            f'<text x="{g.label_width:.2f}" y="{text:.2f}" text-anchor="end">{escape(label_of(bar.label))}</text>'
            f'<text x="{track + bar.length + g.gap:.2f}" y="{text:.2f}">{escape(value_of(bar.value))}</text>'
        )
    width, height = g.width(), g.height(len(chart))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.2f} {height:.2f}" role="img"'
        f" aria-label={quoteattr(title)} font-family={quoteattr(g.font_family)}"
        f' font-size="{g.font_size:.2f}" fill="{TEXT}">{"".join(rows)}</svg>'
    )
