"""Reads are scoped by the actor through one helper; revoking tracking links is a version-checked verb."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from portal.db.orders import Order, OrderEvent
from portal.domain.errors import NotFound, OrderChanged
from portal.domain.fulfilment import shipping
from portal.domain.orders import attachments, pages, queries, service, views
from portal.domain.orders.actors import Actor
from tests.fulfilment_helpers import confirmed, customer_actor, staff_actor
from tests.helpers import add_attachment, make_customer, make_staff


async def _order_with_file(db):  # noqa: ANN001, ANN202
    buyer, order = await confirmed(db)
    attachment = await add_attachment(db, order, storage_key=f"{order.id}/scope")
    return buyer, order, attachment


async def test_a_customer_reads_only_their_account_and_staff_read_every_order(db):
    buyer, order, attachment = await _order_with_file(db)
    stranger = customer_actor(await make_customer(db))
    clerk = staff_actor(await make_staff(db, "sales"))
    for reader in (customer_actor(buyer), clerk):
        shown, _events = await views.order_detail(db, reader, number=order.number)
        assert shown.id == order.id
        found = await attachments.find(db, reader, number=order.number, attachment_id=attachment.id)
        assert found.id == attachment.id
    with pytest.raises(NotFound):
        await views.order_detail(db, stranger, number=order.number)
    with pytest.raises(NotFound):
        await attachments.find(db, stranger, number=order.number, attachment_id=attachment.id)
    with pytest.raises(NotFound):
        await pages.customer_order_page(db, stranger, order.number)
    page = await queries.customer_orders(db, stranger, filters=queries.OrderFilter())
    assert page.rows == []


async def test_a_customer_without_an_account_reads_nothing_rather_than_everything(db):
    _buyer, order, _attachment = await _order_with_file(db)
    nobody = Actor("customer", 1, "x", ("customer",), None)
    with pytest.raises(NotFound):
        queries.readable_orders(nobody)
    with pytest.raises(NotFound):
        await views.order_detail(db, nobody, number=order.number)
    with pytest.raises(NotFound):
        queries.readable_orders(Actor("carrier", None, "x", ()))


async def test_the_hand_written_reads_scope_exactly_as_readable_orders(db):
    buyer, order = await confirmed(db)
    other_buyer, other_order = await confirmed(db)
    readers = [customer_actor(buyer), customer_actor(other_buyer), staff_actor(await make_staff(db, "sales"))]
    for reader in readers:
        scope, params = queries.readable_where(reader, "orders")
        by_text = set((await db.execute(select(Order.id).where(text(scope)), params)).scalars())
        by_helper = set((await db.scalars(queries.readable_orders(reader).with_only_columns(Order.id))).all())
        assert by_text == by_helper and by_text & {order.id, other_order.id}
        shown = (await pages.customer_order_page(db, reader, order.number)) if order.id in by_text else None
        assert shown is None or shown.order.id == order.id
    with pytest.raises(NotFound):
        await pages.customer_order_page(db, customer_actor(other_buyer), order.number)
    for nobody in (Actor("customer", 1, "x", ("customer",), None), Actor("carrier", None, "x", ())):
        with pytest.raises(NotFound):
            queries.readable_where(nobody, "orders")


async def test_revoking_tracking_links_bumps_the_link_version_and_writes_its_event(db):
    _buyer, order = await confirmed(db)
    clerk = staff_actor(await make_staff(db, "logistics"))
    order = await service.load_order(db, clerk, number=order.number)
    links, version = order.tracking_link_version, order.version
    await shipping.revoke_tracking_links(db, clerk, order)
    await db.commit()
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert (fresh.tracking_link_version, fresh.version) == (links + 1, version + 1)
    event = await db.scalar(select(OrderEvent).where(OrderEvent.action == "tracking_links_revoked"))
    assert event.public is False and event.actor_name == clerk.name


async def test_revoking_tracking_links_of_an_order_changed_meanwhile_is_refused(db):
    _buyer, order = await confirmed(db)
    clerk = staff_actor(await make_staff(db, "logistics"))
    order = await service.load_order(db, clerk, number=order.number)
    links, order_id = order.tracking_link_version, order.id
    await db.execute(  # another clerk's change lands after this one loaded the order
        update(Order)
        .where(Order.id == order.id)
        .values(version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(OrderChanged):
        await shipping.revoke_tracking_links(db, clerk, order)
    await db.rollback()
    stored = await db.scalar(select(Order.tracking_link_version).where(Order.id == order_id))
    revoked = await db.scalar(
        select(func.count()).select_from(OrderEvent).where(OrderEvent.action == "tracking_links_revoked")
    )
    assert (stored, revoked) == (links, 0)
