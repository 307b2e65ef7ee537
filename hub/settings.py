"""What an administrator sets: arguments, then `KIOSK_HUB_*` environment variables, then the
data folder's `hub.toml`, then the defaults.

The data folder itself comes from `--data-dir` or `KIOSK_HUB_DATA_DIR` (else the platform's
user data folder), since the config file lives in it. For example, `hub.toml`:

    database = "postgresql://lapor@db.example.go.id/lapor"
    workers = 4
    max_attachment = 20971520  # bytes of one voice note or photo (default 10 MiB)
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from hub.storage import is_postgres

ENV_PREFIX = "KIOSK_HUB_"
DATA_DIR_ENV = ENV_PREFIX + "DATA_DIR"
CONFIG_FILE = "hub.toml"


@dataclass(frozen=True)
class Limits:
    """What one request may hold."""

    max_batch: int = 1000  # records in one POST
    max_body: int = 4 * 1024 * 1024  # bytes of one POST of records
    max_attachment: int = 10 * 1024 * 1024
    changes_page: int = 500


@dataclass(frozen=True)
class Console:
    """The staff console: when an unused session ends, and the time zone its working days are counted in."""

    idle_minutes: int = 30
    timezone: str = "Asia/Jakarta"  # WIB; a hub in Makassar or Jayapura sets Asia/Makassar or Asia/Jayapura


def data_dir(given: str | None = None) -> Path:
    if given:
        return Path(given).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    import platformdirs

    return platformdirs.user_data_path("lapor-hub", appauthor=False)


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    data_dir: Path
    database: str = Field("", description="empty for SQLite in the data folder, or a postgresql:// URL")
    host: str = "127.0.0.1"
    port: int = Field(8700, ge=0, le=65535)
    workers: int = Field(1, ge=1)
    max_batch: int = Field(Limits.max_batch, ge=1)
    max_body: int = Field(Limits.max_body, ge=1)
    max_attachment: int = Field(Limits.max_attachment, ge=1)
    console_idle_minutes: int = Field(Console.idle_minutes, ge=1)
    timezone: str = Console.timezone

    @field_validator("database")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not is_postgres(value):
            raise ValueError("must be empty (SQLite in the data folder) or a postgresql:// URL")
        return value

    @property
    def limits(self) -> Limits:
        return Limits(max_batch=self.max_batch, max_body=self.max_body, max_attachment=self.max_attachment)

    @property
    def console(self) -> Console:
        return Console(idle_minutes=self.console_idle_minutes, timezone=self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        assert isinstance(init_settings, InitSettingsSource)
        folder: Any = init_settings.init_kwargs.get("data_dir")
        config = TomlConfigSettingsSource(settings_cls, toml_file=Path(folder) / CONFIG_FILE) if folder else None
        return (init_settings, env_settings, *([config] if config else []))


def load(given_data_dir: str | None = None, **given: Any) -> HubSettings:
    """The settings, with what was given (arguments not left at None) above everything else."""
    chosen = {name: value for name, value in given.items() if value is not None}
    return HubSettings(data_dir=data_dir(given_data_dir), **chosen)
