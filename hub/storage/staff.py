"""Console staff, agencies, sessions and the audit log.

Passwords and session tokens are kept only as hashes: a password salted through scrypt, a
session token (random, 256 bits) through SHA-256, which is enough for a secret that long.
Lock-out counts an account's consecutive failures; throttling counts an address's recent
failures in the audit log, so it holds across hub processes and for unknown names alike.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from hub.storage.base import HubError, Storage
from hub.storage.roles import LIAISON, ROLES
from hub.storage.rules import hash_secret
from hub.storage.sql import Run

MAX_FAILURES = 5  # consecutive wrong passwords before an account is locked
LOCKED_FOR = timedelta(minutes=15)
ADDRESS_FAILURES = 20  # wrong logins from one address within THROTTLE_WINDOW before it must wait
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)  # even an active session ends: a shared office laptop
LOGIN_OK, LOGIN_FAILED, LOGIN_REFUSED, LOGOUT = "login", "login_failed", "login_refused", "logout"
_DECOY_SALT = secrets.token_bytes(16)  # an unknown name costs the same hash as a known one


class Agency(TypedDict):
    code: str
    name: str


class User(TypedDict):
    name: str
    role: str
    agency: str | None
    created_at: str
    disabled_at: str | None


@dataclass(frozen=True)
class Staffer:
    """Who is signed in, as one request sees them."""

    name: str
    role: str
    agency: str | None
    csrf_token: str


class LoginRefused(Exception):
    """Wrong name or password (`locked` False), or too many failures: wait and try again (`locked` True)."""

    def __init__(self, locked: bool) -> None:
        super().__init__("locked" if locked else "wrong name or password")
        self.locked = locked


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit(run: Run, actor: str, action: str, target: str | None = None, address: str | None = None) -> None:
    run(
        "INSERT INTO audit_log (at, actor, action, target, address) VALUES (?, ?, ?, ?, ?)",
        [_iso(_now()), actor, action, target, address],
    )


class Staff:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # agencies and users
    def add_agency(self, code: str, name: str, actor: str) -> None:
        if not code.strip() or not name.strip() or len(code) > 30 or len(name) > 200:
            raise HubError("bad_agency", "an agency needs a code (at most 30 characters) and a name (at most 200)")
        with self.storage.writing() as run:
            if run("SELECT 1 FROM agencies WHERE code = ?", [code]):
                raise HubError("agency_exists", f"agency {code} exists already")
            run("INSERT INTO agencies (code, name, created_at) VALUES (?, ?, ?)", [code, name, _iso(_now())])
            audit(run, actor, "agency_add", code)

    def agencies(self) -> list[Agency]:
        with self.storage.writing() as run:
            rows = run("SELECT code, name FROM agencies ORDER BY code")
        return [{"code": code, "name": name} for code, name in rows]

    def add_user(self, name: str, role: str, agency: str | None, password: str, actor: str) -> None:
        if role not in ROLES:
            raise HubError("bad_role", f"role must be one of: {', '.join(ROLES)}")
        if (role == LIAISON) != (agency is not None):
            raise HubError("bad_agency", "a liaison needs --agency, and only a liaison has one")
        if not name or len(name) > 64 or not name.isprintable() or name != name.strip():
            raise HubError("bad_name", "a user name is 1 to 64 printable characters")
        if len(password) < 12:
            raise HubError("weak_password", "a password needs at least 12 characters")
        salt = secrets.token_bytes(16)
        password_hash = hash_secret(password, salt)  # slow on purpose: outside the transaction
        with self.storage.writing() as run:
            if agency is not None and not run("SELECT 1 FROM agencies WHERE code = ?", [agency]):
                raise HubError("unknown_agency", f"no agency {agency} (kiosk-hub agency add CODE NAME)")
            if run("SELECT 1 FROM staff WHERE name = ?", [name]):
                raise HubError("user_exists", f"user {name} exists already")
            run(
                "INSERT INTO staff (name, role, agency, salt, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [name, role, agency, salt, password_hash, _iso(_now())],
            )
            audit(run, actor, "user_add", f"{name} ({role})")

    def users(self) -> list[User]:
        with self.storage.writing() as run:
            rows = run("SELECT name, role, agency, created_at, disabled_at FROM staff ORDER BY name")
        return [
            {"name": name, "role": role, "agency": agency, "created_at": created, "disabled_at": disabled}
            for name, role, agency, created, disabled in rows
        ]

    def disable_user(self, name: str, actor: str) -> None:
        with self.storage.writing() as run:
            if not run("UPDATE staff SET disabled_at = ? WHERE name = ? RETURNING name", [_iso(_now()), name]):
                raise HubError("unknown_user", f"no user {name}")
            run("DELETE FROM staff_sessions WHERE name = ?", [name])
            audit(run, actor, "user_disable", name)

    # signing in and out
    def login(self, name: str, password: str, address: str) -> tuple[str, Staffer]:
        """A new session's token and who it is for; LoginRefused otherwise (each attempt audited)."""
        moment = _now()
        with self.storage.writing() as run:
            since = _iso(moment - THROTTLE_WINDOW)
            (failures,) = run(
                "SELECT count(*) FROM audit_log WHERE address = ? AND action = ? AND at > ?",
                [address, LOGIN_FAILED, since],
            )[0]
            found = run(
                "SELECT salt, password_hash, role, agency, locked_until FROM staff"
                " WHERE name = ? AND disabled_at IS NULL",
                [name],
            )
        salt, stored, role, agency, locked_until = found[0] if found else (_DECOY_SALT, b"", "", None, None)
        if failures >= ADDRESS_FAILURES or (locked_until is not None and locked_until > _iso(moment)):
            with self.storage.writing() as run:
                audit(run, name, LOGIN_REFUSED, None, address)
            raise LoginRefused(locked=True)
        if not hmac.compare_digest(hash_secret(password, bytes(salt)), bytes(stored)) or not found:
            with self.storage.writing() as run:
                audit(run, name, LOGIN_FAILED, None, address)
                run(
                    "UPDATE staff SET failed_logins = failed_logins + 1,"
                    " locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE name = ?",
                    [MAX_FAILURES, _iso(moment + LOCKED_FOR), name],
                )
            raise LoginRefused(locked=False)
        token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.storage.writing() as run:
            run("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE name = ?", [name])
            run(
                "INSERT INTO staff_sessions (token_hash, name, csrf_token, created_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?)",
                [_token_hash(token), name, csrf_token, _iso(moment), _iso(moment)],
            )
            audit(run, name, LOGIN_OK, None, address)
        return token, Staffer(name, role, agency, csrf_token)

    def session(self, token: str, idle: timedelta) -> Staffer | None:
        """Who holds this session token, when it was used within `idle` (it is then used now)."""
        moment = _now()
        with self.storage.writing() as run:
            found = run(
                "UPDATE staff_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen > ? AND created_at > ?"
                " RETURNING name, csrf_token",
                [_iso(moment), _token_hash(token), _iso(moment - idle), _iso(moment - SESSION_LIFETIME)],
            )
            if not found:
                return None
            name, csrf_token = found[0]
            user = run("SELECT role, agency FROM staff WHERE name = ? AND disabled_at IS NULL", [name])
        return Staffer(name, user[0][0], user[0][1], csrf_token) if user else None

    def logout(self, token: str, staffer: Staffer, address: str) -> None:
        with self.storage.writing() as run:
            run("DELETE FROM staff_sessions WHERE token_hash = ?", [_token_hash(token)])
            audit(run, staffer.name, LOGOUT, None, address)

    # the audit log
    def record(self, actor: str, action: str, target: str | None, address: str | None) -> None:
        with self.storage.writing() as run:
            audit(run, actor, action, target, address)
