"""Document fixtures shared by the inference tests (the shapes issue 4 lists)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import bson
import pytest

UTC = dt.UTC


def _deep(levels: int, leaf: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"leaf": leaf}
    for level in range(levels):
        document = {f"level{level}": document, "n": level}
    return document


FIXTURES: dict[str, list[dict[str, Any]]] = {
    "nested": [
        {"_id": 1, "shipping": {"city": "Oslo", "zip": "0150", "geo": {"lat": 59.9, "lon": 10.7}}},
        {"_id": 2, "shipping": {"city": "Lyon", "geo": {"lat": 45.7, "lon": 4.8}}},
        {"_id": 3, "shipping": None},
    ],
    "sparse": [{"a": 1}, {"b": "x"}, {"a": 2, "c": True}, {}],
    "mixed_types": [
        {"value": 1},
        {"value": "1"},
        {"value": True},
        {"value": 1.5},
        {"value": None},
        {"value": 0},
        {"value": False},
    ],
    "decimal128": [
        {"price": bson.Decimal128("9.99")},
        {"price": bson.Decimal128("NaN")},
        {"price": bson.Decimal128("-Infinity")},
        {"price": bson.Decimal128("1E+10")},
    ],
    "objectid": [
        {"_id": bson.ObjectId(), "owner": bson.ObjectId(), "ref": "plain-string"},
        {"_id": bson.ObjectId(), "owner": bson.ObjectId(), "ref": bson.ObjectId()},
    ],
    "datetime": [
        {"at": dt.datetime(2024, 1, 1, 12, 0), "day": dt.date(2024, 1, 1)},
        {"at": dt.datetime(2024, 1, 2, tzinfo=UTC), "day": dt.date(2024, 1, 2)},
    ],
    "array_of_subdocuments": [
        {"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2, "note": "gift"}]},
        {"items": []},
        {"items": [{"sku": "C", "qty": None}]},
    ],
    "weird_keys": [
        {
            "_id": 1,
            "first-name": "Ana",
            "first_name": "dup",
            "$ref": "users",
            "class": "A",
            "größe": 3,
            "名前": "なまえ",
            "2fa": True,
            "a.b": 1,
            "a[]": 2,
            "ﬁeld": "ligature",
            "model_dump": 1,
            "json": 2,
            "": "empty key",
            "None": 0,
            "str": "shadow",
            "__v": 0,
            "with space": 1,
        },
        {"_id": 2, "first-name": "Bo"},
    ],
    "empty_documents": [{}, {}],
    "deep_nesting": [_deep(12, 1), _deep(12, "x"), _deep(3, None)],
    "mixed_scalar_arrays": [{"values": [1, "a", None, 2.5, True]}, {"values": [False]}],
    "arrays_of_arrays": [
        {"matrix": [[1, 2], [3]]},
        {"matrix": [[{"x": 1}], []]},
        {"matrix": [[], [[None]]]},
        {"matrix": []},
    ],
    "bson_misc": [
        {
            "big": bson.Int64(2**40),
            "blob": bson.Binary(b"\x00\x01", 0),
            "uuid": bson.Binary(uuid.uuid4().bytes, 4),
            "raw": b"bytes",
            "pattern": bson.Regex("^a", "i"),
            "ts": bson.Timestamp(1, 1),
            "code": bson.Code("function () {}"),
            "py_uuid": uuid.uuid4(),
        },
        {"big": 3, "blob": b"", "raw": b"x"},
    ],
    "map_like": [{"by_day": {f"2024-01-{day:02d}": day}} for day in range(1, 61)],
}


@pytest.fixture(params=sorted(FIXTURES))
def fixture_documents(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    """Each fixture of FIXTURES in turn, as (name, documents)."""
    return request.param, FIXTURES[request.param]
