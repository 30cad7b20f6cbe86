from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import bson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from xcatalog.errors import InferenceError
from xcatalog.inference import infer_model, json_schema, model_source, mongo_validator
from xcatalog.registry.json_schemas import catalog_json_schema

FORBIDDEN_IN_MONGO = {"$ref", "$defs", "type", "format", "default", "examples", "const", "discriminator"}


def exec_source(source: str) -> dict[str, Any]:
    # dont_inherit: this test module's ``from __future__ import annotations``
    # must not leak into the generated code (its classes would get string
    # annotations that pydantic cannot resolve in a bare exec namespace).
    namespace: dict[str, Any] = {}
    exec(compile(source, "<model_source>", "exec", dont_inherit=True), namespace)
    return namespace


def assert_equivalent(model: type[BaseModel], documents: list[dict[str, Any]]) -> type[BaseModel]:
    source = model_source(model)
    rebuilt = exec_source(source)[model.__name__]
    assert rebuilt is not model
    assert catalog_json_schema(rebuilt) == catalog_json_schema(model)
    for document in documents:
        # repr: NaN (float or Decimal) is not equal to itself, but prints the same.
        ours = repr(model.model_validate(document).model_dump(by_alias=True))
        theirs = repr(rebuilt.model_validate(document).model_dump(by_alias=True))
        assert theirs == ours
    return rebuilt


def test_source_of_every_fixture_defines_an_equivalent_model(
    fixture_documents: tuple[str, list[dict[str, Any]]],
) -> None:
    name, documents = fixture_documents
    assert_equivalent(infer_model(documents, name), documents)


def test_source_layout() -> None:
    documents = [{"_id": bson.ObjectId(), "at": dt.datetime(2024, 1, 1), "first-name": "Ana", "items": [{"sku": "A"}]}]
    source = model_source(infer_model(documents, "Order"))
    lines = source.splitlines()
    assert lines[:6] == [
        "from datetime import datetime",
        "",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
        "from xcatalog.inference.bson_types import ObjectIdStr",
        "",
    ]
    assert source.index("class OrderItemsItem(BaseModel):") < source.index("class Order(BaseModel):")
    assert '    id: ObjectIdStr = Field(alias="_id")' in lines
    assert '    first_name: str = Field(alias="first-name")' in lines
    assert "    items: list[OrderItemsItem]" in lines
    assert "from __future__" not in source
    compile(source, "<model_source>", "exec")


def test_optional_fields_render_their_default() -> None:
    source = model_source(infer_model([{"a": 1, "$b": 2}, {}], "Doc"))
    assert "    a: int | None = None" in source
    assert '    b: int | None = Field(None, alias="$b")' in source


def test_literal_and_any_render() -> None:
    model = infer_model([{"s": "x", "r": bson.Regex("a")}], "Doc", categorical={"s": ["x", "y's"]})
    source = model_source(model)
    assert """    s: Literal["x", "y's"]""" in source
    assert "    r: Any" in source
    assert "from typing import Any, Literal" in source
    assert_equivalent(model, [{"s": "x", "r": bson.Regex("a")}])


class Address(BaseModel):
    city: str = Field(min_length=1, description="Where")
    zip_code: str | None = Field(None, alias="zip")


class Customer(BaseModel):
    """A hand-written model."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(max_length=50, title="Full name")
    age: int = Field(18, ge=0, lt=200)
    tags: list[str] = Field(default_factory=list)
    kind: Literal["a", "b"] = "a"
    address: Address
    home: Address | None = None
    ratio: float = float("inf")


def test_static_models_render_too() -> None:
    source = model_source(Customer)
    assert source.index("class Address(BaseModel):") < source.index("class Customer(BaseModel):")
    assert '    name: str = Field(max_length=50, title="Full name")' in source
    assert "    age: int = Field(18, ge=0, lt=200)" in source
    assert "    tags: list[str] = Field(default_factory=list)" in source
    assert '    ratio: float = float("inf")' in source
    assert 'model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)' in source
    rebuilt = exec_source(source)["Customer"]
    assert catalog_json_schema(rebuilt) == catalog_json_schema(Customer)


class Node(BaseModel):
    children: list[Node] = []


class Odd(BaseModel):
    value: Annotated[int, AfterValidator(abs)]


class LocalDefault(BaseModel):
    when: dt.date = dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (Node, r"recursive models \(Node -> Node\)"),
        (Odd, r"cannot write the annotation metadata AfterValidator"),
        (LocalDefault, r"cannot write the value datetime.date\(2024, 1, 1\) of LocalDefault.when"),
    ],
)
def test_unrenderable_models_are_explained(model: type[BaseModel], match: str) -> None:
    with pytest.raises(InferenceError, match=match):
        model_source(model)


def test_json_schema_uses_the_stored_keys() -> None:
    schema = json_schema(infer_model([{"_id": 1, "first-name": "x"}], "Doc"))
    assert list(schema["properties"]) == ["_id", "first-name"]
    assert schema["required"] == ["_id", "first-name"]


def schema_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sub-schema of a $jsonSchema (property maps are not schemas themselves)."""
    found = [node]
    for key, value in node.items():
        if key == "properties":
            for sub in value.values():
                found.extend(schema_nodes(sub))
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            found.extend(schema_nodes(value))
        elif key in ("anyOf", "oneOf", "allOf"):
            for sub in value:
                found.extend(schema_nodes(sub))
    return found


def test_mongo_validator_shape() -> None:
    documents = [
        {
            "_id": bson.ObjectId(),
            "at": dt.datetime(2024, 1, 1),
            "n": 1,
            "x": 1.5,
            "price": bson.Decimal128("1"),
            "flag": True,
            "blob": b"x",
            "shipping": {"city": "Oslo"},
            "items": [{"sku": "A"}],
            "status": "new",
        },
        {"_id": bson.ObjectId(), "at": dt.datetime(2024, 1, 2), "n": None, "type": "a field named type"},
    ]
    validator = mongo_validator(infer_model(documents, "Order", categorical={"status": ["new"]}))
    assert list(validator) == ["$jsonSchema"]
    schema = validator["$jsonSchema"]
    nodes = schema_nodes(schema)
    assert len(nodes) > 20
    for node in nodes:
        assert not FORBIDDEN_IN_MONGO & set(node), node
    properties = schema["properties"]
    assert schema["bsonType"] == "object"
    assert schema["required"] == ["_id", "at"]
    assert properties["_id"]["bsonType"] == "objectId"
    assert properties["at"]["bsonType"] == "date"
    assert properties["n"]["anyOf"] == [{"bsonType": ["int", "long"]}, {"bsonType": "null"}]
    assert {"bsonType": ["double", "int", "long", "decimal"]} in properties["x"]["anyOf"]
    assert {"bsonType": ["double", "int", "long", "decimal"]} in properties["price"]["anyOf"]
    assert {"bsonType": "bool"} in properties["flag"]["anyOf"]
    assert {"bsonType": "binData"} in properties["blob"]["anyOf"]
    shipping = properties["shipping"]["anyOf"][0]
    assert shipping["bsonType"] == "object" and shipping["properties"]["city"]["bsonType"] == "string"
    items = properties["items"]["anyOf"][0]
    assert items["bsonType"] == "array" and items["items"]["properties"]["sku"]["bsonType"] == "string"
    assert {"bsonType": "string", "enum": ["new"]} in properties["status"]["anyOf"]
    assert properties["type"]["anyOf"][0] == {"bsonType": "string"}


def test_mongo_validator_converts_exclusive_bounds() -> None:
    class Bounded(BaseModel):
        score: float = Field(gt=0, lt=10)

    score = mongo_validator(Bounded)["$jsonSchema"]["properties"]["score"]
    assert score == {
        "bsonType": ["double", "int", "long", "decimal"],
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 10,
        "exclusiveMaximum": True,
        "title": "Score",
    }


def test_mongo_validator_refuses_recursion() -> None:
    with pytest.raises(InferenceError, match="refers to Node recursively"):
        mongo_validator(Node)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
json_keys = st.sampled_from(["_id", "class", "first-name", "", "json", "a.b"]) | st.text(max_size=4)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(json_keys, children, max_size=3),
    max_leaves=10,
)


@given(st.lists(st.dictionaries(json_keys, json_values, max_size=5), min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_source_round_trip_on_generated_documents(documents: list[dict[str, Any]]) -> None:
    assert_equivalent(infer_model(documents, "Generated"), documents)
