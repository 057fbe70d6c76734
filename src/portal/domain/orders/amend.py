"""Answering "changes requested" (edit and resubmit) and ordering the same again (reorder)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.domain.errors import Field, OrderChanged, Place, ValidationFailed
from portal.domain.orders import attachments, cart, entry, line_rule, pricing, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.checkout import (
    CheckoutInput,
    Limits,
    check_details,
    checked_uploads,
)
from portal.domain.orders.entry import LineInput
from portal.domain.orders.states import Action
from portal.i18n import N_


@dataclass
class Amendment(CheckoutInput):
    """The edit form: what checkout asks, plus per-line quantities and options, and added products."""

    quantities: dict[int, int] = field(default_factory=dict)  # 0 removes the line
    specs: dict[int, dict[str, str]] = field(default_factory=dict)
    added: list[LineInput] = field(default_factory=list)  # products added: the rows typed in
    message: str = ""
    version: int | None = None


@dataclass(frozen=True)
class ReorderResult:
    added: int
    skipped: list[str]


def _apply_quantities(order: Order, quantities: dict[int, int]) -> None:
    """The new quantities on the order's lines; 0 removes the line."""
    for line in list(order.lines):
        if line.id not in quantities:
            continue
        quantity = quantities[line.id]
        if quantity == 0:
            order.lines.remove(line)
        else:
            line.quantity, line.line_total = quantity, pricing.line_total(line.unit_price, quantity)


async def _check_lines(
    db: AsyncSession, order: Order, errors: dict[Field, str], per_field: dict[Field, dict[str, object]]
) -> None:
    """Every line that stays must pass the line rule, as at checkout: a product sold meanwhile is refused."""
    for line, found in await line_rule.refusals(db, order.account_id, list(order.lines)):
        place = Place("line", found.kind, line.id)
        if place not in errors:
            errors[place], per_field[place] = found.message, found.params


def _apply_specs(order: Order, specs: dict[int, dict[str, str]]) -> None:
    """New option choices on existing lines; the line rule judges them with the rest of the line."""
    for line in order.lines:
        if line.id in specs:
            line.specs = {**(line.specs or {}), **specs[line.id]}


async def _changed_lines(
    db: AsyncSession, order: Order, data: Amendment, errors: dict[Field, str], per_field: dict
) -> None:
    """Quantities, options and added products, then every line that stays through the line rule."""
    _apply_quantities(order, data.quantities)
    _apply_specs(order, data.specs)
    try:
        await entry.add_lines(db, account_id=order.account_id, order=order, lines=data.added)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        per_field.update(exc.per_field)
    if not order.lines and not errors:
        errors["lines"] = N_("An order needs at least one line. To drop the whole order, cancel it instead.")
    await _check_lines(db, order, errors, per_field)


async def amend_and_resubmit(
    db: AsyncSession,
    actor: Actor,
    number: str,
    data: Amendment,
    *,
    policy: pricing.PricePolicy,
    today: date,
    limits: Limits,
) -> Order:
    """Change lines, date, address, notes and attachments of an order sent back for changes; resubmit it."""
    order = await service.load_order(db, actor, number=number, with_lines=True)
    service.ensure_allowed(order, actor, Action.RESUBMIT)
    if data.version is not None and data.version != order.version:
        raise OrderChanged()
    errors: dict[Field, str] = {}
    params: dict[str, Any] = {}
    per_field: dict[Field, dict[str, object]] = {}
    await _changed_lines(db, order, data, errors, per_field)
    errors.update(data.unreadable)  # a quantity the form could not read left its line as it was
    details = await check_details(db, actor, order, data, today, errors, params)
    already = len(await attachments.list_for_order(db, order.id))
    checked = checked_uploads(data.uploads, limits, errors, params, already=already)
    if errors:
        raise ValidationFailed(errors, params=params, per_field=per_field)
    details.apply_to(order)
    pricing.apply_totals(order, order.lines, policy=policy)
    async with attachments.removed_on_failure(db, actor, order, checked, limits.storage):
        # the version was checked above; the changes just made bump it once more on flush
        await service.resubmit(db, actor, order, expected_version=None, message=data.message)
    return order


async def reorder(
    db: AsyncSession, actor: Actor, number: str, *, policy: pricing.PricePolicy
) -> ReorderResult:
    """Copy an order's lines into the cart at today's prices; products no longer sold are skipped."""
    order = await service.load_order(db, actor, number=number, with_lines=True)
    offers = await line_rule.offers_for(db, actor.account_id, order.lines)
    target = await cart.get_or_create_cart(db, actor)
    added, skipped = 0, []
    for line in order.lines:
        offer = offers.get(line.product_id)
        quantity = min(max(line.quantity, offer.min_order_qty), offer.max_order_qty) if offer else 0
        if line_rule.refusal(offer, quantity, line.specs or {}, sku=line.sku):
            skipped.append(line.sku)
            continue
        try:
            cart.put_line(target, offer, quantity, dict(line.specs))  # merged lines pass the rule too
        except ValidationFailed:
            skipped.append(line.sku)
            continue
        added += 1
    pricing.apply_totals(target, target.lines, policy=policy)
    await db.flush()
    return ReorderResult(added=added, skipped=skipped)
