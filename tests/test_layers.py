"""Imports point down the layers drawn in docs/architecture.md, and drivers stay in their shell."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xcatalog"

# Lowest first. A module may import xcatalog modules of its own layer or lower.
LAYERS = [
    "errors",
    "config",
    "store",
    "registry",
    "import_control",
    "profiling",
    "inference",
    "resources",
    "enrichment",
    "widgets",
    "examples",
    "api",
    "_cli_commands",
    "_cli_serve",
    "cli",
]
RANK = {name: rank for rank, name in enumerate(LAYERS)}

# Third-party drivers and UI toolkits, and the only layers allowed to import them.
CONFINED = {
    "pymongo": {"resources", "store/mongo.py"},
    "bson": {"resources", "store/mongo.py", "examples"},
    "motor": set(),
    "ipywidgets": {"widgets"},
    "secantusdb": set(),
}

# Deliberate upward references, each a function-local import behind a public convenience.
ALLOWED_UPWARD = {
    ("registry/xregistry.py", "enrichment"),
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    first = relative.parts[0]
    return first[:-3] if first.endswith(".py") else first


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer_of(path)
    if layer == "__init__":
        return
    relative = str(path.relative_to(PACKAGE))
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "xcatalog" or len(parts) < 2:
            continue
        target = parts[1]
        if target not in RANK or layer not in RANK:
            continue
        if RANK[target] > RANK[layer] and (relative, target) not in ALLOWED_UPWARD:
            pytest.fail(f"{relative} (layer {layer}) imports {name} from the higher layer {target}")


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_drivers_stay_in_their_shell(path: Path) -> None:
    relative = str(path.relative_to(PACKAGE))
    layer = _layer_of(path)
    for name in _imports(path):
        root = name.split(".")[0].lower()
        if root in CONFINED:
            allowed = CONFINED[root]
            assert layer in allowed or relative in allowed, f"{relative} imports {name}; only {sorted(allowed)} may"
