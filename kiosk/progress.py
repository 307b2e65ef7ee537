"""What a citizen is told about their report, the same words on the status screen and in `kiosk status`."""

from typing import Any

from kiosk import questions
from kiosk.i18n import _


def describe(progress: dict[str, Any]) -> list[str]:
    """Lines for `Store.complaint_progress()`: the status from the hub, else where the report is."""
    if progress.get("withdrawn"):
        return [
            _(
                "Consent withdrawn: the details of this report were erased from this kiosk and the agency was"
                " asked to erase them too."
            )
        ]
    if progress.get("status"):
        status = questions.COMPLAINT_STATUS[progress["status"]]
        lines = [_("Status: {status}").format(status=_(status))]
        if progress.get("note"):
            lines.append(_("Note from the agency: {note}").format(note=progress["note"]))
    elif progress.get("sync_state") == "acked":
        lines = [_("Status: sent to the agency, waiting for verification.")]
    else:
        lines = [_("Status: saved on this kiosk, to be sent when the kiosk is online.")]
    if progress.get("tracking_id"):
        lines.append(_("Number at the intake office: {tracking}").format(tracking=progress["tracking_id"]))
    return lines
