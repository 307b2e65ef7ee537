"""Outreach materials: Markdown files per language, dropped into `outreach_materials/<lang>/`.

The title of a material is its first `# ` heading; files are listed in name order, so
officers control the order with a numeric prefix (`01-…`, `02-…`).
"""

from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import DEFAULT_LANGUAGE
from kiosk.paths import resource_dir


@dataclass(frozen=True)
class Material:
    title: str
    markdown: str
    path: Path


def materials_dir() -> Path:
    return resource_dir() / "outreach_materials"


def load(language: str) -> list[Material]:
    """The materials of `language`, or of the default language when it has none."""
    folder = materials_dir()
    paths = sorted((folder / language).glob("*.md")) or sorted((folder / DEFAULT_LANGUAGE).glob("*.md"))
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        found.append(Material(title, text, path))
    return found
