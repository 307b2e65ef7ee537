"""Building blocks shared by the screens: labels, buttons, big tiles, choice lists."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _
from kiosk.ui import pictograms

if TYPE_CHECKING:  # for annotations only: nothing more to load before the first frame
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QKeyEvent, QResizeEvent


def running_app() -> QApplication:
    """The application every widget lives in (made before the first one)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("no QApplication is running")
    return app


def label(name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setWordWrap(wrap)
    if name:
        widget.setObjectName(name)
    return widget


class Button(QPushButton):
    """A push button that Enter presses too, not only Space: keyboard users expect both."""

    def keyPressEvent(self, event: "QKeyEvent") -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
        else:
            super().keyPressEvent(event)


def button(name: str = "") -> QPushButton:
    widget = Button()
    if name:
        widget.setObjectName(name)
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return widget


def set_text(widget: QAbstractButton | QLabel, text: str, description: str = "") -> None:
    """Sets visible text and the accessible name screen readers announce, together."""
    widget.setText(text)
    widget.setAccessibleName(text.replace("&", ""))
    if description:
        widget.setAccessibleDescription(description)


def column() -> tuple[QWidget, QVBoxLayout]:
    """A plain box stacking its content, for a screen's body."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    return box, layout


def show_hint(widget: QLabel, hint: str) -> None:
    """Shows a translated hint, or hides the label when there is none."""
    widget.setText(_(hint) if hint else "")
    widget.setVisible(bool(hint))


def clear_layout(layout: QLayout) -> None:
    """Removes and deletes a layout's widgets now, so none lingers on screen until deletion."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


def fit_wrapped(labels: Iterable[QLabel], width: int) -> None:
    """Wrapped labels keep the height their text needs at `width` (a scroll area would squeeze them)."""
    for text in labels:
        text.setMinimumHeight(text.heightForWidth(width) if text.text() else 0)


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Sets a property that the style sheet selects on, and makes the style see the change.
    Only a change, and only in a window already shown: a window is styled as it first shows,
    and asking for the style before then loads the enum types of QStyle and of the `Qt`
    namespace (about 20 ms) ahead of the first frame."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if widget.window().isVisible():
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def scrolling(content: QWidget) -> "Scroller":
    """Wraps content that may outgrow a small screen at large text sizes."""
    return Scroller(content)


class Scroller(QScrollArea):
    """A scroll area whose hidden part is never a secret: while more lies below, a "more below"
    cue sits at its foot, and a tap on it turns a page. A thick bar (the style sheet's) is not
    enough alone: a first-time user does not know what a scroll bar is."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop of its own: Tab goes to what is inside
        self.setWidget(content)
        self.more = QPushButton(self)  # the area's child, not the content's: it stays put as the content moves
        self.more.setObjectName("moreBelow")
        self.more.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab scrolls to what it reaches anyway
        self.more.clicked.connect(self.page_down)
        self.more.hide()
        self.retranslate()
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self.place_cue)
        bar.rangeChanged.connect(self.place_cue)
        running_app().focusChanged.connect(self.place_cue)

    def retranslate(self) -> None:
        set_text(self.more, "↓ " + _("More below"))
        self.more.setAccessibleName(_("More below"))
        self.place_cue()

    def page_down(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + bar.pageStep())

    def typing_here(self) -> bool:
        """A text field in this area has the focus: the on-screen keyboard keeps it in sight, and
        a cue over the view's foot could hide it."""
        focus = running_app().focusWidget()
        content = self.widget()
        return (
            focus is not None and content is not None and content.isAncestorOf(focus) and text_field(focus) is not None
        )

    def place_cue(self, *_args: object) -> None:
        bar = self.verticalScrollBar()
        wanted = bar.value() < bar.maximum() and not self.typing_here()
        if wanted:
            view, hint = self.viewport().geometry(), self.more.sizeHint()  # in the corner: it hides the least
            self.more.setGeometry(
                view.right() - hint.width() - 6, view.bottom() - hint.height() - 6, hint.width(), hint.height()
            )
            self.more.raise_()
        if wanted != self.more.isVisible():
            self.more.setVisible(wanted)

    def resizeEvent(self, event: "QResizeEvent") -> None:
        super().resizeEvent(event)
        self.place_cue()


TextField = QLineEdit | QPlainTextEdit | QTextEdit


def text_field(widget: QWidget | None) -> TextField | None:
    """`widget` if it takes typed text, else None."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and not widget.isReadOnly():
        return widget
    return None


class Screen(QWidget):
    """One screen of the window: `start` shows it afresh, `reset` forgets everything a person
    entered, `retranslate` follows the language, `speech_text` is what read-aloud says of it."""

    def start(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def speech_text(self) -> str:
        raise NotImplementedError

    def holding(self) -> bool:
        """The person is busy without touching the screen (speaking into the microphone): the
        idle countdown must not take the screen from them."""
        return False


class CheckBox(QCheckBox):
    """A check box that a tap anywhere on its row toggles, not just on the small square; with a
    `pictogram` (a name in kiosk.ui.pictograms.CHECKS), drawn as its icon between box and words."""

    def __init__(self, text: str = "", pictogram: str = "") -> None:
        super().__init__(text)
        self.pictogram = pictogram
        self._drawn: tuple[int, int, float] = (0, 0, 0.0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self.pictogram and pictograms.restyled(event):
            colour = self.palette().color(self.foregroundRole())
            side = pictograms.side_for(self, 1.8)
            key = (side, colour.rgba(), self.devicePixelRatioF())
            if key != self._drawn:  # style events come often; draw only what changed
                self._drawn = key
                self.setIconSize(QSize(side, side))
                self.setIcon(QIcon(pictograms.render(self.pictogram, side, colour, key[2])))

    def hitButton(self, pos: "QPoint") -> bool:
        return self.rect().contains(pos)


class Tile(Button):
    """A big button with a bold title and a wrapped sentence under it, and a pictogram to their
    left (`set_pictogram`) `factor` times the size of the body text."""

    def __init__(self, checkable: bool = False, factor: float = 2.0):
        super().__init__()
        self.title, self.detail = label("tileTitle"), label()
        self.picture = pictograms.Pictogram(factor)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(14, 8, 14, 8)
        self.row.setSpacing(12)
        self.row.addWidget(self.picture)
        self.texts = QVBoxLayout()
        self.texts.setSpacing(2)
        self.texts.addStretch(1)
        self.row.addLayout(self.texts, 1)
        for part in (self.picture, self.title, self.detail):  # a plain label passes a tap on to the tile
            part.setProperty("tileText", True)
        for part in (self.title, self.detail):
            self.texts.addWidget(part)
        self.texts.addStretch(1)
        self.setCheckable(checkable)
        self.toggled.connect(self._restyle)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_texts(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(title)
        self.setAccessibleDescription(detail)
        self.updateGeometry()

    def set_pictogram(self, name: str) -> None:
        """A name in kiosk.ui.pictograms, or "" for none."""
        self.picture.set_name(name)

    def sizeHint(self) -> QSize:
        return self.row.sizeHint().expandedTo(QSize(48, 48))

    def minimumSizeHint(self) -> QSize:
        return self.row.minimumSize().expandedTo(QSize(48, 48))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(48, self.row.heightForWidth(width))

    def _restyle(self, checked: bool) -> None:
        for part in (self.picture, self.title, self.detail):
            set_style_property(part, "onAccent", checked)


class ChoiceList(QWidget):
    """One tile per option, one of them chosen; `chosen` fires on every tap."""

    chosen = Signal(object)

    def __init__(self, options: Sequence[tuple[object, str, str]], factor: float = 2.0):
        """options: (value, title msgid, detail msgid or ""); `factor`: the pictograms' size, as for Tile."""
        super().__init__()
        self.options = options
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.tiles: dict[object, Tile] = {}
        self.columns = 0
        for value, _title, _detail in options:
            tile = Tile(checkable=True, factor=factor)
            tile.set_pictogram(pictograms.ANSWERS.get(value, ""))
            tile.clicked.connect(lambda _checked=False, v=value: self.chosen.emit(v))
            self.group.addButton(tile)
            self.tiles[value] = tile
        # Short answers without explanations sit two to a row, so four to six fit a small screen.
        self.set_columns(2 if len(options) > 3 and not any(detail for _v, _t, detail in options) else 1)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.retranslate()

    def set_columns(self, columns: int) -> None:
        """Lays the tiles out `columns` to a row, in the order of the options."""
        if columns == self.columns:
            return  # style changes come often; moving tiles costs a layout
        self.columns = columns
        for index, tile in enumerate(self.tiles.values()):
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, index // columns, index % columns)

    def retranslate(self) -> None:
        for value, title, detail in self.options:
            self.tiles[value].set_texts(_(title), _(detail) if detail else "")

    def value(self) -> object:
        """The chosen answer's value, or None."""
        return next((value for value, tile in self.tiles.items() if tile.isChecked()), None)

    def speech_text(self) -> str:
        return " ".join(f"{tile.title.text()}. {tile.detail.text()}".strip() for tile in self.tiles.values())

    def focus_tile(self) -> Tile:
        """The chosen answer, or the first one: keyboard users start on the answers."""
        return self.tiles.get(self.value()) or next(iter(self.tiles.values()))

    def set_value(self, value: object) -> None:
        self.group.setExclusive(False)
        for key, tile in self.tiles.items():
            tile.setChecked(key == value)
        self.group.setExclusive(True)
