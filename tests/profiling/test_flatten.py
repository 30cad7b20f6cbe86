from __future__ import annotations

import datetime as dt
import decimal
import json

import pandas as pd
import pytest
from bson import Decimal128, Int64, ObjectId

from xcatalog.profiling.flatten import flatten_documents, json_safe, plain_value, type_name


def test_absent_and_null_stay_distinct() -> None:
    flat = flatten_documents([{"a": {"b": 1}}, {"a": {"b": None}}, {"a": {}}, {}])
    assert flat.row_count == 4
    assert flat.present_counts["a.b"] == 2
    assert flat.missing_count("a.b") == 2
    assert flat.frame["a.b"].isna().sum() == 3  # one null + two absent
    assert flat.type_counts["a.b"] == {"int": 1}
    assert flat.type_counts["a"] == {"object": 1}  # the empty sub-document is a value


def test_mixed_types_lose_no_value() -> None:
    documents = [{"ref": 1}, {"ref": "R2"}, {"ref": 3}, {"ref": 4.5}, {"ref": "R5"}]
    flat = flatten_documents(documents)
    column = flat.frame["ref"]
    assert column.dtype == object
    assert column.tolist() == [1, "R2", 3, 4.5, "R5"]
    assert flat.type_counts["ref"] == {"int": 2, "string": 2, "float": 1}


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([1, 2, 3], "int64"),
        ([1, None, 3], "Int64"),
        ([1.5, None], "float64"),
        (["a", None], "str"),
        ([True, False], "bool"),
        ([True, None], "boolean"),
        ([dt.datetime(2024, 1, 1), None], "datetime64[us]"),
        ([1, "a"], "object"),
        ([2**70, 1], "object"),
    ],
)
def test_single_typed_columns_get_a_real_dtype(values: list[object], dtype: str) -> None:
    flat = flatten_documents([{"x": value} for value in values])
    assert str(flat.frame["x"].dtype) == dtype


def test_bson_values_are_recognised_by_class_name() -> None:
    oid = ObjectId()
    flat = flatten_documents([{"_id": oid, "price": Decimal128("1.25"), "big": Int64(7)}])
    assert flat.type_counts["_id"] == {"objectId": 1}
    assert flat.frame["_id"].iloc[0] == str(oid)
    assert flat.type_counts["price"] == {"decimal": 1}
    assert flat.frame["price"].iloc[0] == 1.25
    assert flat.type_counts["big"] == {"int": 1}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "bool"),
        (1, "int"),
        (1.0, "float"),
        ("s", "string"),
        ([1], "array"),
        ({"a": 1}, "object"),
        (dt.datetime(2020, 1, 1), "datetime"),
        (decimal.Decimal("1"), "decimal"),
        (b"x", "binary"),
        (ObjectId(), "objectId"),
    ],
)
def test_type_names(value: object, expected: str) -> None:
    assert type_name(value) == expected


def test_plain_value_leaves_python_values_alone() -> None:
    assert plain_value("x") == "x"
    assert plain_value(Decimal128("2.5")) == 2.5


def test_json_safe_output_round_trips_through_json() -> None:
    value = {
        "when": dt.datetime(2024, 5, 6, 7, 8),
        "n": float("nan"),
        "d": decimal.Decimal("1.5"),
        "ts": pd.NaT,
        "nested": [ObjectId("0123456789abcdef01234567"), b"\x01"],
    }
    safe = json_safe(value)
    assert json.loads(json.dumps(safe)) == safe
    assert safe == {
        "when": "2024-05-06T07:08:00",
        "n": None,
        "d": "1.5",
        "ts": None,
        "nested": ["0123456789abcdef01234567", "01"],
    }
