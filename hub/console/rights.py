"""Who may see and do what in the console (DESIGN.md, "The staff console").

A liaison works for one agency and sees only what was passed to it; a viewer never sees
personal data; the verifier moves reports until they are passed on, the liaison after.
"""

from dataclasses import dataclass

from hub.i18n import N_
from hub.storage.casework import Complaint
from hub.storage.roles import ADMIN, LIAISON, VERIFIER
from hub.storage.staff import Staffer
from kiosk.records.protocol import ARCHIVED, COMPLETED, FINAL_STATUSES, FOLLOWED_UP, FORWARDED, RECEIVED, VERIFIED


@dataclass(frozen=True)
class Action:
    name: str  # the last part of the action's URL
    status: str  # where it moves the complaint
    role: str
    after: tuple[str, ...]  # the statuses it may follow
    label: str
    note: str  # the note offered to the citizen, in their language, for staff to edit


ACTIONS = {
    action.name: action
    for action in (
        Action(
            "verify",
            VERIFIED,
            VERIFIER,
            (RECEIVED,),
            N_("Verify"),
            N_("Your report has been checked and will be passed to the responsible agency."),
        ),
        Action(
            "dispose",
            FORWARDED,
            VERIFIER,
            (VERIFIED,),
            N_("Pass to agency"),
            N_("Your report has been passed to the responsible agency for follow-up."),
        ),
        Action(
            "archive",
            ARCHIVED,
            VERIFIER,
            (RECEIVED, VERIFIED),
            N_("Archive"),
            N_("Your report cannot be processed further because: "),
        ),
        Action(
            "follow-up",
            FOLLOWED_UP,
            LIAISON,
            (FORWARDED,),
            N_("Record follow-up"),
            N_("The agency is following up your report."),
        ),
        Action(
            "complete",
            COMPLETED,
            LIAISON,
            (FORWARDED, FOLLOWED_UP),
            N_("Complete"),
            N_("Your report has been completed. Thank you for reporting."),
        ),
    )
}


def may_open(staffer: Staffer, complaint: Complaint) -> bool:
    return staffer.role != LIAISON or complaint.agency == staffer.agency


def may_see_personal(staffer: Staffer, complaint: Complaint) -> bool:
    if staffer.role == LIAISON:
        return complaint.agency == staffer.agency
    return staffer.role in (ADMIN, VERIFIER)


def may_merge(staffer: Staffer, complaint: Complaint) -> bool:
    return staffer.role == VERIFIER and complaint.merged_into is None and complaint.status not in FINAL_STATUSES


def may_send_national(staffer: Staffer, complaint: Complaint) -> bool:
    """A checked report goes on to SP4N-LAPOR! by the verifier's hand (the bridge may also send
    every checked report by itself: its setting forward_on_verify)."""
    return (
        staffer.role == VERIFIER
        and complaint.merged_into is None
        and complaint.status not in (RECEIVED, *FINAL_STATUSES)
    )


def actions(staffer: Staffer, complaint: Complaint) -> list[Action]:
    return [
        action
        for action in ACTIONS.values()
        if action.role == staffer.role
        and complaint.status in action.after
        and complaint.merged_into is None  # a merged duplicate follows the report it joined
        and may_open(staffer, complaint)
    ]
