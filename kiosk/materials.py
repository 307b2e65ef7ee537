"""Outreach materials: Markdown or simple HTML files per language, read and heard at the kiosk.

The kiosk ships its own in `outreach_materials/<lang>/`; officers add theirs, with any
images beside them, in the same layout under the data folder, so a copied bundle never
has to be edited. Files are listed in name order (`01-…`, `02-…`); an officer's file with
the same name as a shipped one replaces it. The title is the first `# ` heading (Markdown)
or the `<title>`/first `<h1>` (HTML).
"""

import html
import re
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import DEFAULT_LANGUAGE
from kiosk.paths import resource_dir

FOLDER = "outreach_materials"
SUFFIXES = {".md": "markdown", ".html": "html", ".htm": "html"}
MAX_BYTES = 1024 * 1024  # a page to read at a kiosk, not a document archive
_HTML_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Material:
    title: str
    text: str
    format: str  # "markdown" or "html"
    path: Path  # images and links are relative to its folder


def shipped_dir() -> Path:
    return resource_dir() / FOLDER


def officer_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.name: p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()}


def _title(text: str, kind: str, path: Path) -> str:
    if kind == "markdown":
        heading = next((line[2:] for line in text.splitlines() if line.startswith("# ")), "")
    else:
        match = _HTML_TITLE.search(text)
        heading = html.unescape(_TAG.sub("", match.group(2))) if match else ""
    return " ".join(heading.split()) or path.stem


def _read(path: Path) -> Material | None:
    """A material, or None for a file too big or not UTF-8 (a stray file must not break the screen)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    kind = SUFFIXES[path.suffix.lower()]
    return Material(_title(text, kind, path), text, kind, path)


def count(language: str, data_dir: Path) -> tuple[int, int]:
    """How many pages of `language` the kiosk ships, and how many officers added."""
    return len(_files(shipped_dir() / language)), len(_files(officer_dir(data_dir) / language))


def load(language: str, data_dir: Path | None = None) -> list[Material]:
    """The materials of `language` (the default language's when it has none), officers' included."""
    for lang in (language, DEFAULT_LANGUAGE):
        files = _files(shipped_dir() / lang)
        if data_dir is not None:
            files |= _files(officer_dir(data_dir) / lang)
        if files:
            return [m for name in sorted(files) if (m := _read(files[name])) is not None]
    return []
