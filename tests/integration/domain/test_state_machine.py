"""Random sequences of actions by random roles, on a real order in PostgreSQL (Hypothesis).

No sequence reaches a state outside the table; every accepted action adds exactly one
event whose transition is in the table; every refused action changes nothing.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, select, text

from portal.db.engine import make_engine, make_sessionmaker
from portal.db.orders import Order, OrderEvent
from portal.domain.errors import DomainError
from portal.domain.orders import service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action, OrderState
from tests.conftest import TABLES
from tests.helpers import customer_actor, make_customer, make_order, make_staff, staff_actor

THRESHOLDS = [Decimal("100"), Decimal("200")]  # the test order (226.00) needs two approver levels
# what ``fulfilment.shipping.ship`` hands the shipped verb: the e-mail's carrier and tracking number
SHIPMENT_MAIL = {"carrier": "Demo Express", "tracking_number": "SF100", "shipment_id": 1, "remaining": ""}
STAFF_ROLES = ["sales", "reviewer", "approver", "production", "logistics", "finance", "aftersales", "admin"]


def _verb(action: Action):
    """How each table action is asked for through the service verbs."""
    reason = {"reason": "because"}
    return {
        Action.SUBMIT: lambda db, a, o: service.submit(db, a, o),
        Action.REQUEST_CHANGES: lambda db, a, o: service.request_changes(
            db, a, o, expected_version=None, message="fix"
        ),
        Action.RESUBMIT: lambda db, a, o: service.resubmit(db, a, o, expected_version=None),
        Action.APPROVE: lambda db, a, o: service.approve(
            db, a, o, expected_version=None, thresholds=THRESHOLDS
        ),
        Action.SEND_CONFIRMATION: lambda db, a, o: service.approve(
            db, a, o, expected_version=None, thresholds=THRESHOLDS
        ),
        Action.REJECT: lambda db, a, o: service.reject(db, a, o, expected_version=None, **reason),
        Action.ACCEPT_CONFIRMATION: lambda db, a, o: service.accept_confirmation(
            db, a, o, expected_version=None
        ),
        Action.DECLINE_CONFIRMATION: lambda db, a, o: service.decline_confirmation(
            db, a, o, expected_version=None, **reason
        ),
        Action.CANCEL_BY_CUSTOMER: lambda db, a, o: service.cancel(db, a, o, expected_version=None, **reason),
        Action.CANCEL_BY_STAFF: lambda db, a, o: service.cancel(db, a, o, expected_version=None, **reason),
        Action.START_PRODUCTION: lambda db, a, o: service.start_production(db, a, o),
        Action.READY_TO_SHIP: lambda db, a, o: service.mark_ready_to_ship(db, a, o),
        Action.SHIP_PARTIAL: lambda db, a, o: service.ship(db, a, o, complete=False, mail=SHIPMENT_MAIL),
        Action.SHIP_FULL: lambda db, a, o: service.ship(db, a, o, complete=True, mail=SHIPMENT_MAIL),
        Action.DELIVER: lambda db, a, o: service.deliver(db, a, o),
        Action.CONFIRM_RECEIPT: lambda db, a, o: service.confirm_receipt(db, a, o),
        Action.COMPLETE: lambda db, a, o: service.complete(db, a, o),
        Action.CLOSE: lambda db, a, o: service.close(db, a, o),
        # a replacement order for returned goods, here for the order itself (the link is not the point)
        Action.OPEN_REPLACEMENT: lambda db, a, o: service.open_replacement(
            db, a, o, original=o, case_number="AS-2026-000001"
        ),
    }[action]


class OrderLifecycle(RuleBasedStateMachine):
    database_url: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.engine = make_engine(self.database_url, pool=False)
        self.sessions = make_sessionmaker(self.engine)
        self.actors: dict[str, list[Actor]] = self.run(self._setup())
        self.events = 0
        self.status = OrderState.DRAFT.value

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    async def _setup(self) -> dict[str, list[Actor]]:
        async with self.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
        async with self.sessions() as db:
            buyer = await make_customer(db)
            order = await make_order(db, customer=buyer)
            self.order_id = order.id
            actors = {
                "customer": [customer_actor(buyer)],
                "system": [Actor.system()],
            }
            for role in STAFF_ROLES:  # two people per role, so "approve twice" can come up either way
                people = [await make_staff(db, role) for _ in range(2)]
                actors[role] = [staff_actor(p) for p in people]
            return actors

    async def _snapshot(self, db) -> tuple:
        order = await db.get(Order, self.order_id, populate_existing=True)
        count = await db.scalar(
            select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == self.order_id)
        )
        return order.status, order.version, order.number, order.approval_level, count

    async def _act(self, action: Action, actor: Actor) -> None:
        async with self.sessions() as db:
            before = await self._snapshot(db)
            await db.commit()
            order = await db.get(Order, self.order_id, populate_existing=True)
            try:
                event = await _verb(action)(db, actor, order)
            except DomainError:
                await db.rollback()
                assert await self._snapshot(db) == before, "a refused action changed the order"
                return
            await db.commit()
            after = await self._snapshot(db)
            assert after[4] == before[4] + 1, "an accepted action must add exactly one event"
            transition = states.find(event.from_state, event.action)
            assert transition is not None and transition.to_state == event.to_state == after[0]
            assert actor.acting_role(transition.roles) == event.role
            self.events += 1
            self.status = after[0]

    @rule(
        action=st.sampled_from(list(Action)),
        who=st.sampled_from(["customer", "system", *STAFF_ROLES]),
        which=st.integers(0, 1),
    )
    def act(self, action: Action, who: str, which: int) -> None:
        people = self.actors[who]
        self.run(self._act(action, people[which % len(people)]))

    @rule(data=st.data())
    def act_as_someone_allowed(self, data: st.DataObject) -> None:
        """Walk deeper: an action the table allows from here, by a role allowed to fire it."""
        options = [(a, t) for (src, a), t in states.TRANSITIONS.items() if src == self.status]
        if not options:
            return
        action, transition = data.draw(st.sampled_from(options))
        who = data.draw(st.sampled_from(sorted(transition.roles)))
        self.run(self._act(action, data.draw(st.sampled_from(self.actors[who]))))

    @invariant()
    def state_is_in_the_table(self) -> None:
        async def check():
            async with self.sessions() as db:
                status, *_rest, count = await self._snapshot(db)
                assert OrderState(status) in set(OrderState)
                assert count == self.events

        self.run(check())

    def teardown(self) -> None:
        self.run(self.engine.dispose())
        self.loop.close()


@pytest.fixture
def lifecycle(settings):
    OrderLifecycle.database_url = settings.database_url
    return OrderLifecycle


def test_order_lifecycle_state_machine(lifecycle):
    lifecycle.TestCase.settings = settings(
        max_examples=12, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    lifecycle.TestCase().runTest()
