"""The after-sales queue (/staff/aftersales) and a complaint ticket's staff page: answer, resolve, close, claim."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.aftersales import cases, queue, tickets
from portal.domain.aftersales.kinds import KINDS
from portal.domain.aftersales.ticket_states import MOVE_LABELS, STAFF_BUTTONS, CaseState, Move, allowed
from portal.domain.errors import InvalidTransition, NotFound
from portal.i18n import gettext as _
from portal.web.actors import staff_actor
from portal.web.downloads import CasePhotos
from portal.web.forms import form_text
from portal.web.photos import UPLOAD_LIMIT
from portal.web.templating import page, redirect
from portal.web.ticket_doors import post_message, ticket_page


def _filter(request: Request) -> queue.QueueFilter:
    q = request.query_params
    return queue.QueueFilter(
        kind=q.get("kind", "")[:30],
        state=q.get("state", queue.OPEN_STATES)[:30],
        customer=q.get("customer", "")[:100],
        assignee=q.get("assignee", "")[:20],
        overdue=q.get("overdue") == "1",
        after=q.get("after", "")[:400],
    )


class AftersalesQueueController(CasePhotos):
    path = "/staff/aftersales"
    guards = [requires_role(Role.AFTERSALES)]
    reader = staticmethod(staff_actor)
    find_photo = staticmethod(tickets.find_attachment)

    @get("/")
    async def index(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        f = _filter(request)
        shown = await queue.page(db, staff_actor(request), f)
        return page(
            request,
            "staff/aftersales/queue.html",
            rows=shown.rows,
            next_after=shown.next_after,
            f=f,
            kinds=KINDS,
            states=list(CaseState),
            assignees=shown.assignees,
        )

    @post("/{number:str}/claim")
    async def claim(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        form = await request.form()
        version = numbers.ident(form.get("version", "")) if isinstance(form.get("version"), str) else None
        await queue.claim(db, staff_actor(request), number=number, expected_version=version)
        return redirect(request, _back(form), flash=_("Case %(case)s is yours now.", case=number))

    @post("/exceptions/{case_id:int}/claim")
    async def claim_exception(
        self, request: Request, db: NamedDependency[AsyncSession], case_id: FromPath[int]
    ) -> Response:
        """Take on a delivery exception (a row of the queue whose work is on the order page)."""
        form = await request.form()
        version = numbers.ident(form.get("version", "")) if isinstance(form.get("version"), str) else None
        number = await queue.claim_exception(
            db, staff_actor(request), case_id=case_id, expected_version=version
        )
        return redirect(
            request,
            _back(form),
            flash=_("The delivery exception of order %(number)s is yours now.", number=number),
        )

    async def _show(self, request: Request, db: AsyncSession, number: str, **shown: Any) -> Template:
        view = await tickets.read(db, staff_actor(request), number)
        buttons = [(m, MOVE_LABELS[m]) for m in STAFF_BUTTONS if allowed(view.case.state, m)]
        return ticket_page(
            request, view, "staff/aftersales/ticket.html", side="staff", buttons=buttons, **shown
        )

    @get("/{number:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        try:
            return await self._show(request, db, number)
        except NotFound:  # a case of another kind, named in a mail or a message: its own page
            found = await cases.page_of_case(db, staff_actor(request), number)
            if found is None:
                raise
            return redirect(request, found)

    @post("/{number:str}/messages", request_max_body_size=UPLOAD_LIMIT)
    async def answer(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        return await post_message(
            request,
            db,
            staff_actor(request),
            number,
            show=lambda **kw: self._show(request, db, number, **kw),
            back=f"/staff/aftersales/{number}#thread",
            flash=_("The customer has been told."),
        )

    @post("/{number:str}/move")
    async def move(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        actor = staff_actor(request)
        case = await tickets.load(db, actor, number, for_update=True)
        form = await request.form()
        try:
            what = Move(form_text(form, "move", limit=30))
        except ValueError:
            raise InvalidTransition(tickets.NOT_NOW) from None
        if what not in STAFF_BUTTONS:
            raise InvalidTransition(tickets.NOT_NOW)
        await tickets.move(db, actor, case, what)
        return redirect(
            request, f"/staff/aftersales/{number}", flash=_("Ticket %(case)s updated.", case=number)
        )


def _back(form: Any) -> str:
    """Where a claim returns: the queue page it was made from (its filters kept), else the queue."""
    back = form.get("back") if isinstance(form.get("back"), str) else ""
    return back if back.startswith("/staff/aftersales") and "//" not in back else "/staff/aftersales"
