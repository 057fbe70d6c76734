"""Translations: Babel catalogs from ``locales/``, the current locale in a context variable.

The English text is the message id; ``zh_CN`` is the full translation. Catalogs are read
from the ``.po`` files at start-up and compiled in memory, so there is no build step.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"

_current: ContextVar[str] = ContextVar("portal_locale", default=DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of ``locale`` (read once per process); an unknown locale translates nothing."""
    po = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf)


@cache
def catalog(locale: str) -> dict[str, str]:
    """``message -> translation`` of ``locale`` as one flat dict, built once per process.

    ``catalog(locale).get(message, message)`` answers exactly what ``translations(locale).gettext``
    does (GNU gettext falls back to the singular of a plural entry), in one dict lookup.
    """
    t = translations(locale)
    entries: dict = getattr(t, "_catalog", {})
    flat = {key: text for key, text in entries.items() if isinstance(key, str)}
    singular = t.plural(1) if hasattr(t, "plural") else 0
    for key, text in entries.items():
        if isinstance(key, tuple) and key[1] == singular:
            flat.setdefault(key[0], text)
    return flat


def normalize(value: str | None) -> str | None:
    """Map 'zh', 'zh-CN', 'zh_Hans_CN', 'en-US'... to a supported locale, else None."""
    if not value:
        return None
    tag = value.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=256)  # browsers send the same few headers again and again
def best_from_accept_language(header: str | None) -> str | None:
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for pos, part in enumerate(header.split(",")):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if (loc := normalize(lang)) and q > 0:
            weighted.append((-q, pos, loc))
    return min(weighted)[2] if weighted else None


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    token = _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current.reset(token)


_VALUE_ENDS_SENTENCE = re.compile(r"%\((\w+)\)s\.")


def fill(text: str, variables: Mapping[str, object]) -> str:
    """``text % variables``, without a doubled full stop when a value that ends a sentence has its own.

    "… on behalf of %(account)s." with the account "Acme Co." reads "… of Acme Co.", not "Co..".
    ``text`` may be Markup: the replacement keeps it Markup and ``%`` escapes the values.
    """
    for key in set(_VALUE_ENDS_SENTENCE.findall(text)):
        if str(variables.get(key, "")).endswith("."):
            text = text.replace(f"%({key})s.", f"%({key})s")
    return text % variables


def gettext(message: str, **variables: object) -> str:
    text = catalog(_current.get()).get(message, message)
    return fill(text, variables) if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return fill(text, variables)


_ = gettext
