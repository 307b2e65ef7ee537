"""The protocol's and the console's own words as staff read them, marked for translation."""

from hub.i18n import N_
from hub.storage.roles import ADMIN, LIAISON, VERIFIER, VIEWER
from hub.words import CLASSIFICATIONS, EVENT_TYPES, RATINGS, STATUSES

__all__ = ["CLASSIFICATIONS", "EVENT_TYPES", "FORWARD_STATES", "RATINGS", "ROLES", "SMS_STATES", "STATUSES"]

ROLES = {
    ADMIN: N_("Administrator"),
    VERIFIER: N_("Verifier"),
    LIAISON: N_("Agency liaison"),
    VIEWER: N_("Viewer"),
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
