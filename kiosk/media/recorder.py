"""Recording one take at a time, with a running clock, a level meter and a hard limit.

A source (PortAudio's callback thread, or a thread reading a file) hands blocks of samples
to `Recorder._feed`; the screen reads `elapsed_s` and `level` on a timer of its own. The
clock counts samples kept, not wall time, so it agrees with the recording to the sample.
"""

import math
import threading
from abc import ABC, abstractmethod
from array import array
from pathlib import Path

from kiosk.media.voice import LIMIT_S, OPUS_RATES, SAMPLE_BYTES, Take, decode

METER_FLOOR_DB = 60  # a meter in decibels stirs for quiet speech too, where a linear one would barely move


def meter(block: bytes) -> float:
    """The peak of a block of 16-bit samples on a 60 dB scale: 0 for silence, 1 at full scale."""
    samples = array("h")
    samples.frombytes(block[: len(block) // SAMPLE_BYTES * SAMPLE_BYTES])
    if not samples:
        return 0.0
    peak = max(max(samples), -min(samples)) / 32768
    if peak <= 0:
        return 0.0
    return min(1.0, max(0.0, 1 + 20 * math.log10(peak) / METER_FLOOR_DB))


class Recorder(ABC):
    """Mono takes of at most LIMIT_S seconds; a full take stops growing by itself."""

    def __init__(self, rate: int) -> None:
        if rate not in OPUS_RATES:
            raise ValueError(f"cannot keep {rate} Hz for Opus; use one of {OPUS_RATES}")
        self.rate = rate
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._frames = 0
        self._level = 0.0
        self._running = False

    @property
    def limit_frames(self) -> int:
        return LIMIT_S * self.rate

    @property
    def recording(self) -> bool:
        return self._running

    @property
    def elapsed_s(self) -> float:
        return self._frames / self.rate

    @property
    def level(self) -> float:
        """0..1 for a meter; the loudest moment of the latest block."""
        return self._level

    @property
    def full(self) -> bool:
        """The take reached the limit; the screen should stop and say so."""
        return self._frames >= self.limit_frames

    def start(self) -> None:
        if self._running:
            raise RuntimeError("already recording")
        with self._lock:
            self._chunks, self._frames, self._level = [], 0, 0.0
            self._running = True
        try:
            self._open()
        except BaseException:
            self._running = False
            raise

    def stop(self) -> Take:
        """Closes the source first, so the blocks it still had in hand are kept."""
        self._close()
        with self._lock:
            self._running = False
            pcm, self._chunks, self._level = b"".join(self._chunks), [], 0.0
        return Take(pcm, self.rate)

    def _feed(self, block: bytes) -> bool:
        """Keeps what fits under the limit; False once nothing more is wanted, so the source can stop."""
        with self._lock:
            if not self._running:
                return False
            kept = block[: (self.limit_frames - self._frames) * SAMPLE_BYTES]
            self._chunks.append(kept)
            self._frames += len(kept) // SAMPLE_BYTES
            self._level = meter(kept)
            return self._frames < self.limit_frames

    @abstractmethod
    def _open(self) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...


class FileRecorder(Recorder):
    """Plays a sound file in as if it came from a microphone, so that everything after the
    device (meter, limit, encoding, storing, playing) runs for real where a machine has none.

    `pace` 1.0 feeds the file at the speed it was recorded; 0 feeds it as fast as it can.
    After the end of the file nothing more arrives, as with a microphone unplugged.
    """

    BLOCK_S = 0.1

    def __init__(self, path: Path, pace: float = 1.0) -> None:
        take = decode(path.read_bytes())
        if take.channels != 1:
            raise ValueError(f"{path} has {take.channels} channels; a microphone gives one")
        super().__init__(take.rate)
        self._pcm = take.pcm
        self._pace = pace
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def _open(self) -> None:
        self._halt.clear()
        self._thread = threading.Thread(target=self._play, name="file-microphone", daemon=True)
        self._thread.start()

    def _play(self) -> None:
        step = int(self.rate * self.BLOCK_S) * SAMPLE_BYTES
        for offset in range(0, len(self._pcm), step):
            if not self._feed(self._pcm[offset : offset + step]) or self._halt.wait(self.BLOCK_S * self._pace):
                return

    def _close(self) -> None:
        self._halt.set()
        if self._thread is not None:
            self._thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the whole file has been played in (or the take is full); False on time-out."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()
