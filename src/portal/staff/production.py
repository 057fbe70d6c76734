"""Production, QC and packing of an order, and its printable label and delivery note (送货单)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.auth.guards import requires_role, staff_required
from portal.auth.roles import Role
from portal.db.orders import Order
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment import packing, production, qc
from portal.domain.fulfilment.milestones import MILESTONES, PLANNED
from portal.domain.orders.actors import Actor
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web.actors import staff_actor
from portal.web.forms import form_ids, form_text, form_version
from portal.web.templating import page

PRODUCTION = requires_role(Role.PRODUCTION)
PACKERS = requires_role(Role.PRODUCTION, Role.LOGISTICS)

Step = Callable[[Actor, Order, Any], Awaitable[str]]


def _date(form: Any, name: str) -> date | None:
    raw = form_text(form, name, limit=20)
    try:
        return clock.parse_planning_date(raw) if raw else None
    except clock.BeyondHorizon:
        raise ValidationFailed({name: N_("This date is too far ahead.")}) from None
    except ValueError:
        raise ValidationFailed({name: N_("Enter a date as YYYY-MM-DD.")}) from None


def _whole(form: Any, name: str, message: str) -> int | None:
    raw = form_text(form, name, limit=20)
    try:
        return numbers.whole(raw) if raw else None
    except numbers.NotANumber:
        raise ValidationFailed({name: message}) from None


def _report(form: Any) -> production.MilestoneReport:
    milestone = form_text(form, "milestone", limit=20)
    planned = {milestone: d} if (d := _date(form, "planned_date")) else {}
    if milestone == PLANNED:  # the production plan carries the planned date of every milestone
        planned |= {m: d for m in MILESTONES if (d := _date(form, f"planned_{m}"))}
    return production.MilestoneReport(
        milestone=milestone,
        planned=planned,
        actual_date=_date(form, "actual_date"),
        progress=_whole(form, "progress", production.PROGRESS_RANGE),
        done=form.get("done") == "on",
        note=form_text(form, "note"),
    )


def _quantities(form: Any) -> dict[int, int]:
    """``pack_<line_id>`` fields: how many of each line go into this package."""
    return {
        line_id: _whole(form, f"pack_{line_id}", N_("At most the quantity still to pack.")) or 0
        for line_id in form_ids(form, "pack_")
    }


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
            await qc.inspect(
                db,
                actor,
                order,
                result=form_text(form, "result", limit=10),
                note=form_text(form, "note"),
                expected_version=form_version(form),
            )
            return _("Quality inspection recorded.")

        return await act_on_order(request, db, number, step, flash="", anchor="#production")

    @post("/{number:str}/pack", guards=[PACKERS])
    async def pack(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def step(actor: Actor, order: Order, form: Any) -> str:
            done = form.get("done") == "on"
            package = await packing.pack(
                db,
                actor,
                order,
                quantities=_quantities(form),
                weight_kg=form_text(form, "weight_kg", limit=20),
                dimensions=form_text(form, "dimensions", limit=60),
                done=done,
                expected_version=form_version(form),
            )
            if done:
                return _("Packing complete: the order is ready to ship.")
            return _("Package %(position)s packed.", position=package.position if package else "")

        return await act_on_order(request, db, number, step, flash="", anchor="#production")

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
