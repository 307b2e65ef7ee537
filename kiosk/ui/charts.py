"""The dashboard's horizontal bar charts, drawn with QPainter (the PDF report draws its own, with fpdf2).

What each chart shows comes from `kiosk.reports.charts`, so the screen and the report agree.
Horizontal bars keep long labels readable (they sit on the left, in full) and need no
chart library: QtCharts lives in PySide6-Addons, which the kiosk does not ship.
"""

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.reports.charts import Item


@dataclass(frozen=True)
class Colors:
    text: str = "#1a1a1a"
    bar: str = "#a4161a"
    track: str = "#e9e9e9"


def draw_bars(painter: QPainter, area: QRectF, title: str, items: list[Item], colors: Colors, font: QFont) -> None:
    """`items` are (label, share, value as shown); a bar across the whole track is everyone."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    bold = QFont(font)
    bold.setBold(True)
    metrics = QFontMetricsF(font)
    line = metrics.height()
    painter.setFont(bold)
    painter.setPen(QColor(colors.text))
    painter.drawText(QRectF(area.left(), area.top(), area.width(), line * 1.4), Qt.AlignmentFlag.AlignLeft, title)
    painter.setFont(font)
    top = area.top() + line * 1.6
    label_width = min(
        area.width() * 0.42, max((metrics.horizontalAdvance(label) for label, _, _ in items), default=0) + line
    )
    value_width = max((metrics.horizontalAdvance(shown) for _, _, shown in items), default=0) + line
    bar_left = area.left() + label_width
    bar_space = max(area.width() - label_width - value_width, line)
    row = (area.bottom() - top) / max(len(items), 1)
    for index, (label, value, shown) in enumerate(items):
        y = top + index * row
        text_box = QRectF(area.left(), y, label_width - line / 2, row)
        painter.setPen(QColor(colors.text))
        painter.drawText(
            text_box,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_box.width()),
        )
        bar = QRectF(bar_left, y + row * 0.18, bar_space, row * 0.64)
        painter.fillRect(bar, QColor(colors.track))
        painter.fillRect(QRectF(bar.left(), bar.top(), bar.width() * value, bar.height()), QColor(colors.bar))
        painter.drawText(
            QRectF(bar.right() + line / 3, y, value_width, row),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            shown,
        )
    painter.restore()


class BarChart(QWidget):
    """A chart on screen; it takes its font and colours from the style sheet like any label."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.items: list[Item] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_data(self, title: str, items: list[Item]) -> None:
        self.title, self.items = title, items
        self.setAccessibleName(title)
        self.setAccessibleDescription("; ".join(f"{label}: {shown}" for label, _, shown in items))
        self._fit_height()
        self.update()

    def _fit_height(self) -> None:
        self.setFixedHeight(int(QFontMetricsF(self.font()).height() * (2.2 + 1.6 * len(self.items))))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self.items:
            self._fit_height()

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        colors = Colors(
            text=palette.windowText().color().name(),
            bar=palette.highlight().color().name(),
            track=palette.alternateBase().color().name(),
        )
        painter = QPainter(self)
        draw_bars(painter, QRectF(self.rect()), self.title, self.items, colors, self.font())
        painter.end()
