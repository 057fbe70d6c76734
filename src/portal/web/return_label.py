"""What the buyer's and staff's return doors share: the return's page, its printable label and packing
slip, and its photos."""

from __future__ import annotations

from typing import Any, ClassVar

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.aftersales import return_views
from portal.domain.pdf import seller_from
from portal.web.downloads import CasePhotos
from portal.web.templating import page


class ReturnDocuments(CasePhotos):
    """``<path>/{number}`` (the door's ``template``), ``<path>/{number}/label`` and
    ``<path>/{number}/photos/{photo_id}`` of a return the reader may read (``reader``, as for
    ``CasePhotos``); the label links back to the return's page."""

    find_photo = staticmethod(return_views.find_photo)
    template: ClassVar[str]  # the return's page in this door

    async def _show(self, request: Request, db: AsyncSession, number: str, **shown: Any) -> Template:
        """The return's page; ``shown``: ``status_code``, ``errors`` and ``values`` of a refused form."""
        return page(
            request,
            self.template,
            status_code=shown.pop("status_code", 200),
            view=await return_views.read(db, self.reader(request), number),
            errors=shown.get("errors") or {},
            values=shown.get("values") or {},
        )

    @get("/{number:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._show(request, db, number)

    @get("/{number:str}/label")
    async def label(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        """The label (ship to the seller, quoting the RMA number) and the slip of lines, in the reader's
        language; 404 before the return is approved (no RMA number yet)."""
        view = await return_views.read(db, self.reader(request), number)
        if not view.request.rma_number:
            raise NotFoundException()
        seller = seller_from(request.app.state.settings, request.state.locale)
        back = f"{self.path}/{view.case.number}"
        return page(request, "documents/return_label.html", view=view, seller=seller, back=back)
