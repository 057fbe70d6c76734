"""Production, QC and packing of an order, and its printable label and delivery note (送货单)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Response, Template
from litestar.types import Guard
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
from portal.web.forms import FieldNames, form_quantities, form_version
from portal.web.readers import read_fields, read_form
from portal.web.templating import page

PRODUCTION = requires_role(Role.PRODUCTION)
PACKERS = requires_role(Role.PRODUCTION, Role.LOGISTICS)
PACK_NAMES = {"line.quantity": "pack_{n}"}  # the ``pack_<line>`` family of the packing form

# one production form applied to the order; returns its toast
Step = Callable[[AsyncSession, Actor, Order, Any], Awaitable[str]]


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


async def _milestone(db: AsyncSession, actor: Actor, order: Order, form: Any) -> str:
    version = form_version(form)  # a form without its version is refused first, like a stale one
    await production.record_milestone(db, actor, order, _report(form), expected_version=version)
    return _("Production milestone recorded.")


async def _inspection(db: AsyncSession, actor: Actor, order: Order, form: Any) -> str:
    version = form_version(form)
    sent = read_form(form, inputs.InspectionForm)
    await qc.inspect(db, actor, order, result=sent.result, note=sent.note, expected_version=version)
    return _("Quality inspection recorded.")


async def _pack(db: AsyncSession, actor: Actor, order: Order, form: Any) -> str:
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


def _form_route(
    path: str, guard: Guard, step: Step, *, field_names: FieldNames | None = None
) -> HTTPRouteHandler:
    """A POST route of the controller applying ``step`` to the order ``number``; back to #production.

    ``field_names`` names the places of the form's line fields (``web.forms.named``)."""

    @post(path, guards=[guard])
    async def apply(
        self: Controller, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        return await act_on_order(
            request, db, number, partial(step, db), flash="", anchor="#production", field_names=field_names
        )

    return apply


def _printed(path: str, template: str) -> HTTPRouteHandler:
    """A GET route of the controller showing one printable document of the order ``number``."""

    @get(path, guards=[staff_required])
    async def show(
        self: Controller, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        docs = await packing.print_documents(db, staff_actor(request), number)
        return page(request, template, docs=docs, order=docs.order)

    return show


class ProductionController(Controller):
    path = "/staff/orders"

    milestone = _form_route("/{number:str}/production", PRODUCTION, _milestone)
    inspection = _form_route("/{number:str}/qc", PRODUCTION, _inspection)
    pack = _form_route("/{number:str}/pack", PACKERS, _pack, field_names=PACK_NAMES)
    label = _printed("/{number:str}/label", "staff/orders/label.html")
    delivery_note = _printed("/{number:str}/delivery-note", "staff/orders/delivery_note.html")
