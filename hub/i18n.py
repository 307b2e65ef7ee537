"""The hub's words (the console's pages, the notes and SMS to citizens) in Indonesian (the default)
and English, from the `hub` gettext domain.

Catalogs are compiled from `locales/<lang>/LC_MESSAGES/hub.po`; a missing catalog is an error
at start, never a silent fall back to the source strings.
"""

from functools import cache
from pathlib import Path

from babel.support import Translations

DOMAIN = "hub"
LANGUAGES = ("id", "en")
DEFAULT = "id"
LOCALES = Path(__file__).resolve().parents[1] / "locales"


class CatalogMissing(Exception):
    """A language's compiled catalog is not where the hub looks for it."""


def N_(message: str) -> str:
    """Marks a string for extraction, translated later where it is shown."""
    return message


@cache
def translations(language: str) -> Translations:
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not path.is_file():
        raise CatalogMissing(f"no compiled '{language}' catalog of the hub at {path}")
    with open(path, "rb") as catalog:
        return Translations(catalog, domain=DOMAIN)


def chosen(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT
