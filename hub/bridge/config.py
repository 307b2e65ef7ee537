"""The bridge's one configuration file, checked whole when the hub starts.

Each agency's integration agreement with SP4N-LAPOR! names its own fields, statuses and address,
and each office has its own SMS gateway, so none of that can be built in. A mistake here would
otherwise show up days later as reports that never left, so every key is checked: an unknown key
(a typo), a wrong type or a value out of range stops the hub with one line naming the file and the
key. Secrets stay out of the file itself: tokens are read from files of their own next to it.
"""

import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hub.bridge.errors import ConfigError
from hub.bridge.report import VIEW_KEYS
from kiosk.records.protocol import COMPLAINT_STATUSES

ADAPTERS = ("http", "folder")
SMS_ADAPTERS = ("http", "command")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

_NATIONAL_KEYS = ("adapter", "base_url", "token_file", "folder", "forward_on_verify", "poll_interval_s", "timeout_s")
_ONLY_FOR = {"base_url": "http", "token_file": "http", "folder": "folder"}
_TOP_KEYS = (*_NATIONAL_KEYS, "fields", "status_map", "sms")
_SMS_COMMON = ("adapter", "max_attempts", "timeout_s")
_SMS_ONLY_FOR = {"url": "http", "token_file": "http", "to_field": "http", "text_field": "http", "command": "command"}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class NationalConfig:
    """How reports reach SP4N-LAPOR!: through its API ("http") or through files ("folder")."""

    adapter: str
    base_url: str | None
    token: str | None
    folder: Path | None
    forward_on_verify: bool
    poll_interval_s: float
    timeout_s: float
    fields: dict[str, str]
    status_map: dict[str, str]


@dataclass(frozen=True)
class SmsConfig:
    """How notices reach reporters' phones: an HTTP gateway, or a command such as gammu's."""

    adapter: str
    url: str | None
    token: str | None
    to_field: str
    text_field: str
    command: tuple[str, ...]
    max_attempts: int
    timeout_s: float


@dataclass(frozen=True)
class BridgeConfig:
    national: NationalConfig | None
    sms: SmsConfig | None


EXAMPLE = """\
# The hub's bridge to SP4N-LAPOR! and to an SMS gateway; the hub reads this file when it starts.
# Relative paths are relative to the folder of this file.

# "http": SP4N-LAPOR!'s integration API, with the agency's developer account.
# "folder": no API access; reports are written to a folder and staff bring tracking numbers back.
adapter = "http"
base_url = "https://sp4n-lapor.example/api/v1"  # the address the developer account gives
token_file = "lapor.token"  # one line, the bearer token; readable by the hub's user only
forward_on_verify = false  # true: forward as soon as staff verify; false: staff press "Forward"
poll_interval_s = 900  # how often to ask SP4N-LAPOR! what became of forwarded reports
timeout_s = 30  # seconds to wait for SP4N-LAPOR! before trying again later

# SP4N-LAPOR!'s field name = our key. A dotted name builds a nested object ("pelapor": {"nama": ...}).
# Values absent from a report are left out; an anonymous report never carries name, phone or email.
[fields]
judul = "title"
isi = "body"
klasifikasi = "classification"
tanggal_kejadian = "incident_date"
kategori = "category"
instansi_tujuan = "agency"
lokasi.provinsi = "province"
lokasi.kabupaten_kota = "regency"
lokasi.kecamatan = "district"
lokasi.desa_kelurahan = "village"
lokasi.keterangan = "location_text"
lokasi.lintang = "lat"
lokasi.bujur = "lon"
anonim = "anonymous"
rahasia = "confidential"
pelapor.nama = "name"
pelapor.telepon = "phone"
pelapor.email = "email"
bahasa = "language"
nomor_agenda = "hub_number"
kode_kios = "kiosk_code"
waktu_lapor = "created_at"
waktu_terima = "received_at"
lampiran = "attachments"

# SP4N-LAPOR!'s status word = ours (received, verified, forwarded, followed_up, completed, archived).
# A word not listed here is kept as SP4N-LAPOR! said it, without changing the report's status.
[status_map]
"Belum Diverifikasi" = "received"
"Terverifikasi" = "verified"
"Diteruskan" = "forwarded"
"Ditindaklanjuti" = "followed_up"
"Selesai" = "completed"
"Diarsipkan" = "archived"

# Notices to reporters by SMS. "http": a JSON POST to a gateway; "command": run a program, e.g.
#   adapter = "command"
#   command = ["gammu-smsd-inject", "TEXT", "{to}", "-text", "{text}"]
[sms]
adapter = "http"
url = "https://sms-gateway.example/api/send"
# token_file = "sms.token"  # optional: sent as a bearer token
to_field = "to"  # the JSON field holding the phone number
text_field = "message"  # the JSON field holding the text
max_attempts = 5  # then the notice is set aside for staff
timeout_s = 30
"""


def load(path: Path) -> BridgeConfig:
    """The bridge's configuration from the TOML file at `path`; ConfigError when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the file: {_why(error)}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return _Reader(path).bridge(data)


def _why(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def _key_name(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)  # TOML's quoting, on one line


class _Reader:
    """Checks one file's tables, naming the file and the key in each message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent

    def fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {why}")

    def bridge(self, data: dict[str, Any]) -> BridgeConfig:
        self.known(data, _TOP_KEYS, "")
        sms = self.table(data, "sms")
        if "adapter" not in data:  # SMS notices only: nothing else may be set
            for key in (*_NATIONAL_KEYS, "fields", "status_map"):
                if key in data:
                    raise self.fail(key, "needs 'adapter' (http or folder) to be set")
        return BridgeConfig(
            national=self.national(data) if "adapter" in data else None,
            sms=self.sms(sms) if sms is not None else None,
        )

    def national(self, data: dict[str, Any]) -> NationalConfig:
        adapter = self.choice(data, "adapter", ADAPTERS)
        for key, owner in _ONLY_FOR.items():
            if key in data and owner != adapter:
                raise self.fail(key, f"is for the {owner} adapter, not {adapter}")
        fields = self.fields(data.get("fields", {}))
        if adapter == "http" and not fields:
            raise self.fail("fields", "the http adapter needs at least one field mapping")
        return NationalConfig(
            adapter=adapter,
            base_url=self.url(data, "base_url") if adapter == "http" else None,
            token=self.token(data, "token_file", required=True) if adapter == "http" else None,
            folder=self.folder / self.text(data, "folder") if adapter == "folder" else None,
            forward_on_verify=self.flag(data, "forward_on_verify", False),
            poll_interval_s=self.seconds(data, "poll_interval_s", 900, minimum=1),
            timeout_s=self.seconds(data, "timeout_s", 30),
            fields=fields,
            status_map=self.status_map(data.get("status_map", {})),
        )

    def sms(self, table: dict[str, Any]) -> SmsConfig:
        self.known(table, (*_SMS_COMMON, *_SMS_ONLY_FOR), "sms.")
        adapter = self.choice(table, "adapter", SMS_ADAPTERS, "sms.")
        for key, owner in _SMS_ONLY_FOR.items():
            if key in table and owner != adapter:
                raise self.fail(f"sms.{key}", f"is for the {owner} adapter, not {adapter}")
        http = adapter == "http"
        return SmsConfig(
            adapter=adapter,
            url=self.url(table, "url", "sms.") if http else None,
            token=self.token(table, "token_file", required=False, prefix="sms.") if http else None,
            to_field=self.text(table, "to_field", "to", "sms."),
            text_field=self.text(table, "text_field", "message", "sms."),
            command=() if http else self.command(table),
            max_attempts=self.whole(table, "max_attempts", 5, 1, 50, "sms."),
            timeout_s=self.seconds(table, "timeout_s", 30, prefix="sms."),
        )

    def known(self, table: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(prefix + _key_name(key), "unknown key (known: " + ", ".join(allowed) + ")")

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any] | None:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            raise self.fail(key, "must be a table ([" + key + "])")
        return value

    def text(self, table: dict[str, Any], key: str, default: str | None = None, prefix: str = "") -> str:
        value = table.get(key, default)
        if value is None:
            raise self.fail(prefix + key, "is required")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(prefix + key, "must be a non-empty string")
        return value

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...], prefix: str = "") -> str:
        value = self.text(table, key, prefix=prefix)
        if value not in allowed:
            raise self.fail(prefix + key, f"{value!r} is not one of " + ", ".join(allowed))
        return value

    def flag(self, table: dict[str, Any], key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def seconds(self, table: dict[str, Any], key: str, default: float, minimum: float = 0, prefix: str = "") -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(prefix + key, "must be a number of seconds")
        if value < minimum or value <= 0:
            raise self.fail(prefix + key, f"must be at least {minimum:g} seconds" if minimum else "must be positive")
        return float(value)

    def whole(self, table: dict[str, Any], key: str, default: int, low: int, high: int, prefix: str) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(prefix + key, f"must be a whole number from {low} to {high}")
        return value

    def url(self, table: dict[str, Any], key: str, prefix: str = "") -> str:
        value = self.text(table, key, prefix=prefix)
        try:
            parts = urlsplit(value)
            host = parts.hostname
            plain = bool(host) and parts.port != 0 and not (parts.query or parts.fragment or parts.username)
        except ValueError:  # a port that is not a number, or a malformed IPv6 address
            plain = False
        if not plain:
            raise self.fail(prefix + key, f"{value!r} is not a plain web address (scheme, host, optional path)")
        if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK_HOSTS):
            raise self.fail(prefix + key, "must start with https:// (http:// only to 127.0.0.1, localhost or ::1)")
        return value

    def token(self, table: dict[str, Any], key: str, required: bool, prefix: str = "") -> str | None:
        if key not in table and not required:
            return None
        token_path = self.folder / self.text(table, key, prefix=prefix)
        try:
            token = token_path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise self.fail(prefix + key, f"cannot read {token_path}: {_why(error)}") from None
        if not token or not token.isprintable() or any(c.isspace() for c in token):
            raise self.fail(prefix + key, f"{token_path} must hold one token on one line")
        return token

    def command(self, table: dict[str, Any]) -> tuple[str, ...]:
        value = table.get("command")
        if value is None:
            raise self.fail("sms.command", "is required for the command adapter")
        if not isinstance(value, list) or not value or not all(isinstance(part, str) and part for part in value):
            raise self.fail("sms.command", "must be a non-empty list of strings (the program and its arguments)")
        for placeholder in ("{to}", "{text}"):
            if not any(placeholder in part for part in value):
                raise self.fail("sms.command", f"must contain {placeholder} in one of its arguments")
        return tuple(value)

    def fields(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("fields", "must be a table ([fields])")
        fields: dict[str, str] = {}
        self.flatten(value, "", fields)
        names = set(fields)
        for name in names:
            parent = name.rpartition(".")[0]
            while parent:
                if parent in names:
                    raise self.fail("fields." + parent, f"is a value, so {name} cannot be inside it")
                parent = parent.rpartition(".")[0]
        return fields

    def flatten(self, table: dict[str, Any], prefix: str, into: dict[str, str]) -> None:
        """[fields] with nested tables (TOML's dotted keys) or quoted dotted keys, as dotted national names."""
        for key, value in table.items():
            name = prefix + key
            shown = "fields." + ".".join(map(_key_name, name.split(".")))
            if not all(part.strip() for part in name.split(".")):
                raise self.fail("fields." + _key_name(name), "each part of a national field name must be non-empty")
            if isinstance(value, dict):
                self.flatten(value, name + ".", into)
            elif not isinstance(value, str) or value not in VIEW_KEYS:
                raise self.fail(shown, f"{value!r} is not one of our keys (" + ", ".join(VIEW_KEYS) + ")")
            elif name in into:
                raise self.fail(shown, "is given twice")
            else:
                into[name] = value

    def status_map(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("status_map", "must be a table ([status_map])")
        for word, ours in value.items():
            if not isinstance(ours, str) or ours not in COMPLAINT_STATUSES:
                raise self.fail(
                    "status_map." + _key_name(word),
                    f"{ours!r} is not one of our statuses (" + ", ".join(COMPLAINT_STATUSES) + ")",
                )
        return dict(value)
