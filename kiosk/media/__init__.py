"""Voice notes and photos as they enter the kiosk, without widgets or Qt.

Libraries, chosen for the bundle's 200 MB ceiling (169 MB before this package) and for
Linux and Windows alike; sizes measured in PyInstaller bundles:
- voice: sounddevice (PortAudio) records and plays, soundfile (libsndfile 1.2.2, with
  Ogg/Opus built in) encodes and decodes, both without numpy (left out of the bundle: it
  would add about 35 MB). About 9 MB on Linux (libsndfile 3.6 MB; PortAudio with the ALSA
  and JACK libraries it links to 3.4 MB), about 4 MB on Windows, where the wheels carry
  PortAudio and libsndfile as DLLs. QtMultimedia would need PySide6-Addons, whose FFmpeg
  plug-in brings FFmpeg (19 MB) and Qt Quick and QML (17 MB): about 40 MB, past the ceiling.
- photos: Pillow, already in the bundle for the PDF reports; QImageReader would bring Qt
  into the core.
- cameras: linuxpy on Linux (V4L2, Motion-JPEG), pure Python, under 1 MB; OpenCV's wheel is
  173 MB installed (245 MB with numpy). Windows has no camera backend yet: photos come from files.

Recording and cameras sit behind small interfaces (`Recorder`, `Cameras`) with file-fed
implementations, so that tests and demonstrations run everything after the device for real.
"""

from kiosk.media.camera import Camera, CameraInfo, Cameras, CameraStatus, FileCameras, NoCameras
from kiosk.media.machine import system_cameras
from kiosk.media.microphone import MicrophoneRecorder, MicrophoneStatus, microphone
from kiosk.media.photos import Photo, ingest
from kiosk.media.recorder import FileRecorder, Recorder, meter
from kiosk.media.speaker import Player
from kiosk.media.voice import LIMIT_S, Take, VoiceNote, decode, duration_s, encode

__all__ = [
    "LIMIT_S",
    "Camera",
    "CameraInfo",
    "CameraStatus",
    "Cameras",
    "FileCameras",
    "FileRecorder",
    "MicrophoneRecorder",
    "MicrophoneStatus",
    "NoCameras",
    "Photo",
    "Player",
    "Recorder",
    "Take",
    "VoiceNote",
    "decode",
    "duration_s",
    "encode",
    "ingest",
    "meter",
    "microphone",
    "system_cameras",
]
