"""Which optional e-mails a customer user receives: the one rule, applied where customer mail is addressed.

Optional are the production milestones (opt-in, as DOMAIN.md says), the shipped and delivered
notices and the survey invitations; every other customer e-mail (order received, confirmation,
invoices, reminders, delivery problems...) is transactional and always sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.surveys import EmailPreference
from portal.i18n import N_

# the topics are named after the notices, not the order states (a "shipped" notice, not the state)
MILESTONES = "milestones"
SHIPPED = "shipped"
DELIVERED = "delivered"
SURVEYS = "surveys"
TOPICS = (MILESTONES, SHIPPED, DELIVERED, SURVEYS)
DEFAULTS = {MILESTONES: False, SHIPPED: True, DELIVERED: True, SURVEYS: True}
TOPIC_LABELS = {
    MILESTONES: N_("Production milestones of my orders"),
    SHIPPED: N_("Shipment notices (with the tracking link)"),
    DELIVERED: N_("Delivery notices"),
    SURVEYS: N_("Satisfaction survey invitations"),
}
# the optional e-mail templates by topic; a customer template not named here is always sent
TEMPLATE_TOPICS = {
    "production_milestone": MILESTONES,
    "order_shipped": SHIPPED,
    "order_delivered": DELIVERED,
    "survey_invitation": SURVEYS,
}


def wants(topic: str):  # noqa: ANN201 - a SQL expression
    """``topic`` is on for the user of the joined (outer) EmailPreference row: their choice, else the default."""
    return func.coalesce(getattr(EmailPreference, topic), true() if DEFAULTS[topic] else false())


def wanted_columns() -> list:
    """Select these with a customer user outer-joined to EmailPreference: one boolean per topic."""
    return [wants(t).label(f"wants_{t}") for t in TOPICS]


@dataclass(frozen=True)
class Preferences:
    milestones: bool
    shipped: bool
    delivered: bool
    surveys: bool

    def on(self, topic: str) -> bool:
        return bool(getattr(self, topic))


def from_row(row) -> Preferences:  # noqa: ANN001 - a row selected with ``wanted_columns``
    return Preferences(**{t: bool(getattr(row, f"wants_{t}")) for t in TOPICS})


async def load(db: AsyncSession, user_id: int) -> Preferences:
    row = await db.get(EmailPreference, user_id)
    return Preferences(**{t: getattr(row, t) if row else DEFAULTS[t] for t in TOPICS})


async def save(db: AsyncSession, user_id: int, chosen: set[str]) -> Preferences:
    """The user's choice: the topics in ``chosen`` on, the others off (unknown names are ignored)."""
    values = {t: t in chosen for t in TOPICS}
    stmt = insert(EmailPreference).values(user_id=user_id, updated_at=clock.now(), **values)
    await db.execute(
        stmt.on_conflict_do_update(
            index_elements=[EmailPreference.user_id], set_={**values, "updated_at": clock.now()}
        )
    )
    return Preferences(**values)


SURVEY_INVITATION = "survey_invitation"


def customer_mail(template: str, prefs: Preferences) -> tuple[str, bool] | None:
    """What to send a customer user instead of ``template`` under ``prefs``: (template, with the survey
    link); None when they opted out. The "delivered" notice carries the survey invitation; someone who
    wants the invitation but not the notice gets the invitation alone."""
    if template == "order_delivered":
        if prefs.delivered:
            return template, prefs.surveys
        return (SURVEY_INVITATION, True) if prefs.surveys else None
    topic = TEMPLATE_TOPICS.get(template)
    if topic and not prefs.on(topic):
        return None
    return template, template == SURVEY_INVITATION
