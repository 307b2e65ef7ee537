"""What every screen shares: the database worker, the kiosk's settings, the session, and the
microphone, speaker and cameras.

A session is one person's turn at the kiosk; `start_over` begins a new one. A database
result that arrives after its session ended is dropped, so a slow disk can never show
one citizen's receipt, or open officer mode, in front of the next person.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from kiosk.ui.dbworker import DbWorker
from kiosk.ui.devices import Devices

P = ParamSpec("P")


@dataclass
class Context:
    db: DbWorker
    settings: dict[str, Any] = field(default_factory=dict)
    device_id: str | None = None  # set once the kiosk is enrolled, so new records carry it
    session: int = 0
    devices: Devices | None = None  # None until they are looked for (see kiosk.ui.devices)

    def new_session(self) -> None:
        self.session += 1

    def in_session(self, callback: Callable[P, object]) -> Callable[P, None]:
        """`callback`, run only if the session it was made in is still going on."""
        started = self.session

        def if_still_going_on(*args: P.args, **kwargs: P.kwargs) -> None:
            if self.session == started:
                callback(*args, **kwargs)

        return if_still_going_on
