"""Untrusted photos: kind by content, size and pixel limits, and nothing but pixels kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from portal.domain import images
from portal.domain.errors import ValidationFailed

GPS_IFD = 0x8825


def _jpeg(size=(40, 30), **save) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", **save)
    return out.getvalue()


def _with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    return _jpeg(exif=exif.tobytes())


def test_a_jpeg_is_re_encoded_and_keeps_its_size():
    cleaned = images.clean(_jpeg())
    assert cleaned.content_type == "image/jpeg" and (cleaned.width, cleaned.height) == (40, 30)
    assert Image.open(io.BytesIO(cleaned.data)).format == "JPEG"


def test_exif_and_gps_are_removed():
    source = _with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)  # the fixture carries a position
    cleaned = images.clean(source)
    again = Image.open(io.BytesIO(cleaned.data))
    assert not again.getexif() and b"Exif" not in cleaned.data and b"PhoneMaker" not in cleaned.data


def test_a_jpeg_html_polyglot_loses_its_html():
    html = b"<html><script>alert(document.cookie)</script></html>"
    # HTML in a comment segment and appended after the end of the image: both still open as a JPEG
    polyglot = _jpeg(comment=html) + html
    assert Image.open(io.BytesIO(polyglot)).format == "JPEG"
    cleaned = images.clean(polyglot)
    assert b"<script" not in cleaned.data and b"<html" not in cleaned.data
    assert cleaned.data.endswith(b"\xff\xd9")  # nothing after the end-of-image marker


def test_an_svg_renamed_jpg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationFailed) as refused:
        images.clean(svg)
    assert refused.value.errors == {"photos": images.NOT_AN_IMAGE}


def test_html_behind_a_jpeg_signature_is_refused():
    with pytest.raises(ValidationFailed):
        images.clean(b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>")


def test_a_30_megapixel_bomb_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("L", (6000, 5000)).save(out, "PNG", optimize=True)  # 30 MP of black: a few tens of kB
    bomb = out.getvalue()
    assert len(bomb) < 200_000
    with pytest.raises(ValidationFailed) as refused:
        images.clean(bomb)
    assert refused.value.errors == {"photos": images.TOO_MANY_PIXELS}


def test_a_header_claiming_huge_dimensions_is_refused():
    # a PNG whose header says 100000 × 100000: Pillow's own bomb guard or ours refuses it, unread
    data = bytearray(_png((1, 1)))
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    with pytest.raises(ValidationFailed):
        images.clean(bytes(data))


def test_size_is_checked_before_decoding():
    with pytest.raises(ValidationFailed) as refused:
        images.clean(b"\xff\xd8\xff" + b"\0" * 2000, max_bytes=1000)
    assert refused.value.errors == {"photos": images.TOO_LARGE}


def _png(size, mode="RGBA") -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    image = Image.new(mode, size, (0, 0, 255, 128) if mode == "RGBA" else 0)
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_png_keeps_transparency_and_drops_text_chunks():
    cleaned = images.clean(_png((20, 10)))
    again = Image.open(io.BytesIO(cleaned.data))
    assert cleaned.content_type == "image/png" and again.mode == "RGBA"
    assert b"<script" not in cleaned.data and not again.text


def test_webp_is_accepted_and_large_photos_are_scaled_down():
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), (1, 2, 3)).save(out, "WEBP")
    cleaned = images.clean(out.getvalue())
    assert cleaned.content_type == "image/webp" and max(cleaned.width, cleaned.height) == images.LONGEST_SIDE


def test_a_gif_is_not_accepted():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(ValidationFailed):
        images.clean(out.getvalue())


def test_at_most_n_photos():
    with pytest.raises(ValidationFailed) as refused:
        images.clean_all([_jpeg()] * 6, max_files=5)
    assert refused.value.errors == {"photos": images.TOO_MANY}
