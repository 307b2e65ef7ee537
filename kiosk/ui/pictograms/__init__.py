"""Pictograms beside the words of the home tiles and of every answer, for people who read little.

They were drawn for this project as one-colour SVG files in this folder. Each is painted in the
colour of the text beside it, so it contrasts with its background as that text does in every
display mode, and it grows with that text. The words always stay: a pictogram only helps to
recognise them.
"""

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QRectF
from PySide6.QtGui import QColor, QFontInfo, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

FOLDER = Path(__file__).parent

# One place for which pictogram goes with which tile and answer. Answers are looked up by their
# value in kiosk.questions (unique across the questions that have a pictogram, so one table).
HOME = {"complaint": "report", "attendance": "attendance", "status": "status", "about": "about"}
ANSWERS: dict[object, str] = {
    "complaint": "complaint",
    "aspiration": "aspiration",
    "information_request": "information",
    "female": "woman",
    "male": "man",
    "unspecified": "unspecified",
    "0-15": "age-1",
    "16-30": "age-2",
    "31-45": "age-3",
    "46-60": "age-4",
    "61+": "age-5",
    "yes": "yes",
    "no": "no",
    "skip": "skip",
    "sms": "sms",
    "solved": "face-solved",
    "partly": "face-partly",
    "not_solved": "face-not-solved",
}
CHECKS = {"anonymous": "anonymous", "confidential": "confidential"}
MEDIA = {"voice": "microphone", "photo": "camera"}  # "speak instead of typing", "add photos"


def render(name: str, side: int, colour: QColor, ratio: float = 1.0) -> QPixmap:
    """The pictogram as a `side`-pixel square in `colour`: drawn as the file says, then every drawn
    pixel refilled with `colour` (the files' own colour means nothing), keeping its edge's alpha."""
    pixmap = QPixmap(round(side * ratio), round(side * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor(0, 0, 0, 0))
    renderer = QSvgRenderer(QByteArray((FOLDER / f"{name}.svg").read_bytes()))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(QRectF(0, 0, side, side), colour)
    painter.end()
    return pixmap


def side_for(widget: QWidget, factor: float) -> int:
    """A side that follows the widget's text size, which the style sheet sets per display mode."""
    return round(QFontInfo(widget.font()).pixelSize() * factor)


def restyled(event: QEvent) -> bool:
    """The style sheet's colour and size reach a widget as these events (also on a tile's check)."""
    return event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange)


class Pictogram(QLabel):
    """A pictogram in a tile, in the colour and at a multiple of the size of the text it styles
    like (a tile gives it the same style properties as its words). It has no words of its own,
    so the tile's accessible name stays its text."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.name, self.factor = "", factor
        self.setObjectName("pictogram")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._drawn: tuple[str, int, int, float] = ("", 0, 0, 0.0)
        self.hide()

    def set_name(self, name: str) -> None:
        self.name = name
        self.setVisible(bool(name))
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if restyled(event):
            self._redraw()

    def _redraw(self) -> None:
        """Draws only when the name, size or colour changed: style events come often."""
        if not self.name:
            return
        colour = self.palette().color(self.foregroundRole())
        key = (self.name, side_for(self, self.factor), colour.rgba(), self.devicePixelRatioF())
        if key != self._drawn:
            self._drawn = key
            self.setPixmap(render(self.name, key[1], colour, key[3]))
