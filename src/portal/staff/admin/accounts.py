"""Administration of customer accounts and their users (invited by e-mail, disabled, enabled)."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.customers import accounts, customer_users
from portal.domain.errors import ValidationFailed
from portal.domain.people.users import parse_invitee
from portal.i18n import gettext as _
from portal.staff.admin import common
from portal.web.actors import staff_actor
from portal.web.forms import refused_form
from portal.web.templating import page, redirect

BASE = "/staff/admin/accounts"
INVITE_FIELDS = ("name", "email", "locale")


class AdminAccountsController(Controller):
    path = BASE
    guards = common.ADMIN_ONLY

    async def _detail(
        self,
        request: Request,
        db: AsyncSession,
        account_id: int,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Template:
        """The account form, its users and the invitation form; ``context`` overrides the defaults."""
        account = await accounts.get_account(db, account_id)
        defaults = {
            "values": accounts.account_values(account),
            "errors": {},
            "invite_values": {"locale": account.default_locale},
            "invite_errors": {},
            "user_errors": {},
        }
        return page(
            request,
            "staff/admin/accounts/detail.html",
            status_code=status_code,
            account_id=account.id,
            account_name=account.name,
            users=await customer_users.account_users(db, account.id),
            **(defaults | context),
        )

    index = common.list_handler(
        "staff/admin/accounts/list.html", rows="accounts", read=accounts.list_accounts
    )

    @get("/new")
    async def new(self, request: Request) -> Template:
        return page(request, "staff/admin/accounts/new.html", values=accounts.account_values(None), errors={})

    @post("/")
    async def create(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        values = common.form_values(await request.form(), accounts.FORM_FIELDS)
        try:
            data = accounts.parse_account(values)
            account = await accounts.create_account(db, staff_actor(request), data=data)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(page, request, "staff/admin/accounts/new.html"), values=values
            )
        return redirect(
            request, f"{BASE}/{account.id}", flash=_("Customer account %(name)s created.", name=account.name)
        )

    @get("/{account_id:int}")
    async def edit(
        self, request: Request, db: NamedDependency[AsyncSession], account_id: FromPath[int]
    ) -> Template:
        return await self._detail(request, db, account_id)

    @post("/{account_id:int}")
    async def update(
        self, request: Request, db: NamedDependency[AsyncSession], account_id: FromPath[int]
    ) -> Response | Template:
        values = common.form_values(await request.form(), accounts.FORM_FIELDS)
        try:
            data = accounts.parse_account(values)
            saved = await accounts.update_account(db, staff_actor(request), account_id=account_id, data=data)
        except ValidationFailed as exc:
            return await refused_form(db, exc, partial(self._detail, request, db, account_id), values=values)
        response = redirect(
            request,
            f"{BASE}/{account_id}",
            flash=_("Customer account %(name)s saved.", name=saved.account.name),
        )
        # a disabled account's users are signed out everywhere
        return await common.end_sessions(request, response, kind="customer", user_ids=saved.sign_out_user_ids)

    @post("/{account_id:int}/users")
    async def invite(
        self, request: Request, db: NamedDependency[AsyncSession], account_id: FromPath[int]
    ) -> Response | Template:
        values = common.form_values(await request.form(), INVITE_FIELDS)
        try:
            invitee = parse_invitee(values)
            user = await customer_users.invite_user(
                db, staff_actor(request), account_id=account_id, invitee=invitee
            )
        except ValidationFailed as exc:  # the invitation form has its own values and errors

            def invite_form(*, errors: dict[str, str], **context: object) -> object:
                return self._detail(
                    request, db, account_id, invite_values=values, invite_errors=errors, **context
                )

            return await refused_form(db, exc, invite_form)
        return redirect(
            request,
            f"{BASE}/{account_id}#users",
            flash=_("An invitation has been sent to %(email)s.", email=user.email),
        )

    @post(common.user_action_paths("/{account_id:int}/users/{user_id:int}"))
    async def user_action(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        account_id: FromPath[int],
        user_id: FromPath[int],
    ) -> Response | Template:
        """Disable, enable or invite again one of the account's users; a refusal shows beside its row."""
        actor = staff_actor(request)

        def user_row(*, errors: dict[str, str], **context: object) -> object:
            return self._detail(request, db, account_id, user_errors={user_id: errors["user"]}, **context)

        return await common.act_on_user(
            request,
            db,
            kind="customer",
            user_id=user_id,
            back=f"{BASE}/{account_id}#users",
            reinvite=partial(customer_users.reinvite_user, db, actor, account_id=account_id, user_id=user_id),
            set_active=partial(
                customer_users.set_user_active, db, actor, account_id=account_id, user_id=user_id
            ),
            refused=user_row,
        )
