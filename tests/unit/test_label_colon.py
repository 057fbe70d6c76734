"""A label and its value are joined by the reader's colon: 付款条件：账期 30 天, "Payment terms: net 30 days"."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from portal.formatting import colon
from portal.i18n import using_locale

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# a translated or looked-up label closed by "}}" and followed by an ASCII colon
LABEL_THEN_ASCII_COLON = re.compile(r"\)\s*\}\}(?:</(?:strong|b|em|span|label)>)?:")
# ``a if c else b | colon`` filters only ``b``: a conditional label needs parentheses
UNBRACKETED_CONDITIONAL = re.compile(
    r"\{\{ (?!\()(?:(?!\}\}).)* if (?:(?!\}\}).)* else (?:(?!\}\}).)*\| colon \}\}"
)


def test_the_colon_follows_the_readers_language() -> None:
    with using_locale("zh_CN"):
        assert colon("付款条件") == "付款条件："
    with using_locale("en"):
        assert colon("Payment terms") == "Payment terms: "


def test_markup_stays_markup_and_escaped() -> None:
    with using_locale("zh_CN"):
        shown = colon(Markup("<b>税号</b>"))
    assert isinstance(shown, Markup) and shown == Markup("<b>税号</b>：")


def test_no_template_puts_an_ascii_colon_after_a_label() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LABEL_THEN_ASCII_COLON.search(line) or UNBRACKETED_CONDITIONAL.search(line)
    ]
    assert not found, "use the `colon` filter: " + ", ".join(found)
