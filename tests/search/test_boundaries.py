"""The search engine modules depend on nothing else of ours (the projection may)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SEARCH = Path(__file__).resolve().parents[2] / "search"
ENGINE_MODULES = (
    "__init__.py",
    "normalize.py",
    "port.py",
    "query.py",
    "hits.py",
    "terms.py",
    "text.py",
    "tantivy_index.py",
    "elasticsearch_index.py",
    "deferred_index.py",
)
FORBIDDEN = ("documents", "workflow", "api", "eoffice", "signing")


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_imports_nothing_from_other_packages(module: str) -> None:
    tree = ast.parse((SEARCH / module).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & set(FORBIDDEN)
