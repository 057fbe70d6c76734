"""Finance: importing bank statements (导入银行流水), the preview of each import with its proposed
matches, confirming, correcting or ignoring each line, and the bank profiles that read the files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.billing import bank_csv, bank_import, bank_views
from portal.domain.errors import ValidationFailed
from portal.domain.orders import queries
from portal.domain.orders.actors import Actor
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.acting import apply_form
from portal.web.actors import staff_actor
from portal.web.forms import refused_form, typed_values
from portal.web.readers import read_fields, read_form
from portal.web.templating import form_page, redirect

BASE = "/staff/finance/bank"
UPLOAD_LIMIT = bank_csv.MAX_BYTES + 64 * 1024  # the file and the form around it
LineStep = Callable[[Actor, int, Any], Awaitable[str]]


def _plain_step(
    db: AsyncSession, change: Callable[[AsyncSession, Actor, int], Awaitable[Any]], flash: str
) -> LineStep:
    """The line step that makes ``change(db, actor, line_id)`` (the form says nothing more) and says
    ``flash`` (a message id, translated when shown)."""

    async def step(actor: Actor, line_id: int, _sent: Any) -> str:
        await change(db, actor, line_id)
        return _(flash)

    return step


class BankController(Controller):
    path = BASE
    guards = [requires_role(Role.FINANCE)]

    async def _overview(
        self,
        request: Request,
        db: AsyncSession,
        *,
        error_line: int | None = None,
        **form_state: Any,
    ) -> Template:
        return form_page(
            request,
            "staff/finance/bank.html",
            shown=await bank_views.bank_overview(db),
            error_line=error_line,
            **form_state,
        )

    @get("/")
    async def index(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        """The upload form, the latest imports and the lines still unmatched."""
        return await self._overview(request, db)

    @post("/imports", request_max_body_size=UPLOAD_LIMIT)
    async def upload(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        """Import a bank's CSV export (the ``statement`` file) read by the chosen profile."""
        form = await request.form()
        part = form.get("statement")
        try:
            sent = read_form(form, inputs.StatementUploadForm)
            file = (part.filename or "", await part.read()) if isinstance(part, UploadFile) else ("", None)
            done = await bank_import.import_statement(db, staff_actor(request), sent.profile_id, *file)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(self._overview, request, db), values=typed_values(form)
            )
        flash = _(
            "%(added)s new lines imported, %(known)s already known from earlier imports.",
            added=done.added,
            known=done.known,
        )
        return redirect(request, f"{BASE}/imports/{done.statement.id}", flash=flash)

    async def _import_page(
        self,
        request: Request,
        db: AsyncSession,
        import_id: int,
        *,
        error_line: int | None = None,
        **form_state: Any,
    ) -> Template:
        return form_page(
            request,
            "staff/finance/bank_import.html",
            detail=await bank_views.import_detail(db, import_id),
            error_line=error_line,
            **form_state,
        )

    @get("/imports/{import_id:int}")
    async def import_preview(
        self, request: Request, db: NamedDependency[AsyncSession], import_id: FromPath[int]
    ) -> Template:
        """One import: its lines with the proposed matches, to confirm, correct or ignore."""
        return await self._import_page(request, db, import_id)

    async def _line(
        self, request: Request, db: AsyncSession, line_id: int, step: LineStep
    ) -> Response | Template:
        """One action on a line, then back to its import's page (``import_id``) or the bank page;
        a refused action re-renders that page with the message beside the line (422)."""
        form = await request.form()
        sent, unreadable = read_fields(form, inputs.BankLineForm)
        import_id = queries.as_id(sent.import_id)
        back = f"{BASE}/imports/{import_id}" if import_id else f"{BASE}/"
        try:
            if unreadable:
                raise ValidationFailed(unreadable)
            flash = await step(staff_actor(request), line_id, sent)
        except ValidationFailed as exc:
            render = (
                partial(self._import_page, request, db, import_id)
                if import_id
                else partial(self._overview, request, db)
            )
            return await refused_form(db, exc, render, values=typed_values(form), error_line=line_id)
        return redirect(request, back, flash=flash)

    @post("/lines/{bank_line_id:int}/confirm")
    async def confirm(
        self, request: Request, db: NamedDependency[AsyncSession], bank_line_id: FromPath[int]
    ) -> Response | Template:
        """Confirm the proposal, or book the line to another invoice (``invoice``) or an account (``account_id``)."""

        async def step(actor: Actor, line_id: int, sent: Any) -> str:
            choice = bank_import.LineChoice(invoice_number=sent.invoice, account_id=sent.account_id)
            done = await bank_import.confirm_line(db, actor, line_id, choice)
            if not done.created:
                return _("This line was confirmed before; nothing was recorded twice.")
            return _("Payment recorded from the bank line.")

        return await self._line(request, db, bank_line_id, step)

    @post("/lines/{bank_line_id:int}/ignore")
    async def ignore(
        self, request: Request, db: NamedDependency[AsyncSession], bank_line_id: FromPath[int]
    ) -> Response | Template:
        """Set the line aside: it is no customer's payment."""
        step = _plain_step(db, bank_import.ignore_line, N_("Line set aside."))
        return await self._line(request, db, bank_line_id, step)

    @post("/lines/{bank_line_id:int}/reopen")
    async def reopen(
        self, request: Request, db: NamedDependency[AsyncSession], bank_line_id: FromPath[int]
    ) -> Response | Template:
        """Bring an ignored line back to the unmatched ones."""
        step = _plain_step(db, bank_import.reopen_line, N_("Line back among the unmatched ones."))
        return await self._line(request, db, bank_line_id, step)

    async def _profile_page(
        self,
        request: Request,
        db: AsyncSession,
        profile_id: int | None,
        *,
        values: dict[str, str] | None = None,
        **form_state: Any,
    ) -> Template:
        """The profiles with the new-profile form, or one profile's edit form."""
        profile = await bank_views.bank_profile(db, profile_id) if profile_id is not None else None
        return form_page(
            request,
            "staff/finance/bank_profiles.html",
            profiles=await bank_views.bank_profiles(db) if profile is None else [],
            profile=profile,
            values={**(profile.form_values() if profile else {"decimal": "."}), **(values or {})},
            **form_state,
        )

    @get("/profiles")
    async def profiles(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        return await self._profile_page(request, db, None)

    @get("/profiles/{profile_id:int}")
    async def profile(
        self, request: Request, db: NamedDependency[AsyncSession], profile_id: FromPath[int]
    ) -> Template:
        return await self._profile_page(request, db, profile_id)

    async def _save(self, request: Request, db: AsyncSession, profile_id: int | None) -> Response | Template:
        async def step(form: Any) -> str:
            sent = read_form(form, inputs.BankProfileForm)
            data = bank_import.ProfileInput(
                sent.name, inputs.bank_columns(form), sent.delimiter, sent.decimal
            )
            await bank_import.save_profile(db, staff_actor(request), profile_id, data)
            return _("Bank profile saved.")

        render = partial(self._profile_page, request, db, profile_id)
        return await apply_form(request, db, step, render=render, to=f"{BASE}/profiles")

    @post("/profiles")
    async def create_profile(
        self, request: Request, db: NamedDependency[AsyncSession]
    ) -> Response | Template:
        """A new bank profile (its columns may stay blank: the first file imported names them)."""
        return await self._save(request, db, None)

    @post("/profiles/{profile_id:int}")
    async def update_profile(
        self, request: Request, db: NamedDependency[AsyncSession], profile_id: FromPath[int]
    ) -> Response | Template:
        return await self._save(request, db, profile_id)
