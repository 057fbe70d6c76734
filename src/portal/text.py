"""Text from outside (forms, carriers) made storable and showable: no NUL, no lone surrogate, bounded."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: object) -> bool:
    """False when ``value`` holds, at any depth, text PostgreSQL cannot store (NUL, a lone surrogate)."""
    pending = [value]  # a loop, not recursion: a deeply nested JSON body cannot exhaust the stack
    while pending:
        item = pending.pop()
        if isinstance(item, str) and _UNSTORABLE.search(item):
            return False
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def clean_text(value: object, limit: int) -> str:
    """``value`` trimmed and cut to ``limit`` characters; anything but text reads as empty."""
    if not isinstance(value, str):
        return ""
    return _UNSTORABLE.sub("", value).strip()[:limit]
