"""Every public class, function, method and property of the package, the stubs of the
extension included, has a docstring (IDEs show them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import contactnow

PACKAGE = Path(contactnow.__file__).resolve().parent
FILES = ["_contactnow.pyi", "_client.pyi", "_client.py", "__init__.py", "_async.py", "_errors.py", "core.py", "testing.py"]


def undocumented(tree: ast.Module) -> list[str]:
    """The qualified names of the public definitions in ``tree`` without a docstring."""
    missing: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = child.name
            # Private names are not shown to users; the comparison and hash dunders of the
            # stubs are documented too, so only single-underscore names are skipped.
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                continue
            if ast.get_docstring(child) is None:
                missing.append(f"{prefix}{name} (line {child.lineno})")
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{name}.")

    visit(tree, "")
    return missing


@pytest.mark.parametrize("name", FILES)
def test_public_definitions_have_docstrings(name: str) -> None:
    path = PACKAGE / name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert ast.get_docstring(tree), f"{name} has no module docstring"
    assert undocumented(tree) == [], f"undocumented in {name}"


def test_runtime_docstrings_of_the_python_classes() -> None:
    from contactnow import testing

    for obj in [
        contactnow.AsyncClient.base_url,
        contactnow.AsyncClient.format,
        contactnow.AsyncClient.closed,
        testing.Sandbox.stopped,
        contactnow.HttpStatusError,
    ]:
        assert obj.__doc__, obj
