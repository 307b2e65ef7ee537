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

    by_language = {language: materials.load(language) for language in LANGUAGES}
    assert len({len(items) for items in by_language.values()}) == 1 and len(by_language["id"]) >= 4
    browser = QTextBrowser()
    for language, items in by_language.items():
        for item in items:
            browser.setMarkdown(item.markdown)
            shown = browser.toPlainText()
            assert item.title in shown and len(shown) > 200, (language, item.path.name)
            assert "#" not in shown.splitlines()[0]  # Markdown was rendered, not shown raw
