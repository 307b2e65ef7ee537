"""The one record format (DESIGN.md), shared by the kiosk and the hub.

The package itself loads only what is light: the protocol's words (protocol.py) and the
errors a check reports (errors.py). The rules, built with pydantic, are in check.py and
models.py, loaded where a record is checked.
"""

from kiosk.records.errors import FieldError, RecordInvalid
from kiosk.records.protocol import KINDS, canonical_json, digest

__all__ = ["KINDS", "FieldError", "RecordInvalid", "canonical_json", "digest"]
