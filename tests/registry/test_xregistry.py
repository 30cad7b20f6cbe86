from __future__ import annotations

import importlib
import re
from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from xcatalog.config import ConfigError, Settings, load_settings, settings_from_mapping
from xcatalog.errors import AmbiguousName, NotRegistered
from xcatalog.registry import (
    FunctionRegistry,
    ModelRegistry,
    RegisteredFunction,
    RegisteredModel,
    RegisteredType,
    TypeRegistry,
    XRegistry,
)

# ``import xcatalog.registry as ...`` would give the default XRegistry instance,
# which the top-level package exposes under that name (the seed's ``registry``).
registry_package = importlib.import_module("xcatalog.registry")


class Product(BaseModel):
    """Something for sale."""

    name: str
    price: float = Field(gt=0)


class Order(BaseModel):
    product: str
    quantity: int = 1


@pytest.fixture
def registry() -> XRegistry:
    return XRegistry()


@pytest.fixture
def shop(registry: XRegistry) -> XRegistry:
    @registry.register_function(namespace="shop")
    def total(prices: list[float]) -> float:
        return sum(prices)

    registry.functions.register(lambda: 0, name="checkout", namespace="shop.cart")
    registry.register_model(Product, namespace="shop")
    registry.models.register_static_model(Order, namespace="shop.orders")
    registry.register_type(Annotated[float, Field(gt=0)], name="Price", namespace="shop")
    registry.types.register_type(Annotated[str, Field(min_length=1)], name="Sku", namespace="inventory")
    return registry


def test_builds_three_registries_sharing_one_audit_log(registry: XRegistry) -> None:
    assert isinstance(registry.functions, FunctionRegistry)
    assert isinstance(registry.models, ModelRegistry)
    assert isinstance(registry.types, TypeRegistry)
    assert registry.functions.audit is registry.models.audit is registry.types.audit is registry.audit
    assert registry.settings == Settings()


def test_every_kind_records_into_the_shared_log(shop: XRegistry) -> None:
    kinds = {event.kind for event in shop.audit.events(action="register")}
    assert kinds == {"functions", "models", "types"}
    frame = shop.audit.to_frame(action="register")
    assert sorted(frame["path"]) == sorted(shop.find_paths("ns.*"))


def test_settings_configure_each_registry_prefix_and_log_size() -> None:
    settings = settings_from_mapping(
        {
            "registry": {
                "namespace_prefix": "cat",
                "audit_max_events": 2,
                "functions": {"execution_timeout": 5},
                "models": {"max_version_history": 3},
                "types": {"validate_on_register": False},
            }
        }
    )
    registry = XRegistry.from_settings(settings)
    assert registry.settings is settings
    assert registry.functions.settings.execution_timeout == 5
    assert registry.models.settings.max_version_history == 3
    assert registry.types.settings.validate_on_register is False
    assert registry.audit.max_events == 2
    registry.functions.register(len, namespace="text")
    registry.models.register(Product, namespace="shop")
    registry.types.register_type(int, namespace="numbers")
    assert registry.find_paths("cat.*") == [
        "cat.functions.text.len",
        "cat.models.shop.Product",
        "cat.types.numbers.int",
    ]
    assert len(registry.audit) == 2  # bounded: the oldest event fell off


def test_settings_file_values_reach_the_registry(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "settings.toml"  # type: ignore[operator]
    settings_file.write_text("[default.registry.functions]\nexecution_timeout = 7\n")
    monkeypatch.setenv("XCATALOG_REGISTRY__NAMESPACE_PREFIX", "team")
    registry = XRegistry.from_settings(load_settings(files=[settings_file]))
    assert registry.functions.settings.execution_timeout == 7
    assert registry.prefix == "team"


def test_bad_settings_fail_before_a_registry_exists() -> None:
    with pytest.raises(ConfigError, match=r"'registry\.functions\.execution_timeout' = -1"):
        XRegistry.from_settings(settings_from_mapping({"registry": {"functions": {"execution_timeout": -1}}}))


# -- find across kinds --------------------------------------------------------------
def test_relative_pattern_searches_every_kind(shop: XRegistry) -> None:
    entries = shop.find("shop.*")
    assert [type(entry) for entry in entries] == [
        RegisteredFunction,
        RegisteredFunction,
        RegisteredModel,
        RegisteredModel,
        RegisteredType,
    ]
    assert shop.find_paths("shop.*") == [
        "ns.functions.shop.cart.checkout",
        "ns.functions.shop.total",
        "ns.models.shop.Product",
        "ns.models.shop.orders.Order",
        "ns.types.shop.Price",
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ns.*.shop.*", 5),
        ("ns.models.shop.*", 2),
        ("ns.models.shop.[A-Z]*", 1),  # shop.orders.Order starts with a lowercase segment
        ("ns.types.*", 2),
        ("ns.functions.shop.total", 1),
        ("inventory.*", 1),
        ("ns.*.Product", 1),
        ("ns.widgets.*", 0),
        ("nothing.*", 0),
    ],
)
def test_find_patterns(shop: XRegistry, pattern: str, expected: int) -> None:
    assert len(shop.find(pattern)) == expected


def test_find_returns_entries_with_their_paths(shop: XRegistry) -> None:
    (product,) = shop.find("ns.models.shop.Product")
    assert isinstance(product, RegisteredModel)
    assert product.model_class is Product
    assert product.metadata.ns_path == "ns.models.shop.Product"


# -- get across kinds ------------------------------------------------------------------
def test_get_by_full_path_or_unambiguous_name(shop: XRegistry) -> None:
    assert isinstance(shop.get("ns.types.shop.Price"), RegisteredType)
    assert isinstance(shop.get("total"), RegisteredFunction)
    assert isinstance(shop.get("Product"), RegisteredModel)
    assert isinstance(shop.get("orders.Order"), RegisteredModel)
    assert "Sku" in shop
    assert "ns.models.shop.Product" in shop
    assert "Missing" not in shop
    assert 42 not in shop


def test_get_reports_ambiguity_across_kinds(shop: XRegistry) -> None:
    shop.functions.register(lambda: None, name="Product", namespace="factories")
    with pytest.raises(
        AmbiguousName, match=re.escape("matches ns.functions.factories.Product, ns.models.shop.Product")
    ) as caught:
        shop.get("Product")
    assert caught.value.candidates == ["ns.functions.factories.Product", "ns.models.shop.Product"]


def test_get_reports_ambiguity_within_a_kind(shop: XRegistry) -> None:
    shop.types.register_type(int, name="Price", namespace="legacy")
    with pytest.raises(AmbiguousName, match=r"ns\.types\.legacy\.Price, ns\.types\.shop\.Price"):
        shop.get("Price")


def test_get_missing_lists_names_of_every_kind(shop: XRegistry) -> None:
    with pytest.raises(NotRegistered, match=r"Nothing named 'Basket'.*Available: Order, Price, Product, Sku, checkout"):
        shop.get("Basket")
    with pytest.raises(NotRegistered):
        shop.get("ns.models.shop.Basket")


def test_repr_counts_entries(shop: XRegistry) -> None:
    assert repr(shop) == "XRegistry(prefix='ns', functions=2, models=2, types=2, audit_events=6)"


# -- the default registry ------------------------------------------------------------------
def test_default_registry_and_decorator_are_exported() -> None:
    import xcatalog

    assert isinstance(registry_package.registry, XRegistry)
    assert xcatalog.registry is registry_package.registry
    assert xcatalog.register_function == registry_package.register_function
    assert registry_package.register_function == registry_package.registry.functions.register


def test_default_decorator_registers_in_the_default_registry() -> None:
    @registry_package.register_function(namespace="xregistry_test_default", tags={"demo"})
    def calculate_tax(amount: float, rate: float) -> float:
        """Calculate tax for given amount and rate."""
        return amount * rate

    try:
        assert calculate_tax(100.0, 0.2) == pytest.approx(20.0)
        entry = registry_package.registry.functions["ns.functions.xregistry_test_default.calculate_tax"]
        assert entry.stats.call_count == 1
    finally:
        registry_package.registry.functions.remove("ns.functions.xregistry_test_default.calculate_tax")


def test_public_names() -> None:
    expected = {
        "XRegistry",
        "FunctionRegistry",
        "FunctionPermission",
        "FunctionMetadata",
        "RegisteredFunction",
        "ModelRegistry",
        "ModelSource",
        "ModelPermission",
        "ModelMetadata",
        "RegisteredModel",
        "ModelEvolution",
        "TypeRegistry",
        "TypeCategory",
        "TypeMetadata",
        "RegisteredType",
        "AuditLog",
        "AuditEvent",
        "registry",
        "register_function",
    }
    assert expected <= set(registry_package.__all__)
    assert registry_package.__all__ == sorted(registry_package.__all__)
    assert all(hasattr(registry_package, name) for name in registry_package.__all__)
