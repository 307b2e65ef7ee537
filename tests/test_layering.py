"""DESIGN.md's import rules, checked by parsing every module's imports (lazy ones too)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINT = "kiosk/cli.py"  # the one core module that may start the UI


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def violations(rel_path: str, imports: set[str]) -> list[str]:
    def any_of(*prefixes):
        return sorted(i for i in imports if any(i == p or i.startswith(p + ".") for p in prefixes))

    layer = rel_path.split("/")
    problems = []
    if layer[0] == "hub":
        problems += any_of("PySide6")
        problems += sorted(set(any_of("kiosk")) - {"kiosk"} - set(any_of("kiosk.records")))
    elif layer[0] == "kiosk" and layer[1] == "ui":
        pass
    elif layer[0] == "kiosk" and layer[1] == "accessibility":
        problems += any_of("PySide6.QtWidgets", "kiosk.ui", "hub")
    elif layer[0] == "kiosk":
        problems += any_of("PySide6", "hub")
        if rel_path != ENTRY_POINT:
            problems += any_of("kiosk.ui")
    return problems


def python_files():
    for top in ("kiosk", "hub"):
        yield from sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else ()


def test_import_rules_hold_in_every_module():
    problems = {}
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        imports = imported_modules(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
        if found := violations(rel, imports):
            problems[rel] = found
    assert problems == {}


def test_the_checker_catches_violations():
    """The rules bite: each forbidden import, lazy or relative, is found."""
    core = imported_modules("def f():\n    from PySide6.QtWidgets import QLabel\n", "kiosk.store", False)
    assert violations("kiosk/store.py", core) == ["PySide6.QtWidgets", "PySide6.QtWidgets.QLabel"]
    assert violations("kiosk/sync/outbox.py", {"hub.storage"}) == ["hub.storage"]
    assert violations("kiosk/records/x.py", imported_modules("from ..ui import home", "kiosk.records.x", False))
    assert violations("kiosk/accessibility/speech.py", {"PySide6.QtCore", "PySide6.QtWidgets"}) == ["PySide6.QtWidgets"]
    assert violations("kiosk/accessibility/speech.py", {"PySide6.QtGui"}) == []
    assert violations("hub/app.py", {"kiosk.records", "kiosk.records.errors"}) == []
    assert violations("hub/app.py", {"kiosk.store"}) == ["kiosk.store"]
    assert violations(ENTRY_POINT, {"kiosk.ui.app"}) == []
    assert violations("kiosk/ui/home.py", {"PySide6.QtWidgets", "kiosk.store"}) == []
