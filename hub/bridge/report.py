"""One flat view of a stored complaint, and the national body made from it by the agency's field
mapping.

SP4N-LAPOR!'s field names belong to the agency's integration agreement, not to us, so they live in
the bridge's configuration and point at the keys offered here. The view is also where the
reporter's privacy choices are applied, once, before any adapter sees the report: an anonymous
report never carries a name, a phone number or an e-mail address, whatever the mapping asks for.
"""

from typing import Any

VIEW_KEYS: tuple[str, ...] = (
    "uuid",
    "hub_number",
    "kiosk_code",
    "classification",
    "title",
    "body",
    "incident_date",
    "province",
    "regency",
    "district",
    "village",
    "location_text",
    "lat",
    "lon",
    "category",
    "agency",
    "anonymous",
    "confidential",
    "name",
    "phone",
    "email",
    "language",
    "created_at",
    "received_at",
    "attachments",
)

_IDENTITY = ("name", "phone", "email")
_LOCATION = {
    "province": "province",
    "regency": "regency",
    "district": "district",
    "village": "village",
    "location_text": "text",
    "lat": "lat",
    "lon": "lon",
}
_COPIED = ("uuid", "classification", "title", "body", "incident_date", "category", "agency", "language", "created_at")
_ATTACHMENT_KEYS = ("sha256", "mime", "size", "role")


def view(record: dict[str, Any], hub_number: str, kiosk_code: str, received_at: str) -> dict[str, Any]:
    """The complaint `record` (the record format, personal fields included) as a flat dict with the
    keys of VIEW_KEYS; keys whose value is absent are left out. `anonymous` and `confidential` are
    always there, as bools, so the national side can flag a confidential report."""
    flat: dict[str, Any] = {"hub_number": hub_number, "kiosk_code": kiosk_code, "received_at": received_at}
    flat.update((key, record[key]) for key in _COPIED if record.get(key) is not None)
    location = record.get("location") or {}
    flat.update((key, location[ours]) for key, ours in _LOCATION.items() if location.get(ours) is not None)
    anonymous = record.get("anonymous") is True
    flat["anonymous"] = anonymous
    flat["confidential"] = record.get("confidential") is True
    if not anonymous:
        reporter = record.get("reporter") or {}
        flat.update((key, reporter[key]) for key in _IDENTITY if reporter.get(key))
    flat["attachments"] = [
        {key: attachment[key] for key in _ATTACHMENT_KEYS if attachment.get(key) is not None}
        for attachment in record.get("attachments") or []
    ]
    return flat


def mapped(view: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """The body SP4N-LAPOR! receives: `view[our_key]` under each `national_name` of `fields`
    (national name -> our key), absent values left out rather than sent as null. A dotted national
    name such as "pelapor.nama" puts the value in nested objects; the configuration makes sure no
    name is both a value and an object ("pelapor" next to "pelapor.nama")."""
    body: dict[str, Any] = {}
    for national_name, our_key in fields.items():
        if view.get(our_key) is None:
            continue
        *parents, leaf = national_name.split(".")
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = view[our_key]
    return body
