"""Streaming import of JSON Lines: memory stays flat, commits come in batches.

A bad line never stops the others: it is reported by number and the rest go on. A
re-import stores nothing twice (uuids already stored with the same content are
duplicates), and a uuid stored with other content is a conflict, never overwritten.
A record naming attachments is stored with their bytes, from `files`, or not at all.
"""

import codecs
from collections import Counter
from collections.abc import Callable, Iterator
from typing import BinaryIO

from kiosk.records import FieldError, RecordInvalid
from kiosk.records.check import parse_json
from kiosk.records.errors import WHOLE_RECORD
from kiosk.records.protocol import INVALID
from kiosk.store import Store
from kiosk.store.attachments import Source

MAX_LINE_BYTES = 256 * 1024
BATCH_SIZE = 500
BATCH_ATTACHMENT_BYTES = 64 * 1024 * 1024  # a batch's transaction, and the log it fills, stay bounded

Problem = Callable[[int, FieldError], None]


def numbered_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(1-based number, line) pairs; a line longer than `limit` comes as None, unread."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit + 1)
            yield number, None
            continue
        yield number, line.removeprefix(codecs.BOM_UTF8) if number == 1 else line


def _parse(raw: bytes | None) -> object:
    if raw is None:
        raise RecordInvalid([FieldError(WHOLE_RECORD, "line_too_long", {"max_bytes": MAX_LINE_BYTES})])
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise RecordInvalid([FieldError(WHOLE_RECORD, "not_utf8")]) from None
    return parse_json(text) if text.strip() else None


def _attachment_bytes(value: object) -> int:
    """The bytes a line's attachments claim to hold (the line is checked later, so trust nothing)."""
    entries = value.get("attachments") if isinstance(value, dict) else None
    if not isinstance(entries, list):
        return 0
    return sum(e["size"] for e in entries if isinstance(e, dict) and type(e.get("size")) is int and e["size"] > 0)


def import_stream(
    store: Store, stream: BinaryIO, on_problem: Problem, batch_size: int = BATCH_SIZE, files: Source | None = None
) -> Counter[str]:
    """Store every good line of `stream`; returns counts by outcome (stored, duplicate, ...).

    Problems are reported in line order, each batch once it is committed.
    """
    counts: Counter[str] = Counter()
    batch: list[tuple[int, object, list[FieldError]]] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch_bytes
        batch_bytes = 0
        outcomes = iter(store.add_records((value for _, value, errors in batch if not errors), files))
        for number, _, errors in batch:
            if errors:
                counts[INVALID] += 1
            else:
                outcome = next(outcomes)
                counts[outcome.status] += 1
                errors = outcome.errors
            for error in errors:
                on_problem(number, error)
        batch.clear()

    for number, raw in numbered_lines(stream):
        try:
            value = _parse(raw)
        except RecordInvalid as exc:
            batch.append((number, None, exc.errors))
        else:
            if value is None:
                continue  # a blank line
            batch.append((number, value, []))
            batch_bytes += _attachment_bytes(value)
        if len(batch) >= batch_size or batch_bytes >= BATCH_ATTACHMENT_BYTES:
            flush()
    if batch:
        flush()
    return counts
