"""Sales enter an order taken by phone, e-mail or fax for a customer; it is placed at once."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.errors import ValidationFailed
from portal.domain.orders import entry
from portal.domain.orders.pricing import policy_from
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import staff_actor
from portal.web.forms import read_rows, refused_form, row_names
from portal.web.readers import read_fields
from portal.web.templating import form_page, redirect

ROWS = range(1, entry.MAX_LINES + 1)
# fields that follow the chosen account; choosing another account resets them
ACCOUNT_FIELDS = ("contact_id", "shipping_address_id", "invoice_title", "tax_id")
ROW_NAMES = row_names()  # the rows' refusals beside ``sku_<n>``, ``qty_<n>``, ``specs_<n>``


def entry_input(form: Any) -> entry.EntryInput:
    """The entry form as typed values: who, how, the numbered rows typed in and the shared order fields."""
    fields = inputs.order_form_fields(form)
    who, unreadable = read_fields(form, inputs.EntryForm)
    return entry.EntryInput(
        customer_id=who.customer_id,
        contact_id=who.contact_id,
        channel=who.channel,
        priority=who.priority,
        lines=read_rows(form, ROWS),
        **{**fields, "unreadable": {**fields["unreadable"], **unreadable}},
    )


class StaffOrderEntryController(Controller):
    path = "/staff/orders/new"
    guards = [requires_role(Role.SALES)]

    async def _form(
        self,
        request: Request,
        db: AsyncSession,
        *,
        values: dict[str, str],
        **form_state: Any,
    ) -> Template:
        """The whole form, or for htmx only the block that follows the chosen account."""
        found = await entry.choices(db, customer_id=numbers.ident(values.get("customer_id", "")))
        skus = [values.get(f"sku_{n}", "") for n in ROWS]
        offers = (
            await entry.offers_by_sku(db, account_id=found.account.id, skus=skus) if found.account else {}
        )
        defaults = {"channel": "phone", "priority": "normal", "idempotency_key": uuid.uuid4().hex}
        return form_page(
            request,
            "staff/orders/new.html",
            block="account_fields",
            choices=found,
            offers=offers,
            rows=ROWS,
            channels=entry.CHANNELS,
            priorities=entry.PRIORITIES,
            today=clock.today(),
            values={**defaults, **found.defaults(), **values},
            **form_state,
        )

    @get("/")
    async def show(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        return await self._form(
            request, db, values={"customer_id": request.query_params.get("customer_id", "")}
        )

    @post("/")
    async def create(self, request: Request, db: NamedDependency[AsyncSession]) -> Template | Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}
        if (
            values.pop("action", "") == "choose"
        ):  # the no-JS "Choose" button: reload with the account's details
            kept = {k: v for k, v in values.items() if k not in ACCOUNT_FIELDS}
            return await self._form(request, db, values=kept)
        settings = request.app.state.settings
        try:
            number = await entry.enter_order(
                db, staff_actor(request), entry_input(form), policy=policy_from(settings), today=clock.today()
            )
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(self._form, request, db), field_names=ROW_NAMES, values=values
            )
        return redirect(
            request,
            f"/staff/orders/{number}",
            flash=_("Order %(number)s has been placed for the customer.", number=number),
        )
