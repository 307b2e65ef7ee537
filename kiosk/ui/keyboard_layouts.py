"""The on-screen keyboard's layouts, as plain data: which keys sit on which row, and how wide.

Kept apart from the widgets so a layout can be read (and changed) at a glance. Every row of a
page adds up to the same width, so the keys line up in columns as on a printed keyboard.
"""

from typing import Literal, NamedTuple

from kiosk.i18n import N_

Kind = Literal["char", "backspace", "shift", "caps", "space", "next", "page", "read", "gap"]


class Key(NamedTuple):
    kind: Kind
    value: str = ""  # the text typed ("char"), or the page shown ("page"; LETTERS: the field's own page)
    width: float = 1.0  # in key units; each page's rows add up to ROW_UNITS


ROW_UNITS = 12
NUMERIC_UNITS = 4


def chars(text: str, width: float = 1.0) -> list[Key]:
    return [Key("char", char, width) for char in text]


LETTERS = "letters"
SYMBOLS = "symbols"
EMAIL = "email"
NUMERIC = "numeric"
DIALABLE = "dialable"

PAGES: dict[str, list[list[Key]]] = {
    LETTERS: [
        [*chars("qwertyuiop"), Key("backspace", width=2)],
        [Key("caps"), *chars("asdfghjkl"), Key("read", width=2)],
        [Key("shift", width=2), *chars("zxcvbnm,.?")],
        [Key("page", SYMBOLS, 2), Key("space", width=7), Key("next", width=3)],
    ],
    SYMBOLS: [
        [*chars("1234567890"), Key("backspace", width=2)],
        [*chars("-/:;()&@\"'"), Key("read", width=2)],
        [*chars(".,?!%+=#*_", 1.2)],
        [Key("page", LETTERS, 2), Key("space", width=7), Key("next", width=3)],
    ],
    EMAIL: [
        [*chars("qwertyuiop"), Key("backspace", width=2)],
        [Key("caps"), *chars("asdfghjkl"), Key("read", width=2)],
        [Key("shift", width=2), *chars("zxcvbnm.-_")],
        [
            Key("page", SYMBOLS, 2),
            Key("char", "@", 1.5),
            Key("char", ".com", 2),
            Key("char", ".id", 1.5),
            Key("char", ".co.id", 2),
            Key("next", width=3),
        ],
    ],
    NUMERIC: [
        [*chars("123"), Key("backspace")],
        [*chars("456"), Key("read")],
        [*chars("789"), Key("gap")],
        [Key("gap"), Key("char", "0"), Key("next", width=2)],
    ],
    DIALABLE: [
        [*chars("123"), Key("backspace")],
        [*chars("456"), Key("read")],
        [*chars("789"), Key("char", "+")],
        [Key("gap"), Key("char", "0"), Key("next", width=2)],
    ],
}
# What a symbol key is called aloud and for screen readers: a lone "." or "@" is often not
# pronounced at all by a speech engine. Letters and digits are named by themselves.
SYMBOL_NAMES = {
    ".": N_("full stop"),
    ",": N_("comma"),
    "?": N_("question mark"),
    "!": N_("exclamation mark"),
    "-": N_("dash"),
    "/": N_("slash"),
    ":": N_("colon"),
    ";": N_("semicolon"),
    "(": N_("opening bracket"),
    ")": N_("closing bracket"),
    "&": N_("and sign"),
    "@": N_("at sign"),
    '"': N_("quotation mark"),
    "'": N_("apostrophe"),
    "%": N_("percent"),
    "+": N_("plus"),
    "=": N_("equals"),
    "#": N_("hash"),
    "*": N_("star"),
    "_": N_("underscore"),
}
