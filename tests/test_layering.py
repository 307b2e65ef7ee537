"""DESIGN.md's import rules and the absence of import cycles, checked by parsing every
module's imports (lazy ones too)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINTS = {"kiosk/cli/run.py"}  # the core modules that may start the UI


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
        if layer[1:2] in (("api",), ("console",)):  # the database only through hub.storage
            problems += any_of("sqlite3", "sqlite_utils", "psycopg", "psycopg_pool")
    elif layer[0] == "kiosk" and layer[1] == "ui":
        pass
    elif layer[0] == "kiosk" and layer[1] == "accessibility":
        problems += any_of("PySide6.QtWidgets", "kiosk.ui", "hub")
    elif layer[0] == "kiosk":
        problems += any_of("PySide6", "hub")
        if rel_path not in ENTRY_POINTS:
            problems += any_of("kiosk.ui")
    return problems


def python_files():
    for top in ("kiosk", "hub"):
        yield from sorted((ROOT / top).rglob("*.py"))


def import_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports. A package's own `__init__` importing its
    submodules (to gather them) is not counted: that is assembly, not dependency."""
    paths = {module_name(path): path for path in python_files()}
    graph = {}
    for module, path in paths.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for name in imported_modules(path.read_text(encoding="utf-8"), module, is_package):
            while name and name not in paths:
                name = name.rpartition(".")[0]
            if name and name != module and not (is_package and name.startswith(module + ".")):
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles, each as the modules that import one another round (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            if component:
                found.append(sorted([module, *component]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_import_rules_hold_in_every_module():
    problems = {}
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        imports = imported_modules(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
        if found := violations(rel, imports):
            problems[rel] = found
    assert problems == {}


def test_no_module_imports_itself_round_a_cycle():
    assert cycles(import_graph()) == []


def test_the_core_keeps_few_modules_at_its_top():
    """What belongs together lives in a package named for it (README: Where things live)."""
    top = sorted(p.name for p in (ROOT / "kiosk").glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(top) <= 8, top


def test_the_checker_catches_violations_and_cycles():
    """The rules bite: each forbidden import, lazy or relative, is found, and so is a cycle."""
    core = imported_modules("def f():\n    from PySide6.QtWidgets import QLabel\n", "kiosk.store", False)
    assert violations("kiosk/store/__init__.py", core) == ["PySide6.QtWidgets", "PySide6.QtWidgets.QLabel"]
    assert violations("kiosk/sync/engine.py", {"hub.storage"}) == ["hub.storage"]
    assert violations("kiosk/records/x.py", imported_modules("from ..ui import home", "kiosk.records.x", False))
    assert violations("kiosk/accessibility/speech.py", {"PySide6.QtCore", "PySide6.QtWidgets"}) == ["PySide6.QtWidgets"]
    assert violations("kiosk/accessibility/speech.py", {"PySide6.QtGui"}) == []
    assert violations("hub/app.py", {"kiosk.records", "kiosk.records.errors"}) == []
    assert violations("hub/app.py", {"kiosk.store"}) == ["kiosk.store"]
    assert violations("kiosk/cli/run.py", {"kiosk.ui.app"}) == []
    assert violations("kiosk/cli/records.py", {"kiosk.ui.app"}) == ["kiosk.ui.app"]
    assert violations("kiosk/ui/home.py", {"PySide6.QtWidgets", "kiosk.store"}) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
