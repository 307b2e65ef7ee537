"""Voice notes as the kiosk keeps them: Opus in Ogg, mono, well under 1 MB a minute.

libsndfile (through soundfile) writes and reads Ogg/Opus itself, so no FFmpeg is needed.
Only soundfile's raw-buffer calls are used here: they work without numpy, which the bundle
leaves out (numpy and its BLAS would add about 35 MB for nothing the kiosk does).
"""

import io
from dataclasses import dataclass

import soundfile  # type: ignore[import-untyped]

from kiosk.errors import KioskError
from kiosk.i18n import _

LIMIT_S = 180  # DESIGN.md: a voice attachment lasts 1–180 s
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)  # the only rates Opus (and so libsndfile) accepts
MIME = "audio/ogg"
SAMPLE_BYTES = 2  # 16-bit samples: what microphones give and what the meter reads


@dataclass(frozen=True)
class Take:
    """Sound as samples: signed 16-bit in the machine's byte order, channels interleaved."""

    pcm: bytes
    rate: int
    channels: int = 1

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / (SAMPLE_BYTES * self.channels * self.rate)


@dataclass(frozen=True)
class VoiceNote:
    """An encoded recording, ready to be sealed and stored as an attachment with `role: voice`."""

    data: bytes
    duration_s: float
    mime: str = MIME


def encode(take: Take) -> VoiceNote:
    """Opus at libsndfile's default bitrate: about 180 kB a minute of speech at 16 kHz."""
    if take.rate not in OPUS_RATES:
        raise ValueError(f"Opus cannot encode {take.rate} Hz; record at one of {OPUS_RATES}")
    buffer = io.BytesIO()
    with soundfile.SoundFile(
        buffer, "w", samplerate=take.rate, channels=take.channels, format="OGG", subtype="OPUS"
    ) as out:
        out.buffer_write(take.pcm, dtype="int16")
    return VoiceNote(buffer.getvalue(), take.duration_s)


def decode(data: bytes) -> Take:
    """Samples to play back; reads whatever libsndfile reads (Ogg/Opus, Ogg/Vorbis, WAV, FLAC)."""
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            pcm = bytes(sound.buffer_read(dtype="int16"))
            return Take(pcm, sound.samplerate, sound.channels)
    except soundfile.SoundFileError as exc:
        raise KioskError(_("This voice recording cannot be played.")) from exc


def duration_s(data: bytes) -> float:
    """Read from the container's headers and last page, without decoding the sound."""
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            return float(sound.frames / sound.samplerate)
    except soundfile.SoundFileError as exc:
        raise KioskError(_("This voice recording cannot be played.")) from exc
