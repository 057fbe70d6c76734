"""The fixed fields of the app's forms, declared once: what each form sends and as which type.

Read with ``portal.web.readers.read_form``; a door hands the typed values to the domain, which then
never sees raw form text or HTML field names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from portal import numbers
from portal.domain.aftersales import surveys
from portal.domain.billing import bank_csv, bank_import, credit_notes, payments
from portal.domain.fulfilment import packing
from portal.domain.fulfilment.milestones import MILESTONES
from portal.domain.fulfilment.production import PROGRESS_RANGE
from portal.domain.orders import entry, revise
from portal.domain.orders.checkout import ADDRESS_FIELDS
from portal.web.readers import amount, day, read_fields, secret, text, whole


class Noted(msgspec.Struct, frozen=True):
    """The free-text note many staff and buyer forms carry; each form below adds its own fields."""

    note: text(4000) = ""


class MilestoneForm(Noted):
    """The production form: one milestone reported, planned or reached."""

    milestone: text(20) = ""
    planned_date: date | None = None
    actual_date: date | None = None
    progress: whole(PROGRESS_RANGE) | None = None  # the domain says 0..100
    done: bool = False


# The production plan carries the planned date of every milestone: ``planned_<milestone>``.
PlannedDates = msgspec.defstruct(
    "PlannedDates", [(f"planned_{m}", date | None, None) for m in MILESTONES], frozen=True
)


class InspectionForm(Noted):
    """The quality inspection: passed or failed, with a note."""

    result: text(10) = ""


class PackForm(msgspec.Struct, frozen=True):
    """One package (its quantities are the ``pack_<line>`` family), or packing complete."""

    weight_kg: amount(packing.WEIGHT, maximum=packing.MAX_WEIGHT) | None = None
    dimensions: text(60) = ""
    done: bool = False


class ShipForm(msgspec.Struct, frozen=True):
    """A shipment (its quantities are the ``qty_<line>`` family)."""

    carrier: text(40) = ""
    tracking_number: text(80) = ""


class CarrierEventForm(Noted):
    """A carrier event recorded by hand, with a note; no time means now."""

    status: text(20) = ""
    occurred_at: datetime | None = None
    location: text(200) = ""
    exception_kind: text(20) = ""


class DecisionForm(Noted):
    """A reviewer's or buyer's decision with its words: a reason, a message or a note."""

    reason: text(4000) = ""
    message: text(4000) = ""


class ApprovalForm(Noted):
    """An approval: a note and, optionally, the delivery date promised to the buyer."""

    promised_date: date | None = None


class BackorderChoiceForm(msgspec.Struct, frozen=True):
    """The buyer's answer to a backorder: wait, take a part now, or a substitute product."""

    choice: text(12) = ""
    substitute_sku: text(40) = ""


class SignInForm(msgspec.Struct, frozen=True):
    """Sign-in: e-mail, password as typed, and where to go afterwards."""

    email: text(254) = ""
    password: secret(1024) = ""
    next: text(2000) = ""


class ShownDocument(msgspec.Struct, frozen=True):
    """Which order confirmation the buyer was shown (its content hash) when they answered it."""

    document_hash: text(64) = ""


class DeclineForm(ShownDocument):
    """The buyer declines an order confirmation: why, and which document they were shown."""

    reason: text(4000) = ""


class AcceptForm(ShownDocument):
    """The buyer signs an order confirmation: name, agreement, and which document they were shown."""

    signer_name: text(120) = ""
    agree: bool = False


class OrderForm(msgspec.Struct, frozen=True):
    """The delivery and invoice fields every order form shares: checkout, edit-and-resubmit, staff entry."""

    requested_delivery_date: date | None = None
    shipping_address_id: text(4000) = ""
    invoice_title: text(4000) = ""
    tax_id: text(4000) = ""
    special_requirements: text(4000) = ""
    idempotency_key: text(4000) = ""


# A new delivery address typed into an order form: ``address_<field>``.
NewAddress = msgspec.defstruct(
    "NewAddress", [(f"address_{f}", text(4000), "") for f in ADDRESS_FIELDS], frozen=True
)


class EntryForm(msgspec.Struct, frozen=True):
    """Staff order entry: whose order, which contact, how it came in and how urgent (rows read apart)."""

    customer_id: whole(entry.NO_ACCOUNT, maximum=numbers.MAX_ID) | None = None
    contact_id: whole(entry.NO_CONTACT, maximum=numbers.MAX_ID) | None = None
    channel: text(4000) = ""
    priority: text(4000) = ""


class ReviseForm(msgspec.Struct, frozen=True):
    """The reviewer's revise form (its prices and quantities are the ``price_``/``rqty_`` families)."""

    shipping_fee: amount(revise.MONEY, maximum=revise.MAX_MONEY) | None = None  # blank keeps the fee
    promised_date: day(report_as="promised_date") | None = msgspec.field(
        default=None, name="revise_promised_date"
    )
    shipping_address_id: text(20) = ""


class CreditNoteForm(msgspec.Struct, frozen=True):
    """A credit note against an invoice: why, and an amount (its units are the ``cn_qty_<line>`` family)."""

    reason: text(4000) = ""
    cn_amount: amount(credit_notes.AMOUNT) | None = None  # blank: the units say what is credited


class FapiaoForm(msgspec.Struct, frozen=True):
    """An official fapiao recorded against an invoice: its number, kind and date."""

    fapiao_number: text(60) = ""
    fapiao_type: text(12) = ""
    issued_on: day(report_as="fapiao_issued_on") | None = msgspec.field(default=None, name="fapiao_issued_on")


class PaymentForm(msgspec.Struct, frozen=True):
    """A payment received: from which account, when, how much, how it was paid, its reference and a note."""

    account_id: whole(payments.ACCOUNT, maximum=numbers.MAX_ID) | None = None
    received_on: day(report_as="received_on") | None = None
    amount: amount(credit_notes.AMOUNT) | None = None
    method: text(20) = ""
    reference: text(200) = ""
    note: text(4000) = ""


class ReversalForm(msgspec.Struct, frozen=True):
    """Why a payment is reversed."""

    reason: text(4000) = ""


class StatementUploadForm(msgspec.Struct, frozen=True):
    """A bank statement upload: which bank's profile reads it (the file is the ``statement`` part)."""

    profile_id: whole(bank_import.PROFILE, maximum=numbers.MAX_ID) | None = None


class BankLineForm(msgspec.Struct, frozen=True):
    """Confirming a bank line: another invoice or an account than proposed (blank: the proposal), and
    the import page to return to."""

    invoice: text(40) = ""
    account_id: whole(payments.ACCOUNT, maximum=numbers.MAX_ID) | None = None
    import_id: text(20) = ""  # an id, read leniently: an odd one returns to the bank page


class BankProfileForm(msgspec.Struct, frozen=True):
    """A bank profile: its name, delimiter and decimal mark (its columns are ``col_<field>``)."""

    name: text(120) = ""
    delimiter: text(12) = ""
    decimal: text(1) = "."


# The header name of each column of a bank's export: ``col_<field>``.
BankColumns = msgspec.defstruct(
    "BankColumns", [(f"col_{f}", text(120), "") for f in bank_csv.FIELDS], frozen=True
)


def bank_columns(form: Any) -> dict[str, str]:
    """The ``col_<field>`` fields as {field: header name}."""
    typed, _never = read_fields(form, BankColumns)
    return {f: getattr(typed, f"col_{f}") for f in bank_csv.FIELDS}


def new_address(form: Any) -> dict[str, str]:
    """The ``address_<field>`` fields as the domain's new address."""
    typed, _never = read_fields(form, NewAddress)
    return {f: getattr(typed, f"address_{f}") for f in ADDRESS_FIELDS}


def order_form_fields(form: Any) -> dict[str, Any]:
    """The shared order fields as the domain input takes them; ``unreadable`` holds the refused ones."""
    typed, unreadable = read_fields(form, OrderForm)
    return {
        **msgspec.structs.asdict(typed),
        "new_address": new_address(form),
        "unreadable": unreadable,
    }


class SurveyForm(msgspec.Struct, frozen=True):
    """The satisfaction survey: three CSAT scores 1–5 and the NPS 0–10 (the domain checks the ranges)."""

    csat_overall: whole(surveys.CSAT_MESSAGE, maximum=5) | None = None
    csat_delivery: whole(surveys.CSAT_MESSAGE, maximum=5) | None = None
    csat_quality: whole(surveys.CSAT_MESSAGE, maximum=5) | None = None
    nps: whole(surveys.NPS_MESSAGE, maximum=10) | None = None
    comment: text(surveys.COMMENT_LIMIT) = ""
