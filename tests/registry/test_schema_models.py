from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    rebuilt = model_from_schema(original.model_json_schema())
    assert rebuilt.model_json_schema() == original.model_json_schema()
    assert rebuilt is not original


@pytest.mark.parametrize(
    ("name", "data"),
    [(name, data) for name, cases in GOOD.items() for data in cases]
    + [(name, data) for name, cases in BAD.items() for data in cases],
)
def test_rebuilt_model_validates_the_same_data(name: str, data: dict[str, Any]) -> None:
    original = LOCAL_MODELS[name]
    rebuilt = model_from_schema(original.model_json_schema())
    expected = _outcome(original, data)
    assert _outcome(rebuilt, data) == expected
    # The case lists are honest: good ones validate, bad ones do not.
    assert isinstance(expected, dict) == (data in GOOD[name])


@pytest.mark.parametrize("name", ["User", "Order", "Product", "Money", "Address", "UserSettings", "PhoneNumber"])
def test_example_models_round_trip(shop: Any, name: str) -> None:
    original = getattr(shop, name)
    rebuilt = model_from_schema(original.model_json_schema())
    assert rebuilt.model_json_schema() == original.model_json_schema()


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
    rebuilt = model_from_schema(original.model_json_schema())
    assert _outcome(rebuilt, good) == _outcome(original, good)
    assert isinstance(_outcome(original, good), dict)
    for case in bad_cases:
        assert not isinstance(_outcome(original, case), dict)
        assert _outcome(rebuilt, case) == _outcome(original, case)


def test_python_names_restore_the_original_field_names(shop: Any) -> None:
    rebuilt = model_from_schema(shop.User.model_json_schema(), python_names={"User": {"_id": "id"}})
    assert "id" in rebuilt.model_fields
    assert rebuilt.model_fields["id"].alias == "_id"
    user = rebuilt.model_validate(
        {"_id": "u1", "email": "a@b.io", "username": "ana", "created_at": "2024-01-01T00:00:00"}
    )
    assert user.id == "u1"  # type: ignore[attr-defined]


def test_unsafe_property_names_get_safe_python_names() -> None:
    rebuilt = model_from_schema(Awkward.model_json_schema())
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

    rebuilt = model_from_schema(Holder.model_json_schema())
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
