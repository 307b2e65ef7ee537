"""What a citizen is told about their report, the same words on the status screen and in `kiosk status`."""

from typing import Any

from kiosk import questions
from kiosk.i18n import _


def describe(progress: dict[str, Any]) -> list[str]:
    """Lines for `Store.complaint_progress()`: the status from the hub, else where the report is;
    its tracking numbers; and the citizen's verdict, once given."""
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
    if progress.get("national_tracking_id"):  # the one number that works beyond this kiosk
        lines.append(
            _("SP4N-LAPOR! number: {number}. Check it at lapor.go.id or by SMS to 1708.").format(
                number=progress["national_tracking_id"]
            )
        )
    elif progress.get("tracking_id"):  # until then, the number the agency's office finds it by
        lines.append(_("Number at the intake office: {tracking}").format(tracking=progress["tracking_id"]))
    verdict = progress.get("verdict")
    if verdict:
        lines.append(_answered(verdict["rating"]))
        if verdict["written"] or verdict["spoken"]:
            lines.append(_("You also told us why."))
    return lines


def _answered(rating: int) -> str:
    """The verdict given, in the words of its question and answer."""
    value = next(value for value, number in questions.RATING.items() if number == rating)
    words = dict((value, title) for value, title, _detail in questions.VERDICT)[value]
    return _("Did the follow-up solve your problem? You answered: {answer}").format(answer=_(words))
