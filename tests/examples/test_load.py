"""Loading the sample shop: into MongoDB (idempotent, resumable), into frames, into files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from bson import ObjectId

from xcatalog.errors import ResourceError
from xcatalog.examples.load import frames, load_shop, write_files
from xcatalog.examples.shop import COLLECTIONS, ShopDataset, generate_shop
from xcatalog.resources.files import FileResource
from xcatalog.resources.mongo import MongoResource

SCALE = 0.01  # 500 documents: the test server is pure Python


@pytest.fixture(scope="module")
def small_shop() -> ShopDataset:
    return generate_shop(scale=SCALE, seed=4)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, collection: str, done: int, total: int) -> None:
        self.calls.append((collection, done, total))


# -- MongoDB ----------------------------------------------------------------------------------------------------------


@pytest.mark.mongodb
async def test_load_inserts_every_collection_then_reuses_it(mongo_uri: str, mongo_db_name: str, mongo_db: Any) -> None:
    expected = generate_shop(scale=SCALE, seed=4).counts()
    progress = Recorder()
    inserted = await load_shop(mongo_uri, mongo_db_name, scale=SCALE, seed=4, progress=progress, batch_size=100)
    assert inserted == expected
    assert {name: mongo_db[name].count_documents({}) for name in COLLECTIONS} == expected
    # one call per batch, ending at the total
    order_calls = [call for call in progress.calls if call[0] == "orders"]
    assert order_calls == [("orders", done, 300) for done in (100, 200, 300)]

    again = Recorder()
    assert await load_shop(mongo_uri, mongo_db_name, scale=SCALE, seed=4, progress=again) == dict.fromkeys(
        COLLECTIONS, 0
    )
    assert again.calls == [(name, count, count) for name, count in expected.items()]
    assert {name: mongo_db[name].count_documents({}) for name in COLLECTIONS} == expected


@pytest.mark.mongodb
async def test_loaded_documents_keep_their_values_and_problems(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any, small_shop: ShopDataset
) -> None:
    await load_shop(mongo_uri, mongo_db_name, dataset=small_shop)
    user = small_shop.users[0]
    stored = mongo_db.users.find_one({"_id": ObjectId(user["_id"])})
    assert stored is not None
    assert stored["email"] == user["email"] and stored["address"] == user["address"]
    assert stored["created_at"] == user["created_at"]
    order = mongo_db.orders.find_one({"_id": ObjectId(small_shop.orders[0]["_id"])})
    assert isinstance(order["user_id"], ObjectId) and order["items"] == small_shop.orders[0]["items"]
    # absent keys stay absent, nulls stay null, string prices stay strings
    [missing] = small_shop.expected_problems("users", kind="missing")
    assert mongo_db.users.count_documents({"phone": {"$exists": False}}) == missing.count
    [mixed] = small_shop.expected_problems("products", kind="mixed_type")
    assert mongo_db.products.count_documents({"price": {"$type": "string"}}) == mixed.count > 0


@pytest.mark.mongodb
async def test_string_ids_on_request(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any, small_shop: ShopDataset
) -> None:
    await load_shop(mongo_uri, mongo_db_name, dataset=small_shop, object_ids=False)
    review = mongo_db.reviews.find_one({"_id": small_shop.reviews[0]["_id"]})
    assert review is not None and review["product_id"] == small_shop.reviews[0]["product_id"]


@pytest.mark.mongodb
async def test_an_interrupted_load_resumes(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any, small_shop: ShopDataset
) -> None:
    head = [
        {**order, "_id": ObjectId(order["_id"]), "user_id": ObjectId(order["user_id"])}
        for order in small_shop.orders[:120]
    ]
    mongo_db.orders.insert_many(head)
    inserted = await load_shop(mongo_uri, mongo_db_name, dataset=small_shop)
    assert inserted["orders"] == len(small_shop.orders) - 120
    assert mongo_db.orders.count_documents({}) == len(small_shop.orders)
    assert len(mongo_db.orders.distinct("_id")) == len(small_shop.orders)


@pytest.mark.mongodb
async def test_foreign_data_is_refused_unless_dropped(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any, small_shop: ShopDataset
) -> None:
    mongo_db.products.insert_many([{"sku": "OTHER-1"}, {"sku": "OTHER-2"}])
    with pytest.raises(ResourceError, match=r"already holds 2 documents .* Pass drop=True"):
        await load_shop(mongo_uri, mongo_db_name, dataset=small_shop)
    inserted = await load_shop(mongo_uri, mongo_db_name, dataset=small_shop, drop=True)
    assert inserted == small_shop.counts()
    assert mongo_db.products.count_documents({"sku": {"$regex": "^OTHER"}}) == 0


@pytest.mark.mongodb
async def test_another_seed_is_not_taken_for_this_one(mongo_uri: str, mongo_db_name: str) -> None:
    await load_shop(mongo_uri, mongo_db_name, scale=SCALE, seed=1)
    with pytest.raises(ResourceError, match="not the sample shop for seed=2"):
        await load_shop(mongo_uri, mongo_db_name, scale=SCALE, seed=2)


@pytest.mark.mongodb
async def test_load_through_a_resource_leaves_it_open(
    mongo_uri: str, mongo_db_name: str, small_shop: ShopDataset
) -> None:
    resource = MongoResource(mongo_uri, mongo_db_name, must_exist=False)
    async with resource:
        await load_shop(resource, dataset=small_shop)
        assert await resource.validate_connection()
        assert await resource.list_collections() == sorted(COLLECTIONS)
        assert await resource.count("reviews", exact=True) == len(small_shop.reviews)
        with pytest.raises(ResourceError, match=f"database '{mongo_db_name}' and database='shop'"):
            await load_shop(resource, "shop", dataset=small_shop)


@pytest.mark.parametrize("batch_size", [0, -5])
async def test_bad_batch_size_is_refused(batch_size: int, small_shop: ShopDataset) -> None:
    with pytest.raises(ResourceError, match="batch_size must be at least 1"):
        await load_shop("mongodb://127.0.0.1:1/", dataset=small_shop, batch_size=batch_size)


# -- frames -----------------------------------------------------------------------------------------------------------


def test_frames_flatten_nested_fields(small_shop: ShopDataset) -> None:
    flat = frames(small_shop)
    assert {name: len(frame) for name, frame in flat.items()} == small_shop.counts()
    users, orders = flat["users"], flat["orders"]
    assert {"address.city", "address.zip", "address.country"} <= set(users.columns)
    assert "address" not in users.columns
    assert {"shipping_address.city", "items"} <= set(orders.columns)
    assert orders["items"].map(len).tolist() == [len(order["items"]) for order in small_shop.orders]
    assert isinstance(users["created_at"].dtype, pd.DatetimeTZDtype)


def test_frames_keep_integer_columns_with_gaps_as_integers(small_shop: ShopDataset) -> None:
    users = frames(small_shop)["users"]
    [null] = small_shop.expected_problems("users", field="birth_year")
    assert str(users["birth_year"].dtype) == "Int64"
    assert int(users["birth_year"].isna().sum()) == null.count > 0
    assert users["birth_year"].dropna().tolist() == [
        u["birth_year"] for u in small_shop.users if u["birth_year"] is not None
    ]


def test_frames_keep_mixed_prices(small_shop: ShopDataset) -> None:
    prices = frames(small_shop)["products"]["price"]
    assert prices.tolist() == [product["price"] for product in small_shop.products]
    assert {type(price).__name__ for price in prices} == {"float", "int", "str"}


# -- files ------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, small_shop: ShopDataset) -> dict[str, dict[str, Path]]:
    return write_files(tmp_path_factory.mktemp("shop"), small_shop)


def test_files_are_laid_out_one_folder_per_format(written: dict[str, dict[str, Path]]) -> None:
    assert list(written) == ["jsonl", "csv", "parquet"]
    for file_format, paths in written.items():
        assert list(paths) == list(COLLECTIONS)
        for collection, path in paths.items():
            assert path.is_file() and path.parent.name == file_format and path.stem == collection


def test_json_lines_hold_the_documents(written: dict[str, dict[str, Path]], small_shop: ShopDataset) -> None:
    lines = written["jsonl"]["users"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(small_shop.users)
    first = json.loads(lines[0])
    expected = small_shop.users[0]
    assert first == {
        **expected,
        "created_at": expected["created_at"].isoformat(),
        "last_login": expected["last_login"].isoformat(),
    }


async def test_file_resource_reads_the_json_lines_with_absent_keys(
    written: dict[str, dict[str, Path]], small_shop: ShopDataset
) -> None:
    async with FileResource(written["jsonl"]["users"].parent) as resource:
        assert await resource.list_collections() == sorted(COLLECTIONS)
        documents = await resource.find("users")
    [missing] = small_shop.expected_problems("users", kind="missing")
    assert sum("phone" not in document for document in documents) == missing.count > 0
    assert [document["email"] for document in documents] == [user["email"] for user in small_shop.users]


def test_csv_and_parquet_hold_every_row(written: dict[str, dict[str, Path]], small_shop: ShopDataset) -> None:
    for collection, count in small_shop.counts().items():
        assert len(pd.read_csv(written["csv"][collection])) == count
        assert pq.read_metadata(written["parquet"][collection]).num_rows == count
    orders = pd.read_csv(written["csv"]["orders"])
    assert json.loads(orders["items"][0]) == small_shop.orders[0]["items"]


def test_parquet_keeps_nested_items_and_stores_mixed_prices_as_text(
    written: dict[str, dict[str, Path]], small_shop: ShopDataset
) -> None:
    orders = pq.read_table(written["parquet"]["orders"])
    assert orders.column("items").to_pylist()[0] == small_shop.orders[0]["items"]
    prices = pq.read_table(written["parquet"]["products"]).column("price").to_pylist()
    assert prices == [str(product["price"]) for product in small_shop.products]


def test_unknown_format_is_refused(tmp_path: Path, small_shop: ShopDataset) -> None:
    with pytest.raises(ResourceError, match=r"Unknown file formats \['xlsx'\]"):
        write_files(tmp_path, small_shop, formats=["xlsx"])  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []


def test_only_the_asked_formats_are_written(tmp_path: Path, small_shop: ShopDataset) -> None:
    written = write_files(tmp_path, small_shop, formats=["jsonl"])
    assert list(written) == ["jsonl"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["jsonl"]
