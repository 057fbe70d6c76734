"""The lifecycle contract: each action has one verb and words in both languages; each mail kind renders in both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal.domain.notifications import preferences
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import notify, wording
from portal.domain.orders.states import ACTION_LABELS, Action
from portal.i18n import gettext, using_locale
from portal.jinja import make_environment

ROOT = Path(__file__).resolve().parents[4]
SERVICE = ROOT / "src/portal/domain/orders/service.py"
EMAILS = ROOT / "templates/emails"
NOT_VERBS = {"apply", "ensure_allowed"}  # the machinery every verb goes through
CJK = re.compile(r"[\u4e00-\u9fff]")


def _verbs() -> dict[str, set[Action]]:
    """Public functions of ``service.py`` and the table actions each fires."""
    out: dict[str, set[Action]] = {}
    for node in ast.parse(SERVICE.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.AsyncFunctionDef)
            and not node.name.startswith("_")
            and node.name not in NOT_VERBS
        ):
            named = {
                Action[n.attr]
                for n in ast.walk(node)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Action"
            }
            if named:
                out[node.name] = named
    return out


def test_every_action_has_exactly_one_verb():
    """Two verbs for one action let tests walk a path production never takes (``ship`` beside ``ship_with``)."""
    firing: dict[Action, list[str]] = {a: [] for a in Action}
    for verb, actions in _verbs().items():
        for action in actions:
            firing[action].append(verb)
    assert {a: v for a, v in firing.items() if len(v) != 1} == {}


def _direct_applies(path: Path) -> list[int]:
    """Lines calling ``service.apply`` (an action fired around its verb)."""
    return [
        n.lineno
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "apply"
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "service"
    ]


def test_no_action_is_fired_around_its_verb():
    assert _direct_applies(Path(__file__)) == []  # the scan runs on itself: this file has no such call
    tree = ast.parse("await service.apply(db, order, actor, Action.DELIVER)")
    assert (
        sum(isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "apply" for n in ast.walk(tree)) == 1
    )
    offences = [
        f"{p.relative_to(ROOT)}:{line}"
        for top in ("src", "tests")
        for p in sorted((ROOT / top).rglob("*.py"))
        if p != SERVICE
        for line in _direct_applies(p)
    ]
    assert offences == [], "call the action's verb in service.py"


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_words_in_both_languages(action):
    """The button and the timeline line, for each audience, read in Chinese and in English."""
    msgids = [ACTION_LABELS[action], *(wording.EVENT_WORDING[action].of(a) for a in wording.AUDIENCES)]
    for msgid in msgids:
        with using_locale("zh_CN"):
            zh = gettext(msgid, name="李雷", level=1)
        with using_locale("en"):
            en = gettext(msgid, name="Li Lei", level=1)
        assert CJK.search(zh) and en.strip() and not CJK.search(en), (action, msgid)


def _mail_kinds() -> set[str]:
    """Every template name queued: the action notifications and literals given to send/queue_email."""
    kinds = {template for template, _audience in notify.NOTIFICATIONS.values()}
    kinds |= set(preferences.TEMPLATE_TOPICS)  # the optional ones, the survey invitation among them
    for path in (ROOT / "src").rglob("*.py"):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(n, ast.Call):
                continue
            name = getattr(n.func, "attr", None) or getattr(n.func, "id", None)
            arg = next((k.value for k in n.keywords if k.arg == "template"), None)
            if name == "send" and arg is None and len(n.args) > 2:
                arg = n.args[2]
            if (
                name in {"send", "queue_email"}
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ):
                kinds.add(arg.value)
    return kinds


def test_the_scan_finds_mail_queued_outside_the_action_table():
    assert {
        "invitation",
        "review_sla_breached",
        "production_milestone",
        "backorder",
        "case_resolved",
    } <= _mail_kinds()


# ASCII values only: any Chinese in a rendered mail then comes from the catalog
SAMPLE = {
    "number": "SO-2026-00001",
    "account_name": "Suzhou Precision Co.",
    "status": "shipped",
    "total": "12500.00",
    "currency": "CNY",
    "note": "Please confirm the voltage.",
    "actor_name": "Wang Wei",
    "order_path": "/orders/SO-2026-00001",
    "staff_order_path": "/staff/orders/SO-2026-00001",
    "carrier": "Demo Express",
    "tracking_number": "SF100",
    "remaining": "",
    "hours": 30,
    "sla_hours": 24,
    "milestone": "qc",
    "skus": ["BRG-6205"],
    "kind": "delayed",
    "problem": "delayed",
    "resolution": "resent",
    "invite_url": "https://portal.example/invite/abc",
    "name": "Li Lei",
    "company": "Suzhou Precision Co.",
    "invoice_number": "INV-2026-000001",
    "invoice_kind": "shipment",
    "invoice_total": "5650.00",
    "invoice_currency": "CNY",
    "invoice_issued_on": "2026-11-30",
    "invoice_due_on": "2026-12-30",
    "invoice_path": "/invoices/INV-2026-000001",
    "credit_note_number": "CN-2026-000001",
    "credit_note_total": "113.00",
    "credit_note_issued_on": "2026-12-01",
    "credit_note_reason": "Price allowance",
    "credit_note_path": "/credit-notes/CN-2026-000001",
    "payment_amount": "2000.00",
    "payment_received_on": "2026-12-02",
    "invoice_balance": "3650.00",
    "units": 2,  # a return request
}


@pytest.mark.parametrize("kind", sorted(_mail_kinds()))
def test_every_mail_kind_has_its_html_and_text_parts_in_both_languages(kind):
    source = (EMAILS / f"{kind}.html").read_text(encoding="utf-8")
    for block in ("subject", "text", "body"):
        assert f"{{% block {block} %}}" in source, (kind, block)
    renderer = EmailRenderer(make_environment(auto_reload=False), base_url="https://portal.example")
    zh = renderer.render(kind, locale="zh_CN", context={**SAMPLE, "audience": "customer"})
    en = renderer.render(kind, locale="en", context={**SAMPLE, "audience": "customer"})
    for part in ("subject", "text", "html"):
        assert CJK.search(getattr(zh, part)), (kind, part, "zh_CN")
        assert getattr(en, part).strip(), (kind, part, "en")
    assert not CJK.search(en.subject + en.text), kind
    assert zh.subject != en.subject and zh.text != en.text
