"""The capture devices of the machine the kiosk runs on, looked for where each system keeps them."""

import sys

from kiosk.media.camera import Cameras, NoCameras


def system_cameras() -> Cameras:
    """V4L2 on Linux; linuxpy is imported only there, as it needs Linux's ioctl calls."""
    if sys.platform.startswith("linux"):
        from kiosk.media.v4l2 import V4l2Cameras

        return V4l2Cameras()
    return NoCameras()
