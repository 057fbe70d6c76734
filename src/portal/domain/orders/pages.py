"""What each order page shows, read in one call per page, scoped by the actor reading it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import Address, CustomerAccount
from portal.db.orders import Order, OrderAttachment
from portal.domain.aftersales import cases as aftersales_cases
from portal.domain.aftersales import surveys
from portal.domain.aftersales import views as aftersales_views
from portal.domain.billing import closing as billing_closing
from portal.domain.billing import receivables
from portal.domain.billing import views as billing_views
from portal.domain.fulfilment import production
from portal.domain.fulfilment import views as shipping_views
from portal.domain.fulfilment.panel import ProductionPanel, panel_of
from portal.domain.orders import (
    approval,
    attachments,
    backorder,
    cart,
    checks,
    line_rule,
    order_read,
    queries,
    queues,
    service,
    staff_read,
    states,
    timeline,
    views,
    watchdog,
)
from portal.domain.orders.actors import Actor
from portal.domain.orders.checkout import Earliest, earliest_delivery
from portal.domain.orders.states import Action
from portal.domain.settings import config


async def _address_book(db: AsyncSession, account_id: int) -> list[Address]:
    """The account's delivery addresses, the default first."""
    stmt = (
        select(Address)
        .where(Address.account_id == account_id)
        .order_by(Address.is_default.desc(), Address.id)
    )
    return list(await db.scalars(stmt))


@dataclass(frozen=True)
class CustomerOrderPage:
    order: views.OrderView
    attachments: list[order_read.AttachmentView]
    timeline: list[timeline.TimelineEntry]
    milestones: list[production.MilestoneView]
    delivery_estimate: date | None
    shipments: list[shipping_views.ShipmentView]
    cases: list[shipping_views.CaseView]
    backorder: backorder.BackorderOffer | None
    invoices: list[billing_views.InvoiceRow]
    aftersales: list[aftersales_views.CaseView]
    survey: surveys.SurveyView | None = None  # the answer, once given (after delivery the form shows)


async def customer_order_page(db: AsyncSession, actor: Actor, number: str) -> CustomerOrderPage:
    """The buyer's order page: the order, its files, timeline, production, shipments and backorder,
    in one statement (``order_read``; a backorder adds its offer's reads)."""
    read = await order_read.customer_order(db, actor, number)
    return CustomerOrderPage(
        order=read.order,
        attachments=read.attachments,
        timeline=timeline.customer_timeline(read.events),
        milestones=read.milestones,
        delivery_estimate=read.delivery_estimate,
        shipments=read.shipments,
        cases=read.cases,
        backorder=read.backorder,
        invoices=read.invoices,
        aftersales=read.aftersales,
        survey=read.survey,
    )


@dataclass(frozen=True)
class EditPage:
    order: Order  # with its lines
    view: views.OrderView
    request_note: str
    addresses: list[Address]
    current_address: Address | None
    line_offers: dict[int, Any]
    earliest: Earliest
    attachments: list[OrderAttachment]


def _current(addresses: list[Address], shipping: dict | None) -> Address | None:
    """The saved address the order ships to, if it is one of the account's."""
    for a in addresses:
        if shipping and a.street == shipping.get("street") and a.recipient == shipping.get("recipient"):
            return a
    return None


async def edit_page(db: AsyncSession, actor: Actor, number: str, today: date) -> EditPage:
    """The form changing an order sent back for changes (409 unless changes were requested)."""
    order = await service.load_order(db, actor, number=number, with_lines=True)
    service.ensure_allowed(order, actor, Action.RESUBMIT)
    view, events = await views.order_detail(db, actor, number=number)
    addresses = await _address_book(db, order.account_id)
    offers = await line_rule.offers_for(db, order.account_id, order.lines)
    return EditPage(
        order=order,
        view=view,
        request_note=next((e.note for e in reversed(events) if e.action == Action.REQUEST_CHANGES), ""),
        addresses=addresses,
        current_address=_current(addresses, order.shipping_address),
        line_offers={ln.id: offers.get(ln.product_id) for ln in order.lines},
        earliest=await earliest_delivery(db, actor, order, today),
        attachments=await attachments.list_for_order(db, order.id),
    )


@dataclass(frozen=True)
class CheckoutPage:
    cart: Order
    account: CustomerAccount
    addresses: list[Address]
    earliest: Earliest


async def checkout_page(db: AsyncSession, actor: Actor, today: date) -> CheckoutPage | None:
    """The buyer's cart with what checkout offers; None while the cart is empty."""
    order = await cart.get_cart(db, actor)
    if order is None or not order.lines:
        return None
    account = await db.get(CustomerAccount, order.account_id)
    return CheckoutPage(
        cart=order,
        account=account,
        addresses=await _address_book(db, order.account_id),
        earliest=await earliest_delivery(db, actor, order, today),
    )


@dataclass(frozen=True)
class Review:
    checks: list[checks.Check]
    overall: str
    levels: int
    level: int
    currency: str


@dataclass(frozen=True)
class StaffOrderPage:
    order: views.OrderView
    events: list[staff_read.StaffEvent]
    notifications: list[views.NotificationView]
    attachments: list[order_read.AttachmentView]
    review: Review | None
    history: list[queries.OrderRow]
    confirmations: list[staff_read.ConfirmationRow]
    production: ProductionPanel | None
    shipping: shipping_views.ShippingPanel
    addresses: list[staff_read.AddressRow]
    invoices: list[billing_views.InvoiceRow]
    closing: dict[str, str]  # why a completed order cannot close yet (empty: it can), by field
    aftersales: list[aftersales_views.CaseView]
    survey: surveys.SurveyView | None = None  # the customer's satisfaction survey answer


def _review(read: staff_read.StaffRead, today: date) -> Review | None:
    """The automatic checks and the approval levels the order's amount needs (an order in review)."""
    if read.review is None:
        return None
    found = checks.checks_of(read.review, today=today)
    levels = approval.levels_required(read.order.total, config.thresholds_of(read.thresholds))
    return Review(found, checks.overall(found), levels, read.approval_level, read.order.currency)


def _invoices(read: staff_read.StaffRead, today: date) -> list[billing_views.InvoiceRow]:
    return billing_views.order_invoice_rows(read.invoices, order_number=read.order.number, today=today)


async def staff_order_page(db: AsyncSession, actor: Actor, number: str, today: date) -> StaffOrderPage:
    """The staff order page: the order, checks in review, the customer's history, mail and fulfilment,
    in one statement (``staff_read``), the review checks' facts included."""
    read = await staff_read.staff_order(db, actor, number)
    order = read.order
    production = panel_of(
        order.status,
        read.milestones,
        inspections=read.inspections,
        packages=read.packages,
        lines=read.packing_lines(),
        delivery_estimate=read.delivery_estimate,
    )
    shipping = shipping_views.shipping_panel_of(
        read.lines,
        status=order.status,
        choice=read.backorder_choice,
        milestones=read.milestones,
        shipments=read.shipments,
        cases=read.cases,
        carriers=read.carriers,
    )
    return StaffOrderPage(
        order=order,
        events=read.events,
        notifications=read.notifications,
        attachments=read.attachments,
        review=_review(read, today),
        history=read.history,
        confirmations=read.confirmations,
        production=production,
        shipping=shipping,
        # the revise form offers the customer's addresses
        addresses=read.addresses if order.status == "submitted" else [],
        invoices=_invoices(read, today),
        closing=billing_closing.blockers_of(read.closable)
        if order.status in states.sources(Action.CLOSE)
        else {},
        aftersales=read.aftersales,
        survey=read.survey,
    )


@dataclass(frozen=True)
class StaffDashboard:
    """The staff dashboard: a card per work queue the member's roles own, review-SLA alerts, open cases,
    and for finance the receivables and its own queues (``finance``, None for other roles)."""

    cards: list
    overdue: list
    cases: list
    finance: receivables.FinanceOverview | None = None
    receipt_cases: list[aftersales_cases.OpenCaseRow] | None = None  # after-sales: open receipt cases
    follow_ups: list[surveys.FollowUpRow] | None = None  # after-sales: low-score follow-ups still open


async def staff_dashboard(db: AsyncSession, *, roles: list[str], today: date) -> StaffDashboard:
    """What the dashboard shows to a member with ``roles``: nothing they may not act on."""
    sees = set(roles) | (
        {"reviewer", "sales", "logistics", "aftersales", "finance"} if "admin" in roles else set()
    )
    return StaffDashboard(
        cards=await queues.queue_counts(db, roles=roles),
        overdue=await watchdog.overdue(db) if sees & {"reviewer", "sales"} else [],
        cases=await shipping_views.open_cases(db) if sees & {"logistics", "sales", "aftersales"} else [],
        finance=await receivables.finance_overview(db, today) if "finance" in sees else None,
        receipt_cases=await aftersales_cases.open_cases(db) if "aftersales" in sees else None,
        follow_ups=await surveys.open_follow_ups(db) if "aftersales" in sees else None,
    )
