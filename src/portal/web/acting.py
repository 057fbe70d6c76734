"""Applying one posted form to one order, the same way for every door (customer and staff); and
one posted form to anything else (``apply_form``).

Load the order as the actor reads it (404 for an order they may not see), hand the form to one
step, then redirect with a toast; a refused form (``ValidationFailed``) keeps nothing and shows
its page again with the messages (422).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.domain.errors import ValidationFailed
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.web.forms import FieldNames, refused_form, typed_values
from portal.web.templating import redirect

# one form applied to the loaded order; it may return its own toast (None: the caller's)
OrderStep = Callable[[Actor, Order, Any], Awaitable[str | None]]
# one posted form applied; returns the toast
FormStep = Callable[[Any], Awaitable[str]]


async def apply_order_form(
    request: Request,
    db: AsyncSession,
    number: str,
    step: OrderStep,
    *,
    actor: Actor,
    render: Callable[..., Any],
    to: str,
    flash: str,
    values: Callable[[Any], dict[str, str]] | None = None,
    field_names: FieldNames | None = None,
) -> Response | Template:
    """Run ``step`` on order ``number``, then redirect to ``to`` with ``step``'s toast or ``flash``.

    On ``ValidationFailed`` the session rolls back and ``render`` (taking ``status_code``, ``errors``
    and, when ``values`` is given, ``values=values(form)``) shows the page again with status 422;
    ``field_names`` names the places of the form's line fields (``web.forms.named``).
    """
    order = await service.load_order(db, actor, number=number)  # scoped: 404 for others' orders
    form = await request.form()
    try:
        said = await step(actor, order, form)
    except ValidationFailed as exc:
        kept = {"values": values(form)} if values is not None else {}
        return await refused_form(db, exc, render, field_names=field_names, **kept)
    return redirect(request, to, flash=said or flash)


async def apply_form(
    request: Request, db: AsyncSession, step: FormStep, *, render: Callable[..., Any], to: str
) -> Response | Template:
    """Run ``step`` on the posted form, then redirect to ``to`` with the toast it returns.

    On ``ValidationFailed`` the session rolls back and ``render`` (taking ``status_code``, ``errors``
    and ``values``: the form's typed values) shows the page again with status 422.
    """
    form = await request.form()
    try:
        flash = await step(form)
    except ValidationFailed as exc:
        return await refused_form(db, exc, render, values=typed_values(form))
    return redirect(request, to, flash=flash)
