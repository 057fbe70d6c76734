"""Returns and exchanges (退换货): the buyer's returns, a new request from an order, one return's page,
cancelling it, entering the return shipment, the printable return label, and its photos."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.aftersales import cases, return_steps, return_views, returns
from portal.domain.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.web.actors import customer_actor
from portal.web.forms import form_text, read_quantities, refused_form, typed_values
from portal.web.photos import UPLOAD_LIMIT, photos_of
from portal.web.return_label import ReturnDocuments
from portal.web.templating import page, redirect


async def request_of(form: Any) -> returns.ReturnInput:
    """The request form: ``qty_<order line id>``, ``reason``, ``resolution``, ``description``, ``photos``."""
    quantities, errors = read_quantities(form, returns.QTY_FIELD)
    if errors:
        raise ValidationFailed(errors)
    return returns.ReturnInput(
        quantities=quantities,
        reason=form_text(form, "reason", limit=30),
        desired=form_text(form, "resolution", limit=30),
        description=form_text(form, "description", limit=returns.DESCRIPTION_LIMIT),
        photos=await photos_of(form),
    )


class ReturnRequestController(Controller):
    """``/orders/{number}/returns/new``: the request form of one delivered order (ROUTES.md)."""

    path = "/orders"
    guards = [customer_required]

    async def _form(self, request: Request, db: AsyncSession, number: str, **shown: Any) -> Template:
        days = await returns.window_days(db)
        form = await returns.request_form(db, customer_actor(request), number, window_days=days)
        return page(
            request,
            "customer/returns/new.html",
            status_code=shown.pop("status_code", 200),
            order=form.order,
            lines=form.lines,
            last_day=form.last_day,
            window_open=form.open,
            window_days=days,
            max_photos=returns.MAX_PHOTOS,
            errors=shown.get("errors") or {},
            values=shown.get("values") or {},
        )

    @get("/{number:str}/returns/new")
    async def new(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._form(request, db, number)

    @post("/{number:str}/returns/new", request_max_body_size=UPLOAD_LIMIT)
    async def create(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        form = await request.form()
        root = cases.photo_root(request.app.state.settings.data_dir)
        try:
            data = await request_of(form)
            days = await returns.window_days(db)
            case = await returns.request_return(
                db, customer_actor(request), number, data, window_days=days, photo_root=root
            )
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._form(request, db, number, **kw), values=typed_values(form)
            )
        flash = _(
            "Thank you: return request %(case)s is with after-sales; we will answer by e-mail.",
            case=case.number,
        )
        return redirect(request, f"/returns/{case.number}", flash=flash)


class ReturnsController(ReturnDocuments):
    path = "/returns"
    guards = [customer_required]
    template = "customer/returns/detail.html"
    reader = staticmethod(customer_actor)

    @get("/")
    async def index(
        self, request: Request, db: NamedDependency[AsyncSession], after: FromQuery[str | None] = None
    ) -> Template:
        found = await return_views.account_returns(db, customer_actor(request), after=after)
        return page(
            request,
            "customer/returns/list.html",
            returns=found.rows,
            next_after=found.next_after,
            first_page=not after,
        )

    @post("/{number:str}/cancel")
    async def cancel(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        actor = customer_actor(request)
        case, _request = await return_views.find(db, actor, number)
        await return_steps.cancel(db, actor, case.id)
        return redirect(request, f"/returns/{case.number}", flash=_("The return has been cancelled."))

    @post("/{number:str}/shipment")
    async def shipment(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        actor = customer_actor(request)
        case, _request = await return_views.find(db, actor, number)
        form = await request.form()
        try:
            await return_steps.ship(
                db,
                actor,
                case.id,
                carrier_code=form_text(form, "carrier_code", limit=40),
                carrier=form_text(form, "carrier", limit=60),
                tracking_number=form_text(form, "tracking_number", limit=60),
            )
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._show(request, db, number, **kw), values=typed_values(form)
            )
        return redirect(
            request, f"/returns/{case.number}", flash=_("Thank you: we will look out for the parcel.")
        )
