"""Every user-visible string exists in Simplified Chinese: `make test` fails on any gap."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted() -> dict[str, str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, str] = {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=keywords,
        directory_filter=lambda d: (
            not Path(d).name.startswith(".") and Path(d).name not in {"var", "__pycache__"}
        ),
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalog(locale: str):
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def test_every_string_has_a_chinese_translation():
    catalog = _catalog("zh_CN")
    missing = []
    for msgid, where in sorted(_extracted().items()):
        message = catalog.get(msgid)
        strings = (
            []
            if message is None
            else ([message.string] if isinstance(message.string, str) else list(message.string))
        )
        if message is None or not all(strings) or message.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run `make messages`, then translate in locales/zh_CN):\n" + "\n".join(
        missing
    )


def test_placeholders_survive_translation():
    broken = []
    for message in _catalog("zh_CN"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                broken.append(f"{ids[0]!r} -> {s!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_templates_have_no_untranslated_text():
    """Text outside {{ _() }} in a template would show in English to a Chinese reader."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        src = path.read_text(encoding="utf-8")
        src = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", src, flags=re.S)
        src = re.sub(r"<(script|style)\b.*?</\1>", " ", src, flags=re.S)
        src = re.sub(r"<[^>]*>", " ", src, flags=re.S)
        src = re.sub(r'[\w-]+="[^"]*"', " ", src)  # attribute fragments built in macros
        src = re.sub(r"&[a-z]+;|&#\d+;|/[\w./-]*", " ", src)  # entities and bare paths
        words = re.findall(r"[A-Za-z][A-Za-z']+", src)
        if words:
            offenders.append(f"{path.relative_to(ROOT)}: {' '.join(words[:8])}")
    assert not offenders, "wrap visible text in _():\n" + "\n".join(offenders)
