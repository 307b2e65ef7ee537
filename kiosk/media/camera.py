"""Cameras behind one small interface: the machine's own (V4L2 on Linux, see `v4l2`) or, in
tests and demonstrations, image files played as frames.

A camera's frames are JPEG as the camera made them, good for a live preview; the photo the
citizen takes is `photos.ingest(camera.grab())`, so it is re-encoded and stripped like any
other.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kiosk.errors import KioskError
from kiosk.i18n import N_, _

JPEG_START = b"\xff\xd8"
NO_CAMERA = N_("No camera is connected.")
NO_CAMERA_SUPPORT = N_("Taking photos with a camera does not work on this computer yet.")


@dataclass(frozen=True)
class CameraInfo:
    id: str
    name: str


@dataclass(frozen=True)
class CameraStatus:
    """What `kiosk doctor` reports and what decides whether the screen offers the camera;
    `problem` is a message to pass through `_()`."""

    present: bool
    devices: tuple[CameraInfo, ...] = ()
    problem: str | None = None


class Camera(ABC):
    """An open camera; close it (or use `with`) to free the device for the next citizen."""

    @abstractmethod
    def grab(self) -> bytes:
        """The newest frame, as JPEG."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Camera":
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()


class Cameras(ABC):
    """Where cameras come from."""

    @abstractmethod
    def devices(self) -> list[CameraInfo]: ...

    @abstractmethod
    def open(self, device: CameraInfo) -> Camera:
        """Raises KioskError (translated) when the device is gone or cannot give JPEG frames."""

    def status(self) -> CameraStatus:
        devices = tuple(self.devices())
        return CameraStatus(bool(devices), devices, None if devices else NO_CAMERA)


class NoCameras(Cameras):
    """For systems with no camera backend yet (Windows, macOS): photos come from files there."""

    def devices(self) -> list[CameraInfo]:
        return []

    def open(self, device: CameraInfo) -> Camera:
        raise KioskError(_(NO_CAMERA_SUPPORT))

    def status(self) -> CameraStatus:
        return CameraStatus(False, problem=NO_CAMERA_SUPPORT)


class FileCamera(Camera):
    """Gives its files' bytes in turn, round and round, as a camera gives frames."""

    def __init__(self, frames: Sequence[bytes]) -> None:
        self._frames = frames
        self._next = 0
        self._open = True

    def grab(self) -> bytes:
        if not self._open:
            raise RuntimeError("the camera is closed")
        frame = self._frames[self._next % len(self._frames)]
        self._next += 1
        return frame

    def close(self) -> None:
        self._open = False


class FileCameras(Cameras):
    """Named cameras whose frames are JPEG files, read once when the camera is opened."""

    def __init__(self, cameras: Mapping[str, Sequence[Path]]) -> None:
        self._cameras = cameras

    def devices(self) -> list[CameraInfo]:
        return [CameraInfo(name, name) for name in self._cameras]

    def open(self, device: CameraInfo) -> Camera:
        paths = self._cameras.get(device.id)
        if not paths:
            raise KioskError(_(NO_CAMERA))
        frames = [path.read_bytes() for path in paths]
        if not all(frame.startswith(JPEG_START) for frame in frames):
            raise ValueError("camera frames must be JPEG files")
        return FileCamera(frames)
