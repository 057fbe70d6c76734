"""The kinds of work the after-sales queue lists: one row each in ``KINDS``, nothing else to add.

A kind names its label, where its rows live (``cases``: ``aftersales_cases`` under that ``kind``;
``logistics``: the delivery exceptions of ``logistics_cases``) and the staff page a row links to
(``{number}`` the case, ``{order}`` its order). A new kind of case (low-score follow-ups from the
satisfaction survey) is a new row here and cases of that ``kind`` in the table: the queue, its
filters, the claim and the SLA watchdog need nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.i18n import N_

RECEIPT = "receipt"
COMPLAINT = "complaint"
FOLLOW_UP = "follow_up"
RETURN = "return"
DELIVERY_EXCEPTION = "delivery_exception"
CASES, LOGISTICS = "cases", "logistics"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    source: str  # CASES or LOGISTICS
    staff_path: str  # formatted with number= and order=
    thread: bool = False  # worked in a message thread both sides write in (a complaint ticket)
    customer_visible: bool = True  # False: internal work the buyer never reads of (a call-back)
    # its own page for the buyer (formatted with number=): worked there, not on the order page
    customer_path: str = ""

    @property
    def own_page(self) -> bool:
        """Worked on a page of its own (tickets, returns), not resolved on the order page."""
        return bool(self.customer_path)

    def link(self, *, number: str, order: str | None) -> str:
        return self.staff_path.format(number=number, order=order or "")

    def customer_link(self, number: str) -> str:
        return self.customer_path.format(number=number)


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(RECEIPT, N_("Short or damaged goods"), CASES, "/staff/orders/{order}#aftersales"),
        Kind(DELIVERY_EXCEPTION, N_("Delivery exception"), LOGISTICS, "/staff/orders/{order}#shipping"),
        Kind(
            FOLLOW_UP,
            N_("Low-score follow-up"),
            CASES,
            "/staff/orders/{order}#aftersales",
            customer_visible=False,
        ),
        Kind(
            COMPLAINT,
            N_("Complaint"),
            CASES,
            "/staff/aftersales/{number}",
            thread=True,
            customer_path="/complaints/{number}",
        ),
        Kind(
            RETURN,
            N_("Return"),
            CASES,
            "/staff/aftersales/returns/{number}",
            customer_path="/returns/{number}",
        ),
    )
}
KIND_LABELS = {code: k.label for code, k in KINDS.items()}
CASE_KINDS = tuple(code for code, k in KINDS.items() if k.source == CASES)
INTERNAL_KINDS = tuple(code for code, k in KINDS.items() if not k.customer_visible)
