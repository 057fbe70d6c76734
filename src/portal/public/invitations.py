"""The public set-password page behind an invitation link (no sign-in; the token is the key)."""

from __future__ import annotations

import ipaddress

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.errors import ValidationFailed
from portal.domain.people import invitations
from portal.i18n import gettext as _
from portal.web.forms import form_secret, refused_form
from portal.web.signin import LOGIN, client_ip
from portal.web.templating import page, redirect

# the token is in the URL: keep it out of caches and out of Referer headers of any link followed
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _private(response: Response) -> Response:
    for key, value in PRIVATE.items():
        response.headers[key] = value
    return response


def _ip(request: Request) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _invalid(request: Request) -> Response:
    return _private(page(request, "public/invite.html", status_code=404, invitation=None, errors={}))


class InvitationController(Controller):
    path = "/invite"

    @get("/{token:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Response:
        try:
            invitation = await invitations.find(db, token)
        except invitations.InvitationInvalid:
            return _invalid(request)
        return _private(page(request, "public/invite.html", invitation=invitation, errors={}))

    @post("/{token:str}")
    async def set_password(
        self, request: Request, db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Response | Template:
        form = await request.form()
        password = form_secret(form, "password", limit=invitations.MAX_PASSWORD_LENGTH + 1)
        repeat = form_secret(form, "password_repeat", limit=invitations.MAX_PASSWORD_LENGTH + 1)
        try:
            kind = await invitations.accept(
                db, token=token, password=password, repeat=repeat, ip=_ip(request)
            )
        except invitations.InvitationInvalid:
            await db.rollback()
            return _invalid(request)
        except ValidationFailed as exc:

            async def invite_page(**context: object) -> Template:
                invitation = await invitations.find(db, token)  # as it is, after the rollback
                return _private(page(request, "public/invite.html", invitation=invitation, **context))

            return await refused_form(db, exc, invite_page)
        return redirect(request, LOGIN[kind], flash=_("Your password has been set. Please sign in."))
