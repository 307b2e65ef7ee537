"""The protocol's words as staff and readers of the hub's reports read them, marked for
translation: one set for the console's pages and the statistics report alike."""

from hub.i18n import N_
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
RATINGS = {
    NOT_SOLVED: N_("Not solved"),
    PARTLY_SOLVED: N_("Partly solved"),
    SOLVED: N_("Solved"),
}
EVENT_TYPES = {
    "workshop": N_("Workshop"),
    "socialization": N_("Information session"),
    "campus": N_("Campus event"),
    "village_visit": N_("Village visit"),
    "other": N_("Other event"),
}
