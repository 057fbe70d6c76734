"""The audit log: every administrative change, with who, when and the values before and after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.admin import AuditEntry
from portal.domain.orders.actors import Actor


def _plain(value: Any) -> Any:
    """JSON-safe copy: Decimals and dates as strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal) or hasattr(value, "isoformat"):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return _plain({f: getattr(obj, f) for f in fields})


def record(
    db: AsyncSession,
    actor: Actor,
    *,
    entity: str,
    entity_id: object,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        ip=actor.ip,
    )
    db.add(entry)
    return entry
