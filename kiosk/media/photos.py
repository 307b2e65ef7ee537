"""Every photo that enters the kiosk is drawn anew: upright, at most 1600 px on its longest
side, JPEG, and with no metadata at all (EXIF with its GPS position and camera serial, XMP,
ICC profiles, comments).

Pillow does the work: the bundle already carries it (fpdf2 needs it), it applies EXIF
orientation (`ImageOps.exif_transpose`), it can decode a large JPEG at a fraction of its size
(`draft`), and it refuses decompression bombs. Qt's QImageReader could do the same but would
bring Qt into the core, which DESIGN.md keeps free of it.
"""

import io
import warnings
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.errors import KioskError
from kiosk.i18n import _

MAX_SIDE = 1600
MAX_PIXELS = 50_000_000  # the largest phone cameras take 50 megapixels; more is a trap, not a photo
MAX_BYTES = 50 * 1024 * 1024
# What cameras, phones and scanners give. The bundle leaves out Pillow's WebP and AVIF codecs
# (6 MB), and no plug-in that runs another program (EPS through Ghostscript) is ever tried.
FORMATS = ("JPEG", "PNG")
QUALITY = 85
MIME = "image/jpeg"


class Photo(NamedTuple):
    data: bytes
    width: int
    height: int


def _not_a_photo() -> KioskError:
    return KioskError(_("This file is not a photo that can be used. Choose a JPEG or PNG picture."))


def _too_large() -> KioskError:
    return KioskError(_("This photo is too large to open. Choose a smaller one."))


def _read(source: bytes | Path) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            if source.stat().st_size > MAX_BYTES:
                raise _too_large()
            data = source.read_bytes()
        except OSError as exc:
            raise _not_a_photo() from exc
    if len(data) > MAX_BYTES:
        raise _too_large()
    return data


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, with anything transparent laid on white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def ingest(source: bytes | Path) -> Photo:
    """The photo as the kiosk keeps it; raises KioskError (translated) for anything else."""
    data = _read(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_large()
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                picture = _flattened(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _not_a_photo() from exc
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the bare pixels: nothing Pillow carried along in `info` (comment,
    # XMP, ICC profile, EXIF) can reach the saved file.
    clean = Image.frombytes("RGB", picture.size, picture.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return Photo(out.getvalue(), clean.width, clean.height)
