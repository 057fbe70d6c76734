"""Read a generated PDF back as a reader would: text per page, words with their boxes, and fonts used.

PDFium (pypdfium2) reads the embedded encoding CMaps of CID-keyed CFF fonts such as Noto Sans CJK;
pdfminer (and so pdfplumber) looks such encodings up by name only and finds no text at all.
"""

from __future__ import annotations

import ctypes
import re
import zlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top: the glyphs' ink, in points


@dataclass
class ReadPDF:
    pages: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    fonts: set[str] = field(default_factory=set)

    def squeezed(self, page: int | None = None) -> str:
        """Text with all white space removed: wrapped cells read as one run of characters."""
        return SPACE.sub("", self.pages[page] if page is not None else "".join(self.pages))


def _font_name(textpage: pdfium.PdfTextPage, index: int) -> str:
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(flags))
    return buffer.value.decode("latin-1")


def _page_words(number: int, textpage: pdfium.PdfTextPage, fonts: set[str]) -> list[Word]:
    """Characters grouped into words: a word ends at white space or where the next glyph is not beside it."""
    words: list[Word] = []
    text, box = "", None
    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
        left, bottom, right, top = textpage.get_charbox(i)
        beside = box is not None and abs(bottom - box[1]) < (top - bottom) and left >= box[2] - 0.5
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(textpage, i) or not beside:
            if text:
                words.append(Word(number, text, box))
            text, box = "", None
            if char.isspace() or pdfium_c.FPDFText_IsGenerated(textpage, i):
                continue
        fonts.add(_font_name(textpage, i))
        text += char
        box = (
            (left, bottom, right, top)
            if box is None
            else (min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
        )
    if text:
        words.append(Word(number, text, box))
    return words


def read_pdf(content: bytes) -> ReadPDF:
    document = pdfium.PdfDocument(content)
    result = ReadPDF()
    try:
        for number in range(len(document)):
            textpage = document[number].get_textpage()
            result.pages.append(textpage.get_text_range())
            result.words.extend(_page_words(number + 1, textpage, result.fonts))
    finally:
        document.close()
    return result


def overlapping(words: list[Word], tolerance: float = 0.2) -> list[tuple[Word, Word]]:
    """Pairs of words on the same page whose ink boxes intersect (text printed over text)."""
    found = []
    ordered = sorted(words, key=lambda w: (w.page, w.box[0]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.page != a.page or b.box[0] >= a.box[2] - tolerance:
                break
            vertical = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
            if vertical > tolerance:
                found.append((a, b))
    return found


def _cmaps(content: bytes) -> list[str]:
    """The text of every CMap stream (ToUnicode and encoding) in the file.

    A stream's bytes are the ``/Length`` its dictionary declares: compressed data may itself end in
    a carriage return or contain ``endstream``, so searching for the keyword would cut it short.
    """
    found = []
    for opening in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", content, re.S):
        head = opening.group(1).rsplit(b" obj", 1)[-1]
        lengths = re.findall(rb"/Length (\d+)\s*(?=/|\Z)", head)
        start = opening.end()
        if lengths:
            body = content[start : start + int(lengths[-1])]
        else:
            body = content[start : content.index(b"endstream", start)].rstrip(b"\r\n")
        data = zlib.decompress(body) if b"/FlateDecode" in head else body
        if b"begincmap" in data:
            found.append(data.decode("latin-1"))
    return found


def cids_of(content: bytes, char: str) -> set[int]:
    """The font CIDs the PDF draws ``char`` with: the glyph actually chosen (regional variants differ)."""
    cmaps = _cmaps(content)
    target = f"{ord(char):04X}"
    codes = {
        code
        for cmap in cmaps
        for code, uni in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", cmap)
        if uni == target
    }
    return {
        int(cid)
        for cmap in cmaps
        for code, cid in re.findall(r"<([0-9A-F]{4})> (\d+)", cmap)
        if code in codes
    }
