"""The hub's storage: one interface (`Storage`), on SQLite by default or on PostgreSQL.

Every SQL statement of the hub lives in this package; the API and the commands call methods.
Attachment bytes live in a content-addressed folder beside either database.
"""

from pathlib import Path

from hub.storage.base import (
    Answer,
    DatabaseUnavailable,
    Device,
    HubError,
    Record,
    Result,
    SchemaBehind,
    StatusChange,
    Storage,
    StorageFull,
    now,
)
from hub.storage.sqlite import SqliteStorage

__all__ = [
    "Answer",
    "DatabaseUnavailable",
    "Device",
    "HubError",
    "Record",
    "Result",
    "SchemaBehind",
    "StatusChange",
    "Storage",
    "StorageFull",
    "is_postgres",
    "migrate",
    "now",
    "open_storage",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(database: str) -> bool:
    return database.startswith(POSTGRES_SCHEMES)


def open_storage(data_dir: Path, database: str = "") -> Storage:
    """The hub's storage: SQLite in `data_dir` when `database` is empty, else that PostgreSQL database."""
    if not database:
        return SqliteStorage(data_dir)
    from hub.storage.postgres import PostgresStorage

    return PostgresStorage(data_dir, database)


def migrate(data_dir: Path, database: str = "") -> list[str]:
    """Bring the schema up to this hub's version; the names of the migrations applied."""
    if not database:
        return SqliteStorage(data_dir).applied
    from hub.storage import postgres

    return postgres.migrate(database)
