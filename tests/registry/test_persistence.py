from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, create_model

from xcatalog.errors import LoadFailed, StoreConflict
from xcatalog.registry import persistence
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.persistence import (
    LoadWarning,
    attach_store,
    load_catalog,
    load_registry,
    registry_snapshot,
    save_registry,
)
from xcatalog.registry.xregistry import XRegistry
from xcatalog.store import CatalogStore, LocalStore, MongoStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

HELPERS = '''
"""Functions, validators, transformers and a model the round-trip registry refers to by import path."""

from pydantic import BaseModel


class Reading(BaseModel):
    sensor: str
    value: float


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def celsius_to_fahrenheit(value: float) -> float:
    return value * 9 / 5 + 32


def must_be_even(value: int) -> int:
    if value % 2:
        raise ValueError("must be even")
    return value
'''

# Runs in a new interpreter: load the store and describe what came back, as JSON.
DESCRIBE = """
import json, sys, warnings
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.persistence import load_catalog
from xcatalog.store import LocalStore, MongoStore

store = LocalStore(sys.argv[2]) if sys.argv[1] == "local" else MongoStore(sys.argv[2], sys.argv[3], prefix=sys.argv[4])
report = load_catalog(store)
registry = report.registry

def outcome(model, data):
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True)
    except Exception as exc:
        return sorted(str(error["loc"]) + error["type"] for error in exc.errors())

samples = json.loads(sys.stdin.read())
models = {}
for path in sorted(registry.models.models):
    entry = registry.models.models[path]
    models[path] = {
        "version": entry.metadata.version,
        "source": entry.metadata.source.value,
        "schema": entry.metadata.json_schema,
        "class_schema": catalog_json_schema(entry.model_class),
        "ui_schema": entry.metadata.ui_schema,
        "permissions": {role: sorted(p.value for p in held) for role, held in entry.metadata.permissions.items()},
        "tags": sorted(entry.metadata.tags),
        "history": [m.version for m in registry.models.version_history[path]],
        "evolutions": [[e.from_version, e.to_version, len(e.changes)] for e in registry.models.evolutions(path)],
        "outcomes": [outcome(entry.model_class, data) for data in samples.get(path, [])],
    }
print(json.dumps({
    "revision": report.revision,
    "failures": report.failures,
    "models": models,
    "functions": {
        path: [entry.metadata.module, sorted(entry.metadata.tags), entry.stats.call_count]
        for path, entry in ((p, registry.functions.functions[p]) for p in registry.functions.functions)
    },
    "add": registry.functions.execute_sync("add", (2, 3)),
    "types": sorted(registry.types.types),
    "even": [registry.types.is_valid("Even", 4), registry.types.is_valid("Even", 3)],
    "positive": [registry.types.is_valid("PositiveAmount", 2), registry.types.is_valid("PositiveAmount", -2)],
    "fahrenheit": registry.types.transform("CelsiusToFahrenheit", 100.0),
    "audit": [[e.action, e.path] for e in registry.audit],
    "enrichments": report.enrichments,
}))
"""

CUSTOMER_SAMPLES = [
    {"name": "Ana", "age": 30, "email": "a@b.io"},
    {"name": "Bo"},
    {"name": "Cy", "age": "old"},
    {"age": 3},
    {"name": "Di", "status": "vip", "address": {"city": "Rome"}},
    {"name": "Ed", "status": "unknown"},
    {"name": "Fa", "address": {}},
]


@pytest.fixture
def helpers(tmp_path: Path) -> Iterator[Any]:
    """An importable module of helper functions, unique per test (and on sys.path)."""
    name = f"catalog_helpers_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(HELPERS)
    sys.path.insert(0, str(tmp_path))
    try:
        yield __import__(name)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def shop() -> Iterator[Any]:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import shop_models

        yield shop_models
    finally:
        sys.path.remove(str(EXAMPLES))


def build_registry(shop: Any, helpers: Any) -> XRegistry:
    """Static and dynamic models (one updated twice), types and functions, with permissions and calls."""
    registry = XRegistry()
    registry.models.register_static_model(
        shop.User,
        namespace="shop",
        permissions={"admin": ["create", "read", "update", "delete"], "*": ["read"]},
        tags={"pii"},
    )
    registry.models.register_static_model(shop.Order, namespace="shop")
    registry.models.register_static_model(shop.Product, namespace="shop", tags={"catalogue"})

    class Address(BaseModel):
        city: str
        zip: str | None = Field(None, pattern=r"^\d{5}$")

    customer_v1 = create_model("Customer", name=(str, Field(min_length=1)), age=(int | None, None))
    registry.models.register(customer_v1, source="dynamic", namespace="crm", permissions={"analyst": ["read", "list"]})
    customer_v2 = create_model(
        "Customer", name=(str, Field(min_length=1)), age=(int | None, None), email=(str | None, None)
    )
    registry.models.update_model("Customer", customer_v2)
    from typing import Literal

    customer_v3 = create_model(
        "Customer",
        name=(str, Field(min_length=1)),
        age=(int | str | None, None),
        email=(str | None, None),
        status=(Literal["new", "vip"], "new"),
        address=(Address | None, None),
    )
    registry.models.update_model("Customer", customer_v3, migration_script="fill status with 'new'")

    registry.models.register_static_model(helpers.Reading, namespace="lab")
    registry.functions.register(helpers.add, namespace="math", tags={"arith"})
    registry.functions.execute_sync("add", (1, 1))
    registry.types.register_type(Annotated[int, Field(gt=0)], name="PositiveAmount", examples=[1, 2])
    registry.types.register_transformer(float, float, helpers.celsius_to_fahrenheit, "CelsiusToFahrenheit")
    registry.types.create_validated_type(int, [helpers.must_be_even], "Even", examples=[2])
    registry.types.register_type(shop.Money, name="Money", namespace="finance")
    registry.models.check_access("User", "delete", "guest")
    return registry


def describe_in_new_process(args: list[str], samples: dict[str, Any], pythonpath: list[Path]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, pythonpath), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE, *args],
        input=json.dumps(samples),
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    described: dict[str, Any] = json.loads(result.stdout)
    return described


def _outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True)
    except Exception as exc:
        return sorted(str(error["loc"]) + error["type"] for error in exc.errors())  # type: ignore[attr-defined]


def check_round_trip(registry: XRegistry, described: dict[str, Any]) -> None:
    assert described["failures"] == {}
    customer = registry.models.models["ns.models.crm.Customer"]
    assert set(described["models"]) == set(registry.models.models)
    for path, loaded in described["models"].items():
        entry = registry.models.models[path]
        assert loaded["version"] == entry.metadata.version
        assert loaded["schema"] == entry.metadata.json_schema
        assert loaded["class_schema"] == catalog_json_schema(entry.model_class)
        assert loaded["ui_schema"] == json.loads(json.dumps(entry.metadata.ui_schema))
        assert loaded["permissions"] == {
            role: sorted(p.value for p in held) for role, held in entry.metadata.permissions.items()
        }
        assert loaded["tags"] == sorted(entry.metadata.tags)
        assert loaded["history"] == [m.version for m in registry.models.version_history[path]]
        assert loaded["evolutions"] == [
            [e.from_version, e.to_version, len(e.changes)] for e in registry.models.evolutions(path)
        ]
    loaded_customer = described["models"]["ns.models.crm.Customer"]
    assert loaded_customer["source"] == "dynamic"
    assert len(loaded_customer["history"]) == 3
    assert loaded_customer["outcomes"] == [_outcome(customer.model_class, data) for data in CUSTOMER_SAMPLES]
    assert sum(isinstance(outcome, dict) for outcome in loaded_customer["outcomes"]) == 4
    calls = registry.functions.functions["ns.functions.math.add"].stats.call_count
    assert calls >= 1
    assert described["functions"]["ns.functions.math.add"][1:] == [["arith"], calls]
    assert described["add"] == 5
    assert described["types"] == sorted(registry.types.types)
    assert described["even"] == [True, False]
    assert described["positive"] == [True, False]
    assert described["fahrenheit"] == 212.0
    assert described["audit"][: len(registry.audit)] == [[event.action, event.path] for event in registry.audit]


def test_round_trip_through_a_local_store_in_a_new_process(tmp_path: Path, shop: Any, helpers: Any) -> None:
    registry = build_registry(shop, helpers)
    with LocalStore(tmp_path / "catalog.db") as store:
        assert save_registry(registry, store, enrichments={"ns.models.shop.User": {"rows": 3}}) == 1
    described = describe_in_new_process(
        ["local", str(tmp_path / "catalog.db")], {"ns.models.crm.Customer": CUSTOMER_SAMPLES}, [EXAMPLES, tmp_path]
    )
    check_round_trip(registry, described)
    assert described["enrichments"] == {"ns.models.shop.User": {"rows": 3}}


@pytest.mark.mongodb
def test_round_trip_through_a_mongo_store_in_a_new_process(
    tmp_path: Path, shop: Any, helpers: Any, mongo_uri: str, mongo_db_name: str
) -> None:
    registry = build_registry(shop, helpers)
    with MongoStore(mongo_uri, mongo_db_name, prefix="team") as store:
        save_registry(registry, store)
        registry.functions.execute_sync("add", (5, 5))
        save_registry(registry, store)
    described = describe_in_new_process(
        ["mongo", mongo_uri, mongo_db_name, "team"], {"ns.models.crm.Customer": CUSTOMER_SAMPLES}, [EXAMPLES, tmp_path]
    )
    assert described["revision"] == 2
    check_round_trip(registry, described)


def test_missing_module_fails_only_its_entries(tmp_path: Path, shop: Any, helpers: Any) -> None:
    registry = build_registry(shop, helpers)
    path = tmp_path / "catalog.db"
    with LocalStore(path) as store:
        save_registry(registry, store)
    # Without the helper module on the path: the function, transformer and validator type cannot come back.
    sys.path.remove(str(tmp_path))
    sys.modules.pop(helpers.__name__)
    try:
        with LocalStore(path) as store:
            report = load_catalog(store)
    finally:
        sys.path.insert(0, str(tmp_path))
    assert sorted(report.failures) == [
        "ns.functions.math.add",
        "ns.models.lab.Reading",
        "ns.types.transformers.CelsiusToFahrenheit",
        "ns.types.validator.Even",
    ]
    assert all(f"cannot import module '{helpers.__name__}'" in reason for reason in report.failures.values())
    assert not report.ok
    assert set(report.registry.models.models) == set(registry.models.models) - {"ns.models.lab.Reading"}
    assert "ns.types.constraint.PositiveAmount" in report.registry.types.types


def test_load_registry_warns_raises_or_ignores(tmp_path: Path) -> None:
    def typed_in_a_cell(x: int) -> int:
        return x

    registry = XRegistry()
    registry.functions.register(typed_in_a_cell, namespace="cells")
    with LocalStore(tmp_path / "c.db") as store:
        save_registry(registry, store)
        with pytest.warns(
            LoadWarning, match=r"ns\.functions\.cells\.typed_in_a_cell: .* another process cannot import"
        ):
            loaded = load_registry(store)
        assert "typed_in_a_cell" not in loaded.functions
        with pytest.raises(LoadFailed, match=r"1 entries .* could not be restored") as caught:
            load_registry(store, on_error="raise")
        assert list(caught.value.failures) == ["ns.functions.cells.typed_in_a_cell"]
        assert len(load_registry(store, on_error="ignore").functions) == 0


def test_failing_serialisation_leaves_the_stored_catalog_intact(
    tmp_path: Path, shop: Any, helpers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = build_registry(shop, helpers)
    with LocalStore(tmp_path / "c.db") as store:
        save_registry(registry, store)
        before = store.read_all()
        registry.types.register_type(Annotated[str, Field(min_length=2)], name="Code")
        calls = 0
        original = persistence.serialise_type

        def explode_on_third(entry: Any) -> dict[str, Any]:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise RuntimeError("serialiser crashed")
            return original(entry)

        monkeypatch.setattr(persistence, "serialise_type", explode_on_third)
        with pytest.raises(RuntimeError, match="serialiser crashed"):
            save_registry(registry, store)
        after = store.read_all()
        assert (after.revision, after.records) == (before.revision, before.records)


def test_two_registries_from_one_store_conflict(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with LocalStore(path) as store:
        save_registry(XRegistry(), store)
    with LocalStore(path) as first_store, LocalStore(path) as second_store:
        first, second = load_registry(first_store), load_registry(second_store)
        first.models.register(create_model("A", x=(int, ...)), namespace="a", source="dynamic")
        save_registry(first, first_store)
        second.models.register(create_model("B", y=(int, ...)), namespace="b", source="dynamic")
        with pytest.raises(StoreConflict, match="another writer saved in between"):
            save_registry(second, second_store)
        # The stale writer reloads, re-applies, and saves.
        second = load_registry(second_store)
        second.models.register(create_model("B", y=(int, ...)), namespace="b", source="dynamic")
        save_registry(second, second_store)
        assert set(load_registry(first_store).models.models) == {"ns.models.a.A", "ns.models.b.B"}


def test_write_through_writes_every_change(tmp_path: Path, helpers: Any) -> None:
    path = tmp_path / "c.db"
    registry = XRegistry()
    with LocalStore(path) as store, LocalStore(path) as reader:
        link = attach_store(registry, store)
        assert reader.revision == 1

        def stored(kind: str) -> dict[str, Any]:
            return dict(reader.read_all().kind(kind))

        registry.models.register(create_model("Visit", at=(str, ...)), namespace="web", source="dynamic")
        assert stored("models")["ns.models.web.Visit"]["metadata"]["version"] == "1.0.0"
        registry.models.update_model("Visit", create_model("Visit", at=(str, ...), page=(str, "/")))
        assert stored("models")["ns.models.web.Visit"]["metadata"]["version"] == "1.1.0"
        assert len(stored("models")["ns.models.web.Visit"]["evolutions"]) == 1
        registry.functions.register(helpers.add, namespace="math")
        registry.functions.update("add", tags={"fast"})
        assert stored("functions")["ns.functions.math.add"]["metadata"]["tags"] == ["fast"]
        registry.types.register_type(Annotated[int, Field(ge=0)], name="Count")
        registry.types.remove("Count")
        assert stored("types") == {}
        registry.models.remove("Visit")
        assert stored("models") == {}
        actions = [event["action"] for event in reader.read_all().audit]
        assert actions == ["register", "update", "register", "update", "register", "remove", "remove"]
        # Non-change events wait for the next change or a flush.
        registry.models.register(create_model("Page", url=(str, ...)), namespace="web")
        registry.models.check_access("Page", "read", "guest")
        assert [event["action"] for event in reader.read_all().audit][-1] == "register"
        assert link.flush() == 1
        assert [event["action"] for event in reader.read_all().audit][-1] == "check_access"
        link.detach()
        registry.models.remove("Page")
        assert "ns.models.web.Page" in stored("models")


def test_attach_refuses_to_replace_a_catalog_it_did_not_load(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    original = XRegistry()
    original.models.register(create_model("Keep", x=(int, ...)), namespace="a", source="dynamic")
    with LocalStore(path) as store:
        save_registry(original, store)
    with LocalStore(path) as store:
        with pytest.raises(StoreConflict, match=r"already holds a catalog \(revision 1\)"):
            attach_store(XRegistry(), store)
        loaded = load_registry(store, write_through=True)
        loaded.models.register(create_model("More", y=(int, ...)), namespace="a", source="dynamic")
        assert set(store.read_all().kind("models")) == {"ns.models.a.Keep", "ns.models.a.More"}
    with LocalStore(path) as store:
        attach_store(XRegistry(), store, overwrite=True)
        assert len(store.read_all()) == 0


def test_passwords_in_audit_details_are_redacted(tmp_path: Path) -> None:
    registry = XRegistry()
    registry.audit.record("connect", "ns.resources.db", uri="mongodb://ana:hunter2pw@db:27017/shop")
    snapshot = registry_snapshot(registry)
    assert "hunter2pw" not in json.dumps(snapshot.audit)
    assert snapshot.audit[0]["detail"]["uri"] == "mongodb://ana:***@db:27017/shop"


def test_changed_static_model_is_reported(tmp_path: Path, shop: Any) -> None:
    registry = XRegistry()
    registry.models.register_static_model(shop.Money, namespace="shop")
    with LocalStore(tmp_path / "c.db") as store:
        save_registry(registry, store)
        record = store.read_all().get("models", "ns.models.shop.Money")
        assert record is not None
        record["metadata"]["json_schema"]["properties"].pop("currency")
        store.put("models", "ns.models.shop.Money", record)
        report = load_catalog(store)
    assert report.changed == ["ns.models.shop.Money"]
    assert report.registry.models.models["ns.models.shop.Money"].model_class is shop.Money


@pytest.mark.parametrize("store_kind", ["local"])
def test_loaded_audit_is_the_stored_trail(tmp_path: Path, store_kind: str) -> None:
    registry = XRegistry()
    registry.models.register(create_model("A", x=(int, ...)), namespace="a", source="dynamic")
    registry.models.check_access("A", "read", "bob")
    store: CatalogStore = LocalStore(tmp_path / "c.db")
    with store:
        save_registry(registry, store)
        loaded = load_registry(store)
    assert [event.model_dump() for event in loaded.audit] == [event.model_dump() for event in registry.audit]


def test_make_registry_helper_is_deterministic(shop: Any, helpers: Any) -> None:
    # Guard for the round-trip tests above: the registry they compare against has what they assume.
    registry = build_registry(shop, helpers)
    assert [m.version for m in registry.models.version_history["Customer"]] == ["1.0.0", "1.1.0", "1.2.0"]
    assert len(registry.models.evolutions("Customer")) == 2
    assert textwrap.dedent(HELPERS).count("def ") == 3
    assert "ns.models.lab.Reading" in registry.models.models


def test_registry_constructed_or_loaded_with_a_store_writes_through(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with LocalStore(path) as store, LocalStore(path) as reader:
        built = XRegistry(store=store)
        assert built.store_link is not None
        built.models.register(create_model("Visit", at=(str, ...)), namespace="web", source="dynamic")
        assert "ns.models.web.Visit" in reader.read_all().kind("models")
    with LocalStore(path) as store, LocalStore(path) as reader:
        loaded = XRegistry.load(store, write_through=True)
        assert loaded.store_link is not None
        loaded.models.remove("Visit")
        assert "ns.models.web.Visit" not in reader.read_all().kind("models")
