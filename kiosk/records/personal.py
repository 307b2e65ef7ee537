"""Which fields of a record say who someone is, kept apart from the rest on the kiosk.

A kiosk stores a record in two parts: the public part (what statistics and the status
screen read) and the personal part (names, phone, e-mail, free-text places, the complaint's
own words), which is sealed for the hub once the kiosk knows the hub's key and is erased
when the retention time has passed or the person withdraws consent. On the way to the hub
the sealed part rides in the record as `sealed`; the hub opens it and checks the whole.
"""

import json
from typing import Any

SEALED = "sealed"

# Paths (top-level key, or key within an object) of the personal fields of each kind.
PERSONAL: dict[str, tuple[tuple[str, ...], ...]] = {
    "complaint": (("body",), ("reporter",), ("location", "text")),
    "attendance": (("name",), ("village",)),
    "event": (),
    "feedback": (("reason",),),  # a citizen's own words may say who they are
}


class Overlap(ValueError):
    """A personal part that names a field the public part already has."""


def split(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public part, personal part); the personal part is empty when the record names nobody."""
    public: dict[str, Any] = dict(record)
    personal: dict[str, Any] = {}
    for path in PERSONAL.get(record.get("kind", ""), ()):
        if len(path) == 1:
            if path[0] in public:
                personal[path[0]] = public.pop(path[0])
            continue
        outer, inner = path
        if isinstance(public.get(outer), dict) and inner in public[outer]:
            public[outer] = dict(public[outer])
            personal.setdefault(outer, {})[inner] = public[outer].pop(inner)
    return public, personal


def merge(public: dict[str, Any], personal: dict[str, Any]) -> dict[str, Any]:
    """The whole record again; a personal part may only add fields, never replace one."""
    whole = dict(public)
    for key, value in personal.items():
        if isinstance(value, dict) and isinstance(whole.get(key), dict):
            if set(value) & set(whole[key]):
                raise Overlap(key)
            whole[key] = whole[key] | value
        elif key in whole:
            raise Overlap(key)
        else:
            whole[key] = value
    return whole


def transit(body: str, fields: str | None, sealed: str | None) -> str:
    """A stored record as it leaves the kiosk (sync, export): the public JSON with its personal
    part, sealed (appended as text, so the stored JSON is not parsed again) or as plain fields."""
    if sealed is not None:
        return f'{body[:-1]},"{SEALED}":{json.dumps(sealed)}}}'
    if fields is not None:
        return json.dumps(merge(json.loads(body), json.loads(fields)), ensure_ascii=False, separators=(",", ":"))
    return body
