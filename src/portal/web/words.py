"""Label maps in the reader's language, built once per process and locale, for pages that show a
label on every row (a state, a channel): a dictionary lookup per row instead of a translation call.

The maps hold exactly what the per-row calls gave (``state_label`` for the reader's audience, the
translated channel msgid); a key the map lacks falls back to the same call in the template.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.domain.orders.states import OrderState
from portal.domain.orders.wording import state_label
from portal.i18n import get_locale, gettext
from portal.jinja import CHANNEL_LABELS

_built: dict[tuple[str, str], dict[str, str]] = {}


def _per_locale(name: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """``build()`` in the current locale, once per (name, locale) for the life of the process."""
    key = (name, get_locale())
    found = _built.get(key)
    if found is None:
        found = _built[key] = build()
    return found


def state_words(audience: str) -> dict[str, str]:
    """{state: its label for ``audience`` ("customer", "staff", "public")} in the reader's language."""
    return _per_locale(
        f"state:{audience}", lambda: {s.value: state_label(s.value, audience) for s in OrderState}
    )


def channel_words() -> dict[str, str]:
    """{channel code: its label} in the reader's language."""
    return _per_locale("channel", lambda: {code: gettext(msgid) for code, msgid in CHANNEL_LABELS.items()})
