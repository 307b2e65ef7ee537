"""About LAPOR!: the outreach materials of the current language, to read or hear."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from kiosk import materials
from kiosk.i18n import _, current_language
from kiosk.ui.widgets import button, clear_layout, set_text


class AboutScreen(QWidget):
    left = Signal()

    def __init__(self):
        super().__init__()
        self.items: list[materials.Material] = []
        self.shown_language = None
        self.cache: dict[str, list[materials.Material]] = {}  # read once per language, not at every reset
        self.menu = QVBoxLayout()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.back_button = button()
        self.back_button.clicked.connect(self.left.emit)
        body = QHBoxLayout()
        body.addLayout(self.menu, 1)
        body.addWidget(self.text, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addLayout(body, 1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        layout.addLayout(nav)
        self.retranslate()

    def start(self) -> None:
        self.retranslate()

    def reset(self) -> None:
        pass

    def retranslate(self) -> None:
        set_text(self.back_button, _("Back"))
        self.text.setAccessibleName(_("About LAPOR!"))
        language = current_language() or "id"
        if language == self.shown_language:
            return
        self.shown_language = language
        clear_layout(self.menu)
        if language not in self.cache:
            self.cache[language] = materials.load(language)
        self.items = self.cache[language]
        for index, item in enumerate(self.items):
            entry = button()
            entry.setCheckable(True)
            entry.setAutoExclusive(True)
            set_text(entry, item.title)
            entry.clicked.connect(lambda _checked=False, i=index: self.show_item(i))
            self.menu.addWidget(entry)
        self.menu.addStretch(1)
        if self.items:
            self.show_item(0)

    def speech_text(self) -> str:
        return self.text.toPlainText()

    def show_item(self, index: int) -> None:
        self.text.setMarkdown(self.items[index].markdown)
        self.menu.itemAt(index).widget().setChecked(True)
