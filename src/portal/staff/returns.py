"""After-sales work on a return (退换货): its page, approve or reject, the return shipment, goods received,
the inspection per line, and the resolution with a credit note; its label and photos."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.aftersales import return_steps, return_views
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.i18n import gettext as _
from portal.web.actors import staff_actor
from portal.web.downloads import photo_download
from portal.web.forms import form_text, read_quantities, refused_form, typed_values
from portal.web.return_label import return_label
from portal.web.templating import page, redirect

PATH = "/staff/aftersales/returns"
Step = Callable[[AsyncSession, Actor, int, FormMultiDict], Awaitable[Any]]


def inspection_of(form: Any) -> list[return_steps.Inspected]:
    """``accepted_<line>``, ``rejected_<line>`` and ``note_<line>`` of the inspection form."""
    accepted, errors = read_quantities(form, "accepted_")
    rejected, more = read_quantities(form, "rejected_")
    if errors or more:
        raise ValidationFailed({**errors, **more})
    return [
        return_steps.Inspected(
            i, accepted.get(i, 0), rejected.get(i, 0), form_text(form, f"note_{i}", limit=2000)
        )
        for i in sorted(set(accepted) | set(rejected))
    ]


class StaffReturnsController(Controller):
    path = PATH
    guards = [requires_role(Role.AFTERSALES)]

    async def _show(self, request: Request, db: AsyncSession, number: str, **shown: Any) -> Template:
        view = await return_views.read(db, staff_actor(request), number)
        return page(
            request,
            "staff/aftersales/return.html",
            status_code=shown.pop("status_code", 200),
            view=view,
            errors=shown.get("errors") or {},
            values=shown.get("values") or {},
        )

    async def _step(
        self, request: Request, db: AsyncSession, number: str, do: Step, flash: str
    ) -> Response | Template:
        """One step from a form of the return's page: done and back to the page, or the page again (422)."""
        actor = staff_actor(request)
        case, _request = await return_views.find(db, actor, number)
        form = await request.form()
        try:
            await do(db, actor, case.id, form)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._show(request, db, number, **kw), values=typed_values(form)
            )
        return redirect(request, f"{PATH}/{case.number}", flash=flash)

    @get("/{number:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._show(request, db, number)

    @post("/{number:str}/approve")
    async def approve(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.approve(
                db, actor, case_id, instructions=form_text(form, "instructions", limit=4000)
            )

        return await self._step(
            request, db, number, do, _("Return approved; the customer has the RMA number.")
        )

    @post("/{number:str}/reject")
    async def reject(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.reject(db, actor, case_id, reason=form_text(form, "reason", limit=4000))

        return await self._step(
            request, db, number, do, _("Return request rejected; the customer has been told.")
        )

    @post("/{number:str}/shipment")
    async def shipment(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.ship(
                db,
                actor,
                case_id,
                carrier_code=form_text(form, "carrier_code", limit=40),
                carrier=form_text(form, "carrier", limit=60),
                tracking_number=form_text(form, "tracking_number", limit=60),
            )

        return await self._step(request, db, number, do, _("Return shipment recorded."))

    @post("/{number:str}/receive")
    async def receive(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.receive(db, actor, case_id, note=form_text(form, "note", limit=4000))

        return await self._step(request, db, number, do, _("Goods received; inspect them next."))

    @post("/{number:str}/inspect")
    async def inspect(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.inspect(
                db, actor, case_id, inspection_of(form), note=form_text(form, "note", limit=4000)
            )

        return await self._step(request, db, number, do, _("Inspection recorded."))

    @post("/{number:str}/resolve")
    async def resolve(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
            await return_steps.resolve_with_credit_note(db, actor, case_id)

        return await self._step(request, db, number, do, _("Return resolved; the customer has been told."))

    @get("/{number:str}/label")
    async def label(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        view = await return_views.read(db, staff_actor(request), number)
        return return_label(request, view, back=f"{PATH}/{view.case.number}")

    @get("/{number:str}/photos/{photo_id:int}")
    async def photo(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        photo_id: FromPath[int],
    ) -> File:
        found = await return_views.find_photo(db, staff_actor(request), number=number, photo_id=photo_id)
        return photo_download(request, found)
