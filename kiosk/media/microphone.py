"""The machine's microphone through PortAudio (sounddevice): ALSA, PulseAudio or PipeWire on
Linux, MME/WASAPI on Windows.

sounddevice is imported only when asked for: its import starts PortAudio, which probes every
sound card (slow, and noisy on stderr on some Linux machines), and raises OSError where the
PortAudio library is missing. Only raw streams are used, which need no numpy.
"""

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.media.recorder import Recorder

# 16 kHz is all speech needs and keeps a 3-minute take at 5.8 MB of samples; the others are
# the remaining Opus rates, for devices that refuse it.
PREFERRED_RATES = (16000, 48000, 24000, 12000, 8000)

NO_SOUND_SYSTEM = N_("The sound system of this computer cannot be used.")
NO_MICROPHONE = N_("No microphone is connected.")
UNUSABLE_MICROPHONE = N_("The microphone cannot record speech.")


@dataclass(frozen=True)
class MicrophoneStatus:
    """Whether a voice note can be recorded here; `problem` is a message to pass through `_()`."""

    present: bool
    name: str | None = None
    rate: int | None = None
    problem: str | None = None


def portaudio() -> ModuleType | None:
    """sounddevice, or None where the PortAudio library is missing."""
    try:
        import sounddevice  # type: ignore[import-untyped]
    except OSError:
        return None
    module: ModuleType = sounddevice
    return module


def _usable_rate(sd: ModuleType, device: int | str | None) -> int | None:
    for rate in PREFERRED_RATES:
        try:
            sd.check_input_settings(device=device, channels=1, dtype="int16", samplerate=rate)
        except (sd.PortAudioError, ValueError):
            continue
        return rate
    return None


def microphone(device: int | str | None = None) -> MicrophoneStatus:
    """Asks PortAudio for the default (or the named) input; takes up to a second, so call it
    off the UI thread. Devices plugged in after the first call are seen by a new process."""
    sd = portaudio()
    if sd is None:
        return MicrophoneStatus(False, problem=NO_SOUND_SYSTEM)
    try:
        info = sd.query_devices(device, kind="input")
    except (sd.PortAudioError, ValueError):
        return MicrophoneStatus(False, problem=NO_MICROPHONE)
    if info["max_input_channels"] < 1:
        return MicrophoneStatus(False, problem=NO_MICROPHONE)
    rate = _usable_rate(sd, device)
    if rate is None:
        return MicrophoneStatus(False, name=info["name"], problem=UNUSABLE_MICROPHONE)
    return MicrophoneStatus(True, name=info["name"], rate=rate)


class MicrophoneRecorder(Recorder):
    """Records from a microphone; raises KioskError (translated) when there is none to use."""

    def __init__(self, device: int | str | None = None) -> None:
        status = microphone(device)
        if not status.present or status.rate is None:
            raise KioskError(_(status.problem or NO_MICROPHONE))
        super().__init__(status.rate)
        self._device = device
        self._stream: Any = None

    def _open(self) -> None:
        sd = portaudio()
        assert sd is not None  # microphone() found it in __init__

        def callback(indata: Any, _frames: int, _time: Any, _status: Any) -> None:
            if not self._feed(bytes(indata)):
                raise sd.CallbackStop

        try:
            self._stream = sd.RawInputStream(
                samplerate=self.rate,
                channels=1,
                dtype="int16",
                device=self._device,
                blocksize=self.rate // 10,
                callback=callback,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            raise KioskError(_("The microphone could not be started.")) from exc

    def _close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
