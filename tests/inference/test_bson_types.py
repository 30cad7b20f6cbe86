from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections import OrderedDict
from typing import Any

import bson
import pytest
from bson.son import SON
from pydantic import TypeAdapter, ValidationError

from xcatalog.inference.bson_types import BsonDecimal, ObjectIdStr, example_value, is_bson_type, type_name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", "str"),
        (1, "int"),
        (bson.Int64(5), "int"),
        (True, "bool"),
        (1.5, "float"),
        (None, "null"),
        ({}, "object"),
        (SON(), "object"),
        (OrderedDict(), "object"),
        ([], "array"),
        ((1,), "array"),
        (b"x", "bytes"),
        (bson.Binary(b"x", 4), "bytes"),
        (dt.datetime(2024, 1, 1), "datetime"),
        (dt.date(2024, 1, 1), "date"),
        (decimal.Decimal("1"), "Decimal"),
        (bson.Decimal128("1"), "Decimal128"),
        (bson.ObjectId(), "ObjectId"),
        (bson.Regex("a"), "Regex"),
        (bson.Timestamp(1, 1), "Timestamp"),
        (bson.Code("x"), "Code"),
        (uuid.uuid4(), "UUID"),
        (bson.MinKey(), "MinKey"),
        (complex(1, 2), "complex"),
    ],
)
def test_type_name(value: Any, expected: str) -> None:
    assert type_name(type(value)) == expected


def test_type_name_of_subclasses_follows_the_builtin() -> None:
    class Flag(int):
        pass

    class Label(str):
        pass

    assert (type_name(Flag), type_name(Label)) == ("int", "str")


def test_is_bson_type_checks_module_and_name() -> None:
    assert is_bson_type(bson.ObjectId)
    assert is_bson_type(bson.ObjectId, "ObjectId")
    assert not is_bson_type(bson.ObjectId, "Decimal128")
    assert not is_bson_type(str)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("short", "short"),
        ("x" * 200, "x" * 79 + "…"),
        (3, 3),
        (bson.Int64(7), 7),
        (bson.Decimal128("1.25"), decimal.Decimal("1.25")),
        (bson.ObjectId("65f1c0ffee00000000000000"), "65f1c0ffee00000000000000"),
        (b"abc", "<3 bytes>"),
        (None, None),
        ({"a": 1}, None),
        ([1], None),
        (bson.Regex("^a"), "Regex('^a', 0)"),
    ],
)
def test_example_value(value: Any, expected: Any) -> None:
    assert example_value(value) == expected
    assert type(example_value(value)) is type(expected)


def test_example_value_is_idempotent() -> None:
    for value in ["x" * 200, bson.ObjectId(), bson.Decimal128("2.5"), b"abc", 4, dt.datetime(2024, 1, 1)]:
        once = example_value(value)
        assert example_value(once) == once


def test_objectid_str_accepts_objectid_and_str() -> None:
    adapter = TypeAdapter(ObjectIdStr)
    oid = bson.ObjectId()
    assert adapter.validate_python(oid) == str(oid)
    assert type(adapter.validate_python(oid)) is str
    assert adapter.validate_python("abc") == "abc"
    assert adapter.json_schema() == {"type": "string", "format": "objectid"}
    with pytest.raises(ValidationError, match="string_type"):
        adapter.validate_python(12)


@pytest.mark.parametrize("text", ["9.99", "NaN", "-Infinity", "1E+10"])
def test_bson_decimal_accepts_decimal128(text: str) -> None:
    validated = TypeAdapter(BsonDecimal).validate_python(bson.Decimal128(text))
    assert isinstance(validated, decimal.Decimal)
    assert str(validated) == str(decimal.Decimal(text))


def test_bson_decimal_rejects_garbage() -> None:
    with pytest.raises(ValidationError, match="decimal"):
        TypeAdapter(BsonDecimal).validate_python("not a number")
