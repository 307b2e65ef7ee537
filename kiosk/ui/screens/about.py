"""About LAPOR!: the outreach materials of the current language, to read or hear.

Materials are read again each time the screen opens, so a file an officer drops into the
data folder shows up without a restart.
"""

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QListView, QListWidget, QTextBrowser, QVBoxLayout

from kiosk import materials
from kiosk.i18n import _, current_language
from kiosk.ui.widgets import Screen, button, set_text


class AboutScreen(Screen):
    left = Signal()

    def __init__(self, data_dir: Path | None = None):
        super().__init__()
        self.data_dir = data_dir
        self.items: list[materials.Material] = []
        self.shown_language: str | None = None  # whose materials are on show
        self.menu = QListWidget()  # wraps long titles and scrolls by itself at 200% text
        self.menu.setWordWrap(True)
        self.menu.setResizeMode(QListView.ResizeMode.Adjust)
        self.menu.currentRowChanged.connect(self.show_item)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)  # a kiosk page never navigates away
        self.back_button = button()
        self.back_button.clicked.connect(self.left.emit)
        body = QHBoxLayout()
        body.addWidget(self.menu, 1)
        body.addWidget(self.text, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addLayout(body, 1)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        layout.addLayout(nav)
        self.retranslate()

    def start(self) -> None:
        self.shown_language = None
        self.retranslate()

    def reset(self) -> None:
        pass

    def retranslate(self) -> None:
        set_text(self.back_button, _("Back"))
        self.text.setAccessibleName(_("About LAPOR!"))
        self.menu.setAccessibleName(_("About LAPOR!"))
        language = current_language() or "id"
        if language == self.shown_language:
            return
        self.shown_language = language
        self.items = materials.load(language, self.data_dir)
        self.menu.clear()
        self.menu.addItems([item.title for item in self.items])
        if self.items:
            self.menu.setCurrentRow(0)

    def speech_text(self) -> str:
        return self.text.toPlainText()

    def show_item(self, index: int) -> None:
        if 0 <= index < len(self.items):
            show(self.text, self.items[index])


def show(browser: QTextBrowser, material: materials.Material) -> None:
    """Render `material`, its images and links found beside its file."""
    browser.document().setBaseUrl(QUrl.fromLocalFile(str(material.path.parent) + "/"))
    if material.format == "html":
        browser.setHtml(material.text)
    else:
        browser.setMarkdown(material.text)
