"""The officer actions on record, written out for whoever oversees the kiosk.

The audit log itself lives in the database (append-only by trigger); this module turns
it into a CSV file a supervisor can open in a spreadsheet.
"""

import csv
import json

COLUMNS = ("at", "actor", "action", "detail")


def write_csv(entries: list[dict], out) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([entry["at"], entry["actor"], entry["action"],
                         json.dumps(entry["detail"], ensure_ascii=False, sort_keys=True)])
    return len(entries)
