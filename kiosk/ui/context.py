"""What every screen shares: the database worker and the kiosk's current settings."""

from dataclasses import dataclass, field

from kiosk.ui.dbworker import DbWorker


@dataclass
class Context:
    db: DbWorker
    settings: dict = field(default_factory=dict)
    device_id: str | None = None
