"""Label maps in the reader's language, built once per process and locale, for pages that show a
label on every row (a state, a channel): a dictionary lookup per row instead of a translation call.

The maps hold exactly what the per-row calls gave (``state_label`` for the reader's audience, the
translated channel msgid), and a key they lack is answered by the same call: ``words[key]`` in a
template needs no fallback of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.domain.orders.states import OrderState
from portal.domain.orders.wording import state_label
from portal.i18n import get_locale, gettext
from portal.jinja import CHANNEL_LABELS


class Words(dict[str, str]):
    """Labels by code; a code without one is worded by ``missing(code)`` (not kept: codes are open-ended)."""

    def __init__(self, words: dict[str, str], missing: Callable[[str], str]) -> None:
        super().__init__(words)
        self.missing = missing

    def __missing__(self, code: str) -> str:
        return self.missing(code)


_built: dict[tuple[str, str], Words] = {}


def _per_locale(name: str, build: Callable[[], Words]) -> Words:
    """``build()`` in the current locale, once per (name, locale) for the life of the process."""
    key = (name, get_locale())
    found = _built.get(key)
    if found is None:
        found = _built[key] = build()
    return found


def state_words(audience: str) -> Words:
    """{state: its label for ``audience`` ("customer", "staff", "public")} in the reader's language."""
    return _per_locale(
        f"state:{audience}",
        lambda: Words(
            {s.value: state_label(s.value, audience) for s in OrderState}, lambda s: state_label(s, audience)
        ),
    )


def channel_words() -> Words:
    """{channel code: its label} in the reader's language; an unknown code is shown as it is (translated
    if it happens to be a msgid, as the template's ``_(code)`` did)."""
    return _per_locale("channel", lambda: Words({c: gettext(m) for c, m in CHANNEL_LABELS.items()}, gettext))
