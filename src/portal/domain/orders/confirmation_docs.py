"""Order confirmation documents: immutable, versioned snapshots with a content hash, and their differences."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Confirmation, Order, OrderLine
from portal.domain.catalog.units import unit_label
from portal.domain.errors import DomainError
from portal.domain.orders.actors import Actor
from portal.formatting import day, iso, money, number
from portal.i18n import N_, gettext


class ConfirmationOutdated(DomainError):
    status_code = 409
    default_message = N_(
        "This confirmation has been replaced by a newer version. Please read the current one."
    )


def canonical(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


async def build_snapshot(db: AsyncSession, order: Order, version: int) -> dict[str, Any]:
    """Everything the customer signs: lines, specs, prices, tax, total, dates, terms, addresses."""
    account = await db.get(CustomerAccount, order.account_id)
    contact = await db.get(CustomerUser, order.contact_user_id) if order.contact_user_id else None
    lines = (
        await db.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position, OrderLine.id)
        )
    ).all()
    return {
        "number": order.number,
        "version": version,
        "issued_at": clock.now().isoformat(timespec="seconds"),
        "customer": {
            "name": account.name,
            "tax_id": order.tax_id,
            "invoice_title": order.invoice_title,
            "contact": contact.name if contact else "",
        },
        "lines": [
            {
                "sku": ln.sku,
                "name_zh": ln.name_zh,
                "name_en": ln.name_en,
                "specs": ln.specs,
                "labels": ln.labels or {},
                "quantity": ln.quantity,
                "unit": ln.unit,
                "unit_price": str(ln.unit_price),
                "line_total": str(ln.line_total),
            }
            for ln in lines
        ],
        "currency": order.currency,
        "subtotal": str(order.subtotal),
        "shipping_fee": str(order.shipping_fee),
        "tax_rate": str(order.tax_rate),
        "tax_amount": str(order.tax_amount),
        "total": str(order.total),
        "requested_delivery_date": iso(order.requested_delivery_date),
        "promised_delivery_date": iso(order.promised_delivery_date),
        "payment_terms": order.payment_terms,
        "payment_days": order.payment_days,
        "shipping_address": order.shipping_address,
        "special_requirements": order.special_requirements,
    }


async def issue(db: AsyncSession, order: Order, actor: Actor) -> Confirmation:
    """Version k+1 of the confirmation; earlier unanswered versions are superseded."""
    latest = (
        await db.scalar(select(func.max(Confirmation.version)).where(Confirmation.order_id == order.id)) or 0
    )
    await db.execute(
        update(Confirmation)
        .where(Confirmation.order_id == order.id, Confirmation.status == "sent")
        .values(status="superseded")
    )
    snapshot = await build_snapshot(db, order, latest + 1)
    doc = Confirmation(
        order_id=order.id,
        version=latest + 1,
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        created_by_staff_id=actor.id if actor.kind == "staff" else None,
    )
    db.add(doc)
    await db.flush()
    return doc


async def versions(db: AsyncSession, order_id: int) -> list[Confirmation]:
    """All versions, newest first."""
    return list(
        (
            await db.scalars(
                select(Confirmation)
                .where(Confirmation.order_id == order_id)
                .order_by(Confirmation.version.desc())
            )
        ).all()
    )


@dataclass(frozen=True)
class Change:
    what: str  # a msgid, translated where shown, with ``params``
    before: str
    after: str
    params: dict[str, str] | None = None


FIELD_NAMES = {
    "promised_delivery_date": N_("Promised delivery date"),
    "requested_delivery_date": N_("Requested delivery date"),
    "subtotal": N_("Subtotal"),
    "shipping_fee": N_("Shipping"),
    "tax_amount": N_("VAT"),
    "total": N_("Total"),
    "payment_days": N_("Payment terms"),
    "special_requirements": N_("Special requirements"),
    "shipping_address": N_("Delivery address"),
}
ADDRESS_ORDER = ("recipient", "phone", "province", "city", "district", "street", "postal_code")


MONEY_FIELDS = frozenset({"subtotal", "shipping_fee", "tax_amount", "total"})
DATE_FIELDS = frozenset({"promised_delivery_date", "requested_delivery_date"})


def _line_key(line: dict[str, Any]) -> str:
    return line["sku"] + json.dumps(line["specs"], sort_keys=True)


def _field(key: str, snapshot: dict[str, Any]) -> str:
    """One header value of a snapshot as the reader reads it: amounts and dates per locale."""
    value = snapshot.get(key)
    if key == "payment_days":
        if snapshot.get("payment_terms") == "prepaid":
            return gettext("prepaid")
        return gettext("net %(days)s days", days=value)
    if value in (None, ""):
        return "—"
    if isinstance(value, dict):  # an address: its parts in postal order
        return " ".join(str(value[k]) for k in ADDRESS_ORDER if value.get(k))
    if key in MONEY_FIELDS:
        return money(value, snapshot.get("currency") or "CNY")
    if key in DATE_FIELDS:
        return day(value)
    return str(value)


def _compared(key: str, snapshot: dict[str, Any]) -> Any:
    return (snapshot.get("payment_terms"), snapshot.get(key)) if key == "payment_days" else snapshot.get(key)


def _describe(line: dict[str, Any] | None, currency: str) -> str:
    if not line:
        return "—"
    quantity, price = number(line["quantity"]), money(line["unit_price"], currency)
    return f"{quantity} {unit_label(line['unit'], line.get('labels'))} × {price}"


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from one version to the next, formatted in the current (the reader's) locale.

    Header fields first, then lines by SKU and specification.
    """
    changes = [
        Change(label, _field(k, old), _field(k, new))
        for k, label in FIELD_NAMES.items()
        if _compared(k, old) != _compared(k, new)
    ]
    before = {_line_key(ln): ln for ln in old.get("lines", [])}
    after = {_line_key(ln): ln for ln in new.get("lines", [])}
    for k in sorted(before.keys() | after.keys()):
        a, b = before.get(k), after.get(k)
        if a != b:
            what = {"sku": (a or b)["sku"]}
            changes.append(
                Change(
                    N_("Line %(sku)s"),
                    _describe(a, old.get("currency", "CNY")),
                    _describe(b, new.get("currency", "CNY")),
                    what,
                )
            )
    return changes
