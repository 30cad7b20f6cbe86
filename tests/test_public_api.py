"""The public API stays deliberate: sorted ``__all__``, every name importable, nothing private leaked."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import xcatalog

PUBLIC_PACKAGES = sorted(
    {
        module.name
        for module in pkgutil.iter_modules(xcatalog.__path__, prefix="xcatalog.")
        if not module.name.rsplit(".", 1)[-1].startswith("_") and module.ispkg
    }
    | {"xcatalog"}
)


@pytest.mark.parametrize("package_name", PUBLIC_PACKAGES)
def test_all_is_sorted_and_importable(package_name: str) -> None:
    package = importlib.import_module(package_name)
    exported = getattr(package, "__all__", None)
    if exported is None:
        pytest.fail(f"{package_name} has no __all__")
    assert list(exported) == sorted(exported), f"{package_name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{package_name}.__all__ has duplicates"
    for name in exported:
        assert hasattr(package, name), f"{package_name}.__all__ names {name!r}, which it does not define"


@pytest.mark.parametrize("package_name", PUBLIC_PACKAGES)
def test_no_private_name_is_exported(package_name: str) -> None:
    package = importlib.import_module(package_name)
    leaked = [name for name in package.__all__ if name.startswith("_") and name != "__version__"]
    assert leaked == []
