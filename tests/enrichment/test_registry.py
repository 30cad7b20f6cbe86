from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from xcatalog.config import ModelSettings, MongoSettings, Settings
from xcatalog.enrichment import EnrichedRegistry, RefreshScheduler, get_enriched
from xcatalog.errors import (
    EnrichmentError,
    NoMatchingModel,
    PermissionDenied,
    ResourceError,
    ValidationFailed,
)
from xcatalog.registry import XRegistry
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.resources import EmbeddedMongo, MongoResource

PLACES = [("FR", "Paris"), ("FR", "Lyon"), ("DE", "Berlin"), ("DE", "Munich"), ("ES", "Madrid")]
CATEGORIES = ["Electronics", "Books", "Garden"]


class Product(BaseModel):
    name: str
    category: str
    price: float
    country: str
    city: str
    brand: str
    email: str | None = None


class Unrelated(BaseModel):
    title: str
    isbn: str
    pages: int


def product_documents(count: int = 60) -> list[dict[str, Any]]:
    documents = []
    for index in range(count):
        country, city = PLACES[index % len(PLACES)]
        documents.append(
            {
                "name": f"item {index}",
                "category": CATEGORIES[index % 3],
                "price": 1.5 + index,
                "country": country,
                "city": city,
                # an open set: 20 brands seen about 3 times each, and 8 seen once
                "brand": f"brand{index % 20}" if index < 52 else f"solo{index}",
                "email": f"owner{index}@example.com",
            }
        )
    return documents


def quiet_settings(**enrichment: Any) -> Settings:
    return Settings.model_validate(
        {
            "registry": {"enrichment": {"auto_refresh": False, **enrichment}},
            "mongodb": {"server_selection_timeout_ms": 500, "connect_timeout_ms": 500},
        }
    )


def new_registry(settings: Settings | None = None) -> XRegistry:
    registry = XRegistry(settings or quiet_settings())
    registry.models.register(
        Product,
        namespace="shop",
        permissions={
            "*": ["read", "list"],
            "clerk": ["read", "list", "create"],
            "auditor": ["read", "list", "read_sensitive"],
        },
    )
    return registry


@pytest.fixture
async def shop(mongo_uri: str, mongo_db: Any, mongo_db_name: str) -> AsyncIterator[MongoResource]:
    mongo_db["products"].insert_many(product_documents())
    resource = MongoResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    await resource.connect()
    yield resource
    await resource.close()


@pytest.fixture
async def enriched(shop: MongoResource) -> AsyncIterator[EnrichedRegistry]:
    registry = new_registry()
    enriched = EnrichedRegistry(registry)
    await enriched.enrich_from_resource(shop, "Product", collection="products")
    yield enriched
    await enriched.close()


def test_get_enriched_caches_one_per_registry() -> None:
    first, second = new_registry(), new_registry()
    assert get_enriched(first) is get_enriched(first)
    assert get_enriched(first) is not get_enriched(second)
    assert get_enriched(first).registry is first


@pytest.mark.mongodb
async def test_enrichment_of_a_seeded_collection(enriched: EnrichedRegistry) -> None:
    enrichment = enriched.get_enrichment("Product")
    assert enrichment.model_name == "ns.models.shop.Product"
    assert enrichment.collection == "products"
    assert enrichment.sample_size == 60
    assert enrichment.total_count == 60
    assert enrichment.categorical_fields["category"].values == ["Books", "Electronics", "Garden"]
    assert enrichment.categorical_fields["category"].is_closed
    assert not enrichment.categorical_fields["brand"].is_closed
    assert enrichment.fields["email"].sensitive
    assert not enrichment.is_live
    assert enriched.enrichments["ns.models.shop.Product"] is enrichment
    stats = enriched.get_field_statistics("Product", "category")
    assert stats is not None
    assert stats["quality"]["completeness"] == 1.0
    assert stats["sample_size"] == 60
    assert enriched.get_field_statistics("Product", "nope") is None
    events = enriched.registry.audit.events(action="enrich")
    assert events[-1].detail["collection"] == "products"


@pytest.mark.mongodb
async def test_model_is_matched_by_field_overlap_when_not_named(shop: MongoResource) -> None:
    registry = new_registry()
    registry.models.register(Unrelated, namespace="library")
    enriched = EnrichedRegistry(registry)
    enrichment = await enriched.enrich_from_resource(shop, collection="products")
    assert enrichment.model_name == "ns.models.shop.Product"
    assert enrichment.match is not None
    assert enrichment.match.overlap == 1.0
    assert registry.audit.events(action="enrich")[-1].detail["matched"]["model"] == "ns.models.shop.Product"


@pytest.mark.mongodb
async def test_no_matching_model_names_the_best_candidates(shop: MongoResource) -> None:
    registry = XRegistry(quiet_settings())
    registry.models.register(Unrelated, namespace="library")
    enriched = EnrichedRegistry(registry)
    with pytest.raises(NoMatchingModel, match=r"Best candidates: ns\.models\.library\.Unrelated \(0%\)"):
        await enriched.enrich_from_resource(shop, collection="products")


@pytest.mark.mongodb
async def test_suggestions_by_frequency_prefix_and_cooccurrence(enriched: EnrichedRegistry) -> None:
    assert await enriched.suggest_values("Product", "category", prefix="el") == ["Electronics"]
    cities = await enriched.suggest_values("Product", "city", given={"country": "FR"})
    assert cities[:2] == ["Lyon", "Paris"]
    assert set(cities) == {city for _, city in PLACES}
    germany = await enriched.suggest_values("Product", "city", given={"country": "DE"}, limit=2)
    assert germany == ["Berlin", "Munich"]
    # not categorical: the names of the sampled documents kept in the enrichment
    names = await enriched.suggest_values("Product", "name", prefix="ITEM", limit=0)
    sampled = {row["name"] for row in enriched.get_enrichment("Product").sample_data}
    assert names and set(names) == sampled
    with pytest.raises(EnrichmentError, match="has no field 'colour'"):
        await enriched.suggest_values("Product", "colour")


@pytest.mark.mongodb
async def test_graded_validation_closed_set_error_open_set_warning(enriched: EnrichedRegistry, mongo_db: Any) -> None:
    record = {"name": "Laptop", "price": 999.0, "country": "FR", "city": "Paris", "brand": "brand1"}
    expected = re.escape("Invalid value for category: 'Electroncs'. Did you mean 'Electronics'?")
    with pytest.raises(ValidationFailed, match=expected) as caught:
        await enriched.create_with_validation("Product", {**record, "category": "Electroncs"}, role="clerk")
    assert caught.value.errors[0]["loc"] == ("category",)
    assert caught.value.errors[0]["suggestions"][0] == "Electronics"

    result = await enriched.create_with_validation(
        "Product", {**record, "category": "Electronics", "brand": "Acme"}, role="clerk", insert=True
    )
    assert [warning["type"] for warning in result.warnings] == ["category_unseen_open_set"]
    assert result.inserted_id is not None
    assert mongo_db["products"].count_documents({"brand": "Acme"}) == 1

    with pytest.raises(ValidationFailed) as caught:
        await enriched.create_with_validation("Product", {**record, "price": "free", "category": "Bookz"}, role="clerk")
    assert {error["type"] for error in caught.value.errors} == {"float_parsing", "category_unseen"}

    unchecked = await enriched.create_with_validation(
        "Product", {**record, "category": "Electroncs"}, role="clerk", validate_against_resource=False
    )
    assert unchecked.warnings == []


@pytest.mark.mongodb
async def test_create_needs_the_create_permission(enriched: EnrichedRegistry, mongo_db: Any) -> None:
    record = {"name": "x", "category": "Books", "price": 1, "country": "FR", "city": "Paris", "brand": "b"}
    with pytest.raises(PermissionDenied, match="may not create"):
        await enriched.create_with_validation("Product", record, role="visitor", insert=True)
    assert mongo_db["products"].count_documents({"name": "x"}) == 0
    denied = enriched.registry.audit.events(action="check_access", allowed=False)
    assert denied[-1].role == "visitor"


@pytest.mark.mongodb
async def test_sensitive_values_are_masked_for_roles_without_read_sensitive(enriched: EnrichedRegistry) -> None:
    masked = enriched.sample_data("Product", role="clerk")
    assert masked
    assert all(row["email"].startswith("o***@") for row in masked)
    clear = enriched.sample_data("Product", role="auditor")
    assert all(row["email"].startswith("owner") for row in clear)
    suggested = await enriched.suggest_values("Product", "email", limit=3, role="clerk")
    assert suggested and all(value == "o***@example.com" for value in suggested)
    stats = enriched.get_field_statistics("Product", "email", role="clerk")
    assert stats is not None
    assert all("***" in example for example in stats["examples"])
    # the stored enrichment itself is untouched
    assert enriched.get_enrichment("Product").sample_data[0]["email"].startswith("owner")


@pytest.mark.mongodb
async def test_refresh_follows_the_collection_and_stops_cleanly(shop: MongoResource, mongo_db: Any) -> None:
    enriched = EnrichedRegistry(new_registry())
    enrichment = await enriched.enrich_from_resource(
        shop, "Product", collection="products", auto_refresh=True, refresh_interval=0.05
    )
    assert enrichment.is_live
    mongo_db["products"].insert_many([{**product_documents(1)[0], "category": "Toys"} for _ in range(30)])
    for _ in range(200):
        if "Toys" in enrichment.categorical_fields["category"].values:
            break
        await asyncio.sleep(0.05)
    assert "Toys" in enrichment.categorical_fields["category"].values
    assert enrichment.total_count == 90
    assert enrichment.last_refresh_at is not None
    task = enriched.scheduler.task("ns.models.shop.Product")
    assert task is not None
    assert await enriched.stop_refresh("Product") is True
    assert task.done()
    assert not enrichment.is_live
    assert enrichment.next_attempt_at is None
    await enriched.close()
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("xcatalog-refresh")] == []


@pytest.mark.mongodb
@pytest.mark.slow
async def test_server_stopped_mid_refresh_backs_off_and_shows_the_error() -> None:
    server = EmbeddedMongo().start()
    try:
        import pymongo

        with pymongo.MongoClient(server.uri) as client:
            client["shop"]["products"].insert_many(product_documents(30))
        resource = MongoResource(
            server.uri,
            "shop",
            settings=MongoSettings(server_selection_timeout_ms=200, connect_timeout_ms=200, socket_timeout_ms=500),
        )
        scheduler = RefreshScheduler(max_backoff=0.4)
        enriched = EnrichedRegistry(new_registry(), scheduler=scheduler)
        enrichment = await enriched.enrich_from_resource(
            resource, "Product", collection="products", auto_refresh=True, refresh_interval=0.1
        )
        server.stop()
        for _ in range(300):
            if enrichment.consecutive_failures >= 2:
                break
            await asyncio.sleep(0.05)
        assert enrichment.consecutive_failures >= 2
        assert enrichment.last_error is not None
        assert "ResourceUnreachable" in enrichment.last_error or "ResourceError" in enrichment.last_error
        assert not enrichment.is_live
        assert enrichment.next_attempt_at is not None
        status = scheduler.status("ns.models.shop.Product")
        assert status is not None
        assert status.next_delay is not None and 0.1 < status.next_delay <= 0.4
        # statistics of the last good refresh are kept
        assert enrichment.sample_size == 30
        await enriched.close()
        assert scheduler.keys == []
        await resource.close()
    finally:
        server.stop()


class FlakyResource(MongoResource):
    """A real MongoResource that fails on one collection (to check discovery keeps going)."""

    async def sample(self, collection: str, n: int) -> list[dict[str, Any]]:
        if collection == "broken":
            raise ResourceError("simulated failure reading 'broken'")
        return await super().sample(collection, n)


@pytest.mark.mongodb
async def test_discover_registers_every_collection_and_reports_failures(
    mongo_uri: str, mongo_db: Any, mongo_db_name: str
) -> None:
    mongo_db["products"].insert_many(product_documents(20))
    mongo_db["orders"].insert_many([{"number": n, "status": ["new", "paid"][n % 2]} for n in range(20)])
    mongo_db["broken"].insert_many([{"a": 1}])
    resource = FlakyResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    enriched = EnrichedRegistry(new_registry())
    seen: list[tuple[int, int, str]] = []
    report = await enriched.discover_and_register(
        resource, namespace="found", progress=lambda done, total, name: seen.append((done, total, name))
    )
    assert [outcome.collection for outcome in report.outcomes] == ["broken", "orders", "products"]
    assert report.failed == {"broken": "ResourceError: simulated failure reading 'broken'"}
    assert len(report.registered) == 2
    assert all(path.startswith("ns.models.found.") for path in report.registered)
    assert [done for done, _, _ in seen] == [1, 2, 3]
    for path in report.registered:
        assert path in enriched.enrichments
    await enriched.close()
    await resource.close()


@pytest.mark.mongodb
async def test_sync_registers_a_new_version_when_the_collection_drifts(
    mongo_uri: str, mongo_db: Any, mongo_db_name: str
) -> None:
    mongo_db["items"].insert_many([{"sku": f"S{n}", "qty": n, "kind": ["a", "b"][n % 2]} for n in range(40)])
    resource = MongoResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    registry = XRegistry(quiet_settings())
    enriched = EnrichedRegistry(registry)
    report = await enriched.discover_and_register(resource, namespace="drift", progress=False)
    (path,) = report.registered
    unchanged = await enriched.sync_with_resource(path)
    assert unchanged["synced"] is False
    assert unchanged["new_version"] == unchanged["previous_version"] == "1.0.0"

    # drift: a new field, a changed type, and a new category
    mongo_db["items"].update_many({}, [{"$set": {"qty": {"$toString": "$qty"}, "colour": "red"}}])
    mongo_db["items"].update_many({"kind": "b"}, {"$set": {"kind": "c"}})
    result = await enriched.sync_with_resource(path, resource)
    assert result["synced"] is True
    assert result["previous_version"] == "1.0.0"
    assert result["new_version"] == "2.0.0"  # a retyped field is breaking
    changed = {change["path"] for change in result["changes"]}
    assert {"colour", "qty"} <= changed
    assert result["evolution"] is not None
    assert registry.models.get(path).metadata.version == "2.0.0"
    assert len(registry.models.version_history[path]) == 2
    # the new field is categorical too: all its values are new
    assert result["category_changes"] == [
        {"path": "colour", "added": ["red"], "removed": []},
        {"path": "kind", "added": ["c"], "removed": ["b"]},
    ]
    assert registry.audit.events(action="sync")[-1].detail["new_version"] == "2.0.0"
    await enriched.close()
    await resource.close()


def _typed_items(count: int) -> list[dict[str, Any]]:
    from bson import Decimal128

    # ObjectId _ids (added by the server), Decimal128, dates, sub-documents, arrays, optional and mixed fields.
    return [
        {
            "sku": f"S{n}",
            "price": Decimal128(f"{n}.25"),
            "added": dt.datetime(2024, 1, 1 + n % 28),
            "shipping": {"city": ["Oslo", "Bergen"][n % 2], **({"zip": "0150"} if n % 3 else {})},
            "tags": ["a", "b"][: n % 3],
            "lines": [{"qty": n, "note": None if n % 2 else "gift"}],
            "code": n if n % 2 else f"C{n}",
            **({"colour": "red"} if n % 4 else {}),
        }
        for n in range(count)
    ]


@pytest.mark.mongodb
async def test_sync_after_loading_from_the_store_sees_no_change(
    mongo_uri: str, mongo_db: Any, mongo_db_name: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xcatalog.store import LocalStore

    mongo_db["items"].insert_many(_typed_items(30))
    resource = MongoResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    store = LocalStore(tmp_path / "catalog.db")
    try:
        first = EnrichedRegistry(XRegistry(quiet_settings()))
        (path,) = (await first.discover_and_register(resource, namespace="typed", progress=False)).registered
        stored_schema = catalog_json_schema(first.registry.models.get(path).model_class)
        assert stored_schema["properties"]["_id"]["format"] == "objectid"
        first.registry.save(store)
        await first.close()

        # A dynamic model comes back from its stored JSON schema; it must describe the same collection.
        loaded = XRegistry.load(store, quiet_settings())
        assert catalog_json_schema(loaded.models.get(path).model_class) == stored_schema

        def no_update(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError(f"update_model called although the schema did not change: {args} {kwargs}")

        monkeypatch.setattr(loaded.models, "update_model", no_update)
        enriched = EnrichedRegistry(loaded)
        result = await enriched.sync_with_resource(path, resource)
        assert result["synced"] is False
        assert result["changes"] == []
        assert result["evolution"] is None
        assert result["new_version"] == result["previous_version"] == "1.0.0"
        assert len(loaded.models.version_history[path]) == 1
        assert loaded.audit.events(action="sync")[-1].detail["changes"] == 0
        await enriched.close()
    finally:
        store.close()
        await resource.close()


@pytest.mark.mongodb
async def test_enrichment_snapshots_persist_through_the_store(shop: MongoResource, tmp_path: Any) -> None:
    from xcatalog.store import LocalStore

    store = LocalStore(tmp_path / "catalog.db")
    try:
        first = EnrichedRegistry(new_registry(), store=store)
        original = await first.enrich_from_resource(shop, "Product", collection="products")
        second = EnrichedRegistry(new_registry(), store=store)
        restored = second.load_snapshots()
        assert list(restored) == ["ns.models.shop.Product"]
        assert restored["ns.models.shop.Product"].model_dump(mode="json") == original.model_dump(mode="json")
        assert await second.suggest_values("Product", "category", prefix="b") == ["Books"]
    finally:
        store.close()


@pytest.mark.mongodb
async def test_discover_samples_with_the_settings_so_a_sync_sees_no_drift(
    mongo_uri: str, mongo_db: Any, mongo_db_name: str
) -> None:
    # 300 documents, more than the inspector's built-in 100; the last ten each lack one field, so a model
    # inferred from a 100-document sample (which misses some of them) makes those fields required, while
    # one inferred from every document makes them optional.
    optional_fields = [f"f{index}" for index in range(10)]
    documents = [{"sku": f"S{n}", **dict.fromkeys(optional_fields, n)} for n in range(300)]
    for index, field in enumerate(optional_fields):
        del documents[290 + index][field]
    mongo_db["items"].insert_many(documents)
    resource = MongoResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    enriched = EnrichedRegistry(XRegistry(quiet_settings(sample_size=len(documents))))
    try:
        report = await enriched.discover_and_register(resource, namespace="whole", progress=False)
        (path,) = report.registered
        required = enriched.registry.models.get(path).model_class.model_json_schema().get("required", [])
        assert not set(optional_fields) & set(required)
        result = await enriched.sync_with_resource(path)
        assert result["changes"] == []
        assert result["synced"] is False
        assert result["new_version"] == result["previous_version"] == "1.0.0"
        assert enriched.registry.models.get(path).metadata.version == "1.0.0"
    finally:
        await enriched.close()
        await resource.close()


@pytest.mark.mongodb
async def test_inserted_object_ids_are_stored_as_object_ids(mongo_uri: str, mongo_db: Any, mongo_db_name: str) -> None:
    from bson import ObjectId

    mongo_db["notes"].insert_many([{"text": f"note {n}", "author_id": ObjectId()} for n in range(30)])
    resource = MongoResource(mongo_uri, mongo_db_name, settings=quiet_settings().mongodb)
    settings = quiet_settings(sample_size=30).model_copy(
        update={
            "registry": quiet_settings().registry.model_copy(
                update={"models": ModelSettings(default_permissions=["create", "read"])}
            )
        }
    )
    enriched = EnrichedRegistry(XRegistry(settings))
    try:
        report = await enriched.discover_and_register(resource, namespace="kept", progress=False)
        (path,) = report.registered
        new_id, author = ObjectId(), ObjectId()
        record = {"_id": str(new_id), "text": "typed in a form", "author_id": str(author)}
        result = await enriched.create_with_validation(path, record, role="anyone", insert=True)
        assert result.inserted_id == str(new_id)
        stored = mongo_db["notes"].find_one({"_id": new_id})
        assert stored is not None
        assert stored["author_id"] == author
    finally:
        await enriched.close()
        await resource.close()
