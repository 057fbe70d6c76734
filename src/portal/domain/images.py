"""Every image uploaded to the portal passes here: the bytes are untrusted until re-encoded.

The kind is decided by the content (JPEG, PNG or WebP; the file name and the browser's type are
ignored), the size is checked before anything is decoded, the pixel count is read from the header
and checked before the pixels are (a decompression bomb is refused), and the picture is drawn
again by Pillow into a fresh file: EXIF (GPS included), comments, text chunks and anything appended
after the image are not copied. Cleaned images are stored under the data folder, never under static/.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.domain.errors import ValidationFailed
from portal.i18n import N_

MAX_BYTES = 10 * 1024 * 1024  # a phone photo is 2–6 MB
MAX_PIXELS = 24_000_000  # 6000 × 4000; a 12 MP phone photo passes, a 30 MP bomb does not
LONGEST_SIDE = 3000  # photos are stored at most this wide or tall: enough to see a scratch, small to keep
DRAWING_PIXELS = 40_000_000  # a drawing attached to an order (an A2 scan at 300 dpi), kept at full size

# the leading bytes of each accepted kind -> (Pillow's format name, content type, extension)
_KINDS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}

NOT_AN_IMAGE = N_("Only JPEG, PNG and WebP photos can be uploaded.")
TOO_LARGE = N_("Each photo may be at most %(mb)s MB.")
TOO_MANY_PIXELS = N_("An image may have at most %(mp)s megapixels.")
TOO_MANY = N_("Attach at most %(n)s photos.")


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image: only its pixels survived."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """Pillow's format name judged from the leading bytes; None when it is not an accepted kind."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _refuse(message: str, field: str, **params: object) -> ValidationFailed:
    return ValidationFailed({field: message}, params=params or None)


def _open(data: bytes, fmt: str, *, max_pixels: int, field: str) -> Image.Image:
    """The image's header read as ``fmt`` only; its pixel count checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(NOT_AN_IMAGE, field) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(TOO_MANY_PIXELS, field, mp=max_pixels // 1_000_000) from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _refuse(TOO_MANY_PIXELS, field, mp=max_pixels // 1_000_000)
    return image


def _redraw(image: Image.Image, fmt: str, longest_side: int | None) -> Image.Image:
    """The first frame's pixels upright, in a mode ``fmt`` can hold, with no metadata attached."""
    image.seek(0)
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    keep_alpha = fmt != "JPEG" and (upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info)
    pixels = upright.convert("RGBA" if keep_alpha else "RGB")
    if longest_side:
        pixels.thumbnail((longest_side, longest_side))
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)  # a new image: none of the source's info, EXIF, ICC or comments comes along
    return fresh


def clean(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    field: str = "photos",
    longest_side: int | None = LONGEST_SIDE,
    quality: int = 85,
) -> CleanImage:
    """The upload re-encoded, or ``ValidationFailed`` on ``field``: wrong kind, too large, too many pixels.

    ``longest_side`` scales a larger picture down (None keeps its size: drawings); ``quality`` is JPEG's and WebP's.
    """
    if len(data) > max_bytes:
        raise _refuse(TOO_LARGE, field, mb=max_bytes // (1024 * 1024))
    fmt = sniff(data)
    if fmt is None:
        raise _refuse(NOT_AN_IMAGE, field)
    image = _open(data, fmt, max_pixels=max_pixels, field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fresh = _redraw(image, fmt, longest_side)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
        raise _refuse(NOT_AN_IMAGE, field) from None
    out = io.BytesIO()
    if fmt == "JPEG":
        fresh.save(out, "JPEG", quality=quality, optimize=True)
    elif fmt == "PNG":
        fresh.save(out, "PNG", optimize=True)
    else:
        fresh.save(out, "WEBP", quality=quality)
    content_type, extension = _KINDS[fmt]
    return CleanImage(out.getvalue(), content_type, extension, fresh.width, fresh.height)


def clean_all(
    uploads: list[bytes], *, max_files: int, max_bytes: int = MAX_BYTES, field: str = "photos"
) -> list[CleanImage]:
    """Every upload checked and re-encoded before anything is stored; too many is refused first."""
    if len(uploads) > max_files:
        raise _refuse(TOO_MANY, field, n=max_files)
    return [clean(data, max_bytes=max_bytes, field=field) for data in uploads]


def write(root: Path, folder: str, image: CleanImage) -> tuple[str, Path]:
    """Store a cleaned image under ``root/folder`` with a random name; (storage key, path written)."""
    key = f"{folder}/{uuid.uuid4().hex}{image.extension}"
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image.data)
    return key, path


def stored_path(root: Path, storage_key: str) -> Path | None:
    """The stored file of ``storage_key`` if it exists inside ``root`` (never outside it)."""
    base = root.resolve()
    path = (base / storage_key).resolve()
    return path if base in path.parents and path.is_file() else None
