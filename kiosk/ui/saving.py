"""Saving a citizen's record: off the UI thread, the store's answer checked, a failed save kept for another try.

Only `stored` or `duplicate` is a save. An exception (a full disk, a locked or broken
database) or any other answer is a failure, which the screen shows while every answer
stays on it. The record is kept until it is saved, and trying again sends that very
record: if an earlier try did reach the disk after all (an unknown outcome), the store
answers `duplicate` and nothing is counted twice.
"""

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.records.protocol import ACKNOWLEDGED, CONFLICT
from kiosk.store import Outcome, Store
from kiosk.ui.context import Context

log = logging.getLogger(__name__)

MADE_ON_SAVE = ("uuid", "created_at")  # what the device adds to the answers each time a record is built


def add_one(store: Store, record: dict[str, Any], blobs: tuple[bytes, ...] = ()) -> Outcome:
    """On the database thread: the store's answer for this one record, stored with the bytes
    of its attachments (a voice note, photos) in the same transaction."""
    from kiosk.store import attachments

    (outcome,) = store.add_records([record], files=attachments.in_memory(*blobs) if blobs else None)
    return outcome


def _answers(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in MADE_ON_SAVE}


class RecordSaver(QObject):
    """Stores one record at a time for a screen; `saved` only once the store holds it."""

    saved = Signal(dict)  # the record, as stored
    failed = Signal()  # not saved; the record is kept for the next try

    def __init__(self, context: Context, kind: str, parent: QObject | None = None):
        super().__init__(parent)
        self.context, self.kind = context, kind
        self.pending: dict[str, Any] | None = None  # built, not yet known to be saved
        self.blobs: tuple[bytes, ...] = ()  # the pending record's attachment bytes

    def save(self, record: dict[str, Any], blobs: tuple[bytes, ...] = ()) -> None:
        """Stores `record` with the bytes its attachments name; or, when it holds the same
        answers as the record still waiting, that one (same uuid): a retry can then never
        store the same person's answers twice."""
        if self.pending is None or _answers(self.pending) != _answers(record):
            self.pending, self.blobs = record, blobs
        sending = self.pending
        self.context.db.call(
            add_one,
            sending,
            self.blobs,
            on_done=self.context.in_session(lambda outcome: self._answered(sending, outcome)),
            on_error=self.context.in_session(self._broke),
        )

    def retry(self) -> bool:
        """Sends the record that failed to save once more, exactly as it was (if the language
        changed meanwhile, it is still the same record); False when none is waiting."""
        if self.pending is None:
            return False
        self.save(self.pending, self.blobs)
        return True

    def forget(self) -> None:
        """A new person, or the flow started over: nothing is waiting any more."""
        self.pending, self.blobs = None, ()

    def _answered(self, record: dict[str, Any], outcome: Outcome) -> None:
        if outcome.status in ACKNOWLEDGED:
            self.pending = None
            self.saved.emit(record)
            return
        # The status and error codes only: no personal data in logs.
        log.warning(
            "%s not saved: the store answered %s (%s)",
            self.kind,
            outcome.status,
            ", ".join(f"{error.field}: {error.code}" for error in outcome.errors),
        )
        if outcome.status == CONFLICT:
            self.pending = None  # another record holds this uuid, and this one never will: the next try gets its own
        self.failed.emit()

    def _broke(self, error: BaseException) -> None:
        log.error("%s not saved: %s", self.kind, type(error).__name__)
        self.failed.emit()
