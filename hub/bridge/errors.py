"""How an adapter says a hand-over did not happen, the same for SP4N-LAPOR! and SMS gateways:
the outboxes retry the one and set the other aside for a person to look at."""

import email.utils
import time
from datetime import UTC

MAX_RETRY_AFTER_S = 3600.0  # the longest pause honoured: "come back tomorrow" is the other side's fault


class Retry(Exception):
    """Try again later: the connection dropped or timed out, or the other side answered 408, 429
    or 5xx. `after_s` is what its Retry-After asked for, if it said."""

    def __init__(self, reason: str, after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after_s = after_s
        self.tries = 1  # attempts made before giving up (hub.bridge.worker.attempt)


class Refused(Exception):
    """Will not pass as it is (any other 4xx, a number the gateway rejects): a dead letter."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tries = 1


class ConfigError(Exception):
    """The bridge's configuration cannot be used; the message names the key and says why, in one line."""


def retry_after(header: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP-date), at most an hour;
    None when it is absent or unreadable."""
    if not header or not header.strip():
        return None
    value = header.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:  # "-0000" in the date: UTC, though the sender did not say so
            moment = moment.replace(tzinfo=UTC)
        seconds = moment.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
