"""The test helper that reads CMaps out of a PDF takes each stream's declared length."""

import zlib

from tests.pdf_reading import _cmaps

CMAP = b"/CIDInit /ProcSet findresource begin begincmap\n1 beginbfchar\n<0001> <4E2D>\nendbfchar\nendcmap"


def _compressed_ending_in_carriage_return() -> bytes:
    """A compressed CMap whose last byte is CR, as real fonts' ToUnicode streams sometimes are."""
    for pad in range(100_000):
        data = zlib.compress(CMAP + b"\n%" + str(pad).encode())
        if data.endswith(b"\r"):
            return data
    raise AssertionError("no padding gives a stream ending in CR")


def test_a_stream_ending_in_a_carriage_return_is_read_whole():
    body = _compressed_ending_in_carriage_return()
    pdf = (
        b"%PDF-1.6\n1 0 obj\n<<\n/Type /Catalog\n>>\nendobj\n"
        b"2 0 obj\n<<\n/Filter /FlateDecode\n/Length " + str(len(body)).encode() + b"\n>>\nstream\n"
        + body
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    cmaps = _cmaps(pdf)
    assert len(cmaps) == 1
    assert "<0001> <4E2D>" in cmaps[0]
