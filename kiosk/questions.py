"""The wording of the questions both flows ask, and of the answers, marked for translation.

The Washington Group Short Set is asked in its standard wording; its answers map to the
record's 1–4 scale. Shared by the screens, read aloud, and by reports that label values.
"""

from kiosk.i18n import N_
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

GENDER = [
    ("female", N_("Woman"), ""),
    ("male", N_("Man"), ""),
    ("unspecified", N_("I prefer not to say"), ""),
]
AGE_BAND = [
    ("0-15", N_("15 or younger"), ""),
    ("16-30", N_("16 to 30"), ""),
    ("31-45", N_("31 to 45"), ""),
    ("46-60", N_("46 to 60"), ""),
    ("61+", N_("61 or older"), ""),
    ("unspecified", N_("I prefer not to say"), ""),
]
DIFFICULTY_SCREEN = N_("Do you have difficulty with seeing, hearing, walking, remembering, self-care or communicating?")
DIFFICULTY = [
    ("no", N_("No difficulty"), ""),
    ("yes", N_("Yes, some difficulty"), N_("Six short questions follow, one for each.")),
    ("skip", N_("I prefer not to say"), ""),
]
WGSS_QUESTIONS = {
    "seeing": N_("Do you have difficulty seeing, even if wearing glasses?"),
    "hearing": N_("Do you have difficulty hearing, even if using a hearing aid?"),
    "walking": N_("Do you have difficulty walking or climbing steps?"),
    "cognition": N_("Do you have difficulty remembering or concentrating?"),
    "selfcare": N_("Do you have difficulty with self-care, such as washing all over or dressing?"),
    "communication": N_(
        "Using your usual language, do you have difficulty communicating, for example understanding or being "
        "understood?"
    ),
}
WGSS_ANSWERS = [
    (1, N_("No difficulty"), ""),
    (2, N_("Some difficulty"), ""),
    (3, N_("A lot of difficulty"), ""),
    (4, N_("Cannot do at all"), ""),
]
CLASSIFICATION = [
    ("complaint", N_("A complaint"), N_("Something in a public service went wrong and should be put right.")),
    ("aspiration", N_("An aspiration"), N_("An idea or a wish for a better public service.")),
    ("information_request", N_("A request for information"), N_("You want information that a public office holds.")),
]
EVENT_TYPES = [
    ("workshop", N_("Workshop"), ""),
    ("socialization", N_("Socialization"), ""),
    ("campus", N_("Campus event"), ""),
    ("village_visit", N_("Village visit"), ""),
    ("other", N_("Other"), ""),
]
COMPLAINT_STATUS = {
    RECEIVED: N_("Received by the agency"),
    VERIFIED: N_("Verified"),
    FORWARDED: N_("Forwarded to the responsible office"),
    FOLLOWED_UP: N_("Being followed up"),
    COMPLETED: N_("Completed"),
    ARCHIVED: N_("Archived"),
}
SMS_QUESTION = N_("Do you want an SMS each time your report moves forward?")
SMS = [
    ("sms", N_("Yes, send me an SMS"), ""),
    ("no", N_("No, thank you"), ""),
]
# The citizen's verdict on a completed report. The screen's answers are words (each its own
# pictogram); the record keeps the rating they stand for.
VERDICT_QUESTION = N_("Did the follow-up solve your problem?")
VERDICT = [
    ("solved", N_("Yes, it is solved"), ""),
    ("partly", N_("Partly solved"), ""),
    ("not_solved", N_("No, it is not solved"), ""),
]
RATING = {"solved": SOLVED, "partly": PARTLY_SOLVED, "not_solved": NOT_SOLVED}
