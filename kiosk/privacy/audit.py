"""The officer actions on record, written out for whoever oversees the kiosk.

The audit log itself lives in the database (append-only by trigger); this module turns
it into a CSV file a supervisor can open in a spreadsheet.
"""

import csv
import json
from typing import Any, TextIO

from kiosk.i18n import N_

COLUMNS = ("at", "actor", "action", "detail")
ACTIONS = {
    "pin_set": N_("Officer PIN set"),
    "officer_login": N_("Officer mode opened"),
    "pin_failed": N_("Wrong PIN"),
    "pin_lockout": N_("PIN locked after wrong tries"),
    "settings_change": N_("Settings changed"),
    "enroll": N_("Enrolled with a hub"),
    "import": N_("Records imported"),
    "export": N_("Records exported"),
    "stats_export": N_("Statistics saved"),
    "audit_export": N_("Audit log saved"),
    "quarantine_send_again": N_("Quarantined record sent again"),
    "purge": N_("Personal details erased (retention)"),
    "consent_withdrawn": N_("Consent withdrawn"),
}


def write_csv(entries: list[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry["at"],
                entry["actor"],
                entry["action"],
                json.dumps(entry["detail"], ensure_ascii=False, sort_keys=True),
            ]
        )
    return len(entries)


def describe_detail(detail: dict[str, Any]) -> str:
    """One line for a person: `keys: district, village; records: 3`."""
    return "; ".join(
        f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}" for key, value in detail.items()
    )
