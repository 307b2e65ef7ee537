"""USB cameras on Linux through Video4Linux2, with linuxpy (pure Python, about 1 MB in the
bundle, where QtMultimedia with its FFmpeg would add about 40 MB and OpenCV more).

Only cameras that give Motion-JPEG are offered: nearly every USB (UVC) camera does, and its
frames are then JPEG already, with no conversion of raw pixels in Python.
"""

from pathlib import Path
from typing import Any

from linuxpy.video.device import (  # type: ignore[import-untyped]
    BufferType,
    Device,
    PixelFormat,
    V4L2Error,
    VideoCapture,
)

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.media.camera import NO_CAMERA, Camera, CameraInfo, Cameras

FRAME_SIZE = (1280, 720)  # the driver picks the nearest it has; ingest() brings photos to 1600 px anyway
UNUSABLE_CAMERA = N_("This camera cannot be used for photos.")


def _gives_jpeg(device: Any) -> bool:
    return any(
        image_format.pixel_format == PixelFormat.MJPEG and image_format.type == BufferType.VIDEO_CAPTURE
        for image_format in device.info.formats
    )


class V4l2Camera(Camera):
    def __init__(self, path: Path) -> None:
        self._device = Device(str(path))
        try:
            self._device.open()
            self._capture = VideoCapture(self._device)
            self._capture.set_format(*FRAME_SIZE, "MJPG")
            self._capture.open()
        except (OSError, V4L2Error) as exc:
            self._device.close()
            raise KioskError(_(UNUSABLE_CAMERA)) from exc

    def grab(self) -> bytes:
        try:
            frame = self._capture.buffer.read()
        except (OSError, V4L2Error) as exc:
            raise KioskError(_(NO_CAMERA)) from exc
        return bytes(frame.data)

    def close(self) -> None:
        try:
            self._capture.close()
        finally:
            self._device.close()


class V4l2Cameras(Cameras):
    def __init__(self, root: Path = Path("/dev")) -> None:
        self._root = root

    def devices(self) -> list[CameraInfo]:
        """Capture devices that give JPEG; metadata nodes and devices this user may not open are left out."""
        found = []
        for path in sorted(self._root.glob("video*")):
            try:
                with Device(str(path)) as device:
                    if _gives_jpeg(device):
                        found.append(CameraInfo(str(path), device.info.card))
            except OSError:
                continue
        return found

    def open(self, device: CameraInfo) -> Camera:
        path = Path(device.id)
        if not path.exists():
            raise KioskError(_(NO_CAMERA))
        return V4l2Camera(path)
