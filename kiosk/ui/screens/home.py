"""The first screen a citizen sees: four big tiles, nothing else to learn."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.ui import pictograms
from kiosk.ui.widgets import Screen, Tile, label, scrolling


class HomeScreen(Screen):
    chosen = Signal(str)  # "complaint", "attendance", "status" or "about"

    def __init__(self) -> None:
        super().__init__()
        self.welcome = label("question")
        self.tiles = {key: Tile(factor=3.0) for key in ("complaint", "attendance", "status", "about")}
        grid_box = QWidget()
        self.grid = QGridLayout(grid_box)
        self.grid.setSpacing(16)
        for key, tile in self.tiles.items():
            tile.setParent(grid_box)  # in reading order, which is also the Tab order
            tile.set_pictogram(pictograms.HOME[key])
            tile.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.welcome)
        layout.addWidget(scrolling(grid_box), 1)
        self.event_name = ""
        self.place = ""
        self.set_event(None)

    def set_place(self, kiosk_name: str) -> None:
        self.place = kiosk_name
        self.retranslate()

    def set_event(self, name: str | None) -> None:
        """Attendance is offered only while an event is open for registration."""
        self.event_name = name or ""
        visible = [key for key in self.tiles if key != "attendance" or name]
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for index, key in enumerate(visible):
            self.grid.addWidget(self.tiles[key], index // 2, index % 2)
        self.tiles["attendance"].setVisible(bool(name))
        self.retranslate()

    def start(self) -> None:
        self.tiles["complaint"].setFocus()

    def reset(self) -> None:
        pass

    def speech_text(self) -> str:
        tiles = [tile for tile in self.tiles.values() if not tile.isHidden()]
        return " ".join([self.welcome.text(), *(f"{t.title.text()}: {t.detail.text()}." for t in tiles)])

    def retranslate(self) -> None:
        if self.place:
            self.welcome.setText(_("Welcome to {place}. What would you like to do?").format(place=self.place))
        else:
            self.welcome.setText(_("Welcome. What would you like to do?"))
        self.tiles["complaint"].set_texts(
            _("File a report"), _("A complaint, an aspiration or a request for information")
        )
        self.tiles["attendance"].set_texts(
            _("Register attendance"), _("For the event: {name}").format(name=self.event_name)
        )
        self.tiles["status"].set_texts(_("Check report status"), _("With the report number on your receipt"))
        self.tiles["about"].set_texts(_("About LAPOR!"), _("What LAPOR! is and how your report is handled"))
