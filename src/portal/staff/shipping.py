"""Logistics: ship (fully or in parts), record carrier events by hand, resolve cases, revoke tracking links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.db.orders import Order
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment import shipping
from portal.domain.fulfilment import views as shipping_views
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web.actors import staff_actor
from portal.web.forms import form_ids, form_text
from portal.web.templating import redirect

LOGISTICS = requires_role(Role.LOGISTICS)


def _quantities(form) -> dict[int, int]:  # noqa: ANN001
    out: dict[int, int] = {}
    for line_id, value in form_ids(form, "qty_").items():
        try:
            out[line_id] = numbers.whole(value.strip() or "0")
        except numbers.NotANumber:
            raise ValidationFailed({f"qty_{line_id}": N_("Enter a whole number of at least 1.")}) from None
    return out


def _occurred(raw: str) -> datetime:
    if not raw:
        return clock.now()
    try:
        return clock.parse_instant(raw)  # a time without an offset is Shanghai time, as the form shows
    except ValueError:
        raise ValidationFailed({"occurred_at": N_("Enter a date and time.")}) from None


class ShippingController(Controller):
    path = "/staff"
    guards = [LOGISTICS]

    @post("/orders/{number:str}/shipments")
    async def ship(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def run(actor: Actor, order: Order, form: Any) -> None:
            await shipping.ship(
                db,
                actor,
                order,
                carrier_code=form_text(form, "carrier", limit=40),
                tracking_number=form_text(form, "tracking_number", limit=80),
                quantities=_quantities(form),
            )

        return await act_on_order(request, db, number, run, flash=_("Saved."), anchor="#shipping")

    @post("/shipments/{shipment_id:int}/events")
    async def event(
        self, request: Request, db: NamedDependency[AsyncSession], shipment_id: FromPath[int]
    ) -> Response | Template:
        shipment, number = await shipping_views.shipment_of_order(db, shipment_id)

        async def run(actor: Actor, _order: Order, form: Any) -> None:
            await shipping.record_event(
                db,
                shipment,
                shipping.EventInput(
                    status=form_text(form, "status", limit=20),
                    occurred_at=_occurred(form_text(form, "occurred_at")),
                    location=form_text(form, "location", limit=200),
                    note=form_text(form, "note"),
                    exception_kind=form_text(form, "exception_kind", limit=20),
                ),
                source="staff",
                actor=actor,
            )

        return await act_on_order(request, db, number, run, flash=_("Saved."), anchor="#shipping")

    @post("/cases/{case_id:int}/resolve")
    async def resolve(
        self, request: Request, db: NamedDependency[AsyncSession], case_id: FromPath[int]
    ) -> Response | Template:
        number = await shipping_views.case_order_number(db, case_id)
        request.state.order_number = number  # an error page leads back to this order
        form = await request.form()
        await shipping.resolve_case(
            db, staff_actor(request), case_id, resolution=form_text(form, "resolution")
        )
        return redirect(request, f"/staff/orders/{number}#shipping", flash=_("The case is resolved."))


@post(
    "/staff/orders/{number:str}/tracking-links/revoke",
    guards=[requires_role(Role.SALES, Role.LOGISTICS, Role.REVIEWER)],
)
async def revoke_tracking_links(
    request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
) -> Response:
    """Every tracking link sent so far stops working; new e-mails carry new ones."""
    actor = staff_actor(request)
    order = await service.load_order(db, actor, number=number)
    await shipping.revoke_tracking_links(db, actor, order)
    return redirect(
        request, f"/staff/orders/{number}", flash=_("All tracking links of this order were revoked.")
    )
