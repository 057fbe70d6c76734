"""The printable return label and packing slip of an approved return, for the buyer's and staff's doors."""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from portal.domain.aftersales.return_views import ReturnView
from portal.domain.pdf import seller_from
from portal.web.templating import page


def return_label(request: Request, view: ReturnView, *, back: str) -> Template:
    """The label (ship to the seller, quoting the RMA number) and the slip of lines, in the reader's
    language, linking ``back`` to the return's page; 404 before the return is approved (no RMA number yet)."""
    if not view.request.rma_number:
        raise NotFoundException()
    seller = seller_from(request.app.state.settings, request.state.locale)
    return page(request, "documents/return_label.html", view=view, seller=seller, back=back)
