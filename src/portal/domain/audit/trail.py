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
    """``fields`` of ``obj`` by name, JSON-safe (Decimals and dates as strings)."""
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


def created(db: AsyncSession, actor: Actor, *, entity: str, obj: Any, fields: tuple[str, ...]) -> AuditEntry:
    """Record that ``obj`` (flushed: it has its ``id``) was created, with its ``fields`` as the after."""
    return record(
        db, actor, entity=entity, entity_id=obj.id, action="create", before=None, after=snapshot(obj, fields)
    )


def updated(
    db: AsyncSession,
    actor: Actor,
    *,
    entity: str,
    obj: Any,
    fields: tuple[str, ...],
    before: dict[str, Any],
) -> dict[str, Any]:
    """Record an edit of ``obj``: ``before`` is its ``snapshot`` taken before the change.

    Returns the snapshot after the change; nothing is recorded when no field changed.
    """
    after = snapshot(obj, fields)
    if after != before:
        record(db, actor, entity=entity, entity_id=obj.id, action="update", before=before, after=after)
    return after
