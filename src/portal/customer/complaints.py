"""Complaints and feedback (投诉): the buyer's tickets, a new one, one ticket's thread and its photos."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.aftersales import cases, tickets
from portal.domain.errors import NotFound, ValidationFailed
from portal.i18n import gettext as _
from portal.web.actors import customer_actor
from portal.web.downloads import CasePhotos
from portal.web.forms import form_text, refused_form, typed_values
from portal.web.photos import UPLOAD_LIMIT, photos_of
from portal.web.templating import page, redirect
from portal.web.ticket_doors import post_message, ticket_page


class ComplaintsController(CasePhotos):
    path = "/complaints"
    guards = [customer_required]
    reader = staticmethod(customer_actor)
    find_photo = staticmethod(tickets.find_attachment)

    @get("/")
    async def index(
        self, request: Request, db: NamedDependency[AsyncSession], after: FromQuery[str | None] = None
    ) -> Template:
        found = await tickets.account_tickets(db, customer_actor(request), after=after)
        return page(
            request,
            "customer/complaints/list.html",
            tickets=found.rows,
            next_after=found.next_after,
            first_page=not after,
            categories=tickets.CATEGORIES,
        )

    async def _form(
        self,
        request: Request,
        db: AsyncSession,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        return page(
            request,
            "customer/complaints/new.html",
            status_code=status_code,
            orders=await tickets.order_choices(db, customer_actor(request)),
            categories=tickets.CATEGORIES,
            max_photos=tickets.MAX_PHOTOS,
            errors=errors or {},
            values=values or {"order_number": request.query_params.get("order", "")},
        )

    @get("/new")
    async def new(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        return await self._form(request, db)

    @post("/new", request_max_body_size=UPLOAD_LIMIT)
    async def create(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        form = await request.form()
        root = cases.photo_root(request.app.state.settings.data_dir)
        try:
            data = tickets.TicketInput(
                subject=form_text(form, "subject", limit=tickets.SUBJECT_LIMIT),
                category=form_text(form, "category", limit=20),
                order_number=form_text(form, "order_number", limit=40),
                message=form_text(form, "message", limit=tickets.MESSAGE_LIMIT),
                photos=await photos_of(form),
            )
            case = await tickets.open_ticket(db, customer_actor(request), data, photo_root=root)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._form(request, db, **kw), values=typed_values(form)
            )
        flash = _("Thank you: ticket %(case)s is open; after-sales will answer here.", case=case.number)
        return redirect(request, f"/complaints/{case.number}", flash=flash)

    async def _show(self, request: Request, db: AsyncSession, number: str, **shown: Any) -> Template:
        view = await tickets.read(db, customer_actor(request), number)
        return ticket_page(request, view, "customer/complaints/detail.html", side="customer", **shown)

    @get("/{number:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        try:
            return await self._show(request, db, number)
        except NotFound:  # "after-sales case AS-…" of a receipt report or a return: where it is worked
            found = await cases.page_of_case(db, customer_actor(request), number)
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
            customer_actor(request),  # 404 across accounts
            number,
            show=lambda **kw: self._show(request, db, number, **kw),
            back=f"/complaints/{number}#thread",
            flash=_("Your message has been sent."),
        )
