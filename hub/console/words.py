"""The protocol's and the console's own words as staff read them, marked for translation."""

from hub.i18n import N_
from hub.storage.roles import ADMIN, LIAISON, VERIFIER, VIEWER
from kiosk.records.protocol import (
    ARCHIVED,
    COMPLETED,
    FOLLOWED_UP,
    FORWARDED,
    NOT_SOLVED,
    PARTLY_SOLVED,
    RECEIVED,
    SOLVED,
    VERIFIED,
)

STATUSES = {
    RECEIVED: N_("Received"),
    VERIFIED: N_("Verified"),
    FORWARDED: N_("Passed to agency"),
    FOLLOWED_UP: N_("Followed up"),
    COMPLETED: N_("Completed"),
    ARCHIVED: N_("Archived"),
}
CLASSIFICATIONS = {
    "complaint": N_("Complaint"),
    "aspiration": N_("Suggestion"),
    "information_request": N_("Request for information"),
}
ROLES = {
    ADMIN: N_("Administrator"),
    VERIFIER: N_("Verifier"),
    LIAISON: N_("Agency liaison"),
    VIEWER: N_("Viewer"),
}
RATINGS = {
    NOT_SOLVED: N_("Not solved"),
    PARTLY_SOLVED: N_("Partly solved"),
    SOLVED: N_("Solved"),
}
FORWARD_STATES = {  # where handing a report to SP4N-LAPOR! stands
    "waiting": N_("Waiting to be sent to SP4N-LAPOR!"),
    "handed": N_("Handed over; its LAPOR! number has not come back yet"),
    "sent": N_("At SP4N-LAPOR!"),
    "dead": N_("Refused by SP4N-LAPOR!"),
}
SMS_STATES = {
    "waiting": N_("Waiting"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "dropped": N_("Not sent (no number)"),
}
EVENT_TYPES = {
    "workshop": N_("Workshop"),
    "socialization": N_("Information session"),
    "campus": N_("Campus event"),
    "village_visit": N_("Village visit"),
    "other": N_("Other event"),
}
