from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, create_model

from xcatalog.config import ModelSettings
from xcatalog.errors import (
    AlreadyRegistered,
    AmbiguousName,
    InvalidName,
    NotRegistered,
    PermissionDenied,
    RegistryError,
)
from xcatalog.registry.audit import AuditEvent, AuditLog
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.models import (
    ModelEvolution,
    ModelMetadata,
    ModelPermission,
    ModelRegistry,
    ModelSource,
    RegisteredModel,
)
from xcatalog.registry.schema_diff import ChangeKind, Impact, InvalidVersion
from xcatalog.registry.ui_schema import generate_ui_schema

THIS_MODULE_NAMESPACE = __name__.rsplit(".", 1)[-1]


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog()


@pytest.fixture
def registry(audit: AuditLog) -> ModelRegistry:
    return ModelRegistry(audit=audit)


class Product(BaseModel):
    """Something we sell."""

    sku: str = Field(min_length=3)
    price: float = Field(gt=0)
    in_stock: bool = True


def model_in(module: str, name: str = "Thing", **fields: Any) -> type[BaseModel]:
    """A model class that claims to be defined in ``module``."""
    return create_model(name, __module__=module, **(fields or {"value": (int, 0)}))


# -- registration -------------------------------------------------------------


def test_register_fills_metadata(registry: ModelRegistry) -> None:
    registered = registry.register(Product, namespace="shop", tags={"catalog"})
    metadata = registered.metadata
    assert isinstance(registered, RegisteredModel) and registered.model_class is Product
    assert (metadata.name, metadata.namespace, metadata.ns_path) == ("Product", "shop", "ns.models.shop.Product")
    assert (metadata.source, metadata.version, metadata.module) == (ModelSource.STATIC, "1.0.0", __name__)
    assert metadata.json_schema == catalog_json_schema(Product)
    assert metadata.schema is metadata.json_schema
    assert metadata.ui_schema == generate_ui_schema(Product)
    assert metadata.permissions == {"*": {ModelPermission.READ, ModelPermission.LIST}}
    assert metadata.tags == {"catalog"}
    assert metadata.description == "Something we sell."
    assert metadata.created_at.tzinfo is not None and metadata.created_at <= metadata.updated_at


def test_explicit_description_wins_and_undocumented_model_has_none(registry: ModelRegistry) -> None:
    assert registry.register(Product, description="Sold here").metadata.description == "Sold here"
    assert registry.register(model_in("shop.models")).metadata.description is None


def test_metadata_accepts_the_seed_key_schema() -> None:
    metadata = ModelMetadata.model_validate(
        {"name": "A", "namespace": "x", "ns_path": "ns.models.x.A", "source": "static", "schema": {"title": "A"}}
    )
    assert metadata.json_schema == {"title": "A"} == metadata.schema


@pytest.mark.parametrize(
    ("module", "source", "namespace"),
    [
        ("shop.models.order", ModelSource.STATIC, "order"),
        ("inventory", ModelSource.STATIC, "inventory"),
        ("__main__", ModelSource.STATIC, "default"),
        ("__mp_main__", ModelSource.STATIC, "default"),
        ("shop.models.order", ModelSource.DYNAMIC, "dynamic"),
        ("shop.models.order", ModelSource.EXTERNAL, "external"),
        ("shop.models.order", "external", "external"),
    ],
)
def test_default_namespace(registry: ModelRegistry, module: str, source: ModelSource | str, namespace: str) -> None:
    registered = registry.register(model_in(module), source=source)
    assert registered.metadata.namespace == namespace
    assert registered.metadata.ns_path == f"ns.models.{namespace}.Thing"


def test_unknown_source_is_refused(registry: ModelRegistry) -> None:
    with pytest.raises(RegistryError, match="Unknown model source 'imported'; valid sources are: static, dynamic"):
        registry.register(Product, source="imported")


def test_models_in_this_test_module_use_its_last_segment(registry: ModelRegistry) -> None:
    assert registry.register_static_model(Product).metadata.namespace == THIS_MODULE_NAMESPACE


def test_prefix_is_configurable() -> None:
    assert ModelRegistry(prefix="cat").register(Product, namespace="a.b").metadata.ns_path == "cat.models.a.b.Product"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"namespace": "shop-2024"}, "Invalid namespace segment"),
        ({"namespace": "shop..x"}, "Invalid namespace segment"),
        ({"name": "2fast"}, "Invalid name '2fast'"),
        ({"name": "with space"}, "Invalid name"),
    ],
)
def test_bad_names_are_refused(registry: ModelRegistry, kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InvalidName, match=match):
        registry.register(Product, **kwargs)  # type: ignore[arg-type]
    assert len(registry) == 0


@pytest.mark.parametrize("not_a_model", [dict, Product(sku="abc", price=1.0), "Product"])
def test_non_models_are_refused(registry: ModelRegistry, not_a_model: Any) -> None:
    with pytest.raises(RegistryError, match="not a pydantic BaseModel subclass"):
        registry.register(not_a_model)


class Handle:
    """Not describable in JSON schema."""


def test_json_schema_failure_names_the_field(registry: ModelRegistry) -> None:
    class WithHandle(BaseModel):
        model_config = ConfigDict(arbitrary_types_allowed=True)
        name: str
        handle: Handle

    with pytest.raises(RegistryError, match=r"JSON schema of model WithHandle: field\(s\) handle cannot") as caught:
        registry.register(WithHandle)
    assert "WithJsonSchema" in str(caught.value)
    assert "WithHandle" not in registry


def test_settings_control_ui_schema_and_default_permissions() -> None:
    settings = ModelSettings(auto_generate_ui=False, default_permissions=["read"])
    registered = ModelRegistry(settings).register(Product)
    assert registered.metadata.ui_schema is None
    assert registered.metadata.permissions == {"*": {ModelPermission.READ}}


def test_permissions_accept_strings(registry: ModelRegistry) -> None:
    registered = registry.register(Product, permissions={"editor": ["read", "UPDATE"], "*": []})
    assert registered.metadata.permissions == {"editor": {ModelPermission.READ, ModelPermission.UPDATE}, "*": set()}


def test_unknown_permission_is_refused(registry: ModelRegistry) -> None:
    with pytest.raises(InvalidName, match=r"Unknown permission 'execute'.*create, read, update, delete, list"):
        registry.register(Product, permissions={"admin": ["execute"]})


# -- names, override, ambiguity ------------------------------------------------


def test_lookup_by_short_name_partial_and_full_path(registry: ModelRegistry) -> None:
    registered = registry.register(Product, namespace="shop.retail")
    for key in ("Product", "retail.Product", "shop.retail.Product", "ns.models.shop.retail.Product"):
        assert registry.models[key] is registered
        assert registry.get(key) is registered
        assert key in registry.models and key in registry
    assert registry.models.get("Missing") is None
    assert "Missing" not in registry


def test_same_name_in_two_namespaces_is_ambiguous(registry: ModelRegistry) -> None:
    registry.register(Product, namespace="shop")
    registry.register(Product, namespace="archive")
    assert len(registry) == 2
    with pytest.raises(AmbiguousName, match=r"ns\.models\.archive\.Product, ns\.models\.shop\.Product"):
        registry.get("Product")
    with pytest.raises(AmbiguousName):
        registry.update_model("Product", Product)
    assert registry.get("shop.Product").metadata.namespace == "shop"
    assert "Product" in registry.models


def test_reregistering_needs_override(registry: ModelRegistry, audit: AuditLog) -> None:
    first = registry.register(Product, namespace="shop")
    with pytest.raises(AlreadyRegistered, match=r"ns\.models\.shop\.Product is already registered.*allow_override"):
        registry.register(Product, namespace="shop")
    assert registry.get("Product") is first
    assert len(audit.events(action="register")) == 1


def test_override_replaces_and_restarts_history(registry: ModelRegistry, audit: AuditLog) -> None:
    registry.register(Product, namespace="shop")
    registry.update_model("Product", model_in("shop", "Product", sku=(str, ...)))
    second = registry.register(Product, namespace="shop", allow_override=True)
    assert registry.get("Product") is second
    assert [meta.version for meta in registry.version_history["Product"]] == ["1.0.0"]
    assert registry.evolutions("Product") == []
    assert audit.events(action="register")[-1].detail["replaced"] is True


def test_override_can_come_from_settings() -> None:
    registry = ModelRegistry(ModelSettings(allow_override=True))
    registry.register(Product)
    registry.register(Product, tags={"again"})
    assert registry.get("Product").metadata.tags == {"again"}


def test_not_registered_lists_what_exists(registry: ModelRegistry) -> None:
    registry.register(Product)
    with pytest.raises(NotRegistered, match=r"No model 'Prodcut'.*Available: Product") as caught:
        registry.get("Prodcut")
    assert caught.value.available == ["Product"]


# -- finding and removing --------------------------------------------------------


def test_find_by_tag_and_namespace(registry: ModelRegistry) -> None:
    registry.register(model_in("m", "A"), namespace="shop.retail", tags={"sales"})
    registry.register(model_in("m", "B"), namespace="shop.wholesale", tags={"sales", "b2b"})
    registry.register(model_in("m", "C"), namespace="hr")
    assert [m.metadata.name for m in registry.find_by_tag("sales")] == ["A", "B"]
    assert [m.metadata.name for m in registry.find_by_tag("b2b")] == ["B"]
    assert registry.find_by_tag("none") == []
    assert [m.metadata.name for m in registry.find_by_namespace("ns.models.shop.*")] == ["A", "B"]
    assert [m.metadata.name for m in registry.find_by_namespace("shop.retail.*")] == ["A"]
    assert [m.metadata.name for m in registry.find_by_namespace("*")] == ["C", "A", "B"]


def test_get_by_namespace_is_exact(registry: ModelRegistry) -> None:
    registered = registry.register(Product, namespace="auth")
    assert registry.get_by_namespace("ns.models.auth.User") is None
    assert registry.get_by_namespace("ns.models.auth.Product") is registered
    assert registry.get_by_namespace("Product") is None
    assert registry.get_by_namespace("auth.Product") is None


def test_remove(registry: ModelRegistry, audit: AuditLog) -> None:
    registry.register(Product, namespace="shop")
    removed = registry.remove("Product")
    assert removed.metadata.ns_path == "ns.models.shop.Product"
    assert "Product" not in registry and len(registry.version_history) == 0
    event = audit.events(action="remove")[0]
    assert (event.path, event.kind, event.detail) == (
        "ns.models.shop.Product",
        "models",
        {"version": "1.0.0", "source": "static"},
    )
    with pytest.raises(NotRegistered):
        registry.remove("Product")


# -- versions --------------------------------------------------------------------


class Order(BaseModel):
    """An order."""

    id: str
    status: str = "open"
    total: float = Field(ge=0)


def order_variant(**fields: Any) -> type[BaseModel]:
    base: dict[str, Any] = {"id": (str, ...), "status": (str, "open"), "total": (float, Field(ge=0))}
    base.update(fields)
    return create_model("Order", __module__=__name__, __doc__="An order.", **{k: v for k, v in base.items() if v})


@pytest.mark.parametrize(
    ("new_fields", "impact", "version"),
    [
        ({"note": (str | None, None)}, Impact.MINOR, "1.1.0"),
        ({"status": None}, Impact.MAJOR, "2.0.0"),
        ({"customer": (str, ...)}, Impact.MAJOR, "2.0.0"),
        ({"total": (float, Field(ge=0, description="in euros"))}, Impact.PATCH, "1.0.1"),
        ({"total": (float, Field(ge=10))}, Impact.MAJOR, "2.0.0"),
        ({"total": (float, ...)}, Impact.MINOR, "1.1.0"),
        ({}, Impact.PATCH, "1.0.1"),
    ],
)
def test_update_bumps_semantically(
    registry: ModelRegistry, new_fields: dict[str, Any], impact: Impact, version: str
) -> None:
    registry.register(Order, namespace="shop")
    new_model = order_variant(**new_fields)
    evolution = registry.update_model("Order", new_model)
    assert isinstance(evolution, ModelEvolution)
    assert (evolution.impact, evolution.to_version, evolution.suggested_version) == (impact, version, version)
    assert evolution.breaking is (impact is Impact.MAJOR)
    assert evolution.metadata.version == version == registry.get("Order").metadata.version
    assert registry.get("Order").model_class is new_model


def test_update_keeps_identity_and_reports_changes(registry: ModelRegistry, audit: AuditLog) -> None:
    kept = registry.register(Order, namespace="shop", tags={"sales"}, permissions={"clerk": ["read", "create"]})
    new_model = order_variant(status=None, note=(str | None, None))
    evolution = registry.update_model("shop.Order", new_model, migration_script="drop status")
    assert kept.model_class is new_model and kept.metadata is evolution.metadata
    assert (evolution.model_name, evolution.ns_path, evolution.from_version) == (
        "Order",
        "ns.models.shop.Order",
        "1.0.0",
    )
    assert evolution.migration_script == "drop status"
    assert {(c.kind, c.path) for c in evolution.changes} == {
        (ChangeKind.FIELD_REMOVED, "status"),
        (ChangeKind.FIELD_ADDED, "note"),
    }
    metadata = evolution.metadata
    assert metadata.tags == {"sales"} and metadata.permissions["clerk"] == {
        ModelPermission.READ,
        ModelPermission.CREATE,
    }
    assert metadata.created_at == registry.version_history["Order"][0].created_at
    assert metadata.json_schema == catalog_json_schema(new_model)
    assert "note" in (metadata.ui_schema or {})["fields"]
    event = audit.events(action="update")[0]
    assert event.path == "ns.models.shop.Order"
    assert {"version": "2.0.0", "from_version": "1.0.0", "impact": "major", "breaking": True}.items() <= (
        event.detail.items()
    )


def test_history_snapshots_are_independent(registry: ModelRegistry) -> None:
    registry.register(Order, tags={"a"})
    registry.update_model("Order", order_variant(note=(str, "")))
    registry.get("Order").metadata.tags.add("b")
    first, second = registry.version_history["Order"]
    assert (first.version, first.tags) == ("1.0.0", {"a"})
    assert (second.version, second.tags) == ("1.1.0", {"a", "b"})


@pytest.mark.parametrize(("explicit", "current"), [("1.0.0", "1.0.0"), ("0.9.0", "1.0.0")])
def test_explicit_version_must_move_forward(registry: ModelRegistry, explicit: str, current: str) -> None:
    registry.register(Order)
    with pytest.raises(InvalidVersion, match=rf"{explicit}: it must be greater than the current {current}.*suggest"):
        registry.update_model("Order", order_variant(), version=explicit)
    assert registry.get("Order").model_class is Order
    assert len(registry.version_history["Order"]) == 1


@pytest.mark.parametrize("bad", ["2", "2.0", "v2.0.0", "latest"])
def test_malformed_explicit_version(registry: ModelRegistry, bad: str) -> None:
    registry.register(Order)
    with pytest.raises(InvalidVersion, match=r"MAJOR\.MINOR\.PATCH"):
        registry.update_model("Order", order_variant(), version=bad)


def test_explicit_version_may_differ_from_the_suggestion(registry: ModelRegistry) -> None:
    registry.register(Order)
    evolution = registry.update_model("Order", order_variant(status=None), version="1.5.0")
    assert (evolution.to_version, evolution.suggested_version) == ("1.5.0", "2.0.0")


def test_update_of_unknown_model(registry: ModelRegistry) -> None:
    with pytest.raises(NotRegistered, match="No model 'Order'"):
        registry.update_model("Order", Order)


def test_update_with_non_model(registry: ModelRegistry) -> None:
    registry.register(Order)
    with pytest.raises(RegistryError, match="not a pydantic BaseModel subclass"):
        registry.update_model("Order", dict)  # type: ignore[arg-type]


def test_history_is_bounded() -> None:
    registry = ModelRegistry(ModelSettings(max_version_history=3))
    registry.register(Order)
    for step in range(5):
        # Each version adds one optional field to the previous one: a minor bump every time.
        registry.update_model("Order", order_variant(**{f"extra{index}": (int, 0) for index in range(step + 1)}))
    versions = [meta.version for meta in registry.version_history["Order"]]
    assert versions == ["1.3.0", "1.4.0", "1.5.0"]
    assert [evolution.to_version for evolution in registry.evolutions("Order")] == ["1.3.0", "1.4.0", "1.5.0"]
    with pytest.raises(NotRegistered, match=r"Version '1\.0\.0' of ns\.models\..*\.Order is not kept.*1\.3\.0"):
        registry.get_version("Order", "1.0.0")


def test_get_version_returns_old_metadata_and_class(registry: ModelRegistry) -> None:
    registry.register(Order)
    new_model = order_variant(note=(str, ""))
    registry.update_model("Order", new_model)
    old = registry.get_version("Order", "1.0.0")
    assert old.model_class is Order
    assert old.metadata.json_schema == catalog_json_schema(Order)
    assert registry.get_version("Order", "1.1.0").model_class is new_model


def test_without_versioning_update_replaces() -> None:
    registry = ModelRegistry(ModelSettings(enable_versioning=False))
    registry.register(Order)
    evolution = registry.update_model("Order", order_variant(note=(str, "")))
    assert evolution.to_version == "1.1.0" and evolution.changes
    assert [meta.version for meta in registry.version_history["Order"]] == ["1.1.0"]
    assert registry.evolutions("Order") == []
    with pytest.raises(NotRegistered):
        registry.get_version("Order", "1.0.0")


def test_version_history_mapping(registry: ModelRegistry) -> None:
    registry.register(Order, namespace="shop")
    registry.register(Order, namespace="archive")
    assert set(registry.version_history) == {"ns.models.shop.Order", "ns.models.archive.Order"}
    assert len(registry.version_history["shop.Order"]) == 1
    assert "shop.Order" in registry.version_history and "Nope" not in registry.version_history
    with pytest.raises(AmbiguousName):
        registry.version_history["Order"]
    with pytest.raises(KeyError):
        registry.version_history["Nope"]


def test_versions_lists_metadata_and_classes(registry: ModelRegistry) -> None:
    registry.register(Order)
    new_model = order_variant(note=(str, ""))
    registry.update_model("Order", new_model)
    assert [(v.metadata.version, v.model_class) for v in registry.versions("Order")] == [
        ("1.0.0", Order),
        ("1.1.0", new_model),
    ]


def test_restore_puts_back_history_without_a_register_event(registry: ModelRegistry, audit: AuditLog) -> None:
    source = ModelRegistry()
    source.register(Order, namespace="shop")
    evolution = source.update_model("Order", order_variant(note=(str, "")))
    current = source.get("Order")
    old = source.get_version("Order", "1.0.0")
    stored_old = type(old).model_validate({"metadata": old.metadata.model_dump()})  # as a store reloads it

    stored_current = type(old).model_validate({"metadata": current.metadata.model_dump()})
    restored = registry.restore(current, [stored_old, stored_current], [evolution])
    assert registry.versions("Order")[-1].model_class is current.model_class
    assert registry.get("shop.Order") is restored
    assert [v.metadata.version for v in registry.versions("Order")] == ["1.0.0", "1.1.0"]
    assert registry.get_version("Order", "1.0.0").model_class is None  # the old class was not stored
    assert registry.evolutions("Order")[0].to_version == "1.1.0"
    assert [event.action for event in audit.events()] == ["restore"]
    # The restored entry keeps evolving from where it was.
    assert registry.update_model("Order", order_variant(note=(str, ""), extra=(int, 0))).to_version == "1.2.0"


def test_restore_refuses_a_path_that_does_not_fit(registry: ModelRegistry) -> None:
    stored = ModelRegistry(prefix="other").register(Order, namespace="shop")
    with pytest.raises(InvalidName, match=r"Cannot restore 'other\.models\.shop\.Order'.*'ns\.models\.shop\.Order'"):
        registry.restore(stored)


# -- access ----------------------------------------------------------------------


@pytest.fixture
def guarded(registry: ModelRegistry) -> ModelRegistry:
    registry.register(
        Product,
        namespace="shop",
        permissions={
            "admin": {ModelPermission.CREATE, ModelPermission.READ, ModelPermission.UPDATE, ModelPermission.DELETE},
            "user": {ModelPermission.READ},
            "*": {ModelPermission.LIST},
        },
    )
    registry.register(Order, namespace="shop", permissions={"admin": {ModelPermission.READ}})
    return registry


@pytest.mark.parametrize(
    ("role", "operation", "allowed"),
    [
        ("admin", ModelPermission.CREATE, True),
        ("admin", "delete", True),
        ("admin", "LIST", False),  # admin's own rule replaces "*"
        ("user", "read", True),
        ("user", "create", False),
        ("guest", "list", True),  # no rule: the "*" rule applies
        ("guest", "read", False),
    ],
)
def test_check_access(guarded: ModelRegistry, role: str, operation: ModelPermission | str, allowed: bool) -> None:
    assert guarded.check_access("Product", operation, role) is allowed


def test_role_without_rule_and_without_star_holds_nothing(guarded: ModelRegistry) -> None:
    assert guarded.check_access("Order", "read", "user") is False
    assert guarded.check_access("Order", "read", "admin") is True


def test_every_check_is_audited(guarded: ModelRegistry, audit: AuditLog) -> None:
    guarded.check_access("Product", "read", "user")
    guarded.check_access(guarded.get("Product"), ModelPermission.CREATE, "user")
    events = audit.events(action="check_access")
    assert [(e.path, e.role, e.allowed, e.detail["operation"]) for e in events] == [
        ("ns.models.shop.Product", "user", True, "read"),
        ("ns.models.shop.Product", "user", False, "create"),
    ]
    assert all(event.kind == "models" for event in events)


def test_check_access_default_role_uses_star(registry: ModelRegistry) -> None:
    registry.register(Product)
    assert registry.check_access("Product", "read") is True
    assert registry.check_access("Product", "create") is False


def test_check_access_on_unknown_model_or_operation(guarded: ModelRegistry) -> None:
    with pytest.raises(NotRegistered, match="No model 'Prodct'"):
        guarded.check_access("Prodct", "read", "admin")
    with pytest.raises(RegistryError, match="Unknown model operation 'execute'; valid operations are: create, read"):
        guarded.check_access("Product", "execute", "admin")


def test_require_access(guarded: ModelRegistry, audit: AuditLog) -> None:
    assert guarded.require_access("Product", "read", "user").metadata.name == "Product"
    with pytest.raises(PermissionDenied, match=r"Role 'user' may not create ns\.models\.shop\.Product.*: admin\.") as c:
        guarded.require_access("Product", "create", "user")
    assert (c.value.role, c.value.operation, c.value.path) == ("user", "create", "ns.models.shop.Product")
    with pytest.raises(PermissionDenied, match=r"Roles holding list: every other role \('\*'\)"):
        guarded.require_access("Product", "list", "admin")
    assert [event.allowed for event in audit.events(action="check_access")] == [True, False, False]


def test_accessible_models(guarded: ModelRegistry, audit: AuditLog) -> None:
    assert [m.metadata.name for m in guarded.accessible_models("admin")] == ["Order", "Product"]
    assert [m.metadata.name for m in guarded.accessible_models("user")] == ["Product"]
    assert [m.metadata.name for m in guarded.accessible_models("guest")] == ["Product"]
    assert [m.metadata.name for m in guarded.accessible_models("admin", "create")] == ["Product"]
    assert guarded.accessible_models("guest", ModelPermission.READ) == []
    assert audit.events(action="accessible_models")[0].detail == {"operation": None, "count": 2}


# -- audit -------------------------------------------------------------------------


def test_mutations_reach_audit_listeners(registry: ModelRegistry, audit: AuditLog) -> None:
    heard: list[AuditEvent] = []
    audit.subscribe(heard.append)
    registry.register(Order, namespace="shop", source=ModelSource.EXTERNAL)
    registry.update_model("Order", order_variant(note=(str, "")))
    registry.remove("Order")
    assert [(e.action, e.path, e.detail["version"], e.detail["source"]) for e in heard] == [
        ("register", "ns.models.shop.Order", "1.0.0", "external"),
        ("update", "ns.models.shop.Order", "1.1.0", "external"),
        ("remove", "ns.models.shop.Order", "1.1.0", "external"),
    ]


def test_registry_makes_its_own_audit_log_by_default() -> None:
    registry = ModelRegistry()
    registry.register(Product)
    assert [event.action for event in registry.audit.events()] == ["register"]


# -- dynamic models from an inspectable resource ---------------------------------------


@dataclass
class Inspection:
    model: type[BaseModel]
    model_name: str | None = None


class FixedResource:
    """Implements the InspectableResource protocol with canned results per collection."""

    def __init__(self, name: str, results: dict[str, Any]) -> None:
        self.name = name
        self.results = results
        self.options_seen: list[dict[str, Any]] = []

    def get_type(self) -> str:
        return "files"

    async def inspect(self, collection: str, **options: Any) -> Any:
        self.options_seen.append(options)
        return self.results[collection]


async def test_register_from_inspector_defaults(registry: ModelRegistry, audit: AuditLog) -> None:
    resource = FixedResource("sales-db 2024", {"order-lines": Inspection(model=Order)})
    registered = await registry.register_from_inspector(resource, "order-lines")
    metadata = registered.metadata
    assert (metadata.source, metadata.name, metadata.namespace) == (
        ModelSource.DYNAMIC,
        "order_lines",
        "dynamic.sales_db_2024",
    )
    assert metadata.tags == {"dynamic", "inspector-generated", "files"}
    assert registered.model_class is Order
    assert audit.events(action="register")[0].detail == {
        "version": "1.0.0",
        "source": "dynamic",
        "replaced": False,
        "resource": "sales-db 2024",
        "collection": "order-lines",
    }


async def test_register_from_inspector_uses_model_name_and_arguments(registry: ModelRegistry) -> None:
    resource = FixedResource("warehouse", {"items": Inspection(model=Product, model_name="Item")})
    registered = await registry.register_from_inspector(resource, "items")
    assert registered.metadata.ns_path == "ns.models.dynamic.warehouse.Item"
    explicit = await registry.register_from_inspector(
        resource, "items", namespace="shop", name="StockItem", tags={"stock"}, permissions={"*": ["read"]}
    )
    assert explicit.metadata.ns_path == "ns.models.shop.StockItem"
    assert "stock" in explicit.metadata.tags
    assert explicit.metadata.permissions == {"*": {ModelPermission.READ}}


@pytest.mark.parametrize(
    ("inspect_options", "expected"),
    [
        (None, {}),
        ({}, {}),
        ({"sample_size": 500, "mode": "pushdown"}, {"sample_size": 500, "mode": "pushdown"}),
    ],
)
async def test_register_from_inspector_passes_inspect_options_through(
    registry: ModelRegistry, inspect_options: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    resource = FixedResource("warehouse", {"items": Inspection(model=Product)})
    await registry.register_from_inspector(resource, "items", inspect_options=inspect_options)
    assert resource.options_seen == [expected]


async def test_register_from_inspector_refuses_non_models(registry: ModelRegistry) -> None:
    resource = FixedResource("warehouse", {"items": Inspection(model=dict)})  # type: ignore[arg-type]
    with pytest.raises(
        RegistryError, match=r"Inspecting 'items' in resource 'warehouse' returned Inspection whose \.model"
    ):
        await registry.register_from_inspector(resource, "items")


async def test_register_from_inspector_propagates_resource_errors(registry: ModelRegistry) -> None:
    resource = FixedResource("warehouse", {})
    with pytest.raises(KeyError, match="missing"):
        await registry.register_from_inspector(resource, "missing")
    assert len(registry) == 0
