from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from xcatalog.errors import CollectionNotFound, ResourceError
from xcatalog.resources.frames import FrameResource, frame_to_records, to_python_value


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "status": ["paid", "open", None, "paid"],
            "total": [10.0, np.nan, 7.5, 12.25],
            "placed": pd.to_datetime(pd.Series(["2024-01-01", "2024-01-02", None, "2024-01-04"])),
            "express": [True, False, True, False],
        }
    )


@pytest.fixture
def resource(orders: pd.DataFrame) -> FrameResource:
    return FrameResource({"orders": orders, "empty": pd.DataFrame({"a": []})}, seed=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (np.nan, None),
        (pd.NaT, None),
        (pd.NA, None),
        (np.int64(3), 3),
        (np.float32(1.5), 1.5),
        (np.bool_(True), True),
        (pd.Timestamp("2024-05-06 07:08"), dt.datetime(2024, 5, 6, 7, 8)),
        (np.array([1, 2]), [1, 2]),
        ({"a": np.int64(1), "b": [np.nan]}, {"a": 1, "b": [None]}),
        ("text", "text"),
    ],
)
def test_to_python_value(value: Any, expected: Any) -> None:
    converted = to_python_value(value)
    assert converted == expected
    assert type(converted) is type(expected)


def test_frame_to_records_gives_plain_values_and_keeps_null_keys(orders: pd.DataFrame) -> None:
    records = frame_to_records(orders)
    assert records[1] == {
        "order_id": 2,
        "status": "open",
        "total": None,
        "placed": dt.datetime(2024, 1, 2),
        "express": False,
    }
    assert records[2]["status"] is None and records[2]["placed"] is None
    assert all(set(record) == set(orders.columns) for record in records)
    assert type(records[0]["order_id"]) is int


def test_frame_to_records_turns_a_named_index_into_a_column() -> None:
    frame = pd.DataFrame({"x": [1, 2]}, index=pd.Index(["a", "b"], name="key"))
    assert frame_to_records(frame) == [{"key": "a", "x": 1}, {"key": "b", "x": 2}]
    assert frame_to_records(frame.reset_index(drop=True)) == [{"x": 1}, {"x": 2}]


def test_frame_to_records_refuses_duplicate_columns() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ResourceError, match=r"duplicate column names \['a'\]"):
        frame_to_records(frame)


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ({"orders": [1, 2]}, "'orders' is a list, not a pandas DataFrame"),
        ({"": pd.DataFrame()}, "non-empty strings"),
    ],
)
def test_constructor_refuses_bad_frames(frames: Any, message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        FrameResource(frames)


async def test_lifecycle_and_listing(resource: FrameResource) -> None:
    assert resource.get_type() == "frames"
    assert resource.supports_pushdown is False
    assert await resource.validate_connection() is False
    async with resource as opened:
        assert opened is resource
        assert await resource.validate_connection() is True
        assert await resource.list_collections() == ["empty", "orders"]
    assert await resource.validate_connection() is False
    assert "orders" in repr(resource)


async def test_count_and_find(resource: FrameResource) -> None:
    assert await resource.count("orders") == 4
    assert await resource.count("orders", filter={"status": "paid"}) == 2
    assert await resource.count("empty") == 0
    found = await resource.find(
        "orders", {"status": {"$in": ["paid", None]}}, projection=["order_id"], sort=[("order_id", -1)], skip=1, limit=2
    )
    assert found == [{"order_id": 3}, {"order_id": 1}]
    assert await resource.find("orders", {"total": {"$gt": 11}}, projection={"total": 1}) == [{"total": 12.25}]


async def test_find_returns_copies(resource: FrameResource) -> None:
    first = await resource.find("orders", {"order_id": 1})
    first[0]["status"] = "changed"
    assert (await resource.find("orders", {"order_id": 1}))[0]["status"] == "paid"


async def test_sample_is_without_replacement_and_capped(resource: FrameResource) -> None:
    picked = await resource.sample("orders", 3)
    assert len(picked) == 3
    assert len({row["order_id"] for row in picked}) == 3
    assert sorted(row["order_id"] for row in await resource.sample("orders", 50)) == [1, 2, 3, 4]
    assert await resource.sample("orders", 0) == []


async def test_iter_batches(resource: FrameResource) -> None:
    batches = [batch async for batch in resource.iter_batches("orders", batch_size=3)]
    assert [len(batch) for batch in batches] == [3, 1]
    filtered = [batch async for batch in resource.iter_batches("orders", filter={"express": True})]
    assert [row["order_id"] for row in filtered[0]] == [1, 3]


async def test_missing_collection_lists_what_exists(resource: FrameResource) -> None:
    with pytest.raises(CollectionNotFound, match=r"No collection 'order' .*Available: empty, orders") as caught:
        await resource.find("order")
    assert caught.value.available == ["empty", "orders"]


async def test_aggregate_needs_mongodb(resource: FrameResource) -> None:
    with pytest.raises(ResourceError, match="pipeline pushdown needs MongoDB"):
        await resource.aggregate("orders", [{"$match": {}}])


async def test_unsupported_filter_operator(resource: FrameResource) -> None:
    with pytest.raises(ResourceError, match=r"'\$regex'.*not supported"):
        await resource.find("orders", {"status": {"$regex": "p"}})


async def test_insert_many_appends_rows_and_creates_frames(resource: FrameResource) -> None:
    ids = await resource.insert_many("orders", [{"order_id": 5, "status": "open", "total": 1.0}])
    assert ids == [4]
    assert await resource.count("orders") == 5
    assert (await resource.find("orders", {"order_id": 5}))[0]["express"] is None
    assert await resource.insert_many("new", [{"a": 1}, {"a": 2}]) == [0, 1]
    assert await resource.list_collections() == ["empty", "new", "orders"]
    assert list(resource.frames["new"]["a"]) == [1, 2]
    assert await resource.insert_many("new", []) == []
