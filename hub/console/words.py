"""The protocol's and the console's own words as staff read them, marked for translation."""

from hub.i18n import N_
from hub.storage.roles import ADMIN, LIAISON, VERIFIER, VIEWER
from kiosk.records.protocol import ARCHIVED, COMPLETED, FOLLOWED_UP, FORWARDED, RECEIVED, VERIFIED

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
