"""Text from outside (forms, carriers) made storable and showable: no NUL, no lone surrogate, bounded."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: object) -> bool:
    """False when ``value`` holds, at any depth, text PostgreSQL cannot store (NUL, a lone surrogate)."""
    if isinstance(value, str):
        return not _UNSTORABLE.search(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


def clean_text(value: object, limit: int) -> str:
    """``value`` trimmed and cut to ``limit`` characters; anything but text reads as empty."""
    if not isinstance(value, str):
        return ""
    return _UNSTORABLE.sub("", value).strip()[:limit]
