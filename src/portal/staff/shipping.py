"""Logistics: ship (fully or in parts), record carrier events by hand, resolve cases, revoke tracking links."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.db.orders import Order
from portal.domain.fulfilment import shipping
from portal.domain.fulfilment import views as shipping_views
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web import inputs
from portal.web.actors import staff_actor
from portal.web.forms import form_quantities, form_text
from portal.web.readers import read_form
from portal.web.templating import redirect

LOGISTICS = requires_role(Role.LOGISTICS)
SHIP_NAMES = {"line.quantity": "qty_{n}"}  # the ``qty_<line>`` family of the shipment form


class ShippingController(Controller):
    path = "/staff"
    guards = [LOGISTICS]

    @post("/orders/{number:str}/shipments")
    async def ship(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def run(actor: Actor, order: Order, form: Any) -> None:
            sent = read_form(form, inputs.ShipForm)
            await shipping.ship(
                db,
                actor,
                order,
                carrier_code=sent.carrier,
                tracking_number=sent.tracking_number,
                quantities=form_quantities(form, "qty_"),
            )

        return await act_on_order(
            request, db, number, run, flash=_("Saved."), anchor="#shipping", field_names=SHIP_NAMES
        )

    @post("/shipments/{shipment_id:int}/events")
    async def event(
        self, request: Request, db: NamedDependency[AsyncSession], shipment_id: FromPath[int]
    ) -> Response | Template:
        shipment, number = await shipping_views.shipment_of_order(db, shipment_id)

        async def run(actor: Actor, _order: Order, form: Any) -> None:
            sent = read_form(form, inputs.CarrierEventForm)
            event = shipping.EventInput(
                status=sent.status,
                occurred_at=sent.occurred_at or clock.now(),
                location=sent.location,
                note=sent.note,
                exception_kind=sent.exception_kind,
            )
            await shipping.record_event(db, shipment, event, source="staff", actor=actor)

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
