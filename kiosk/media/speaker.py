"""Playing a voice note back to the citizen, through PortAudio like the microphone."""

from typing import Any

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.media.microphone import NO_SOUND_SYSTEM, portaudio
from kiosk.media.voice import SAMPLE_BYTES, Take


class Player:
    """One take at a time on PortAudio's thread; the screen polls `playing` and `position_s`."""

    def __init__(self, device: int | str | None = None) -> None:
        self._device = device
        self._stream: Any = None
        self._pcm = b""
        self._at = 0
        self._bytes_per_second = 1

    @property
    def playing(self) -> bool:
        return self._stream is not None and bool(self._stream.active)

    @property
    def position_s(self) -> float:
        return self._at / self._bytes_per_second

    def play(self, take: Take) -> None:
        """Stops what was playing and starts `take`; raises KioskError (translated) without a speaker."""
        self.stop()
        sd = portaudio()
        if sd is None:
            raise KioskError(_(NO_SOUND_SYSTEM))
        self._pcm, self._at = take.pcm, 0
        self._bytes_per_second = take.rate * take.channels * SAMPLE_BYTES

        def callback(outdata: Any, _frames: int, _time: Any, _status: Any) -> None:
            chunk = self._pcm[self._at : self._at + len(outdata)]
            self._at += len(chunk)
            outdata[: len(chunk)] = chunk
            if len(chunk) < len(outdata):
                outdata[len(chunk) :] = bytes(len(outdata) - len(chunk))
                raise sd.CallbackStop

        try:
            stream = sd.RawOutputStream(
                samplerate=take.rate, channels=take.channels, dtype="int16", device=self._device, callback=callback
            )
            stream.start()
        except sd.PortAudioError as exc:
            raise KioskError(_("The recording could not be played on this computer.")) from exc
        self._stream = stream

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
