"""The words of the SMS a reporter gets when their complaint moves on.

A longer text is split into parts, paid for once per part and shown piecemeal on basic phones,
so every notice fits in 160 GSM-7 characters, in the reporter's language. It names only the report
number from the receipt (and, once forwarded, the national tracking number): a text message
can be read by anyone holding the phone, so nothing else about the complaint goes in it.

The words are in the hub's gettext domain, beside the console's.
"""

import unicodedata

from hub.i18n import N_, chosen, translations
from kiosk.records import refcode
from kiosk.records.protocol import ARCHIVED, COMPLETED, FOLLOWED_UP, FORWARDED, RECEIVED, VERIFIED

SMS_SEPTETS = 160

# GSM 03.38: the basic set (one septet each; the escape itself is not a character) and the
# extension table (an escape and a septet each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


# The notice for each status the reporter hears of; %(code)s is the report number on the receipt.
TEXTS = {
    RECEIVED: N_("LAPOR!: We have received report %(code)s. Check its progress at the kiosk with this number."),
    VERIFIED: N_("LAPOR!: Report %(code)s has been checked and will be sent on to the government office in charge."),
    FORWARDED: N_(
        "LAPOR!: Report %(code)s has been passed to the government office in charge."
        " Check its progress at the kiosk with this number."
    ),
    FOLLOWED_UP: N_(
        "LAPOR!: The government office in charge is working on report %(code)s."
        " Check its progress at the kiosk with this number."
    ),
    COMPLETED: N_(
        "LAPOR!: Report %(code)s has been completed. See the answer at the kiosk with this number."
        " Thank you for reporting."
    ),
    ARCHIVED: N_("LAPOR!: Report %(code)s has been closed. See why at the kiosk with this number."),
}
# FORWARDED once the national tracking number (%(number)s) is known, the first that fits being
# sent; when none fits (a number full of two-septet characters), TEXTS[FORWARDED] is.
FORWARDED_WITH_NUMBER = (
    N_(
        "LAPOR!: Report %(code)s has been sent on to the national LAPOR! system as number %(number)s."
        " Follow it at lapor.go.id or by SMS to 1708."
    ),
    N_("LAPOR!: Report %(code)s has national number %(number)s. Follow it at lapor.go.id or SMS 1708."),
)


def gsm7_length(text: str) -> int | None:
    """Septets `text` takes in one GSM-7 message; None when a character is not in GSM-7."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENSION:
            length += 2
        else:
            return None
    return length


def _gsm7(text: str) -> str:
    """`text` with each character GSM-7 cannot carry replaced by "?", so the message stays one SMS."""
    return "".join(
        char if char in GSM7_BASIC or char in GSM7_EXTENSION else "?" for char in unicodedata.normalize("NFC", text)
    )


def notice(status: str, code: str, national_id: str | None, language: str) -> str:
    """The SMS for a complaint that reached `status`, in `language` ("id" unless it is "en").

    `code` is the report number on the citizen's receipt; `national_id` the SP4N-LAPOR! tracking
    number, named only in the FORWARDED notice. A translation too long for one SMS gives way to
    the shorter text, then to the source words, which fit (the tests check it)."""
    if status not in TEXTS:
        raise ValueError(f"no notice for status {status!r}")
    if refcode.normalize(code) != code:
        raise ValueError("code: not a report number as the receipt shows it")
    templates = (*FORWARDED_WITH_NUMBER, TEXTS[status]) if status == FORWARDED and national_id else (TEXTS[status],)
    primary = language.replace("_", "-").split("-")[0].lower()
    catalog = translations(chosen(primary))
    values = {"code": code, "number": national_id or ""}
    candidates = [_gsm7(catalog.gettext(template) % values) for template in templates]
    candidates += [_gsm7(template % values) for template in templates]
    return next(text for text in candidates if (gsm7_length(text) or 0) <= SMS_SEPTETS)
