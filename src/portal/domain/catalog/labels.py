"""The catalog's words for its codes (units, categories, specification options) in zh and en.

A product carries ``labels``: {"unit": {"zh": "件", "en": "pcs"}, "category": {...},
"terms": {"voltage": {"zh": "电压", "en": "Voltage"}, "mechanical": {...}}}. Pages show the
label in the reader's language, else the other language, else the built-in word, else the code.
An order line keeps a copy of its product's labels from when it was added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.domain.errors import ValidationFailed
from portal.i18n import N_, get_locale, gettext

LANGS = ("zh", "en")
MAX_TERMS = 200
TERMS_FORMAT = N_('Write one label per line as "code = 中文 / English".')


def _pick(pair: Any) -> str:
    """The label in the reader's language, else the other one; "" when there is none."""
    if not isinstance(pair, Mapping):
        return ""
    mine = "zh" if get_locale() == "zh_CN" else "en"
    other = "en" if mine == "zh" else "zh"
    return str(pair.get(mine) or pair.get(other) or "")


def label(labels: Mapping[str, Any] | None, kind: str) -> str:
    """The ``unit`` or ``category`` label of a product's labels, "" when it has none."""
    return _pick((labels or {}).get(kind))


def word(code: str, labels: Mapping[str, Any] | None, kind: str, builtin: Mapping[str, str]) -> str:
    """A product's ``kind`` (unit, category) in the reader's words: its own label, else the built-in
    msgid of ``code`` in ``builtin`` translated, else the code itself."""
    if own := label(labels, kind):
        return own
    msgid = builtin.get(code)
    return gettext(msgid) if msgid else code


def term(code: Any, labels: Mapping[str, Any] | None = None) -> str:
    """A specification option name or value in the reader's language; the code itself without a label."""
    terms = (labels or {}).get("terms")
    return _pick(terms.get(str(code))) if isinstance(terms, Mapping) and terms.get(str(code)) else str(code)


def pair(zh: str, en: str) -> dict[str, str]:
    return {k: v for k, v in (("zh", zh.strip()), ("en", en.strip())) if v}


def parse_terms(text: str) -> dict[str, dict[str, str]]:
    """'voltage = 电压 / Voltage' per line -> {"voltage": {"zh": "电压", "en": "Voltage"}}; either side may be empty."""
    terms: dict[str, dict[str, str]] = {}
    for line in text.replace("＝", "=").replace("／", "/").splitlines():
        if not line.strip():
            continue
        code, sep, rest = line.partition("=")
        zh, _, en = rest.partition("/")
        words = pair(zh, en)
        if not sep or not code.strip() or not words or len(code.strip()) > 60 or len(rest) > 200:
            raise ValidationFailed({"spec_labels": TERMS_FORMAT})
        terms[code.strip()] = words
    if len(terms) > MAX_TERMS:
        raise ValidationFailed({"spec_labels": N_("At most 200 labels.")})
    return terms


def format_terms(terms: Mapping[str, Mapping[str, str]]) -> str:
    return "\n".join(f"{code} = {w.get('zh', '')} / {w.get('en', '')}" for code, w in terms.items())
