"""The consent text shown before anything is stored, and the version records carry.

Change the wording, change VERSION: a record must say which text its person agreed to.
"""

from kiosk.i18n import N_

VERSION = "2026-11-v1"

COMPLAINT = N_(
    "Your report is stored on this kiosk and sent to the agency's LAPOR! intake office. "
    "It is used only to handle your report. If you gave your name or phone number, only "
    "officers handling the report can see them. You can ask an officer to withdraw your "
    "report with its reference code at any time (UU 27/2022 on personal data protection)."
)
ATTENDANCE = N_(
    "Your answers are counted, without your name, to show who this event reached: women, "
    "young people and people with disabilities. You can ask the officer to remove your "
    "entry at any time (UU 27/2022 on personal data protection)."
)
