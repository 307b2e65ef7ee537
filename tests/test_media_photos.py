"""Photos as they enter the kiosk, from files and from cameras: real JPEGs carrying EXIF GPS
(written by exiftool) come out upright, at most 1600 px, with no metadata left."""

import io
import json
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from kiosk.errors import KioskError
from kiosk.media import CameraInfo, FileCameras, NoCameras, ingest, photos, system_cameras
from kiosk.media.camera import NO_CAMERA, NO_CAMERA_SUPPORT
from kiosk.media.v4l2 import V4l2Cameras

RED, WHITE = (220, 20, 20), (255, 255, 255)
PLACE = ["-GPSLatitude=6.2088", "-GPSLatitudeRef=S", "-GPSLongitude=106.8456", "-GPSLongitudeRef=E"]
WHO = ["-Make=PhoneMaker", "-Model=Phone 12", "-SerialNumber=SN-998877", "-Artist=Siti", "-XMP:Creator=Siti"]


def exiftool(*args: str | Path) -> str:
    return subprocess.run(["exiftool", *map(str, args)], check=True, capture_output=True, text=True).stdout


def tags(data: bytes, tmp_path: Path) -> dict:
    """Every tag exiftool finds, by group, with the file's own description left out."""
    path = tmp_path / "out.jpg"
    path.write_bytes(data)
    found = json.loads(exiftool("-j", "-G", "-a", path))[0]
    return {key: value for key, value in found.items() if key.split(":")[0] not in ("SourceFile", "ExifTool", "System")}


def segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data, parsed by hand."""
    assert data[:2] == b"\xff\xd8"
    found, at = [], 2
    while True:
        marker = data[at + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            return found
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length


def chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body and checksum."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@pytest.fixture
def geotagged(tmp_path) -> Path:
    """A 4000 × 3000 phone photo lying on its side (EXIF orientation 6: turn it right to view),
    with a red corner at the top left as stored, GPS, the owner's name and a comment."""
    image = Image.new("RGB", (4000, 3000), WHITE)
    image.paste(RED, (0, 0, 800, 600))
    path = tmp_path / "IMG_0001.jpg"
    image.save(path, "JPEG", quality=90)
    exiftool("-overwrite_original", "-Orientation#=6", *PLACE, *WHO, "-Comment=rumah Bu Siti", path)
    assert "GPSLatitude" in exiftool("-s", "-GPSLatitude", path)
    return path


def test_a_geotagged_photo_comes_out_upright_small_and_without_metadata(geotagged, tmp_path):
    photo = ingest(geotagged)
    assert (photo.width, photo.height) == (1200, 1600)  # turned upright, longest side 1600

    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and image.size == (1200, 1600)
    assert image.getpixel((1150, 50)) == pytest.approx(RED, abs=12)  # the red corner is now at the top right
    assert image.getpixel((50, 50)) == pytest.approx(WHITE, abs=12)

    assert not image.getexif() and not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    assert [m for m in segments(photo.data) if 0xE1 <= m <= 0xEF or m == 0xFE] == []  # no APP1–15, no comment
    found = tags(photo.data, tmp_path)
    assert {key.split(":")[0] for key in found} <= {"File", "JFIF", "Composite"}  # what exiftool derives itself
    assert not [key for key in found if "GPS" in key or "Orientation" in key]
    assert "Siti" not in json.dumps(found) and "6.2088" not in json.dumps(found)
    assert b"Siti" not in photo.data and b"GPS" not in photo.data


def test_bytes_and_files_give_the_same_photo(geotagged):
    assert ingest(geotagged.read_bytes()) == ingest(geotagged)


def test_small_and_transparent_pictures_become_plain_jpeg(tmp_path):
    """A small PNG keeps its size (never enlarged); see-through parts become white."""
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste((20, 20, 220, 255), (0, 0, 100, 200))
    image.save(tmp_path / "logo.png")
    photo = ingest(tmp_path / "logo.png")
    assert (photo.width, photo.height) == (300, 200)
    result = Image.open(io.BytesIO(photo.data))
    assert result.format == "JPEG" and result.mode == "RGB"
    assert result.getpixel((250, 100)) == pytest.approx(WHITE, abs=8)
    assert result.getpixel((50, 100)) == pytest.approx((20, 20, 220), abs=12)


@pytest.mark.parametrize(
    "data",
    [b"", b"Laporan: jalan rusak di desa kami", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"GIF89a" + b"\0" * 40],
    ids=["empty", "text", "pdf", "gif"],
)
def test_what_is_not_a_photo_is_refused(data):
    with pytest.raises(KioskError, match="not a photo that can be used"):
        ingest(data)


def test_webp_is_refused_here_as_in_the_bundle_which_has_no_webp_codec():
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), RED).save(picture, "WEBP")
    with pytest.raises(KioskError, match="not a photo that can be used"):
        ingest(picture.getvalue())


def test_a_cut_off_photo_is_refused(geotagged):
    with pytest.raises(KioskError, match="not a photo that can be used"):
        ingest(geotagged.read_bytes()[:5000])


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(KioskError, match="not a photo that can be used"):
        ingest(tmp_path / "gone.jpg")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path):
    """A 90-megapixel PNG of a few kilobytes, and a PNG header claiming 10 gigapixels."""
    Image.new("1", (10_000, 9_000)).save(tmp_path / "bomb.png")
    assert (tmp_path / "bomb.png").stat().st_size < 1_000_000
    with pytest.raises(KioskError, match="too large"):
        ingest(tmp_path / "bomb.png")

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    claim = b"".join(
        [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(b"\0" * 64)), chunk(b"IEND", b"")]
    )
    with pytest.raises(KioskError, match="too large"):
        ingest(claim)


def test_a_file_too_big_to_be_a_photo_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(photos, "MAX_BYTES", 1000)
    (tmp_path / "big.jpg").write_bytes(b"\xff\xd8" + b"\0" * 2000)
    with pytest.raises(KioskError, match="too large"):
        ingest(tmp_path / "big.jpg")
    with pytest.raises(KioskError, match="too large"):
        ingest(b"\xff\xd8" + b"\0" * 2000)


def test_a_file_camera_gives_its_frames_in_turn_and_a_taken_photo_is_clean(geotagged, tmp_path):
    plain = tmp_path / "frame2.jpg"
    Image.new("RGB", (640, 480), (10, 120, 10)).save(plain)
    cameras = FileCameras({"USB Camera": [geotagged, plain]})
    assert cameras.status().present
    [device] = cameras.devices()
    with cameras.open(device) as camera:
        frames = [camera.grab() for _ in range(3)]
    assert frames == [geotagged.read_bytes(), plain.read_bytes(), geotagged.read_bytes()]
    with pytest.raises(RuntimeError):
        camera.grab()

    taken = ingest(frames[0])
    assert (taken.width, taken.height) == (1200, 1600) and not Image.open(io.BytesIO(taken.data)).getexif()


def test_a_camera_that_is_not_there_is_said_so(tmp_path):
    cameras = FileCameras({})
    assert cameras.status().problem == NO_CAMERA
    with pytest.raises(KioskError, match="No camera is connected"):
        cameras.open(CameraInfo("USB Camera", "USB Camera"))
    (tmp_path / "frame.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="JPEG"):
        FileCameras({"c": [tmp_path / "frame.png"]}).open(CameraInfo("c", "c"))


def test_linux_cameras_are_looked_for_and_missing_ones_reported_plainly(tmp_path):
    """Nodes that are not capture devices (here a plain file) are passed over, not fatal."""
    (tmp_path / "video0").write_bytes(b"")
    cameras = V4l2Cameras(tmp_path)
    assert cameras.devices() == []
    status = cameras.status()
    assert not status.present and status.problem == NO_CAMERA
    with pytest.raises(KioskError, match="No camera is connected"):
        cameras.open(CameraInfo(str(tmp_path / "video9"), "gone"))


def test_this_machine_says_whether_it_has_a_camera():
    status = system_cameras().status()
    assert status.present == bool(status.devices)
    assert status.present or status.problem in (NO_CAMERA, NO_CAMERA_SUPPORT)


def test_systems_without_a_camera_backend_say_so():
    assert NoCameras().status().problem == NO_CAMERA_SUPPORT
    with pytest.raises(KioskError, match="does not work on this computer"):
        NoCameras().open(CameraInfo("0", "any"))
