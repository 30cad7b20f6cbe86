"""profile_collection: "sample" in Python and "full" inside MongoDB agree; progress; cancellation."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import random
from typing import Any

import pandas as pd
import pytest
from bson import Decimal128, ObjectId

from xcatalog.config import MongoSettings
from xcatalog.errors import CollectionNotFound, ProfilingError
from xcatalog.profiling import ColumnProfile
from xcatalog.resources.frames import FrameResource
from xcatalog.resources.mongo import MongoResource
from xcatalog.resources.profile import profile_collection

FAST = MongoSettings(server_selection_timeout_ms=3000, connect_timeout_ms=3000)
COMPARED = (
    "kind",
    "count",
    "missing_count",
    "null_count",
    "type_counts",
    "dominant_type",
    "min",
    "max",
    "mean",
    "std",
    "zeros_count",
    "negative_count",
    "infinite_count",
    "min_length",
    "max_length",
    "mean_length",
    "empty_count",
    "whitespace_count",
    "true_count",
    "false_count",
    "datetime_range",
    "is_categorical",
    "categories",
    "semantic_type",
    "semantic_share",
    "sensitive",
    "completeness",
    "consistency",
    "validity",
    "quality",
)


def _documents(count: int = 240, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    documents = []
    for number in range(count):
        document: dict[str, Any] = {
            "_id": ObjectId(),
            "number": number,
            "status": rng.choice(["paid", "open", "shipped"]),
            "price": rng.random() * 100 - 10,
            "total": Decimal128(f"{rng.randint(1, 9999) / 100:.2f}"),
            "ref": number if number % 4 else f"R{number}",
            "placed_at": base + dt.timedelta(hours=number),
            "email": f"user{rng.randint(1, 60)}@example.com",
            "flag": rng.random() < 0.3,
            "tags": ["x"] * rng.randint(0, 3),
            "note": rng.choice(["", "  ", "ok", "fine"]),
            "shipping": {"city": rng.choice(["Oslo", "Lima"]), "zip": f"{rng.randint(1000, 1030)}"},
            "meta": {},
        }
        if number % 3 == 0:
            document["coupon"] = rng.choice(["SPRING", None])
        if number % 5 == 0:
            document["shipping"]["notes"] = {"gate": rng.randint(0, 9)}
        documents.append(document)
    return documents


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float | int):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    return bool(left == right)


def _assert_agree(sample: ColumnProfile, full: ColumnProfile, threshold: int) -> None:
    for name in COMPARED:
        assert _same(getattr(sample, name), getattr(full, name)), (
            sample.name,
            name,
            getattr(sample, name),
            getattr(full, name),
        )
    if full.unique_count is None:
        assert full.unique_count_more_than == threshold
        assert sample.unique_count is not None and sample.unique_count > threshold
    else:
        assert sample.unique_count == full.unique_count
        assert sample.unseen_share == full.unseen_share
        assert sample.is_candidate_key == full.is_candidate_key


@pytest.mark.mongodb
async def test_sample_and_full_agree_on_a_small_collection(mongo_uri: str, mongo_db_name: str, mongo_db: Any) -> None:
    mongo_db.orders.insert_many(_documents())
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as shop:
        sample = await profile_collection(shop, "orders", "sample", sample_size=1000, quantiles=False, histograms=False)
        full = await profile_collection(shop, "orders", "full")
    assert sample.mode == "sample" and full.mode == "full"
    assert full.engine == "mongodb-pushdown"
    assert sample.row_count == full.row_count == 240
    assert set(sample.columns) == set(full.columns)
    assert "shipping.notes.gate" in full.columns and "shipping" not in full.columns
    for name, column in sample.columns.items():
        _assert_agree(column, full.columns[name], full.categorical_threshold)
    assert sample.quality == pytest.approx(full.quality)
    # The mixed field keeps both of its types in both modes.
    assert full.columns["ref"].type_counts == {"int": 180, "string": 60}
    assert full.columns["status"].is_categorical
    assert full.columns["email"].semantic_type == "email" and full.columns["email"].sensitive
    assert full.columns["coupon"].missing_count == 160


@pytest.mark.mongodb
async def test_full_mode_flags_distinct_counts_above_the_threshold(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    mongo_db.items.insert_many([{"n": number // 2, "key": number, "group": number % 3} for number in range(30)])
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as resource:
        full = await profile_collection(resource, "items", "full", categorical_threshold=5)
    assert full.columns["n"].unique_count is None  # 15 distinct values, each twice
    assert full.columns["n"].unique_count_more_than == 5
    assert full.columns["key"].unique_count == 30  # every value once: exact however many
    assert full.columns["key"].is_candidate_key
    assert full.columns["group"].unique_count == 3
    assert full.columns["group"].categories == {0: 10, 1: 10, 2: 10}


@pytest.mark.mongodb
async def test_progress_reaches_the_total_and_a_bar_can_be_shown(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    mongo_db.items.insert_many([{"n": number, "sub": {"a": number}} for number in range(20)])
    seen: list[tuple[int, int]] = []
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as resource:
        await profile_collection(resource, "items", "full", progress=lambda done, total: seen.append((done, total)))
        with_bar = await profile_collection(resource, "items", "sample", progress=True)
    assert seen and seen[-1][0] == seen[-1][1]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert with_bar.row_count == 20


@pytest.mark.mongodb
async def test_cancellation_propagates(mongo_uri: str, mongo_db_name: str, mongo_db: Any) -> None:
    mongo_db.items.insert_many([{"n": number, "s": str(number)} for number in range(50)])
    first_step = asyncio.Event()
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as resource:
        task = asyncio.create_task(
            profile_collection(resource, "items", "full", fields_per_pipeline=1, progress=lambda *_: first_step.set())
        )
        await first_step.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await resource.validate_connection()  # the resource is still usable


@pytest.mark.mongodb
async def test_missing_collection(mongo_uri: str, mongo_db_name: str, mongo_db: Any) -> None:
    mongo_db.items.insert_one({"n": 1})
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as resource:
        with pytest.raises(CollectionNotFound):
            await profile_collection(resource, "nothing_here", "full")


async def test_full_mode_without_pushdown_streams_every_document() -> None:
    frame = pd.DataFrame({"n": range(2500), "kind": ["a", "b"] * 1250})
    async with FrameResource({"table": frame}) as resource:
        result = await profile_collection(resource, "table", "full", batch_size=1000)
    assert result.mode == "full" and result.engine == "polars"
    assert result.row_count == 2500
    assert result.columns["n"].unique_count == 2500
    assert result.columns["kind"].categories == {"a": 1250, "b": 1250}


@pytest.mark.parametrize(("mode", "message"), [("everything", "Unknown profiling mode 'everything'")])
async def test_bad_mode_is_refused(mode: str, message: str) -> None:
    async with FrameResource({"table": pd.DataFrame({"n": [1]})}) as resource:
        with pytest.raises(ProfilingError, match=message):
            await profile_collection(resource, "table", mode)  # type: ignore[arg-type]


async def test_sample_size_must_be_positive() -> None:
    async with FrameResource({"table": pd.DataFrame({"n": [1]})}) as resource:
        with pytest.raises(ProfilingError, match="sample_size must be at least 1"):
            await profile_collection(resource, "table", "sample", sample_size=0)
