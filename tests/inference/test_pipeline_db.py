"""The in-database analysis against the real test server, compared with the Python analysis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import bson
import pytest

from xcatalog.inference import analyze_documents, infer_model, model_from_stats, schema_pipeline, stats_from_pipeline

from .conftest import FIXTURES

pytestmark = pytest.mark.mongodb


def seeded_documents() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for number in range(60):
        document: dict[str, Any] = {"n": number, "code": number if number % 3 else f"C{number}"}
        if number % 4:
            document["shipping"] = {"city": ["Oslo", "Lyon"][number % 2], "geo": {"lat": number / 10, "lon": None}}
        if number % 5 == 0:
            document["shipping"] = None
        document["items"] = [{"sku": f"S{index}", "qty": index} for index in range(number % 3)]
        if number % 2:
            document["items"].append({"sku": "X", "price": bson.Decimal128("1.5")})
        document["tags"] = [["a", "b"], [], [[1, 2], [3]]][number % 3]
        document["at"] = dt.datetime(2024, 1, 1 + number % 28, tzinfo=dt.UTC)
        document["flag"] = [True, False, None, 1][number % 4]
        document["big"] = bson.Int64(2**40) if number % 2 else 7
        document["blob"] = bson.Binary(b"\x01\x02", 0) if number % 7 == 0 else None
        document["a.b"] = "dotted key" if number % 6 == 0 else 1.5
        documents.append(document)
    return documents


def summary(stats: Any) -> dict[str, tuple[Any, ...]]:
    return {
        path: (
            field.presence_count,
            field.parent_count,
            field.types,
            field.null_count,
            field.array_count,
            field.array_min_length,
            field.array_max_length,
        )
        for path, field in stats.fields.items()
    }


def test_pipeline_matches_the_python_analysis(mongo_db: Any) -> None:
    collection = mongo_db["orders"]
    collection.insert_many(seeded_documents())
    stored = list(collection.find())
    rows = list(collection.aggregate(schema_pipeline(max_depth=6)))
    in_database = stats_from_pipeline(rows, total_count=len(stored))
    in_python = analyze_documents(stored, total_count=len(stored))
    assert set(in_database.fields) == set(in_python.fields)
    assert summary(in_database) == summary(in_python)
    assert in_database.sample_size == len(stored) == 60
    assert in_database.fields["items[].price"].types == {"Decimal128": 30}
    assert in_database.fields["a\\.b"].types == {"float": 50, "str": 10}
    assert in_database.fields["code"].examples  # examples come back converted
    # A model built from the server's figures validates the stored documents.
    model = model_from_stats(in_database, "Order")
    for document in stored:
        model.model_validate(document)


def test_pipeline_on_a_sample(mongo_db: Any) -> None:
    collection = mongo_db["sampled"]
    collection.insert_many([{"n": number, "even": number % 2 == 0} for number in range(200)])
    rows = list(collection.aggregate(schema_pipeline(sample_size=50)))
    stats = stats_from_pipeline(rows, total_count=200)
    assert stats.sample_size == 50
    assert stats.fields["n"].presence_count == 50
    low, high = stats.fields["n"].presence_ci
    assert low < 1.0 == high  # a sample leaves some doubt, less than without the population size
    assert low > stats_from_pipeline(rows).fields["n"].presence_ci[0]


@pytest.mark.parametrize(
    "name", ["nested", "sparse", "mixed_types", "array_of_subdocuments", "arrays_of_arrays", "decimal128"]
)
def test_pipeline_matches_python_on_fixtures(mongo_db: Any, name: str) -> None:
    collection = mongo_db[name]
    collection.insert_many([dict(document) for document in FIXTURES[name]])
    stored = list(collection.find())
    rows = list(collection.aggregate(schema_pipeline()))
    assert summary(stats_from_pipeline(rows)) == summary(analyze_documents(stored))


def test_depth_limit_reports_deep_objects_without_their_keys(mongo_db: Any) -> None:
    collection = mongo_db["deep"]
    collection.insert_one({"a": {"b": {"c": {"d": 1}}}})
    stats = stats_from_pipeline(list(collection.aggregate(schema_pipeline(max_depth=2))))
    assert set(stats.fields) == {"_id", "a", "a.b"}
    assert stats.fields["a.b"].types == {"object": 1}
    model = infer_model(collection.find(), "Deep")
    assert model_from_stats(stats, "Deep").model_validate(collection.find_one()).a.b == {"c": {"d": 1}}  # type: ignore[attr-defined]
    assert model.model_validate(collection.find_one())
