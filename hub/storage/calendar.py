"""The admin's corrections to the national calendar of days off (DESIGN.md, "Working days").

Joint leave is decreed year by year, and now and then cancelled, after the `holidays` package
that knows the national calendar was released; a region or an office closes on a day of its
own. One row per day says what that day is, whatever the package says: a day off, or a working
day. The console reads them for the deadlines of every page it shows, so a change counts at
once on every hub process. Each change is written to the audit log in its transaction, with
its note: the row keeps only the last one.
"""

from dataclasses import dataclass
from datetime import date

from hub.storage.base import Storage, now
from hub.storage.staff import audit

DAY_OFF_SET, DAY_OFF_REMOVED = "day_off_set", "day_off_removed"


@dataclass(frozen=True)
class Override:
    day: date
    working: bool  # False: a day off
    note: str  # why, for the next admin: the decree, the closure
    changed_by: str
    changed_at: str  # UTC text


class DaysOff:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def overrides(self, year: int) -> list[Override]:
        """The overrides of `year`, in date order."""
        with self.storage.writing() as run:
            rows = run(
                "SELECT day, working, note, changed_by, changed_at FROM days_off"
                " WHERE day >= ? AND day < ? ORDER BY day",
                [date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat()],
            )
        return [
            Override(date.fromisoformat(day), bool(working), note, changed_by, changed_at)
            for day, working, note, changed_by, changed_at in rows
        ]

    def working_by_day(self) -> dict[date, bool]:
        """Every day an override names, and whether it is a working day: what deadlines count by.
        All of them, as there are a few dozen a year at most."""
        with self.storage.writing() as run:
            rows = run("SELECT day, working FROM days_off")
        return {date.fromisoformat(day): bool(working) for day, working in rows}

    def set(self, day: date, working: bool, note: str, actor: str, address: str) -> None:
        """Makes `day` a working day or a day off, in place of what was set for it before."""
        with self.storage.writing() as run:
            run(
                "INSERT INTO days_off (day, working, note, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (day) DO UPDATE SET working = excluded.working, note = excluded.note,"
                " changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                [day.isoformat(), working, note, actor, now()],
            )
            audit(run, actor, DAY_OFF_SET, f"{day.isoformat()} {'working' if working else 'off'}: {note}", address)

    def remove(self, day: date, actor: str, address: str) -> None:
        """The package's word on `day` counts again. Removing what is not there changes nothing
        and is not audited: a second click on the same button."""
        with self.storage.writing() as run:
            if run("DELETE FROM days_off WHERE day = ? RETURNING day", [day.isoformat()]):
                audit(run, actor, DAY_OFF_REMOVED, day.isoformat(), address)
