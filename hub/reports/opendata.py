"""Open data (`kiosk-hub open-data`): the fleet's figures as tables anyone may reuse (CC BY 4.0).

Only aggregates leave: counts by province and by a fixed list of answers, never free text (a
province is one of Indonesia's 38 or "other", whatever was typed), never a category a citizen
wrote, never a word of a report; confidential reports are counted like the others and described
no further. Small counts, and the counts beside them that would give them away through the totals,
are hidden (hub.reports.disclosure). Each table comes as CSV and JSON, described in
datapackage.json (a Frictionless data package: the data dictionary) beside the licence.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.reports import disclosure
from hub.storage import participation
from hub.storage.base import Storage
from kiosk.records.models import AGE_BANDS, CLASSIFICATIONS, GENDERS
from kiosk.records.protocol import DISABILITY_FROM

PROVINCES = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
    "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta", "Jawa Barat", "Banten", "Jawa Tengah",
    "DI Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat",
    "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara",
    "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku",
    "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Selatan", "Papua Tengah",
    "Papua Pegunungan",
)  # fmt: skip
OTHER, TOTAL = "other", "total"
LICENCE = "CC-BY-4.0"
LICENCE_TEXT = """These tables are published under the Creative Commons Attribution 4.0 International licence
(CC BY 4.0): https://creativecommons.org/licenses/by/4.0/
You may share and adapt them for any purpose, giving appropriate credit: "LAPOR! Field Kiosk".

Tabel-tabel ini diterbitkan dengan lisensi Creative Commons Atribusi 4.0 Internasional (CC BY 4.0).
"""
MARKERS = {
    disclosure.HIDDEN_SMALL: "a count from 1 to 4, hidden so that no one is singled out",
    disclosure.HIDDEN_BESIDE: "a count hidden so that a count under 5 cannot be worked out from the totals",
}


def province(name: str | None) -> str:
    """One of the 38 provinces as officially spelled (case and spaces forgiven), else "other"."""
    wanted = " ".join((name or "").split()).casefold()
    return next((known for known in PROVINCES if known.casefold() == wanted), OTHER)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    row_label: str
    columns: tuple[str, ...]
    counts: dict[str, list[int]]  # row -> a count per column

    def published(self) -> list[list[Any]]:
        """Rows (each starting with its label) with totals, the small counts and those beside them hidden."""
        if not self.counts:
            return [[TOTAL, *[0] * (len(self.columns) + 1)]]
        labels = [label for label in (*PROVINCES, OTHER) if label in self.counts]
        labels += sorted(label for label in self.counts if label not in labels)
        shown = disclosure.suppress(disclosure.with_totals([self.counts[label] for label in labels]))
        return [[label, *row] for label, row in zip([*labels, TOTAL], shown, strict=True)]


def _registrations(storage: Storage) -> list[Table]:
    events = participation.events(storage)
    by_gender: dict[str, list[int]] = {}
    by_band: dict[str, list[int]] = {}
    by_disability: dict[str, list[int]] = {}
    for event_uuid, _gender_day, gender, band, worst, n in participation.attendance(storage, None, None, None):
        event = events.get(event_uuid)
        place = province(event.province if event else None)
        by_gender.setdefault(place, [0] * len(GENDERS))[GENDERS.index(gender)] += n
        by_band.setdefault(place, [0] * len(AGE_BANDS))[AGE_BANDS.index(band)] += n
        by_disability.setdefault(place, [0, 0])[0 if worst >= DISABILITY_FROM else 1] += n
    return [
        Table(
            "registrations_by_province_and_gender",
            "Registrations at outreach events, by the event's province and gender",
            "province",
            GENDERS,
            by_gender,
        ),
        Table(
            "registrations_by_province_and_age_band",
            "Registrations at outreach events, by the event's province and age band",
            "province",
            AGE_BANDS,
            by_band,
        ),
        Table(
            "registrations_by_province_and_disability",
            "Registrations at outreach events, by the event's province and disability (Washington Group "
            "Short Set: any domain answered 'a lot of difficulty' or 'cannot do at all')",
            "province",
            ("with_disability", "without_disability_or_not_answered"),
            by_disability,
        ),
    ]


def _complaints(storage: Storage) -> Table:
    with storage.writing() as run:
        rows = run("SELECT province, classification, sum(n) FROM complaint_counts GROUP BY province, classification")
    counts: dict[str, list[int]] = {}
    for place, classification, n in rows:
        if int(n) and classification in CLASSIFICATIONS:
            counts.setdefault(province(place), [0] * len(CLASSIFICATIONS))[CLASSIFICATIONS.index(classification)] += (
                int(n)
            )
    return Table(
        "reports_by_province_and_type",
        "Reports filed at kiosks (confidential ones included), by the province the citizen named and type",
        "province",
        CLASSIFICATIONS,
        counts,
    )


def _write(folder: Path, table: Table) -> dict[str, Any]:
    published = table.published()
    header = [table.row_label, *table.columns, TOTAL]
    with open(folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(published)
    (folder / f"{table.name}.json").write_text(
        json.dumps(
            {"title": table.title, "rows": [dict(zip(header, row, strict=True)) for row in published]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "title": table.title,
        "format": "csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {
                    "name": table.row_label,
                    "type": "string",
                    "description": "one of Indonesia's 38 provinces, 'other', or 'total'",
                },
                *(
                    {
                        "name": column,
                        "type": "integer",
                        "description": f"count: {column}",
                        "missingValues": list(MARKERS),
                    }
                    for column in (*table.columns, TOTAL)
                ),
            ],
            "missingValues": list(MARKERS),
        },
    }


def write(storage: Storage, folder: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[Path]:
    """Every table, its JSON, the data dictionary and the licence into `folder`; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    resources = [_write(folder, table) for table in (*_registrations(storage), _complaints(storage))]
    package = {
        "name": "lapor-field-kiosk-open-data",
        "title": "LAPOR! Field Kiosk: participation and reports, aggregated",
        "created": now().isoformat(timespec="seconds"),
        "licenses": [{"name": LICENCE, "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "description": "Counts only: no free text and no personal data. Markers: "
        + "; ".join(f"{marker!r} {meaning}" for marker, meaning in MARKERS.items())
        + ". Registrations, not people: one person registered at two kiosks counts twice.",
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / "LICENSE.txt").write_text(LICENCE_TEXT, encoding="utf-8")
    return sorted(folder.iterdir())
