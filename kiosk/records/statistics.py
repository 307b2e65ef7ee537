"""Participation figures from a cube of attendance counts, the same on every kiosk and at the hub.

A kiosk counts its own attendance; the hub counts every kiosk's. Both reduce their records to
rows of (event, gender, age band, worst Washington Group answer, count) and sum them here, so
"youth", "with a disability" and every share mean the same in a kiosk's report and in the
programme's: youth is the age band 16-30 (UU 40/2009); a person has a disability when any domain
is answered 3 "a lot of difficulty" or 4 "cannot do at all".
"""

from collections.abc import Iterable
from typing import Any

from kiosk.records.models import AGE_BANDS, GENDERS
from kiosk.records.protocol import DISABILITY_FROM, YOUTH_BAND

FactRow = tuple[str, str, str, int, int]  # event, gender, age band, worst WG-SS answer (0: none), count


def share(count: int, total: int) -> float:
    """`count` as a percentage of `total`, one decimal (0 of nothing is 0)."""
    return round(100 * count / total, 1) if total else 0.0


def _percent(value: Any, total: int) -> Any:
    if isinstance(value, dict):
        return {key: _percent(item, total) for key, item in value.items()}
    return share(value, total)


def people(rows: Iterable[FactRow]) -> dict[str, Any]:
    """The attendance breakdowns of DESIGN.md's JSON (`total`, `by_gender`, `by_age_band`, `youth`,
    `with_disability`, `wgss_answered`, `by_gender_disability`, `by_gender_youth`, `percent`)."""
    counts: dict[str, Any] = {
        "total": 0,
        "by_gender": dict.fromkeys(GENDERS, 0),
        "by_age_band": dict.fromkeys(AGE_BANDS, 0),
        "youth": 0,
        "with_disability": 0,
        "wgss_answered": 0,
        "by_gender_disability": dict.fromkeys(GENDERS, 0),
        "by_gender_youth": dict.fromkeys(GENDERS, 0),
    }
    for _event, gender, band, worst, count in rows:
        counts["total"] += count
        counts["by_gender"][gender] += count
        counts["by_age_band"][band] += count
        counts["wgss_answered"] += count if worst > 0 else 0
        if worst >= DISABILITY_FROM:
            counts["with_disability"] += count
            counts["by_gender_disability"][gender] += count
        if band == YOUTH_BAND:
            counts["youth"] += count
            counts["by_gender_youth"][gender] += count
    counts["percent"] = _percent({k: v for k, v in counts.items() if k != "total"}, counts["total"])
    return counts
