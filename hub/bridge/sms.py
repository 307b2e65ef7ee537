"""SMS gateways behind one small interface, so an agency can use whatever it already has: an SMS
provider's web API, a modem driven by gammu, or a phone acting as a gateway.

An adapter hands over one message and says only whether to try again (`Retry`) or give up on
this message (`Refused`); the outbox decides the rest. A problem of the set-up (a missing
program, a wrong token or address) is a `Retry`, never a `Refused`: it passes once an operator
fixes it, and must not mark a citizen's number as failed. Reasons end up in the outbox and the
console, so they never carry a token or a phone number in full.
"""

import re
import subprocess
from collections.abc import Sequence
from pathlib import PurePath
from typing import Protocol
from urllib.parse import urlsplit

import requests

from hub.bridge.errors import ConfigError, Refused, Retry, retry_after

EXCERPT_CHARS = 200  # of an answer's body or a program's last line, kept in a reason
# Statuses that say the set-up is wrong (token, address, proxy), not this message: retried.
SETUP_STATUSES = (401, 403, 404, 405, 407)
_RETRY_STATUSES = (408, 429)

_TYPED_PHONE = re.compile(r"\+?[0-9 ().-]+")
_DIGIT_RUN = re.compile(r"\+?[0-9](?:[ -]?[0-9]){6,}")  # a phone number, however a gateway writes it
_PLACEHOLDER = re.compile(r"\{(to|text|key)\}")


class Gateway(Protocol):
    def send(self, phone: str, text: str, key: str) -> None:
        """Hand one message to the gateway; `key` is unique per message (the outbox row), sent along so a
        gateway that supports it can drop a repeat. Raises Retry or Refused."""

    def close(self) -> None:
        """Let go of what the gateway holds between messages."""


class SmsSettings(Protocol):
    """What `open_gateway` reads of the bridge's SMS configuration."""

    @property
    def adapter(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def token(self) -> str | None: ...
    @property
    def to_field(self) -> str | None: ...
    @property
    def text_field(self) -> str | None: ...
    @property
    def command(self) -> Sequence[str] | None: ...
    @property
    def timeout_s(self) -> float: ...


def normalized_phone(phone: str) -> str | None:
    """The number in E.164 ("+6281234567890") from the ways citizens type Indonesian numbers
    ("0812-3456-7890", "+62 812 3456 7890", "62812...", "812...", "0062..."); a number typed with
    "+" and another country code is kept as it is. None when it cannot be a phone number."""
    typed = phone.strip()
    if not _TYPED_PHONE.fullmatch(typed):
        return None
    digits = re.sub(r"[^0-9]", "", typed)
    if typed.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        international = "62" + digits[1:]
    elif digits.startswith(("62", "8")):
        international = digits if digits.startswith("62") else "62" + digits
    else:
        return None
    if international.startswith("620"):  # "+62 (0)812 ...": the trunk zero typed after the country code
        international = "62" + international[3:]
    if international.startswith("62"):
        fits = 8 <= len(international) - 2 <= 12
    else:
        fits = not international.startswith("0") and 7 <= len(international) <= 15
    return "+" + international if fits else None


def masked(phone: str) -> str:
    """A phone number as it may be shown in logs and reasons: its last three digits."""
    return "***" + re.sub(r"[^0-9]", "", phone)[-3:]


def _excerpt(text: str, secrets: Sequence[str | None] = ()) -> str:
    """A short, single-line piece of what the other side said, without phone numbers or secrets."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _DIGIT_RUN.sub(lambda found: masked(found[0]), " ".join(text.split()))
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _innermost(exc: BaseException) -> BaseException:
    """The error at the bottom of requests' and urllib3's wrappers, which says what went wrong."""
    while True:
        inner = getattr(exc, "reason", None) or (exc.args[0] if exc.args else None)
        if not isinstance(inner, BaseException):
            return exc
        exc = inner


def _number(phone: str) -> str:
    number = normalized_phone(phone)
    if number is None:
        raise Refused(f"not a phone number ({masked(phone)})")
    return number


class HttpGateway:
    """A provider's web API: one JSON POST per message, with the field names the provider expects."""

    def __init__(
        self,
        url: str,
        token: str | None,
        to_field: str,
        text_field: str,
        timeout_s: float = 30,
        session: requests.Session | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("sms.url: must be an http:// or https:// address with a host")
        if to_field == text_field or "key" in (to_field, text_field):
            raise ConfigError("sms.to_field, sms.text_field: must differ from each other and from 'key'")
        self._url = url
        self._token = token
        self._secrets = (token, parts.password, parts.query)  # some providers take their key in the address
        self._fields = (to_field, text_field)
        self._timeout_s = timeout_s
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session

    def send(self, phone: str, text: str, key: str) -> None:
        to_field, text_field = self._fields
        headers = {"Idempotency-Key": key}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        body = {to_field: _number(phone), text_field: text, "key": key}
        try:
            with self._session.post(
                self._url, json=body, headers=headers, timeout=self._timeout_s, allow_redirects=False, stream=True
            ) as answer:
                status = answer.status_code
                if 200 <= status < 300:
                    return
                said = next(answer.iter_content(EXCERPT_CHARS * 4), b"").decode("utf-8", "replace")
                retry_after_header = answer.headers.get("Retry-After")
        except requests.RequestException as exc:
            said = _excerpt(str(_innermost(exc)), self._secrets)
            raise Retry(f"gateway not reached: {type(exc).__name__}: {said}") from exc
        reason = f"HTTP {status}: {_excerpt(said, self._secrets)}"
        if status in SETUP_STATUSES or status < 400:
            raise Retry(f"{reason} (check sms.url and sms.token)")
        if status in _RETRY_STATUSES or status >= 500:
            raise Retry(reason, retry_after(retry_after_header))
        raise Refused(reason)

    def close(self) -> None:
        if self._owns_session:
            self._session.close()


class CommandGateway:
    """A local program that sends one message per run, such as gammu-smsd-inject or a phone
    gateway's client. "{to}", "{text}" and "{key}" in its arguments are replaced by the number
    (E.164), the message and the message's key; the message also arrives on standard input, for
    programs that read it there. No shell is involved."""

    def __init__(self, command: Sequence[str], timeout_s: float = 30) -> None:
        self._command = tuple(command)
        if not any("{to}" in argument for argument in self._command[1:]):
            raise ConfigError("sms.command: must name a program and pass it the number as {to}")
        self._program = PurePath(self._command[0]).name
        self._timeout_s = timeout_s

    def send(self, phone: str, text: str, key: str) -> None:
        values = {"to": _number(phone), "text": text, "key": key}
        argv = [_PLACEHOLDER.sub(lambda found: values[found[1]], argument) for argument in self._command]
        try:
            done = subprocess.run(argv, input=text.encode(), capture_output=True, timeout=self._timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise Retry(f"{self._program} did not finish within {self._timeout_s:g} s") from exc
        except FileNotFoundError as exc:
            raise Retry(f"{self._program} not found: install it or correct sms.command") from exc
        except OSError as exc:
            raise Retry(f"{self._program} could not be started: {exc.strerror}") from exc
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            ending = (
                f"exit status {done.returncode}" if done.returncode > 0 else f"stopped by signal {-done.returncode}"
            )
            raise Retry(f"{self._program}: {ending}: {_excerpt(lines[-1] if lines else '')}")

    def close(self) -> None:
        """Nothing is held between runs."""


def open_gateway(config: SmsSettings) -> Gateway:
    """The gateway the configuration names; ConfigError when it cannot be used."""
    if config.adapter == "http":
        if not (config.url and config.to_field and config.text_field):
            raise ConfigError("sms.url, sms.to_field, sms.text_field: all are needed by the http adapter")
        return HttpGateway(config.url, config.token, config.to_field, config.text_field, config.timeout_s)
    if config.adapter == "command":
        if not config.command:
            raise ConfigError("sms.command: needed by the command adapter")
        return CommandGateway(config.command, config.timeout_s)
    raise ConfigError(f"sms.adapter: must be 'http' or 'command', not {config.adapter!r}")
