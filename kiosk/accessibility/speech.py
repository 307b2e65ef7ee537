"""Read-aloud: speech synthesis in a child process that owns the pyttsx3 engine.

pyttsx3 blocks in runAndWait(), must be driven from the thread that made the engine, and
cannot be interrupted reliably (NOTES.md). A process can: a new utterance while one is
still playing kills the process, and the next one goes to a spare. `speak()` only puts text
on a queue, so the UI never waits for speech. No Qt here: the worker is plain Python.
"""

import multiprocessing
import os
import queue
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.queues import Queue

FALLBACK_LANGUAGE = "id"  # no Javanese or Sundanese voice exists in espeak-ng
PREFERRED_REGIONS = {"en": ("en-gb", "en-us")}  # before espeak's Caribbean or Scottish English
DEFAULT_RATE, DEFAULT_VOLUME = 160, 1.0
_CONTEXT = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads

# To the worker: (kind "say" or "save", text, language, rate, volume, WAV path or None, token).
_Request = tuple[str, str, str, int, float, str | None, int]
# From the worker: ("ready", None), ("done", token) or ("unavailable", why).
_Reply = tuple[str, Any]


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]


def _tags(languages: Iterable[str | bytes] | None) -> tuple[str, ...]:
    tags = []
    for tag in languages or ():
        text = tag.decode(errors="ignore") if isinstance(tag, bytes) else str(tag)
        tags.append(text.strip("\x00\x05 ").lower().replace("_", "-"))
    return tuple(tags)


def pick_voice(voices: list[Voice], language: str) -> Voice | None:
    """The voice for `language`: an exact language tag, then a regional one, then by id or name.

    SAPI5 voices may report no language at all, hence the id and name fallbacks."""
    language = language.lower()
    exact = [v for v in voices if language in v.languages]
    regional = [v for v in voices if any(tag.startswith(language + "-") for tag in v.languages)]
    preferred = PREFERRED_REGIONS.get(language, ())
    regional.sort(
        key=lambda v: min((preferred.index(t) for t in v.languages if t in preferred), default=len(preferred))
    )
    named = [v for v in voices if v.id.lower().endswith("/" + language) or language in v.name.lower().split()]
    return next(iter(exact + regional + named), None)


def _voices(engine: Any) -> list[Voice]:  # a pyttsx3 Engine (pyttsx3 ships no types)
    return [Voice(str(v.id), str(v.name), _tags(v.languages)) for v in engine.getProperty("voices")]


def describe(driver: str | None = None) -> dict[str, Voice | None]:
    """Which voice each language would get; raises when there is no speech engine at all."""
    import pyttsx3

    from kiosk.i18n import LANGUAGES

    voices = _voices(pyttsx3.init(driverName=driver))
    return {language: pick_voice(voices, language) for language in LANGUAGES}


def _serve(requests: "Queue[_Request]", replies: "Queue[_Reply]", driver: str | None) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (1, 2):  # pyttsx3 prints, and aplay complains when there is no sound card
        os.dup2(devnull, stream)
    try:
        import pyttsx3

        engine = pyttsx3.init(driverName=driver)
        voices = _voices(engine)
    except Exception as exc:  # noqa: BLE001 - reported to the kiosk, which goes on without speech
        replies.put(("unavailable", f"{type(exc).__name__}: {exc}"))
        return
    replies.put(("ready", None))
    while True:
        kind, text, language, rate, volume, path, token = requests.get()
        voice = pick_voice(voices, language) or pick_voice(voices, FALLBACK_LANGUAGE)
        if voice is not None:
            engine.setProperty("voice", voice.id)
        engine.setProperty("rate", rate)
        engine.setProperty("volume", volume)
        if kind == "say":
            engine.say(text)
            engine.runAndWait()
        else:
            assert path is not None  # Speech._send gives every "save" its path
            _save(engine, text, Path(path))
        replies.put(("done", token))


def _save(engine: Any, text: str, path: Path, attempts: int = 3) -> None:
    """pyttsx3's espeak driver (2.99) can return from runAndWait() before its callback has
    written the file, and now and then writes only a header: wait for the file to settle,
    and say it again when no sound came out."""
    for _attempt in range(attempts):
        path.unlink(missing_ok=True)
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        if _settled_size(path) > _WAV_HEADER or not text.strip():
            return


_WAV_HEADER = 44


def _settled_size(path: Path, limit: float = 10) -> int:
    """The file's size once it exists and has stopped growing; -1 if it never appeared."""
    deadline, size = time.monotonic() + limit, -1
    while time.monotonic() < deadline:
        current = path.stat().st_size if path.exists() else -1
        if current >= 0 and current == size:
            return current
        size = current
        time.sleep(0.05)
    return size


@dataclass
class _Worker:
    """A speech process with its two queues."""

    process: "SpawnProcess"
    requests: "Queue[_Request]"
    replies: "Queue[_Reply]"

    @classmethod
    def start(cls, driver: str | None) -> "_Worker":
        requests, replies = _CONTEXT.Queue(), _CONTEXT.Queue()
        process = _CONTEXT.Process(target=_serve, args=(requests, replies, driver), daemon=True, name="kiosk-speech")
        process.start()
        return cls(process, requests, replies)

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)


class Speech:
    """One speaking voice for the kiosk; every method returns at once except `synthesize`.

    A spare worker waits, started and with its engine loaded, while the kiosk speaks: cutting
    off an utterance (a citizen typing in read-aloud mode cuts one off at every key) then hands
    the next one to it at once, instead of waiting for a new interpreter and engine."""

    def __init__(self, rate: int = DEFAULT_RATE, volume: float = DEFAULT_VOLUME, driver: str | None = None) -> None:
        self.rate, self.volume, self.driver = rate, volume, driver
        self.worker: _Worker | None = None
        self.spare: _Worker | None = None
        self.unavailable: str | None = None  # why there is no speech, for the officer
        self._token = 0
        self._pending: set[int] = set()

    @property
    def process(self) -> "SpawnProcess | None":
        """The process that speaks now (or spoke last)."""
        return self.worker.process if self.worker is not None else None

    @property
    def speaking(self) -> bool:
        self._collect()
        return bool(self._pending)

    def speak(self, text: str, language: str) -> None:
        """Says `text`, cutting off whatever is being said."""
        if self.speaking:
            self.stop()
        if text.strip():
            self._send("say", text, language)
            if self.unavailable is None and (self.spare is None or not self.spare.process.is_alive()):
                self.spare = _Worker.start(self.driver)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None
        self._pending.clear()

    def synthesize(self, text: str, language: str, path: Path, timeout: float = 60) -> Path:
        """Writes `text` spoken in `language` to a WAV file, waiting until it is written."""
        token = self._send("save", text, language, str(path))
        while token in self._pending:
            self._collect(block=True, timeout=timeout)
            if self.unavailable:
                raise RuntimeError(self.unavailable)
        return Path(path)

    def close(self) -> None:
        self.stop()
        if self.spare is not None:
            self.spare.kill()
            self.spare = None

    def _send(self, kind: str, text: str, language: str, path: str | None = None) -> int:
        if self.worker is None or not self.worker.process.is_alive():
            spare, self.spare = self.spare, None
            self.worker = spare if spare is not None and spare.process.is_alive() else _Worker.start(self.driver)
            self._pending.clear()
        self._token += 1
        self._pending.add(self._token)
        self.worker.requests.put((kind, text, language, self.rate, self.volume, path, self._token))
        return self._token

    def _collect(self, block: bool = False, timeout: float = 0) -> None:
        if self.worker is None:
            return
        while True:
            try:
                kind, value = self.worker.replies.get(block=block, timeout=timeout if block else None)
            except queue.Empty:
                if block:
                    raise TimeoutError("speech did not finish in time") from None
                return
            block = False
            if kind == "done":
                self._pending.discard(value)
            elif kind == "unavailable":
                self.unavailable = value
                self._pending.clear()
