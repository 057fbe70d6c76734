"""A page reduced to the text a person reads, for golden-file comparisons (tests/integration/page_text/).

``visible_text(html)`` is a ``str`` of lines: one per block (heading, paragraph, list item, table
row...), table cells separated by `` | ``, whitespace collapsed, empty lines dropped. Scripts,
styles, templates, hidden and password inputs (CSRF tokens) and every attribute are left out,
except what a person sees of a form: a field shows its value as ``[value]`` (``[]`` when empty), a
checkbox or radio button ``[x]`` or ``[ ]``, a button input its label, a chosen option ``(*)``
before its text. ``scrub`` then replaces values that change from one run to the next.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = frozenset({"script", "style", "template"})
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "details", "dialog", "div", "dd",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "title", "tr", "ul", "label", "select", "textarea", "option",
    }
)  # fmt: skip
CELLS = frozenset({"td", "th"})
VOID = frozenset({"br", "hr", "input", "img", "meta", "link", "source", "wbr", "col", "area", "base"})
UNSHOWN_INPUTS = frozenset({"hidden", "password", "file", "image"})
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
# values that differ between two runs over the same data, and what they become
RUN_VALUES = (
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"), "<token>"),  # a signed link (JWT)
    (re.compile(r"\b[0-9a-f]{32}\b"), "<hex>"),  # uuid4().hex: idempotency keys, carrier event ids
    (re.compile(r"<[^<>@\s]+@[^<>@\s]+>"), "<message-id>"),  # an e-mail's Message-ID
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += tag not in VOID
            return
        if self.skipping:
            return
        a = dict(attrs)
        if tag in BLOCKS:
            self.parts.append("\n")
        elif tag in CELLS:
            self.parts.append(" | ")
        if tag == "input":
            self._input(a)
        elif tag == "option" and "selected" in a:
            self.parts.append("(*) ")

    def _input(self, a: dict[str, str | None]) -> None:
        kind = (a.get("type") or "text").lower()
        if kind in UNSHOWN_INPUTS:
            return
        if kind in ("checkbox", "radio"):
            self.parts.append(" [x] " if "checked" in a else " [ ] ")
        elif kind in BUTTON_INPUTS:
            self.parts.append(f" {a.get('value') or ''} ")
        else:
            self.parts.append(f" [{a.get('value') or ''}] ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping and tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The lines of text a reader sees on the page ``html`` (see the module docstring), newline-ended."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = (re.sub(r"\s+", " ", line).strip(" |") for line in "".join(reader.parts).split("\n"))
    return "".join(f"{line.strip()}\n" for line in lines if line.strip(" |"))


def scrub(text: str) -> str:
    """``text`` with the values of RUN_VALUES replaced by their placeholders."""
    for pattern, placeholder in RUN_VALUES:
        text = pattern.sub(placeholder, text)
    return text
