"""Catalogs: complete in both languages, placeholders kept, in step with the sources."""

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, CatalogMissing, load_catalog, set_language
from kiosk.paths import locales_dir

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def catalog(language: str):
    with open(locales_dir() / language / "LC_MESSAGES" / "kiosk.po", "rb") as po:
        return read_po(po, locale=language)


def source_messages() -> set[str]:
    found = extract_from_dir(ROOT / "kiosk", keywords={"_": None, "N_": None, "ngettext": (1, 2)})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_compiled_catalogs_load():
    """Every offered language has a compiled catalog that really translates."""
    for language in LANGUAGES:
        assert isinstance(load_catalog(language), gettext.GNUTranslations)
    assert load_catalog("id").gettext("is required") == "wajib diisi"


def test_a_missing_catalog_is_loud():
    with pytest.raises(CatalogMissing):
        set_language("xx")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_in_step_with_the_sources(language):
    """Each message in the code is in the catalog, translated, not fuzzy, same placeholders."""
    entries = {m.id: m for m in catalog(language) if m.id}
    assert source_messages() - set(entries) == set(), "run `make update-locales`"
    for msgid, message in entries.items():
        assert message.string, f"untranslated: {msgid}"
        assert not message.fuzzy, f"fuzzy: {msgid}"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_indonesian_has_one_plural_form():
    assert catalog("id").plural_forms == "nplurals=1; plural=0;"


def test_every_material_exists_in_both_languages_and_renders(qapp):
    """Same number of materials per language, each with a title and text a browser shows."""
    from PySide6.QtWidgets import QTextBrowser

    from kiosk import materials
    from kiosk.ui.screens.about import show

    by_language = {language: materials.load(language) for language in LANGUAGES}
    assert len({len(items) for items in by_language.values()}) == 1 and len(by_language["id"]) >= 4
    browser = QTextBrowser()
    for language, items in by_language.items():
        for item in items:
            show(browser, item)
            shown = browser.toPlainText()
            assert item.title in shown and len(shown) > 200, (language, item.path.name)
            assert "#" not in shown.splitlines()[0]  # Markdown was rendered, not shown raw


@pytest.mark.parametrize(
    ("language", "day", "number", "percent"),
    [("id", "17 Agustus 2026", "1.234.567", "41,3%"), ("en", "August 17, 2026", "1,234,567", "41.3%")],
)
def test_dates_numbers_and_percentages_follow_the_language(language, day, number, percent):
    from kiosk.i18n import format_day, format_number, format_percent

    set_language(language)
    assert (format_day("2026-08-17"), format_number(1234567), format_percent(41.3)) == (day, number, percent)
    assert format_percent(0) == ("0,0%" if language == "id" else "0.0%")
    assert format_percent(100) == ("100,0%" if language == "id" else "100.0%")


def test_an_officer_drops_in_an_html_material_with_an_image(qapp, tmp_path):
    """A page and its picture put in the data folder show on the About screen, pictures drawn,
    titled from the HTML; a file named like a shipped one replaces it; stray files are ignored."""
    from PySide6.QtGui import QColor, QImage

    from kiosk import materials
    from kiosk.ui.screens.about import AboutScreen

    folder = materials.officer_dir(tmp_path) / "en"
    folder.mkdir(parents=True)
    picture = QImage(120, 120, QImage.Format.Format_RGB32)
    picture.fill(QColor("#ff0000"))
    assert picture.save(str(folder / "map.png"))
    (folder / "05-posko.html").write_text(
        "<html><head><title>Complaint post &amp; hours</title></head><body>"
        "<h1>Complaint post</h1><p>Open every Monday.</p><img src='map.png'></body></html>",
        encoding="utf-8",
    )
    shipped_first = materials.load("en")[0].path.name
    (folder / shipped_first).write_text("# Our own introduction\n\nWritten by the district office.\n")
    (folder / "notes.txt").write_text("not a material")
    (folder / "06-broken.md").write_bytes(b"\xff\xfe\x00not utf-8")

    screen = AboutScreen(tmp_path)
    screen.resize(1024, 600)
    screen.start()
    titles = [screen.menu.item(row).text() for row in range(screen.menu.count())]
    assert titles[0] == "Our own introduction" and titles[-1] == "Complaint post & hours"
    assert len(titles) == len(materials.load("en")) + 1
    screen.menu.setCurrentRow(len(titles) - 1)
    assert "Open every Monday." in screen.speech_text()
    image = screen.text.viewport().grab().toImage()
    reds = sum(
        image.pixelColor(x, y) == QColor("#ff0000")
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    )
    assert reds > 100  # the picture was found beside the page and drawn


def console_messages() -> set[str]:
    """What the staff console's code and templates mark for translation (its `hub` domain)."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "hub/console/babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT, method_map, options_map, keywords={"_": None, "N_": None, "ngettext": (1, 2)})
    return {message[2] if isinstance(message[2], str) else message[2][0] for message in found}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consoles_catalog_is_complete_and_in_step_with_its_sources(language):
    with open(ROOT / f"locales/{language}/LC_MESSAGES/hub.po", "rb") as po:
        entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(po) if m.id}
    assert console_messages() - set(entries) == set(), "run `make update-locales`"
    for msgid, message in entries.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {msgid}"
        assert not message.fuzzy, f"fuzzy: {msgid}"
