"""Rules that span several fields, which a JSON Schema cannot say.

They run after the models accepted every field, so values have their types here.
"""

from datetime import date, datetime, timedelta
from typing import Any

from kiosk.records.errors import FieldError

AGE_BAND_RANGES = {"0-15": (0, 15), "16-30": (16, 30), "31-45": (31, 45), "46-60": (46, 60), "61+": (61, 120)}


def _latest_today(created_at: str) -> date:
    """The latest day it can be: by this machine's clock or by the recording device's, plus a
    day for time zones. Village clocks run wrong both ways; a record valid once stays valid."""
    latest = max(date.today(), datetime.fromisoformat(created_at).date())
    return latest if latest == date.max else latest + timedelta(days=1)


def cross_field_errors(record: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if record.get("supersedes") == record["uuid"]:
        errors.append(FieldError("supersedes", "supersedes_itself"))
    location = record.get("location", {})
    if ("lat" in location) != ("lon" in location):
        errors.append(FieldError("location.lat" if "lat" in location else "location.lon", "lat_lon_pair"))
    kind = record["kind"]
    if kind == "event":
        ends_on, starts_on = record.get("ends_on"), record["starts_on"]
        if ends_on is not None and date.fromisoformat(ends_on) < date.fromisoformat(starts_on):
            errors.append(FieldError("ends_on", "ends_before_start", {"starts_on": starts_on}))
    elif kind == "attendance":
        age, band = record.get("age"), record["age_band"]
        low, high = AGE_BAND_RANGES.get(band, (None, None))
        if age is not None and (low is None or not low <= age <= high):
            errors.append(FieldError("age", "age_outside_band", {"age": age, "age_band": band}))
    elif kind == "complaint":
        incident = record.get("incident_date")
        if incident is not None and date.fromisoformat(incident) > _latest_today(record["created_at"]):
            errors.append(FieldError("incident_date", "incident_in_future"))
        if record["anonymous"] and any(record.get("reporter", {}).values()):
            errors.append(FieldError("reporter", "reporter_on_anonymous"))
    return errors
