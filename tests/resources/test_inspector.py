from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from bson import DBRef, Decimal128, ObjectId, Regex, Timestamp
from bson.binary import Binary
from pymongo.errors import WriteError

from xcatalog.config import EnrichmentSettings, MongoSettings, RegistrySettings, Settings
from xcatalog.errors import CollectionNotFound, InferenceError, ResourceError
from xcatalog.inference import mongo_validator
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.resources.frames import FrameResource
from xcatalog.resources.inspector import InspectionResult, XInspector, model_name_for, to_json_friendly
from xcatalog.resources.mongo import MongoResource

FAST = MongoSettings(server_selection_timeout_ms=3000, connect_timeout_ms=3000)


# -- pure helpers ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "expected"),
    [
        ("orders", "Order"),
        ("Orders", "Order"),
        ("product_categories", "ProductCategory"),
        ("userAddresses", "UserAddress"),
        ("order-items", "OrderItem"),
        ("boxes", "Box"),
        ("status", "Status"),
        ("news", "News"),
        ("class", "Class"),
        ("bus", "Bus"),
        ("people", "People"),
        ("2024_sales", "Collection2024Sale"),
        ("ünïcode_things", "ÜnïcodeThing"),
        ("$$$", "Document"),
        ("HTTPLogs", "HTTPLog"),
    ],
)
def test_model_name_for(collection: str, expected: str) -> None:
    name = model_name_for(collection)
    assert name == expected
    assert name.isidentifier()
    assert not re.search(r"\d$", name) or collection[-1].isdigit()


def test_to_json_friendly_converts_bson_recursively() -> None:
    oid = ObjectId()
    stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    converted = to_json_friendly(
        {
            "_id": oid,
            "total": Decimal128("12.50"),
            "at": stamp,
            "nested": {"refs": [oid, {"deep": Decimal128("1")}]},
            "blob": Binary(b"\x00\x01", 5),
            "pattern": Regex("^a", "i"),
            "link": DBRef("people", oid),
            "ts": Timestamp(1_700_000_000, 1),
            "plain": [1, "a", None],
        }
    )
    assert converted == {
        "_id": str(oid),
        "total": Decimal("12.50"),
        "at": stamp,
        "nested": {"refs": [str(oid), {"deep": Decimal("1")}]},
        "blob": b"\x00\x01",
        "pattern": "^a",
        "link": {"$ref": "people", "$id": str(oid)},
        "ts": dt.datetime.fromtimestamp(1_700_000_000, dt.UTC),
        "plain": [1, "a", None],
    }
    assert type(converted["blob"]) is bytes


# -- inspector over frames (no server) ---------------------------------------------------------------------------------


@pytest.fixture
def players() -> FrameResource:
    frame = pd.DataFrame(
        {
            "name": [f"p{number}" for number in range(30)],
            "score": [float(number) if number % 3 else None for number in range(30)],
            "team": ["red", "blue", "green"] * 10,
            "joined": pd.date_range("2024-01-01", periods=30, freq="D"),
        }
    )
    return FrameResource({"players": frame}, seed=5)


def test_sample_size_defaults_to_the_settings() -> None:
    resource = FrameResource({})
    assert XInspector(resource).sample_size == Settings().registry.enrichment.sample_size
    custom = Settings(registry=RegistrySettings(enrichment=EnrichmentSettings(sample_size=7)))
    assert XInspector(resource, settings=custom).sample_size == 7
    assert XInspector(resource, sample_size=3, settings=custom).sample_size == 3
    with pytest.raises(InferenceError, match="sample_size must be at least 1, got 0"):
        XInspector(resource, sample_size=0)


async def test_inspect_frames(players: FrameResource) -> None:
    records = await players.find("players")
    result = await XInspector(players, sample_size=12).inspect("players")
    assert isinstance(result, InspectionResult)
    assert result.model_name == "Player"
    assert result.collection == "players"
    assert (result.resource_name, result.resource_type, result.mode) == ("frames", "frames", "sample")
    assert result.sample_size == 12
    assert result.total_count == 30
    assert len(result.sample_data) == 12
    assert set(result.fields) == {"name", "score", "team", "joined"}
    assert result.fields["name"].presence == 1.0
    assert result.fields["score"].null_count == sum(row["score"] is None for row in result.sample_data)
    assert result.schema == result.json_schema == catalog_json_schema(result.model)
    assert result.statistics["total_count"] == 30
    assert result.statistics["sample_size"] == 12
    assert set(result.statistics["field_statistics"]) == set(result.fields)
    for record in records:  # the model inferred from 12 rows still fits these 30 rows
        result.model.model_validate(record)


async def test_inspect_categorical_and_name(players: FrameResource) -> None:
    result = await XInspector(players, sample_size=30).inspect("players", categorical=["team"], name="Athlete")
    assert result.model.__name__ == "Athlete"
    with pytest.raises(ValueError, match="team"):
        result.model.model_validate({"name": "x", "score": 1.0, "team": "purple", "joined": dt.datetime(2024, 1, 1)})


async def test_inspect_categorical_with_explicit_values(players: FrameResource) -> None:
    allowed = {"team": ["red", "blue", "green", "purple"]}
    result = await XInspector(players, sample_size=30).inspect("players", categorical=allowed)
    row = {"name": "x", "score": 1.0, "team": "purple", "joined": dt.datetime(2024, 1, 1)}
    assert result.model.model_validate(row).team == "purple"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="team"):
        result.model.model_validate({**row, "team": "black"})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a", ["a"]),
        ("a.b", ["a", "b"]),
        ("items[].sku", ["items", None, "sku"]),
        ("matrix[][]", ["matrix", None, None]),
        ("a\\.b.c", ["a.b", "c"]),
        ("k\\[x\\]", ["k[x]"]),
    ],
)
def test_split_path(path: str, expected: list[str | None]) -> None:
    from xcatalog.resources.inspector import _split_path

    assert _split_path(path) == expected


async def test_whole_collection_reports_progress(players: FrameResource) -> None:
    calls: list[tuple[int, int]] = []
    inspector = XInspector(players, sample_size=5, batch_size=8)
    result = await inspector.inspect(
        "players", whole_collection=True, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(8, 30), (16, 30), (24, 30), (30, 30)]
    assert result.sample_size == 30
    assert len(result.sample_data) == 5
    assert result.fields["score"].null_count == 10


async def test_pushdown_needs_mongodb(players: FrameResource) -> None:
    with pytest.raises(ResourceError, match="mode='pushdown' runs the schema analysis inside MongoDB"):
        await XInspector(players).inspect("players", mode="pushdown")


async def test_unknown_mode(players: FrameResource) -> None:
    with pytest.raises(InferenceError, match="Unknown inspection mode 'fast'"):
        await XInspector(players).inspect("players", mode="fast")  # type: ignore[arg-type]


async def test_missing_collection(players: FrameResource) -> None:
    with pytest.raises(CollectionNotFound, match="Available: players"):
        await XInspector(players).inspect("player")


async def test_preview_generate_and_discover(players: FrameResource) -> None:
    inspector = XInspector(players, sample_size=10)
    preview = await inspector.preview_data("players", limit=3)
    assert [row["name"] for row in preview] == ["p0", "p1", "p2"]
    assert await inspector.preview_data("players", limit=0) == []
    model = await inspector.generate_model("players")
    assert model.__name__ == "Player"
    assert (await inspector.generate_model(collection_name="players", name="Gamer")).__name__ == "Gamer"
    schema = await inspector.discover_schema("players")
    assert set(schema["properties"]) == {"name", "score", "team", "joined"}


# -- inspector over MongoDB --------------------------------------------------------------------------------------------


@pytest.mark.mongodb
async def test_inspect_mongo_fixtures(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    result = await XInspector(shop, sample_size=len(orders)).inspect("orders")
    assert result.model_name == "Order"
    assert result.total_count == len(orders)
    assert result.sample_size == len(orders)
    fields = result.fields
    assert {"items[].sku", "shipping.city", "shipping.notes.gate", "first-name", "$ref", "ünïcode"} <= set(fields)
    assert fields["coupon"].presence == pytest.approx(sum("coupon" in order for order in orders) / len(orders))
    low, high = fields["coupon"].presence_ci
    assert low <= fields["coupon"].presence <= high
    assert set(fields["ref"].types) == {"int", "str"}
    assert set(fields["total"].types) == {"Decimal128"}
    assert set(fields["_id"].types) == {"ObjectId"}
    assert set(fields["placed_at"].types) == {"datetime"}
    # Every generated model validates every document it was inferred from, raw BSON and JSON-friendly alike.
    for document in await shop.find("orders"):
        validated = result.model.model_validate(document)
        assert validated.model_dump(by_alias=True)["first-name"] == document["first-name"]
    for document in result.sample_data:
        result.model.model_validate(document)
        assert isinstance(document["_id"], str)
        assert isinstance(document["total"], Decimal)


@pytest.mark.mongodb
async def test_categorical_paths_take_the_values_seen(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    result = await XInspector(shop, sample_size=len(orders)).inspect("orders", categorical=["status", "items[].sku"])
    skus = {item["sku"] for order in orders for item in order["items"]}
    document = dict(orders[0], status="lost")
    with pytest.raises(ValueError, match="status"):
        result.model.model_validate(document)
    document = dict(orders[0], items=[{"sku": "never-seen", "qty": 1, "price": 1.0}])
    with pytest.raises(ValueError, match="sku"):
        result.model.model_validate(document)
    assert "never-seen" not in skus
    for order in orders:
        result.model.model_validate(order)


@pytest.mark.mongodb
async def test_models_validate_samples_of_every_collection(shop: MongoResource) -> None:
    for collection in await shop.list_collections():
        result = await XInspector(shop, sample_size=20).inspect(collection)
        for document in await shop.sample(collection, 20):
            result.model.model_validate(document)


def _unordered(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {key: sorted(value) if key == "required" else _unordered(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_unordered(item) for item in schema]
    return schema


@pytest.mark.mongodb
async def test_pushdown_and_sample_agree(shop: MongoResource) -> None:
    inspector = XInspector(shop, sample_size=1000, batch_size=16)
    calls: list[tuple[int, int]] = []
    in_python = await inspector.inspect("orders", whole_collection=True, progress=lambda *args: calls.append(args))
    in_mongo = await inspector.inspect("orders", mode="pushdown", whole_collection=True)
    assert calls[-1] == (60, 60) and len(calls) == 4  # raw BSON batches of 16
    assert in_mongo.mode == "pushdown"
    assert set(in_mongo.fields) == set(in_python.fields)
    for path, stats in in_python.fields.items():
        pushed = in_mongo.fields[path]
        assert pushed.presence == pytest.approx(stats.presence), path
        assert dict(pushed.types) == dict(stats.types), path
        assert pushed.null_count == stats.null_count, path
    # The server does not keep key order, so fields come out in another order; the schemas agree otherwise.
    assert _unordered(in_mongo.json_schema) == _unordered(in_python.json_schema)
    assert in_mongo.sample_data  # a preview is still fetched


@pytest.mark.mongodb
async def test_pushdown_over_a_sample(shop: MongoResource) -> None:
    result = await XInspector(shop, sample_size=25).inspect("orders", mode="pushdown")
    assert result.sample_size == 25
    assert result.total_count == 60
    assert result.fields["number"].presence == 1.0


@pytest.mark.mongodb
async def test_validator_from_the_model_guards_the_collection(
    shop: MongoResource, seeded_db: Any, orders: list[dict[str, Any]]
) -> None:
    result = await XInspector(shop, sample_size=len(orders)).inspect("orders")
    seeded_db.create_collection("guarded", validator=mongo_validator(result.model))
    good = dict(orders[0])
    good["_id"] = ObjectId()
    seeded_db.guarded.insert_one(good)
    bad = dict(orders[1], _id=ObjectId(), number="not a number")
    with pytest.raises(WriteError) as caught:
        seeded_db.guarded.insert_one(bad)
    assert caught.value.code == 121
    assert seeded_db.guarded.count_documents({}) == 1


@pytest.mark.mongodb
async def test_resource_inspect_delegates(shop: MongoResource) -> None:
    result = await shop.inspect("people", sample_size=3)
    assert result.model_name == "People"
    assert result.fields["email"].presence == pytest.approx(1 / 3)
    preview = await shop.get_preview("people", limit=1)
    assert isinstance(preview[0]["_id"], str)
