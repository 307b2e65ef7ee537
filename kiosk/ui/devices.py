"""The kiosk's microphone, speaker and cameras, as the screens may use them.

Looking for them takes up to a second (PortAudio probes every sound card), so the window
does it off the UI thread once it shows, and until then nothing is offered. Tests and the tour
put devices fed from real files here instead (kiosk.media's `FileRecorder`, `FileCameras`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # kiosk.media loads soundfile and Pillow: not before the first frame
    from kiosk.media import Cameras, Recorder, Take


class Speaker(Protocol):
    """What plays a voice note back (kiosk.media's `Player`)."""

    @property
    def playing(self) -> bool: ...

    def play(self, take: "Take") -> None: ...

    def stop(self) -> None: ...


@dataclass
class Devices:
    """None where there is none: the screen then does not offer what needs it."""

    recorder: "Callable[[], Recorder] | None" = None  # a new recorder for each take
    speaker: Speaker | None = None
    cameras: "Cameras | None" = None
    photo_files: bool = False  # photos may come from files too (an officer's laptop, not a kiosk)


def find(photo_files: bool) -> Devices:
    """The machine's own devices; run it off the UI thread."""
    from kiosk import media

    microphone = media.microphone()
    cameras = media.system_cameras()
    return Devices(
        recorder=media.MicrophoneRecorder if microphone.present else None,
        speaker=media.Player(),
        cameras=cameras if cameras.status().present else None,
        photo_files=photo_files,
    )
