"""The native reader's corrections hold in the real catalog: one word for one thing, per context."""

from __future__ import annotations

import pytest

from portal.domain.audit.log import field_label
from portal.formatting import join_list
from portal.i18n import gettext, ngettext, using_locale


def zh(msgid: str, **variables: object) -> str:
    with using_locale("zh_CN"):
        return gettext(msgid, **variables)


def test_net_terms_are_days_from_invoice_not_month_end():
    """ "Net 30" printed as 月结 30 天 promises the buyer a later due date than the system means."""
    for msgid in ("net %(days)s days", "net", "net (pay within the days below)", "Choose prepaid or net."):
        assert "账期" in zh(msgid, days=30) and "月结" not in zh(msgid, days=30), msgid
    assert zh("net %(days)s days", days=30) == "账期 30 天"
    assert zh("Payment terms") == "付款条件"  # not 付款方式 (payment method)


def test_one_english_word_two_chinese_meanings_get_two_msgids():
    assert zh("Shipping") == "运费"  # the fee on the totals
    assert zh("Shipping and logistics") == "发货与物流"  # the staff logistics card
    assert zh("Recipient") == "收货人"  # address field, like its validation message
    assert "收货人" in zh("Recipient, phone, city and street are needed for a new address.")
    assert zh("Sent to") == "收件人"  # e-mail recipient
    assert (zh("From"), zh("To")) == ("起始日期", "截止日期")  # the date filter


def test_the_audit_log_labels_an_accounts_name_as_the_company():
    with using_locale("zh_CN"):
        assert gettext(field_label("customer_account", "name")) == "公司名称"
        assert gettext(field_label("staff_user", "name")) == "姓名"
        assert gettext(field_label("product", "sku")) == "物料编码"
    assert field_label("product", "no_such_field") is None


@pytest.mark.parametrize(
    ("msgid", "wrong"),
    [
        ("handed to the carrier", "交付"),  # 交付 reads as delivered to the customer
        ("Order %(number)s has been handed to the carrier.", "交付"),
        ("Proceed to checkout", "结算"),  # 结算 is settlement
        ("Only %(available)s of this line are in stock to ship.", "件"),  # lines come in m, kg, 套
        ("Order confirmation accepted and signed by %(name)s", "签署"),
        ("A product with this SKU already exists.", "SKU"),
        ("The minimum order quantity is %(n)s.", "订购量"),
        ("We asked for changes", "我们"),  # staff read it on their timeline too
        ("Reviewed: the order confirmation is waiting for you", "您"),
    ],
)
def test_corrected_entries_lose_the_misleading_word(msgid, wrong):
    text = zh(msgid, number="SO-1", name="王伟", available=3, n=5)
    assert wrong not in text and text != msgid


def test_glossary_words_for_status_role_document_and_sign_out():
    assert zh("closed") == "已结案"
    assert zh("logistics") == "仓储物流"
    assert zh("Delivery note") == "送货单"
    assert zh("Shipments") == "发货记录"
    assert zh("Sign out") == "退出登录"
    with using_locale("zh_CN"):
        assert ngettext("%(num)s line", "%(num)s lines", 3) == "共 3 项"


def test_lists_join_the_way_each_language_enumerates():
    items = ["收货地址", "税号", "发票抬头"]
    with using_locale("zh_CN"):
        assert join_list(items) == "收货地址、税号、发票抬头"
        assert join_list(items[:2]) == "收货地址、税号"
    with using_locale("en"):
        assert join_list(["delivery address", "tax ID"]) == "delivery address, tax ID"
        assert join_list(["one"]) == "one" and join_list([]) == ""
        assert join_list("A-1, B-2") == "A-1, B-2"  # text queued before lists were passed stays whole
