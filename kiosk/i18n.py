"""Translation of every user-visible string; Indonesian is the default language.

Catalogs are gettext `.mo` files compiled from `locales/<lang>/LC_MESSAGES/kiosk.po`.
A missing catalog raises, so a broken build is noticed instead of silently showing English.
"""

import gettext
from functools import cache
from pathlib import Path

from kiosk.paths import locales_dir

DOMAIN = "kiosk"
DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}  # each in its own language, never translated

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language: str | None = None


class CatalogMissing(Exception):
    """The compiled catalog for a language could not be loaded."""


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, where it is shown."""
    return message


def _catalog_path(language: str) -> Path:
    return locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def load_catalog(language: str) -> gettext.GNUTranslations:
    """Read once per language, from the one place it can be: `gettext.translation` would look
    through the locale variables first, and load the `locale` module to do it (1 ms at start-up)."""
    try:
        with _catalog_path(language).open("rb") as catalog:
            return gettext.GNUTranslations(catalog)
    except OSError as exc:
        raise CatalogMissing(f"no compiled '{language}' catalog in {locales_dir()} (run `make locales`)") from exc


def missing_catalogs() -> list[str]:
    """The offered languages whose compiled catalog is not there (looked for, not read)."""
    return [language for language in LANGUAGES if not _catalog_path(language).is_file()]


def set_language(language: str) -> None:
    """Switch every later `_()` to `language`; raises CatalogMissing if it cannot load."""
    global _translations, _language
    _translations = load_catalog(language)
    _language = language


def current_language() -> str | None:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def _locale() -> str:
    return _language or DEFAULT_LANGUAGE


def format_day(iso_date: str) -> str:
    """A date as people write it in the current language: "17 Agustus 2026", "17 August 2026"."""
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso_date), format="long", locale=_locale())


def format_number(value: int | float) -> str:
    """A count or amount in the current language: "1.234.567" in Indonesian, "1,234,567" in English."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale())


def format_percent(percent: float) -> str:
    """A percentage given as 0–100, with one decimal: "41,3%" in Indonesian, "41.3%" in English."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(percent / 100, format="#,##0.0%", locale=_locale())


def format_moment(iso_datetime: str) -> str:
    """A stored UTC time shown in the machine's time zone: "22 Nov 2026, 19.54"."""
    from datetime import datetime

    from babel.dates import format_datetime

    moment = datetime.fromisoformat(iso_datetime).astimezone()
    return format_datetime(moment, format="medium", tzinfo=moment.tzinfo, locale=_locale())
