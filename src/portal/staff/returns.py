"""After-sales work on a return (退换货): its page, approve or reject, the return shipment, goods received,
the inspection per line, and the resolution with a credit note; its label and photos."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.aftersales import return_steps, return_views
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.web.actors import staff_actor
from portal.web.forms import form_text, read_quantities, refused_form, typed_values
from portal.web.return_label import ReturnDocuments
from portal.web.templating import redirect

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


class StaffReturnsController(ReturnDocuments):
    path = PATH
    guards = [requires_role(Role.AFTERSALES)]
    template = "staff/aftersales/return.html"
    reader = staticmethod(staff_actor)

    @post("/{number:str}/{step:str}")
    async def step(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str], step: FromPath[str]
    ) -> Response | Template:
        """One step from a form of the return's page (``STEPS``): done and back to the page with its
        message, or the page again with the form's refusals (422); an unknown step is 404."""
        if step not in STEPS:
            raise NotFoundException()
        do, flash = STEPS[step]
        actor = staff_actor(request)
        case, _request = await return_views.find(db, actor, number)
        form = await request.form()
        try:
            await do(db, actor, case.id, form)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._show(request, db, number, **kw), values=typed_values(form)
            )
        return redirect(request, f"{PATH}/{case.number}", flash=_(flash))


async def _approve(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.approve(db, actor, case_id, instructions=form_text(form, "instructions", limit=4000))


async def _reject(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.reject(db, actor, case_id, reason=form_text(form, "reason", limit=4000))


async def _ship(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.ship(
        db,
        actor,
        case_id,
        carrier_code=form_text(form, "carrier_code", limit=40),
        carrier=form_text(form, "carrier", limit=60),
        tracking_number=form_text(form, "tracking_number", limit=60),
    )


async def _receive(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.receive(db, actor, case_id, note=form_text(form, "note", limit=4000))


async def _inspect(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    note = form_text(form, "note", limit=4000)
    await return_steps.inspect(db, actor, case_id, inspection_of(form), note=note)


async def _resolve(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.resolve_with_credit_note(db, actor, case_id)


async def _replace(db: AsyncSession, actor: Actor, case_id: int, form: FormMultiDict) -> None:
    await return_steps.resolve_with_replacement(db, actor, case_id)


# the forms of the staff return page: POST <return>/<step>, each with the message shown after it
STEPS: dict[str, tuple[Step, str]] = {
    "approve": (_approve, N_("Return approved; the customer has the RMA number.")),
    "reject": (_reject, N_("Return request rejected; the customer has been told.")),
    "shipment": (_ship, N_("Return shipment recorded.")),
    "receive": (_receive, N_("Goods received; inspect them next.")),
    "inspect": (_inspect, N_("Inspection recorded.")),
    "resolve": (_resolve, N_("Return resolved; the customer has been told.")),
    "replace": (_replace, N_("Replacement order opened; production and shipping take it from here.")),
}
