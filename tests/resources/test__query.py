from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from xcatalog.errors import ResourceError
from xcatalog.resources._query import (
    apply_projection,
    check_filter,
    matches_filter,
    normalize_sort,
    sort_documents,
)

DOCUMENT: dict[str, Any] = {
    "_id": 7,
    "status": "paid",
    "total": 12.5,
    "flag": True,
    "tags": ["a", "b"],
    "shipping": {"city": "Oslo", "zip": None},
    "items": [{"sku": "x1", "qty": 2}, {"sku": "y2", "qty": 5}],
    "nothing": None,
}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({}, True),
        ({"status": "paid"}, True),
        ({"status": "open"}, False),
        ({"shipping.city": "Oslo"}, True),
        ({"shipping.city": "Bergen"}, False),
        ({"items.sku": "y2"}, True),  # arrays of sub-documents fan out
        ({"items.0.sku": "x1"}, True),
        ({"items.1.sku": "x1"}, False),
        ({"tags": "b"}, True),  # equality with an array matches an element
        ({"tags": ["a", "b"]}, True),
        ({"tags": ["b", "a"]}, False),
        ({"missing": None}, True),  # null matches missing
        ({"nothing": None}, True),
        ({"status": None}, False),
        ({"flag": 1}, False),  # booleans are not numbers
        ({"flag": True}, True),
        ({"total": {"$gt": 12}}, True),
        ({"total": {"$gt": 12.5}}, False),
        ({"total": {"$gte": 12.5, "$lt": 13}}, True),
        ({"total": {"$lte": 1}}, False),
        ({"total": {"$gt": "a"}}, False),  # type bracketing: no number is greater than a string
        ({"items.qty": {"$gt": 4}}, True),
        ({"status": {"$in": ["open", "paid"]}}, True),
        ({"status": {"$in": []}}, False),
        ({"status": {"$nin": ["open", "paid"]}}, False),
        ({"tags": {"$in": ["z", "a"]}}, True),
        ({"status": {"$ne": "paid"}}, False),
        ({"status": {"$eq": "paid"}}, True),
        ({"shipping.zip": {"$exists": True}}, True),
        ({"shipping.zap": {"$exists": True}}, False),
        ({"shipping.zap": {"$exists": False}}, True),
        ({"$or": [{"status": "open"}, {"flag": True}]}, True),
        ({"$or": [{"status": "open"}, {"flag": False}]}, False),
        ({"$and": [{"status": "paid"}, {"total": {"$gt": 100}}]}, False),
        ({"shipping": {"city": "Oslo", "zip": None}}, True),  # whole sub-document equality
    ],
)
def test_matches_filter(filter: dict[str, Any], expected: bool) -> None:
    check_filter(filter)
    assert matches_filter(DOCUMENT, filter) is expected


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        ({"status": {"$regex": "^p"}}, r"'\$regex' in the condition on 'status' is not supported.*Supported: \$and"),
        ({"$where": "this.a"}, r"'\$where' in the filter is not supported"),
        ({"status": {"$in": "paid"}}, r"'\$in' on 'status' needs a list"),
        ({"$or": []}, r"'\$or' needs a non-empty list"),
        ({"$and": [{"a": {"$elemMatch": {}}}]}, r"\$elemMatch"),
    ],
)
def test_check_filter_refuses_the_unsupported(filter: dict[str, Any], message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        check_filter(filter)


def test_check_filter_refuses_a_non_mapping() -> None:
    with pytest.raises(ResourceError, match="A filter must be a mapping"):
        check_filter(["status"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("projection", "expected"),
    [
        (None, DOCUMENT),
        ({"status": 1}, {"_id": 7, "status": "paid"}),
        (["status", "total"], {"_id": 7, "status": "paid", "total": 12.5}),
        ({"status": 1, "_id": 0}, {"status": "paid"}),
        ({"shipping.city": 1}, {"_id": 7, "shipping": {"city": "Oslo"}}),
        ({"items.sku": 1, "_id": 0}, {"items": [{"sku": "x1"}, {"sku": "y2"}]}),
        ({"absent": 1, "_id": 0}, {}),
        ({"_id": 0}, {key: value for key, value in DOCUMENT.items() if key != "_id"}),
    ],
)
def test_apply_projection(projection: Any, expected: dict[str, Any]) -> None:
    assert apply_projection(DOCUMENT, projection) == expected


def test_exclusion_projection_copies_nested_documents() -> None:
    projected = apply_projection(DOCUMENT, {"shipping.zip": 0, "items": 0})
    assert projected["shipping"] == {"city": "Oslo"}
    assert "items" not in projected
    assert DOCUMENT["shipping"] == {"city": "Oslo", "zip": None}  # the source stays intact


@pytest.mark.parametrize(
    ("projection", "message"),
    [
        ({"status": 1, "total": 0}, "cannot mix inclusion and exclusion"),
        ({"items": {"$slice": 1}}, "uses an operator"),
        ("status", "not the string"),
    ],
)
def test_apply_projection_refuses(projection: Any, message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        apply_projection(DOCUMENT, projection)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, []),
        ("a", [("a", 1)]),
        ([("a", 1), ("b", -1)], [("a", 1), ("b", -1)]),
        ({"a": -1}, [("a", -1)]),
    ],
)
def test_normalize_sort(sort: Any, expected: list[tuple[str, int]]) -> None:
    assert normalize_sort(sort) == expected


@pytest.mark.parametrize(
    ("sort", "message"), [([("a", 2)], "must be 1 .* or -1"), ([("a", True)], "must be 1"), (["a"], "A sort must be")]
)
def test_normalize_sort_refuses(sort: Any, message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        normalize_sort(sort)


def test_sort_documents_orders_types_like_bson_and_is_multi_key() -> None:
    documents: list[dict[str, Any]] = [
        {"k": "text"},
        {"k": 3},
        {"k": None},
        {},
        {"k": True},
        {"k": dt.datetime(2024, 1, 1)},
        {"k": Decimal("1.5")},
        {"k": {"x": 1}},
    ]
    ordered = [document.get("k", "<missing>") for document in sort_documents(documents, [("k", 1)])]
    assert ordered == [None, "<missing>", Decimal("1.5"), 3, "text", {"x": 1}, True, dt.datetime(2024, 1, 1)]

    rows = [{"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 2}]
    assert sort_documents(rows, [("a", 1), ("b", -1)]) == [{"a": 1, "b": 2}, {"a": 1, "b": 1}, {"a": 2, "b": 1}]


def test_sort_documents_mixes_naive_and_aware_datetimes() -> None:
    aware = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    naive = dt.datetime(2024, 1, 1)
    assert sort_documents([{"t": aware}, {"t": naive}], [("t", 1)]) == [{"t": naive}, {"t": aware}]


# -- the subset agrees with MongoDB ----------------------------------------------------------------------------------

DIFFERENTIAL_DOCUMENTS: list[dict[str, Any]] = [
    {"_id": 1, "a": 1, "b": {"c": "x"}, "tags": ["p", "q"], "items": [{"sku": "s1", "qty": 1}]},
    {"_id": 2, "a": 2.5, "b": {"c": "y"}, "tags": [], "items": [{"sku": "s2", "qty": 3}, {"sku": "s1", "qty": 9}]},
    {"_id": 3, "a": None, "b": {}, "tags": ["q"]},
    {"_id": 4, "a": "text", "flag": True},
    {"_id": 5, "flag": 1, "b": {"c": None}},
    {"_id": 6, "a": True, "tags": "p"},
]

DIFFERENTIAL_FILTERS: list[dict[str, Any]] = [
    {"a": 1},
    {"a": None},
    {"a": {"$exists": False}},
    {"a": {"$gt": 1}},
    {"a": {"$gte": 1, "$lt": 3}},
    {"a": {"$lt": "z"}},
    {"a": {"$in": [1, "text", None]}},
    {"a": {"$nin": [1, None]}},
    {"a": {"$ne": None}},
    {"b.c": "x"},
    {"b.c": None},
    {"b.c": {"$exists": True}},
    {"tags": "p"},
    {"tags": ["q"]},
    {"tags": {"$in": ["q"]}},
    {"items.sku": "s1"},
    {"items.qty": {"$gt": 5}},
    {"items.0.sku": "s2"},
    {"flag": True},
    {"flag": 1},
    {"$or": [{"a": 1}, {"flag": True}]},
    {"$and": [{"b.c": {"$exists": True}}, {"a": {"$ne": 1}}]},
]


@pytest.mark.mongodb
async def test_in_memory_subset_agrees_with_mongodb(mongo_db: Any, tmp_path: Any) -> None:
    import json

    from xcatalog.resources.files import FileResource

    mongo_db.docs.insert_many([dict(document) for document in DIFFERENTIAL_DOCUMENTS])
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(document) for document in DIFFERENTIAL_DOCUMENTS))
    files = FileResource(tmp_path)
    for filter in DIFFERENTIAL_FILTERS:
        in_mongo = [document["_id"] for document in mongo_db.docs.find(filter).sort("_id", 1)]
        in_memory = [document["_id"] for document in await files.find("docs", filter, sort="_id")]
        assert in_memory == in_mongo, filter
    for sort in ([("a", 1), ("_id", 1)], [("a", -1), ("_id", 1)], [("b.c", 1), ("_id", -1)]):
        in_mongo = [document["_id"] for document in mongo_db.docs.find({}).sort(sort)]
        in_memory = [document["_id"] for document in await files.find("docs", sort=sort)]
        assert in_memory == in_mongo, sort
