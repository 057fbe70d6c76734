"""The layers keep to their imports: the domain knows no door, and the doors never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PORTAL = SRC / "portal"
DOORS = ("customer", "staff", "public", "api")
# what the domain serves must not be reachable from it: web glue, the doors, the jobs, the wiring
ABOVE_DOMAIN = ("web", *DOORS, "workers", "app")


def _module_of(path: Path) -> str:
    """Dotted module name of a source file (``portal/a/b.py`` -> ``portal.a.b``)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (also inside functions), relative ones resolved."""
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _top(module: str) -> str | None:
    """The portal package a module belongs to (``portal.staff.admin.x`` -> ``staff``), else None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "portal" else None


def _offences(package: str, forbidden: tuple[str, ...]) -> list[str]:
    """``file: module`` for each import in ``portal/<package>/`` that reaches a forbidden package."""
    found = []
    for path in sorted((PORTAL / package).rglob("*.py")):
        for module in sorted(_imports(path)):
            if _top(module) in forbidden:
                found.append(f"{path.relative_to(SRC)}: {module}")
    return found


def test_the_domain_imports_no_web_code_no_door_and_no_worker():
    assert _offences("domain", ABOVE_DOMAIN) == []


def test_the_doors_never_import_each_other():
    for door in DOORS:
        if (PORTAL / door).is_dir():
            assert _offences(door, tuple(d for d in DOORS if d != door)) == [], door


def test_the_checks_see_the_packages_they_guard():
    """A rename must not turn the rules above into checks of nothing."""
    assert all((PORTAL / door).is_dir() for door in ("customer", "staff", "public"))
    assert len(list((PORTAL / "domain").rglob("*.py"))) > 20
    web_user = PORTAL / "public" / "invitations.py"
    assert any(_top(m) == "web" for m in _imports(web_user))
    assert _top("portal.staff.admin.users") == "staff"
