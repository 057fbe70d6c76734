"""Production, QC and packing of an order, and its printable label and delivery note (送货单)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role, staff_required
from portal.auth.roles import Role
from portal.db.orders import Order
from portal.domain.fulfilment import packing, production, qc
from portal.domain.fulfilment.milestones import MILESTONES, PLANNED
from portal.domain.orders.actors import Actor
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web import inputs
from portal.web.actors import staff_actor
from portal.web.forms import form_quantities, form_version
from portal.web.readers import read_fields, read_form
from portal.web.templating import page

PRODUCTION = requires_role(Role.PRODUCTION)
PACKERS = requires_role(Role.PRODUCTION, Role.LOGISTICS)
PACK_NAMES = {"line.quantity": "pack_{n}"}  # the ``pack_<line>`` family of the packing form

Step = Callable[[Actor, Order, Any], Awaitable[str]]


def _report(form: Any) -> production.MilestoneReport:
    """The production form as the domain reads it: planned dates by milestone, reached, progress."""
    sent = read_form(form, inputs.MilestoneForm)
    planned = {sent.milestone: sent.planned_date} if sent.planned_date else {}
    if sent.milestone == PLANNED:  # the production plan carries the planned date of every milestone
        plan = read_form(form, inputs.PlannedDates)
        planned |= {m: d for m in MILESTONES if (d := getattr(plan, f"planned_{m}"))}
    return production.MilestoneReport(
        milestone=sent.milestone,
        planned=planned,
        actual_date=sent.actual_date,
        progress=sent.progress,
        done=sent.done,
        note=sent.note,
    )


class ProductionController(Controller):
    path = "/staff/orders"

    @post("/{number:str}/production", guards=[PRODUCTION])
    async def milestone(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def step(actor: Actor, order: Order, form: Any) -> str:
            version = form_version(form)  # a form without its version is refused first, like a stale one
            await production.record_milestone(db, actor, order, _report(form), expected_version=version)
            return _("Production milestone recorded.")

        return await act_on_order(request, db, number, step, flash="", anchor="#production")

    @post("/{number:str}/qc", guards=[PRODUCTION])
    async def inspection(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def step(actor: Actor, order: Order, form: Any) -> str:
            version = form_version(form)
            sent = read_form(form, inputs.InspectionForm)
            await qc.inspect(db, actor, order, result=sent.result, note=sent.note, expected_version=version)
            return _("Quality inspection recorded.")

        return await act_on_order(request, db, number, step, flash="", anchor="#production")

    @post("/{number:str}/pack", guards=[PACKERS])
    async def pack(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def step(actor: Actor, order: Order, form: Any) -> str:
            sent, unreadable = read_fields(form, inputs.PackForm)
            package = await packing.pack(
                db,
                actor,
                order,
                quantities=form_quantities(form, "pack_", message=packing.TOO_MANY),  # into this package
                weight_kg=sent.weight_kg,
                dimensions=sent.dimensions,
                done=sent.done,
                unreadable=unreadable,
                expected_version=form_version(form),
            )
            if sent.done:
                return _("Packing complete: the order is ready to ship.")
            return _("Package %(position)s packed.", position=package.position if package else "")

        return await act_on_order(
            request, db, number, step, flash="", anchor="#production", field_names=PACK_NAMES
        )

    @get("/{number:str}/label", guards=[staff_required])
    async def label(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        docs = await packing.print_documents(db, staff_actor(request), number)
        return page(request, "staff/orders/label.html", docs=docs, order=docs.order)

    @get("/{number:str}/delivery-note", guards=[staff_required])
    async def delivery_note(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        docs = await packing.print_documents(db, staff_actor(request), number)
        return page(request, "staff/orders/delivery_note.html", docs=docs, order=docs.order)
