from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from bson import Binary, Decimal128, Int64, ObjectId
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xcatalog.inference import infer_model
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.schema_models import SchemaRebuildError, model_from_schema, python_field_name

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def shop() -> Iterator[Any]:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import shop_models

        yield shop_models
    finally:
        sys.path.remove(str(EXAMPLES))


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


class Colour(Enum):
    RED = "red"
    GREEN = "green"


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = Field(9, ge=0, le=9)


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


class Tree(BaseModel):
    value: int
    children: list[Tree] = []


class Awkward(BaseModel):
    """Property names that are not safe Python names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first_name: str = Field(alias="first-name", min_length=1)
    klass: str = Field("x", alias="class")
    ident: int = Field(alias="_id")
    json_text: str = Field("", alias="json")


class Everything(BaseModel):
    code: Annotated[str, Field(pattern=r"^[A-Z]{2}\d$")]
    ratio: float = Field(gt=0, lt=1)
    step: int = Field(0, multiple_of=5)
    price: Decimal = Field(max_digits=6, decimal_places=2)
    when: date | None = None
    note: str | int | None = None
    colour: Colour = Colour.RED
    priority: Priority = Priority.LOW
    mode: Literal["a", "b"] = "a"
    fixed: Literal["only"] = "only"
    pair: tuple[int, str] | None = None
    labels: set[str] = set()
    counts: dict[str, int] = {}
    pet: Cat | Dog = Field(default_factory=Cat, discriminator="kind")
    tags: list[Annotated[str, Field(max_length=3)]] = Field(default_factory=list, max_length=4)


GOOD: dict[str, list[dict[str, Any]]] = {
    "Everything": [
        {"code": "AB1", "ratio": 0.5, "price": "12.34", "pet": {"kind": "cat"}},
        {
            "code": "ZZ9",
            "ratio": 0.1,
            "price": 1,
            "step": 10,
            "when": "2024-02-29",
            "note": 3,
            "colour": "green",
            "priority": 2,
            "mode": "b",
            "pair": [1, "x"],
            "labels": ["a", "a"],
            "counts": {"a": 1},
            "pet": {"kind": "dog"},
            "tags": ["abc", "d"],
        },
        {"code": "AA0", "ratio": 0.9, "price": "9999.99", "note": "text", "pet": {"kind": "cat", "lives": 3}},
    ],
    "Tree": [{"value": 1}, {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}],
    "Awkward": [{"first-name": "Ana", "_id": 1}, {"first-name": "B", "class": "c", "_id": "2", "json": "{}"}],
}
BAD: dict[str, list[dict[str, Any]]] = {
    "Everything": [
        {"code": "ab1", "ratio": 0.5, "price": "1"},
        {"code": "AB1", "ratio": 1, "price": "1"},
        {"code": "AB1", "ratio": 0.5, "price": "1.234"},
        {"code": "AB1", "ratio": 0.5, "price": "12345.6"},
        {"code": "AB1", "ratio": 0.5, "price": "1", "step": 3},
        {"code": "AB1", "ratio": 0.5, "price": "1", "when": "not a date"},
        {"code": "AB1", "ratio": 0.5, "price": "1", "note": 1.5},
        {"code": "AB1", "ratio": 0.5, "price": "1", "colour": "blue"},
        {"code": "AB1", "ratio": 0.5, "price": "1", "priority": 3},
        {"code": "AB1", "ratio": 0.5, "price": "1", "mode": "c"},
        {"code": "AB1", "ratio": 0.5, "price": "1", "fixed": "other"},
        {"code": "AB1", "ratio": 0.5, "price": "1", "pair": [1, 2, 3]},
        {"code": "AB1", "ratio": 0.5, "price": "1", "pet": {"kind": "fish"}},
        {"code": "AB1", "ratio": 0.5, "price": "1", "pet": {"kind": "cat", "lives": 10}},
        {"code": "AB1", "ratio": 0.5, "price": "1", "tags": ["long"]},
        {"code": "AB1", "ratio": 0.5, "price": "1", "tags": ["a"] * 5},
        {"ratio": 0.5, "price": "1"},
    ],
    "Tree": [{"children": []}, {"value": 1, "children": [{"value": "x"}]}],
    "Awkward": [{"_id": 1}, {"first-name": "", "_id": 1}, {"first-name": "A", "_id": 1, "extra": True}],
}
LOCAL_MODELS = {"Everything": Everything, "Tree": Tree, "Awkward": Awkward}


def _outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True)
    except ValidationError as exc:
        return sorted((tuple(str(part) for part in error["loc"]), error["type"]) for error in exc.errors())


@pytest.mark.parametrize("name", sorted(LOCAL_MODELS))
def test_rebuilt_model_has_the_same_schema(name: str) -> None:
    original = LOCAL_MODELS[name]
    rebuilt = model_from_schema(catalog_json_schema(original))
    assert catalog_json_schema(rebuilt) == catalog_json_schema(original)
    assert rebuilt is not original


@pytest.mark.parametrize(
    ("name", "data"),
    [(name, data) for name, cases in GOOD.items() for data in cases]
    + [(name, data) for name, cases in BAD.items() for data in cases],
)
def test_rebuilt_model_validates_the_same_data(name: str, data: dict[str, Any]) -> None:
    original = LOCAL_MODELS[name]
    rebuilt = model_from_schema(catalog_json_schema(original))
    expected = _outcome(original, data)
    assert _outcome(rebuilt, data) == expected
    # The case lists are honest: good ones validate, bad ones do not.
    assert isinstance(expected, dict) == (data in GOOD[name])


@pytest.mark.parametrize("name", ["User", "Order", "Product", "Money", "Address", "UserSettings", "PhoneNumber"])
def test_example_models_round_trip(shop: Any, name: str) -> None:
    original = getattr(shop, name)
    rebuilt = model_from_schema(catalog_json_schema(original))
    assert catalog_json_schema(rebuilt) == catalog_json_schema(original)


def test_rebuilt_example_order_validates_like_the_original(shop: Any) -> None:
    good = {
        "orderId": "o-1",
        "user_id": "u-1",
        "items": [{"sku": "ABC-0001", "quantity": 2, "unit_price": {"amount": "3.50", "currency": "EUR"}}],
        "shipping": {"street": "1 Main St", "city": "Springfield", "state": "IL", "zipCode": "62701"},
        "payment": {"method": "invoice", "due_days": 14},
        "placed_at": "2024-05-01T10:00:00Z",
        "note": 7,
    }
    bad_cases = [
        {**good, "items": []},
        {**good, "status": "lost"},
        {**good, "shipping": {**good["shipping"], "zipCode": "ABCDE"}},
        {**good, "items": [{"sku": "x", "quantity": 0, "unit_price": {"amount": "1"}}]},
        {**good, "payment": {"method": "card", "last4": "12"}},
        {**good, "items": [{"sku": "x", "quantity": 1, "unit_price": {"amount": "-1"}}]},
    ]
    original = shop.Order
    rebuilt = model_from_schema(catalog_json_schema(original))
    assert _outcome(rebuilt, good) == _outcome(original, good)
    assert isinstance(_outcome(original, good), dict)
    for case in bad_cases:
        assert not isinstance(_outcome(original, case), dict)
        assert _outcome(rebuilt, case) == _outcome(original, case)


def test_python_names_restore_the_original_field_names(shop: Any) -> None:
    rebuilt = model_from_schema(catalog_json_schema(shop.User), python_names={"User": {"_id": "id"}})
    assert "id" in rebuilt.model_fields
    assert rebuilt.model_fields["id"].alias == "_id"
    user = rebuilt.model_validate(
        {"_id": "u1", "email": "a@b.io", "username": "ana", "created_at": "2024-01-01T00:00:00"}
    )
    assert user.id == "u1"  # type: ignore[attr-defined]


def test_unsafe_property_names_get_safe_python_names() -> None:
    rebuilt = model_from_schema(catalog_json_schema(Awkward))
    assert set(rebuilt.model_fields) == {"first_name", "class_", "id", "json_"}
    assert {info.alias for info in rebuilt.model_fields.values()} == {"first-name", "class", "_id", "json"}


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("name", "name"),
        ("Fi-x", "Fi_x"),
        ("class", "class_"),
        ("_id", "id"),
        ("json", "json_"),
        ("1st", "field_1st"),
        ("--", "field"),
    ],
)
def test_python_field_name(prop: str, expected: str) -> None:
    assert python_field_name(prop) == expected


def test_enum_definitions_become_enums_with_their_docstring() -> None:
    class Status(Enum):
        """Order state."""

        OPEN = "open"

    class Holder(BaseModel):
        status: Status = Status.OPEN

    rebuilt = model_from_schema(catalog_json_schema(Holder))
    annotation = rebuilt.model_fields["status"].annotation
    assert isinstance(annotation, type) and issubclass(annotation, Enum)
    assert annotation.__doc__ == "Order state."
    assert rebuilt().model_dump(mode="json") == {"status": "open"}


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "string"}, "a model schema is an object"),
        (
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}},
            r"points nowhere; definitions available: \(none\)",
        ),
        ({"type": "object", "properties": {"a": {"$ref": "other.json#/X"}}}, "only local references"),
    ],
)
def test_bad_schemas_are_refused(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaRebuildError, match=message):
        model_from_schema(schema)


def test_name_and_module_can_be_chosen() -> None:
    rebuilt = model_from_schema(
        {"type": "object", "properties": {"a": {"type": "integer"}}}, name="Thing", module="mine"
    )
    assert (rebuilt.__name__, rebuilt.__module__) == ("Thing", "mine")
    assert rebuilt(a="1").a == 1  # type: ignore[attr-defined]


# Documents as pymongo returns them: the inference layer types these with ObjectIdStr, BsonDecimal, datetime...
INFERRED_DOCUMENTS: list[dict[str, Any]] = [
    {
        "_id": ObjectId("65f1c0ffee00000000000001"),
        "price": Decimal128("12.50"),
        "created": datetime(2024, 1, 2, 3, 4, 5),
        "shipping": {"city": "Oslo", "geo": {"lat": 59.9, "lon": 10.7}},
        "tags": ["new", "sale"],
        "lines": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": None}],
        "note": "fragile",
        "code": 7,
        "first-name": "Ana",
        "customer": ObjectId("65f1c0ffee0000000000aaaa"),
        "views": Int64(10),
        "blob": Binary(b"xy", 5),
        "token": uuid.UUID(int=1),
        "always_null": None,
    },
    {
        "_id": ObjectId("65f1c0ffee00000000000002"),
        "price": Decimal128("3"),
        "created": datetime(2024, 5, 6),
        "shipping": {"city": "Bergen"},
        "tags": [],
        "lines": [],
        "code": "X-7",
        "customer": None,
        "always_null": None,
    },
]


def _inferred_order() -> type[BaseModel]:
    return infer_model(INFERRED_DOCUMENTS, "orders")


def _stored(schema: dict[str, Any]) -> dict[str, Any]:
    # The store keeps JSON: rebuild from what comes back, not from the live dict.
    loaded: dict[str, Any] = json.loads(json.dumps(schema))
    return loaded


def test_rebuilt_inferred_model_keeps_its_json_schema() -> None:
    original = _inferred_order()
    schema = catalog_json_schema(original)
    assert schema["properties"]["_id"]["format"] == "objectid"  # what the regression was about
    rebuilt = model_from_schema(_stored(schema))
    assert catalog_json_schema(rebuilt) == schema
    assert catalog_json_schema(rebuilt, by_alias=True) == catalog_json_schema(original, by_alias=True)
    assert catalog_json_schema(rebuilt, mode="serialization") == catalog_json_schema(original, mode="serialization")


def _mixed_member_documents() -> list[dict[str, Any]]:
    good = [dict(document) for document in INFERRED_DOCUMENTS]
    as_json = json.loads(json.dumps(_inferred_order().model_validate(good[0]).model_dump(mode="json", by_alias=True)))
    return [
        *good,
        as_json,
        {**good[1], "_id": "65f1c0ffee00000000000003", "price": Decimal("1.25"), "customer": "abc"},
        {**good[1], "extra_key": {"kept": True}},  # the inferred models allow extra keys
    ]


BAD_INFERRED = [
    {**INFERRED_DOCUMENTS[1], "_id": 5},
    {**INFERRED_DOCUMENTS[1], "price": "twelve"},
    {**INFERRED_DOCUMENTS[1], "created": "not a date"},
    {**INFERRED_DOCUMENTS[1], "shipping": {"geo": {"lat": 1.0}}},
    {**INFERRED_DOCUMENTS[1], "lines": [{"qty": 1}]},
    {**INFERRED_DOCUMENTS[1], "code": 1.5},
    {**INFERRED_DOCUMENTS[1], "customer": 12},
    {key: value for key, value in INFERRED_DOCUMENTS[1].items() if key != "_id"},
]


@pytest.mark.parametrize("index", range(len(INFERRED_DOCUMENTS) + 3))
def test_rebuilt_inferred_model_accepts_the_same_documents(index: int) -> None:
    original = _inferred_order()
    rebuilt = model_from_schema(_stored(catalog_json_schema(original)))
    document = _mixed_member_documents()[index]
    expected = _outcome(original, document)
    assert isinstance(expected, dict), expected  # the original accepts it
    assert _outcome(rebuilt, document) == expected


@pytest.mark.parametrize("document", BAD_INFERRED, ids=range(len(BAD_INFERRED)))
def test_rebuilt_inferred_model_refuses_the_same_documents(document: dict[str, Any]) -> None:
    original = _inferred_order()
    rebuilt = model_from_schema(_stored(catalog_json_schema(original)))
    expected = _outcome(original, document)
    assert not isinstance(expected, dict)  # the original refuses it
    assert _outcome(rebuilt, document) == expected


@pytest.mark.parametrize(
    "prop",
    [
        {"type": "string", "format": "objectid", "title": "X"},
        {"type": "string", "format": "objectid", "minLength": 24, "maxLength": 24, "title": "X"},
        {"type": "string", "format": "email", "title": "X"},
        {"type": "integer", "format": "int64", "bsonType": "long", "title": "X"},
        {"type": "string", "format": "date-time", "x-source": {"collection": "orders", "path": ["a", 1]}, "title": "X"},
        {
            "items": {"type": "string", "format": "hostname", "x-rank": 1},
            "type": "array",
            "readOnly": True,
            "title": "X",
        },
        {"anyOf": [{"type": "string", "format": "objectid"}, {"type": "null"}], "default": None, "title": "X"},
        {"anyOf": [{"type": "integer", "format": "int32"}, {"type": "string"}], "writeOnly": True, "title": "X"},
        {"additionalProperties": {"type": "number", "format": "double"}, "type": "object", "x-map": True, "title": "X"},
        {"$ref": "#/$defs/Inner", "x-note": "kept beside the reference"},
    ],
)
def test_unknown_formats_and_keywords_are_kept(prop: dict[str, Any]) -> None:
    inner = {
        "properties": {"a": {"format": "int32", "title": "A", "type": "integer"}},
        "required": ["a"],
        "title": "Inner",
        "type": "object",
        "bsonType": "object",
    }
    schema: dict[str, Any] = {"properties": {"x": prop}, "title": "Holder", "type": "object", "x-kind": "holder"}
    if "$ref" in prop:
        schema["$defs"] = {"Inner": inner}
    assert model_from_schema(_stored(schema)).model_json_schema() == schema


def test_objectid_format_accepts_driver_values_and_keeps_constraints() -> None:
    rebuilt = model_from_schema(
        {"properties": {"_id": {"type": "string", "format": "objectid", "minLength": 24}}, "type": "object"}
    )
    assert rebuilt.model_validate({"_id": ObjectId("65f1c0ffee00000000000001")}).model_dump(by_alias=True) == {
        "_id": "65f1c0ffee00000000000001"
    }
    with pytest.raises(ValidationError, match="at least 24 characters"):
        rebuilt.model_validate({"_id": "short"})


def test_decimal_accepts_decimal128_and_keeps_its_digits() -> None:
    class Price(BaseModel):
        amount: Decimal = Field(max_digits=4, decimal_places=2)

    rebuilt = model_from_schema(catalog_json_schema(Price))
    assert catalog_json_schema(rebuilt) == catalog_json_schema(Price)
    assert rebuilt.model_validate({"amount": Decimal128("12.50")}).model_dump() == {"amount": Decimal("12.50")}
    with pytest.raises(ValidationError, match="no more than 4 digits"):
        rebuilt.model_validate({"amount": Decimal128("123.45")})


def test_optional_decimal_is_rebuilt_as_an_optional_decimal() -> None:
    class Price(BaseModel):
        amount: Decimal | None = Field(None, max_digits=4, decimal_places=2)

    schema = catalog_json_schema(Price)
    rebuilt = model_from_schema(_stored(schema))
    assert catalog_json_schema(rebuilt) == schema
    assert rebuilt.model_validate({"amount": "1.5"}).model_dump() == {"amount": Decimal("1.5")}
    assert rebuilt.model_validate({}).model_dump() == {"amount": None}
    with pytest.raises(ValidationError, match="no more than 2 decimal places"):
        rebuilt.model_validate({"amount": "1.234"})


# How pydantic 2.13's own model_json_schema() wrote Field(max_digits=4, decimal_places=2), before the marker.
LEGACY_DECIMAL = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "string",
            "pattern": r"^(?!^[-+.]*$)[+-]?0*(?:\d{0,2}|(?=[\d.]{1,5}0*$)\d{0,2}\.\d{0,2}0*$)",
        },
    ],
    "title": "Amount",
}


def test_decimal_stored_by_pydantic_2_13_is_still_a_decimal() -> None:
    rebuilt = model_from_schema({"properties": {"amount": LEGACY_DECIMAL}, "required": ["amount"], "type": "object"})
    assert rebuilt.model_validate({"amount": Decimal128("12.50")}).model_dump() == {"amount": Decimal("12.50")}
    with pytest.raises(ValidationError, match="no more than 4 digits"):
        rebuilt.model_validate({"amount": "123.45"})


def test_unmarked_number_or_string_stays_a_union() -> None:
    schema = {"properties": {"x": {"anyOf": [{"type": "number"}, {"type": "string"}]}}, "type": "object"}
    rebuilt = model_from_schema(schema)
    assert rebuilt.model_validate({"x": "abc"}).model_dump() == {"x": "abc"}
    assert rebuilt.model_validate({"x": 1.5}).model_dump() == {"x": 1.5}
