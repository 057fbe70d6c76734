"""The Jinja2 environment shared by pages, e-mails and documents: i18n, filters, labels."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from portal import i18n
from portal.auth.roles import ACTOR_ROLE_LABELS, role_label
from portal.domain.aftersales.cases import KIND_LABELS as CASE_KIND_LABELS
from portal.domain.aftersales.cases import STATE_LABELS as CASE_STATE_LABELS
from portal.domain.aftersales.kinds import KINDS as CASE_KINDS
from portal.domain.aftersales.returns import REASONS as RETURN_REASONS
from portal.domain.aftersales.returns import RESOLUTIONS as RETURN_RESOLUTIONS
from portal.domain.aftersales.ticket_states import CUSTOMER_STATE_LABELS as CUSTOMER_CASE_STATE_LABELS
from portal.domain.billing.bank_csv import DELIMITER_LABELS
from portal.domain.billing.bank_import import LINE_STATUS_LABELS
from portal.domain.billing.bank_matching import MATCH_RULE_LABELS
from portal.domain.billing.invoices import FAPIAO_TYPE_LABELS, fapiao_type_label
from portal.domain.billing.payments import METHOD_LABELS as PAYMENT_METHOD_LABELS
from portal.domain.billing.payments import method_label as payment_method_label
from portal.domain.billing.statement import BUCKET_LABELS, BUCKETS, ENTRY_LABELS
from portal.domain.billing.statement_files import entry_reference
from portal.domain.billing.views import OVERDUE_LABELS
from portal.domain.billing.views import STATUS_LABELS as INVOICE_STATUS_LABELS
from portal.domain.catalog.categories import category_label
from portal.domain.catalog.labels import term
from portal.domain.catalog.units import unit_label
from portal.domain.fulfilment.milestones import MILESTONE_LABELS, QC_RESULT_LABELS, REACHED_WORDING
from portal.domain.orders.states import ACTION_LABELS, OrderState
from portal.domain.orders.states import GROUPS as STATE_GROUPS
from portal.domain.orders.wording import (
    BACKORDER_CHOICE_LABELS,
    EXCEPTION_LABELS,
    STATE_WORDING,
    message_label,
    state_label,
)
from portal.formatting import FILTERS
from portal.i18n import N_

CHANNEL_LABELS = {
    "web": N_("web portal"),
    "phone": N_("phone"),
    "email": N_("e-mail"),
    "fax": N_("fax"),
    "sales_rep": N_("sales representative"),
    "partner": N_("partner system"),
    "marketplace": N_("marketplace"),
    "replacement": N_("replacement for a return"),
}
SHIPMENT_STATUS_LABELS = {
    "shipped": N_("handed to the carrier"),
    "in_transit": N_("in transit"),
    "out_for_delivery": N_("out for delivery"),
    "delivered": N_("delivered"),
    "exception": N_("delivery exception"),
}
CHECK_LABELS = {"pass": N_("pass"), "warn": N_("warning"), "fail": N_("fail")}
CHECK_NAMES = {
    "lines": N_("Order lines"),
    "stock": N_("Stock and lead time"),
    "credit": N_("Credit limit"),
    "prices": N_("Prices"),
    "data": N_("Order data"),
}
CONFIRMATION_STATUS_LABELS = {
    "sent": N_("waiting for the customer"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "superseded": N_("replaced by a newer version"),
}
MAIL_STATUS_LABELS = {"pending": N_("waiting to be sent"), "sent": N_("sent"), "failed": N_("failed")}


@pass_context
def _gettext(ctx: Context, message: str, **variables: object) -> str:
    """Jinja's new-style gettext (autoescaped, always a format string), filled by ``i18n.fill``.

    A translation without ``%`` and without variables is its own result (``text % {}`` changes
    nothing then): most calls on a page are a dict lookup.
    """
    text = i18n.gettext(message)
    if not variables and "%" not in text:
        return Markup(text) if ctx.eval_ctx.autoescape else text
    return i18n.fill(Markup(text) if ctx.eval_ctx.autoescape else text, variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, num: int, **variables: object) -> str:
    variables.setdefault("num", num)
    text = i18n.translations(i18n.get_locale()).ngettext(singular, plural, num)
    return i18n.fill(Markup(text) if ctx.eval_ctx.autoescape else text, variables)


@pass_context
def _state_label(ctx: Context, state: str, audience: str | None = None) -> str:
    """A state as this page's reader reads it: staff pages, the tracking page, else the buyer."""
    if audience is None:
        audience = ctx.get("audience") or ("staff" if ctx.get("staff") else "customer")
    return state_label(state, audience)


TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def make_environment(*, auto_reload: bool = True) -> Environment:
    """``auto_reload=False`` in production: templates are not checked on disk at every render."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        auto_reload=auto_reload,
        cache_size=1000,
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    # jinja's own "%" would double "Co.."; ``_`` straight to ours (jinja's alias resolves "gettext" per call)
    env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)
    env.filters.update(FILTERS, category=category_label, unit=unit_label, term=term)
    env.globals.update(
        locales=i18n.LOCALES,
        locale_names=i18n.LOCALE_NAMES,
        current_locale=i18n.get_locale,
        order_states=[s.value for s in OrderState],
        **STATE_GROUPS,  # IN_REVIEW, CONFIRMED_UNSHIPPED, ...: ask `order.status in GROUP`
        # neutral (public) words, for templates from before per-audience wording; use state_label()
        state_labels={state: words.public for state, words in STATE_WORDING.items()},
        state_label=_state_label,
        message_label=message_label,
        action_labels=ACTION_LABELS,
        role_labels=ACTOR_ROLE_LABELS,
        role_label=role_label,
        mail_status_labels=MAIL_STATUS_LABELS,
        channel_labels=CHANNEL_LABELS,
        check_labels=CHECK_LABELS,
        shipment_status_labels=SHIPMENT_STATUS_LABELS,
        exception_labels=EXCEPTION_LABELS,
        backorder_choice_labels=BACKORDER_CHOICE_LABELS,
        check_names=CHECK_NAMES,
        confirmation_status_labels=CONFIRMATION_STATUS_LABELS,
        milestone_labels=MILESTONE_LABELS,
        milestone_reached=REACHED_WORDING,
        qc_result_labels=QC_RESULT_LABELS,
        invoice_status_labels=INVOICE_STATUS_LABELS,
        overdue_labels=OVERDUE_LABELS,
        fapiao_type_labels=FAPIAO_TYPE_LABELS,
        fapiao_type_label=fapiao_type_label,
        payment_method_labels=PAYMENT_METHOD_LABELS,
        payment_method_label=payment_method_label,
        bank_line_status_labels=LINE_STATUS_LABELS,
        match_rule_labels=MATCH_RULE_LABELS,
        delimiter_labels=DELIMITER_LABELS,
        entry_labels=ENTRY_LABELS,  # statement of account
        entry_reference=entry_reference,
        ageing_buckets=BUCKETS,
        ageing_labels=BUCKET_LABELS,
        case_kind_labels=CASE_KIND_LABELS,  # after-sales cases
        case_state_labels=CASE_STATE_LABELS,
        case_kinds=CASE_KINDS,  # after-sales kinds (kinds.KINDS): which are worked in a thread
        customer_case_state_labels=CUSTOMER_CASE_STATE_LABELS,  # the same, spoken to the buyer
        return_reasons=RETURN_REASONS,  # returns (退换货): why, and what the buyer would like
        return_resolutions=RETURN_RESOLUTIONS,
    )
    return env
