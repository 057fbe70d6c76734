"""Receipt (签收): the one-click "everything arrived" and the line-by-line report of short or damaged goods."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.aftersales import cases, receipt
from portal.domain.errors import InvalidTransition, ValidationFailed
from portal.domain.orders import service
from portal.domain.orders.states import AFTER_DELIVERY
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.forms import form_ids, form_text, form_version, read_quantities, refused_form, typed_values
from portal.web.photos import UPLOAD_LIMIT, photos_of
from portal.web.readers import read_form
from portal.web.templating import form_page, redirect


async def report_of(form: Any) -> receipt.ReceiptReport:
    """The receipt form: ``short_<line>``, ``damaged_<line>``, ``received_<line>``, ``note_<line>``, ``note``."""
    short, errors = read_quantities(form, "short_")
    damaged, more = read_quantities(form, "damaged_")
    said = {k: v for k, v in form_ids(form, "received_").items() if v.strip()}
    received, most = read_quantities({f"received_{k}": v for k, v in said.items()}, "received_")
    if errors or more or most:
        raise ValidationFailed({**errors, **more, **most})
    ids = sorted(set(short) | set(damaged) | set(received))
    lines = tuple(
        receipt.LineReport(
            i,
            short=short.get(i, 0),
            damaged=damaged.get(i, 0),
            note=form_text(form, f"note_{i}", limit=receipt.NOTE_LIMIT),
            received=received.get(i),
        )
        for i in ids
    )
    return receipt.ReceiptReport(
        lines=lines,
        note=form_text(form, "note", limit=receipt.NOTE_LIMIT),
        photos=await photos_of(form),
        itemised=True,
    )


class ReceiptController(Controller):
    path = "/orders"
    guards = [customer_required]

    async def _form(
        self,
        request: Request,
        db: AsyncSession,
        number: str,
        **form_state: Any,
    ) -> Template:
        shown = await receipt.receipt_page(db, customer_actor(request), number)
        return form_page(
            request,
            "customer/orders/receipt.html",
            order=shown.order,
            lines=shown.lines,
            exception_open=shown.exception_open,
            max_photos=receipt.MAX_PHOTOS,
            **form_state,
        )

    @get("/{number:str}/receipt")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        try:
            return await self._form(request, db, number)
        except InvalidTransition:  # the e-mail's link, opened again once receipt is confirmed
            order = await service.load_order(
                db, customer_actor(request), number=number
            )  # 404 across accounts
            if order.status not in AFTER_DELIVERY:
                raise
            flash = _(
                "Receipt of this order is already confirmed. Something wrong? Request a return or open a "
                "complaint from the order page."
            )
            return redirect(request, f"/orders/{number}#aftersales", flash=flash, category="info")

    @post("/{number:str}/receipt", request_max_body_size=UPLOAD_LIMIT)
    async def confirm(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        actor = customer_actor(request)
        order = await service.load_order(db, actor, number=number)  # scoped: 404 for others' orders
        form = await request.form()
        version = form_version(form)
        if form.get("itemised") != "1":  # the order page's one-click button
            note = read_form(form, inputs.DecisionForm).note
            if not await receipt.confirm_simply(db, actor, order, expected_version=version, note=note):
                flash = _(
                    "A delivery problem is still open: please check each line before confirming receipt."
                )
                return redirect(request, f"/orders/{number}/receipt", flash=flash, category="error")
            return redirect(request, f"/orders/{number}", flash=_("Thank you: receipt confirmed."))
        root = cases.photo_root(request.app.state.settings.data_dir)
        try:
            report = await report_of(form)
            case = await receipt.confirm(db, actor, order, report, expected_version=version, photo_root=root)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._form(request, db, number, **kw), values=typed_values(form)
            )
        if case is None:
            return redirect(request, f"/orders/{number}", flash=_("Thank you: receipt confirmed."))
        flash = _(
            "Thank you: receipt confirmed. We opened after-sales case %(case)s and will contact you.",
            case=case,
        )
        return redirect(request, f"/orders/{number}#aftersales", flash=flash)
