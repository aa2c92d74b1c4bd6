"""The package's wings import one way: data <- simulate <- substudies <- scorecard, and methods use none of
them; no module or function grows past the sizes a maintainer can read without a stated reason."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "book"

#: What each wing may import from the book package (besides itself).
ALLOWED = {
    "data": set(),
    "methods": set(),
    "simulate": {"data", "methods"},
    "substudies": {"data", "methods", "simulate"},
}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _wing(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else "top"


def _book_imports(path: Path) -> set[str]:
    """The book modules a file imports, as dotted names under ``book``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = list(path.relative_to(PACKAGE).with_suffix("").parts)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level]
                parts = base + (node.module.split(".") if node.module else [])
                names = [".".join(parts + [a.name]) for a in node.names] if not node.module else [".".join(parts)]
            elif node.module and node.module.split(".")[0] == "book":
                names = [".".join(node.module.split(".")[1:])]
            else:
                continue
            found.update(n for n in names if n)
        elif isinstance(node, ast.Import):
            found.update(".".join(a.name.split(".")[1:]) for a in node.names if a.name.split(".")[0] == "book")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    wing = _wing(path)
    if wing not in ALLOWED:
        return  # the top level (scorecard, display, plots, the command line) may use every wing
    for target in _book_imports(path):
        other = target.split(".")[0]
        if other == wing or other == "":
            continue
        assert other in ALLOWED[wing], f"book/{path.relative_to(PACKAGE)} (wing {wing}) imports book.{target}"


def _reason_at_top(text: str) -> bool:
    return "Why this is long:" in text[:3000]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_readable(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES or _reason_at_top(text), (
        f"book/{path.relative_to(PACKAGE)} has {lines} lines; split it, or say 'Why this is long:' in its docstring")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            assert length <= MAX_FUNCTION_LINES or "Why this is long:" in doc, (
                f"{path.name}:{node.lineno} {node.name}() has {length} lines; split it into steps, or say "
                f"'Why this is long:' in its docstring")


def test_the_import_check_sees_a_wrong_import(tmp_path):
    bad = PACKAGE / "methods" / "trends.py"
    assert "data.published" not in _book_imports(bad)
    fake = PACKAGE / "methods" / "_probe_for_test.py"
    try:
        fake.write_text("from ..simulate import boards\nfrom book.substudies import teams\n")
        assert {"simulate", "substudies"} <= {t.split(".")[0] for t in _book_imports(fake)}
    finally:
        fake.unlink()
