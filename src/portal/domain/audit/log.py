"""Reading the audit log: newest first, each entry with what changed, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.db.admin import AuditEntry
from portal.domain.orders.actors import shown_name
from portal.domain.paging import Page, page_of
from portal.i18n import N_

PAGE_SIZE = 50
ENTITY_LABELS = {
    "product": N_("product"),
    "customer_account": N_("customer account"),
    "customer_user": N_("customer user"),
    "staff_user": N_("staff user"),
    "settings": N_("settings"),
    "invoice": N_("invoice"),
}
ACTION_LABELS = {
    "create": N_("created"),
    "update": N_("changed"),
    "disable": N_("disabled"),
    "enable": N_("enabled"),
    "invite": N_("invited"),
    "set_password": N_("password set"),
    "fapiao_recorded": N_("fapiao recorded"),
}
FIELD_LABELS = {
    "sku": N_("SKU"),
    "name_zh": N_("Chinese name"),
    "name_en": N_("English name"),
    "description_zh": N_("Chinese description"),
    "description_en": N_("English description"),
    "category": N_("Category"),
    "unit": N_("Unit"),
    "list_price": N_("List price"),
    "stock_on_hand": N_("Stock on hand"),
    "lead_time_days": N_("Lead time (days)"),
    "made_to_order": N_("Made to order"),
    "min_order_qty": N_("Minimum order quantity"),
    "max_order_qty": N_("Maximum order quantity"),
    "spec_options": N_("Specification options"),
    "labels": N_("Chinese and English labels"),
    "is_active": N_("Active"),
    "name": N_("Name"),
    "tax_id": N_("Tax ID"),
    "invoice_title": N_("Invoice title"),
    "credit_limit": N_("Credit limit"),
    "payment_terms": N_("Payment terms"),
    "payment_days": N_("Payment days"),
    "is_key_account": N_("Key account"),
    "default_locale": N_("Default language"),
    "email": N_("E-mail"),
    "locale": N_("Language"),
    "roles": N_("Roles"),
    "account_id": N_("Customer account"),
    "expires_at": N_("Link valid until"),
    "approval_thresholds": N_("Approval thresholds"),
    "review_sla_hours": N_("Review SLA (hours)"),
    "invitation": N_("Invitation"),
    "fapiao_number": N_("Fapiao no."),
    "fapiao_type": N_("Kind of fapiao"),
    "issued_on": N_("Date of issue"),
}
# a field whose meaning depends on what was changed: a customer account's name is its company's
ENTITY_FIELD_LABELS = {("customer_account", "name"): N_("Company name")}


def field_label(entity: str, field: str) -> str | None:
    """The msgid that labels ``field`` of ``entity`` in the log; None shows the field's key."""
    return ENTITY_FIELD_LABELS.get((entity, field), FIELD_LABELS.get(field))


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_kind: str
    actor_name: str
    entity: str
    entity_id: str
    action: str
    changes: list[Change]


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The fields whose value differs, in the order they were recorded; None where absent."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [Change(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


async def recent(
    db: AsyncSession, *, entity: str = "", after: str = "", limit: int = PAGE_SIZE
) -> Page[AuditRow]:
    """One page of entries, newest first; ``after`` is the id of the last entry already shown."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if (last := numbers.ident(after)) is not None:
        stmt = stmt.where(AuditEntry.id < last)
    rows = [
        AuditRow(
            e.id,
            e.at,
            e.actor_kind,
            shown_name(e.actor_kind, e.actor_name),
            e.entity,
            e.entity_id,
            e.action,
            changes(e.before, e.after),
        )
        for e in (await db.scalars(stmt)).all()
    ]
    return page_of(rows, limit, lambda row: str(row.id))
