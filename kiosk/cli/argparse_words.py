"""argparse's own words, from the kiosk's catalog.

argparse looks its words up in a gettext catalog of its own that no system ships in
Indonesian, so a mistyped command got an English reason inside an Indonesian line. It also
searched the locale folders again for every word: 36 times while the kiosk's parser is built,
2 ms of every start, before the demo's folder can even begin to fill.
"""

import argparse

from kiosk.i18n import N_, _

# The ones a user of `kiosk` can meet (the rest are mistakes in a parser's own definition).
WORDS = (
    N_("usage: "),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("ignored explicit argument %r"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def use_kiosk_catalog() -> None:
    """Every later argparse word in the kiosk's current language."""
    argparse._ = _  # type: ignore[attr-defined]  # argparse's own gettext alias, which it calls for each word
