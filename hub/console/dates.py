"""Moments and days as staff read them: in the hub's time zone and the reader's language.

The hub keeps times as UTC text, which tells an officer in Makassar nothing at a glance. Babel
writes them out: it is already a dependency of kiosk and hub alike (for the gettext catalogs)
and its CLDR data holds the day and month names of every language, so there is no table of
names to keep and translate here. Only the order of the parts is ours, one pattern per console
language: CLDR's long forms say "pukul 09.05.00 Waktu Indonesia Barat" where staff write
"09.05 WIB". The zone goes by the name Indonesians give it (WIB, WITA, WIT), in English too,
as on every office's letters; CLDR knows those names in Indonesian only. Any other zone is
shown by its offset from UTC.

Templates put the exact moment beside the text in `<time datetime>`, for machines.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from jinja2 import pass_context
from jinja2.runtime import Context

MOMENT_PATTERNS = {"id": "EEEE, d MMMM y, HH.mm", "en": "EEEE d MMMM y, HH:mm"}
DAY_PATTERNS = {"id": "EEEE, d MMMM y", "en": "EEEE d MMMM y"}
# By the zone, not the offset: Singapore is at UTC+8 too, but not on WITA.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(moment: datetime) -> str:
    """WIB, WITA or WIT in Indonesia's zones; elsewhere the offset of that moment, e.g. UTC+5:30."""
    if isinstance(moment.tzinfo, ZoneInfo) and moment.tzinfo.key in ZONE_NAMES:
        return ZONE_NAMES[moment.tzinfo.key]
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def moment_text(value: str | datetime, zone: ZoneInfo, language: str) -> str:
    """An ISO moment with its offset (as the hub keeps them) as `zone`'s clock showed it then."""
    moment = (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(zone)
    return f"{format_datetime(moment, MOMENT_PATTERNS[language], locale=language)} {zone_name(moment)}"


def day_text(value: str | date, zone: ZoneInfo, language: str) -> str:
    """A day (a deadline, an incident's date) stays the day it is; a moment becomes the day it
    fell on in `zone`, which near midnight UTC is not the day UTC says."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == len("YYYY-MM-DD") else datetime.fromisoformat(value)
    day = value.astimezone(zone).date() if isinstance(value, datetime) else value
    return format_date(day, DAY_PATTERNS[language], locale=language)


@pass_context
def local_datetime(context: Context, value: str | datetime) -> str:
    """`{{ moment|local_datetime }}`: "Selasa, 17 Maret 2026, 09.05 WIB"."""
    return moment_text(value, context["zone"], context["language"])


@pass_context
def local_date(context: Context, value: str | date) -> str:
    """`{{ day|local_date }}`: "Jumat, 27 Maret 2026"."""
    return day_text(value, context["zone"], context["language"])


FILTERS = {"local_datetime": local_datetime, "local_date": local_date}
