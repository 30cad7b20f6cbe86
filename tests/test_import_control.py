from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, create_model

from xcatalog.config import ImportControlSettings
from xcatalog.errors import NotRegistered, RegistryError
from xcatalog.import_control import (
    ImportControlError,
    ImportControlWarning,
    ModelPackage,
    auto_discover_models,
    register_package_models,
)
from xcatalog.registry.models import ModelSource
from xcatalog.registry.xregistry import XRegistry

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PACKAGE_INIT = """
from xcatalog.config import ImportControlSettings
from xcatalog.import_control import ModelPackage
from xcatalog.registry.xregistry import XRegistry

from .things import Thing, helper_value
from .more import Other

catalog = XRegistry()
settings = ImportControlSettings(strict_mode={strict}, strict_action="{action}")
package = ModelPackage(__name__, catalog, settings=settings)
package.register_static_models([Thing, Other])
__all__ = ["Other", "Thing", "catalog"]
package.seal(__all__)
"""
THINGS = """
from pydantic import BaseModel

helper_value = 42


class Thing(BaseModel):
    name: str
"""
MORE = """
from pydantic import BaseModel

from .things import Thing  # an import inside the package: never warned about


class Other(BaseModel):
    thing: Thing
"""


@pytest.fixture(scope="module")
def shop() -> Iterator[Any]:
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module("shop_models")
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Write a small models package to disk and return its (unique) name."""
    made: list[str] = []
    sys.path.insert(0, str(tmp_path))

    def make(*, strict: bool = True, action: str = "warn", extra: dict[str, str] | None = None) -> str:
        name = f"models_{uuid.uuid4().hex[:8]}"
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__init__.py").write_text(PACKAGE_INIT.format(strict=strict, action=action))
        (folder / "things.py").write_text(THINGS)
        (folder / "more.py").write_text(MORE)
        for filename, text in (extra or {}).items():
            (folder / filename).write_text(textwrap.dedent(text))
        made.append(name)
        return name

    yield make
    sys.path.remove(str(tmp_path))
    for name in made:
        for module in [module for module in sys.modules if module == name or module.startswith(name + ".")]:
            del sys.modules[module]


class FakeInspection:
    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.model_name = "Shipment"


class FakeResource:
    """A resource as the registry sees it: a name, a type and an async inspect()."""

    name = "warehouse"

    def get_type(self) -> str:
        return "mongodb"

    async def inspect(self, collection: str) -> FakeInspection:
        return FakeInspection(create_model("Shipment", code=(str, ...), weight=(float | None, None)))


def test_example_package_registers_and_exports_its_models(shop: Any) -> None:
    assert len(shop.__all__) == len(set(shop.__all__))
    for name in shop.__all__:
        assert hasattr(shop, name)
    assert shop.list_models("static") == sorted(shop.package.static_models)
    assert {"User", "Order", "Product", "Address", "Money", "PhoneNumber"} <= set(shop.list_models())
    assert shop.get_model("User") is shop.User
    entry = shop.catalog.models.get("User")
    assert entry.metadata.ns_path == "ns.models.user.User"
    assert entry.metadata.source is ModelSource.STATIC


def test_get_model_lists_what_exists(shop: Any) -> None:
    with pytest.raises(
        NotRegistered, match=r"No model 'Nope' in the models package shop_models\. Available: .*User"
    ) as caught:
        shop.get_model("Nope")
    assert isinstance(caught.value, KeyError)
    assert "Order" in caught.value.available


@pytest.mark.parametrize(
    ("model", "operation", "role", "allowed"),
    [
        ("User", "create", "admin", True),
        ("User", "delete", "admin", True),
        ("User", "read", "user", True),
        ("User", "delete", "user", False),
        ("User", "read", "guest", False),
        ("Product", "read", "guest", True),
        ("Product", "update", "guest", False),
    ],
)
def test_check_model_access_follows_the_package_permissions(
    shop: Any, model: str, operation: str, role: str, allowed: bool
) -> None:
    before = len(shop.catalog.audit.events(action="check_access"))
    assert shop.check_model_access(model, operation, role) is allowed
    assert len(shop.catalog.audit.events(action="check_access")) == before + 1


def test_check_model_access_of_an_unknown_model_raises(shop: Any) -> None:
    with pytest.raises(NotRegistered, match="Available"):
        shop.check_model_access("Ghost", "read", "admin")


async def test_register_dynamic_model_accepts_a_built_model(make_package: Callable[..., str]) -> None:
    module = importlib.import_module(make_package())
    package: ModelPackage = module.package
    customer = create_model("Customer", name=(str, ...))
    returned = await package.register_dynamic_model(customer, auto_export=True)
    assert returned is customer
    assert module.Customer is customer
    assert "Customer" in module.__all__
    assert package.list_models("dynamic") == ["Customer"]
    assert package.get_model("Customer") is customer
    assert module.catalog.models.get("Customer").metadata.source is ModelSource.DYNAMIC


async def test_register_dynamic_model_from_a_resource(make_package: Callable[..., str]) -> None:
    module = importlib.import_module(make_package())
    package: ModelPackage = module.package
    model = await package.register_dynamic_model(FakeResource(), "shipments")
    entry = module.catalog.models.get("Shipment")
    assert entry.model_class is model
    assert entry.metadata.ns_path == "ns.models.dynamic.warehouse.Shipment"
    assert {"dynamic", "mongodb"} <= entry.metadata.tags
    assert "Shipment" not in module.__all__
    with pytest.raises(RegistryError, match="needs the collection to inspect"):
        await package.register_dynamic_model(FakeResource())


def test_strict_mode_warns_on_submodule_imports(make_package: Callable[..., str]) -> None:
    name = make_package()
    package = importlib.import_module(name)
    things = sys.modules[f"{name}.things"]
    with pytest.warns(ImportControlWarning, match=rf"use `from {name} import Thing` instead"):
        assert things.Thing is package.Thing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert things.helper_value == 42  # not a guarded model
        assert package.Thing.__name__ == "Thing"  # through the package: fine


def test_strict_mode_can_raise(make_package: Callable[..., str]) -> None:
    name = make_package(action="raise")
    importlib.import_module(name)
    with pytest.raises(ImportControlError, match=rf"Other was imported from {name}\.more") as caught:
        exec(f"from {name}.more import Other", {"__name__": "application"})
    assert isinstance(caught.value, ImportError)


def test_strict_mode_off_leaves_submodules_alone(make_package: Callable[..., str]) -> None:
    name = make_package(strict=False)
    importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(f"from {name}.things import Thing", {"__name__": "application"})
    assert type(sys.modules[f"{name}.things"]).__name__ == "module"


def test_strict_mode_in_a_fresh_interpreter() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")])}
    script = (
        "import warnings; warnings.simplefilter('always')\n"
        "from shop_models import Order, User\n"
        "from shop_models.user import User as Direct\n"
        "assert Direct is User\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "ImportControlWarning" in line]
    assert len(lines) == 1, result.stderr
    assert "use `from shop_models import User` instead" in lines[0]
    assert lines[0].startswith("<string>:3:")  # points at the offending import


def test_seal_refuses_missing_exports(make_package: Callable[..., str]) -> None:
    module = importlib.import_module(make_package())
    with pytest.raises(RegistryError, match="lists Missing in its exports but does not define them"):
        module.package.seal(["Thing", "Missing"])


def test_auto_discover_registers_models_of_public_submodules(make_package: Callable[..., str]) -> None:
    name = make_package(
        strict=False,
        extra={
            "_private.py": "from pydantic import BaseModel\nclass Hidden(BaseModel):\n    x: int\n",
            "extra.py": (
                "from pydantic import BaseModel\nfrom .things import Thing\nclass Found(BaseModel):\n    y: int\n"
            ),
        },
    )
    registry = XRegistry()
    found = auto_discover_models(name, registry)
    assert sorted(entry.metadata.ns_path for entry in found) == [
        "ns.models.extra.Found",
        "ns.models.more.Other",
        "ns.models.things.Thing",
    ]
    assert auto_discover_models(name, registry) == []  # already registered


def test_register_package_models_helper(make_package: Callable[..., str]) -> None:
    module = importlib.import_module(make_package(strict=False))
    registry = XRegistry()
    control = register_package_models(
        module.__name__, {"Item": module.Thing}, registry, settings=ImportControlSettings(strict_mode=False)
    )
    assert control.get_model("Item") is module.Thing
    assert registry.models.get("Item").metadata.permissions == {"*": {"read", "list"}}
    assert control.list_models() == ["Item"]
