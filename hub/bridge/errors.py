"""How an adapter says a hand-over did not happen, the same for SP4N-LAPOR! and SMS gateways:
the outboxes retry the one and set the other aside for a person to look at."""


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
