"""Plain-text e-mail parts keep one item per line: the template engine trims the newline after a tag."""

from __future__ import annotations

from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment

LINES = [
    {
        "sku": "PIP-SS50",
        "name_zh": "不锈钢管",
        "name_en": "Stainless pipe",
        "short": 5,
        "damaged": 0,
        "note": "5 m missing",
    },
    {
        "sku": "PIP-FLG50",
        "name_zh": "法兰",
        "name_en": "Flange",
        "short": 0,
        "damaged": 2,
        "note": "Two bent",
    },
]


def test_each_reported_line_and_its_note_stand_on_their_own_lines():
    renderer = EmailRenderer(make_environment(auto_reload=False), base_url="https://portal.example")
    context = {
        "number": "SO-2026-000001",
        "account_name": "Suzhou Precision Co.",
        "case_number": "AS-2026-000001",
        "staff_case_path": "/staff/orders/SO-2026-000001#aftersales",
        "case_lines": LINES,
        "case_note": "Driver left before we could count.",
        "photo_count": 2,
        "audience": "staff",
    }
    for locale in ("en", "zh_CN"):
        lines = renderer.render("aftersales_case_opened", locale=locale, context=context).text.splitlines()
        items = [ln for ln in lines if ln.startswith("- ")]
        assert [ln.split()[1] for ln in items] == ["PIP-SS50", "PIP-FLG50"], lines
        assert (
            "  5 m missing" in lines
            and "  Two bent" in lines
            and "  Driver left before we could count." in lines
        )
