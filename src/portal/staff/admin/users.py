"""Administration of staff users: invite, edit name and roles, disable and enable."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.roles import Role
from portal.domain.errors import ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.people import staff_users
from portal.domain.people.users import parse_invitee
from portal.i18n import gettext as _
from portal.staff.admin import common
from portal.web.actors import staff_actor
from portal.web.forms import refused_form
from portal.web.templating import page, redirect

BASE = "/staff/admin/users"
ROLES = [r.value for r in Role]


def _roles(form: Any) -> list[str]:
    return [str(v) for v in form.getall("roles", [])][: len(ROLES) + 5]


class AdminStaffUsersController(Controller):
    path = BASE
    guards = common.ADMIN_ONLY

    async def _edit_page(
        self, request: Request, db: AsyncSession, user_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        user = await staff_users.get_staff(db, user_id)
        defaults = {
            "values": {"name": user.name, "locale": user.locale or "zh_CN"},
            "chosen": list(user.roles),
            "errors": {},
        }
        return page(
            request,
            "staff/admin/users/edit.html",
            status_code=status_code,
            user=user,
            roles=ROLES,
            is_self=user.id == request.state.staff.user_id,
            **(defaults | context),
        )

    def _new_page(self, request: Request, *, status_code: int = 200, **context: Any) -> Template:
        defaults = {"values": {"locale": "zh_CN"}, "chosen": [], "errors": {}}
        return page(
            request,
            "staff/admin/users/new.html",
            status_code=status_code,
            roles=ROLES,
            **(defaults | context),
        )

    index = common.list_handler("staff/admin/users/list.html", rows="users", read=staff_users.list_staff)

    @get("/new")
    async def new(self, request: Request) -> Template:
        return self._new_page(request)

    @post("/")
    async def create(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        form = await request.form()
        values, chosen = common.form_values(form, ("name", "email", "locale")), _roles(form)
        try:
            roles_form = FormReader({})
            roles = staff_users.parse_roles_field(chosen, roles_form)
            invitee = parse_invitee(values, extra=roles_form)
            user = await staff_users.invite_staff(db, staff_actor(request), invitee=invitee, roles=roles)
        except ValidationFailed as exc:
            return await refused_form(db, exc, partial(self._new_page, request), values=values, chosen=chosen)
        return redirect(
            request,
            f"{BASE}/{user.id}",
            flash=_("An invitation has been sent to %(email)s.", email=user.email),
        )

    @get("/{user_id:int}")
    async def edit(
        self, request: Request, db: NamedDependency[AsyncSession], user_id: FromPath[int]
    ) -> Template:
        return await self._edit_page(request, db, user_id)

    @post("/{user_id:int}")
    async def update(
        self, request: Request, db: NamedDependency[AsyncSession], user_id: FromPath[int]
    ) -> Response | Template:
        form = await request.form()
        values, chosen = common.form_values(form, ("name", "locale")), _roles(form)
        try:
            data = staff_users.parse_staff(values, chosen)
            saved = await staff_users.update_staff(db, staff_actor(request), user_id=user_id, data=data)
        except ValidationFailed as exc:
            edit_page = partial(self._edit_page, request, db, user_id)
            return await refused_form(db, exc, edit_page, values=values, chosen=chosen)
        if saved.sign_out and user_id == request.state.staff.user_id:
            # one's own new roles need a new session too: say so instead of a silent sign-in page
            response = redirect(
                request,
                "/staff/login",
                flash=_("Your roles have changed. Please sign in again."),
                category="info",
            )
        else:
            response = redirect(
                request, f"{BASE}/{user_id}", flash=_("%(name)s saved.", name=saved.user.name)
            )
        # sessions carry the roles they were started with: new roles apply from the next sign-in
        return await common.end_sessions(
            request, response, kind="staff", user_ids=[user_id] if saved.sign_out else []
        )

    @post(common.user_action_paths("/{user_id:int}"))
    async def user_action(
        self, request: Request, db: NamedDependency[AsyncSession], user_id: FromPath[int]
    ) -> Response | Template:
        """Disable, enable or invite again; an admin cannot disable themselves."""
        actor = staff_actor(request)
        return await common.act_on_user(
            request,
            db,
            kind="staff",
            user_id=user_id,
            back=f"{BASE}/{user_id}",
            reinvite=partial(staff_users.reinvite_staff, db, actor, user_id=user_id),
            set_active=partial(staff_users.set_staff_active, db, actor, user_id=user_id),
            refused=partial(self._edit_page, request, db, user_id),
        )
