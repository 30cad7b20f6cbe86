from __future__ import annotations

import datetime as dt
import decimal
import types
from typing import Any, Literal, Union, get_args, get_origin

import bson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from xcatalog.errors import InferenceError
from xcatalog.inference import BsonDecimal, ObjectIdStr, analyze_documents, infer_model, model_from_stats, model_source

from .conftest import FIXTURES


def members(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return list(get_args(annotation))
    return [annotation]


def test_every_fixture_model_validates_its_documents(fixture_documents: tuple[str, list[dict[str, Any]]]) -> None:
    name, documents = fixture_documents
    model = infer_model(documents, name)
    for document in documents:
        validated = model.model_validate(document)
        # Round trip through the aliases gives the same instance back.
        assert model.model_validate(validated.model_dump(by_alias=True)) == validated


def test_sub_models_are_named_from_the_path() -> None:
    documents = [
        {"_id": 1, "shipping": {"address": {"city": "Oslo"}}, "items": [{"sku": "A", "parts": [{"n": 1}]}]},
        {"_id": 2, "matrix": [[{"x": 1}]]},
    ]
    order = infer_model(documents, "Order")
    shipping = members(order.model_fields["shipping"].annotation)[0]
    address = shipping.model_fields["address"].annotation
    item = get_args(members(order.model_fields["items"].annotation)[0])[0]
    part = get_args(item.model_fields["parts"].annotation)[0]
    cell = get_args(get_args(members(order.model_fields["matrix"].annotation)[0])[0])[0]
    assert [shipping.__name__, address.__name__, item.__name__, part.__name__, cell.__name__] == [
        "OrderShipping",
        "OrderShippingAddress",
        "OrderItemsItem",
        "OrderItemsItemPartsItem",
        "OrderMatrixItemItem",
    ]


def test_colliding_class_names_are_deduplicated_readably() -> None:
    documents = [{"a_b": {"x": 1}, "aB": {"y": 2}, "a-b": {"z": 3}, "a--b": {"w": 4}}]
    model = infer_model(documents, "Doc")
    names = [field.annotation.__name__ for field in model.model_fields.values()]
    assert names == ["DocAB", "Doc_aB", "Doc_a_b", "DocAB2"]
    assert not any(name.startswith("Model") for name in names)


def test_root_name_is_pascal_cased_and_kept_clear_of_imports() -> None:
    assert infer_model([{}], "orders").__name__ == "Orders"
    assert infer_model([{}], "field").__name__ == "FieldModel"


def test_optional_required_and_defaults() -> None:
    documents = [{"always": 1, "sometimes": 1, "nullable": None}, {"always": 2, "nullable": 3}]
    model = infer_model(documents, "Doc")
    fields = model.model_fields
    assert fields["always"].annotation is int and fields["always"].is_required()
    assert fields["sometimes"].annotation == int | None and fields["sometimes"].default is None
    assert fields["nullable"].annotation == int | None and not fields["nullable"].is_required()
    with pytest.raises(ValidationError, match="always"):
        model.model_validate({"sometimes": 1})


def test_union_members_are_ordered_by_frequency() -> None:
    documents = [{"v": "a"}, {"v": "b"}, {"v": 1}, {"v": 2}, {"v": 3}, {"v": True}]
    assert members(infer_model(documents, "Doc").model_fields["v"].annotation) == [int, str, bool]


@pytest.mark.parametrize(
    ("value", "expected_type"),
    [(True, bool), (False, bool), (1, int), (0, int), ("1", str), ("true", str), (1.0, float), (1.5, float)],
)
def test_smart_union_keeps_each_values_own_type(value: Any, expected_type: type) -> None:
    documents = [{"v": True}, {"v": 1}, {"v": "x"}, {"v": 2.5}]
    model = infer_model(documents, "Doc")
    validated = model.model_validate({"v": value}).v  # type: ignore[attr-defined]
    assert type(validated) is expected_type
    assert validated == value


@pytest.mark.parametrize("order", [[1, True], [True, 1], [True, True, 1]])
def test_bool_and_int_stay_apart_whatever_the_order(order: list[Any]) -> None:
    model = infer_model([{"v": value} for value in order], "Doc")
    assert type(model.model_validate({"v": True}).v) is bool  # type: ignore[attr-defined]
    assert type(model.model_validate({"v": 1}).v) is int  # type: ignore[attr-defined]


def test_bson_values_are_accepted_and_converted() -> None:
    oid = bson.ObjectId()
    documents = [
        {"_id": oid, "price": bson.Decimal128("1.10"), "at": dt.datetime(2024, 1, 1), "blob": bson.Binary(b"x", 4)}
    ]
    model = infer_model(documents, "Doc")
    fields = model.model_fields
    assert fields["id"].annotation is ObjectIdStr and fields["id"].alias == "_id"
    assert fields["price"].annotation is BsonDecimal
    assert fields["at"].annotation is dt.datetime
    assert fields["blob"].annotation is bytes
    validated = model.model_validate(documents[0])
    assert validated.id == str(oid)  # type: ignore[attr-defined]
    assert validated.price == decimal.Decimal("1.10")  # type: ignore[attr-defined]


def test_objectid_mixed_with_strings_keeps_both() -> None:
    model = infer_model([{"ref": bson.ObjectId()}, {"ref": bson.ObjectId()}, {"ref": "legacy"}], "Doc")
    assert members(model.model_fields["ref"].annotation) == [ObjectIdStr, str]


def test_other_bson_types_become_any() -> None:
    model = infer_model([{"pattern": bson.Regex("a"), "mixed": bson.Timestamp(1, 1)}, {"mixed": 1}], "Doc")
    assert model.model_fields["pattern"].annotation is Any
    assert model.model_fields["mixed"].annotation is Any


def test_arrays() -> None:
    documents = [
        {"tags": ["a", "b"], "empty": [], "mixed": [1, "a", None], "nested": [[1], []]},
        {"tags": [], "empty": [], "mixed": [], "nested": []},
    ]
    fields = infer_model(documents, "Doc").model_fields
    assert fields["tags"].annotation == list[str]
    assert fields["empty"].annotation == list[Any]
    assert fields["mixed"].annotation == list[int | str | None]
    assert fields["nested"].annotation == list[list[int]]


def test_deep_and_map_like_objects_become_dicts() -> None:
    deep = infer_model(FIXTURES["deep_nesting"], "Deep", max_depth=2)
    level = members(deep.model_fields["level11"].annotation)[0]
    level = members(level.model_fields["level10"].annotation)[0]
    assert members(level.model_fields["level9"].annotation)[0] == dict[str, Any]
    assert infer_model(FIXTURES["map_like"], "Days").model_fields["by_day"].annotation == dict[str, Any]
    many = [{"wide": {f"k{index}": index for index in range(30)}}]
    assert infer_model(many, "Wide", max_fields=10).model_fields["wide"].annotation == dict[str, Any]
    assert infer_model([{"empty": {}}], "E").model_fields["empty"].annotation == dict[str, Any]


def test_weird_keys_become_aliases_and_validate() -> None:
    documents = FIXTURES["weird_keys"]
    model = infer_model(documents, "Weird")
    aliases = {name: field.alias for name, field in model.model_fields.items() if field.alias}
    assert aliases["id"] == "_id"
    assert aliases["first_name_2"] == "first-name"
    assert aliases["class_"] == "class"
    assert aliases["ref"] == "$ref"
    assert aliases["json_"] == "json"
    assert aliases["field_model_dump"] == "model_dump"
    assert "first_name" in model.model_fields and model.model_fields["first_name"].alias is None
    validated = model.model_validate(documents[0])
    assert validated.model_dump(by_alias=True, exclude_unset=True) == documents[0]
    # Populating by field name works too.
    assert model.model_validate({"id": 5, "first_name_2": "Cy"}).first_name_2 == "Cy"  # type: ignore[attr-defined]


def test_extra_keys_are_kept_by_default_and_configurable() -> None:
    documents = [{"a": 1}]
    assert infer_model(documents, "Doc").model_validate({"a": 1, "new": 2}).model_extra == {"new": 2}
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        infer_model(documents, "Doc", extra="forbid").model_validate({"a": 1, "new": 2})


def test_categorical_fields_become_literals() -> None:
    documents = [{"status": "new"}, {"status": "paid"}, {"status": None}]
    model = infer_model(documents, "Doc", categorical={"status": ["new", "paid", "new"]})
    assert model.model_fields["status"].annotation == Literal["new", "paid"] | None
    assert model.model_validate({"status": "paid"}).status == "paid"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="literal_error"):
        model.model_validate({"status": "lost"})
    required = infer_model([{"s": "a"}], "Doc", categorical={"s": ["a", "b", None]})
    assert required.model_fields["s"].annotation == Literal["a", "b"] | None


def test_type_overrides_replace_the_inferred_type() -> None:
    documents = [{"when": "2024-01-01", "n": 1}, {"n": 2}]
    model = infer_model(documents, "Doc", type_overrides={"when": dt.date, "n": float})
    assert model.model_fields["when"].annotation == dt.date | None
    assert model.model_fields["n"].annotation is float


@pytest.mark.parametrize(
    ("option", "match"),
    [
        (
            {"categorical": {"nope": ["a"]}},
            r"categorical names paths that are not in the statistics: 'nope'. Known paths: a",
        ),
        ({"type_overrides": {"a.b": int}}, r"type_overrides names paths .*'a.b'"),
        ({"categorical": {"a": [None]}}, r"categorical\['a'\] has no non-null value"),
    ],
)
def test_bad_options_are_explained(option: dict[str, Any], match: str) -> None:
    with pytest.raises(InferenceError, match=match):
        model_from_stats(analyze_documents([{"a": "x"}]), "Doc", **option)


def test_generation_is_deterministic() -> None:
    stats = analyze_documents(FIXTURES["weird_keys"] + FIXTURES["nested"] + FIXTURES["array_of_subdocuments"])
    first, second = model_from_stats(stats, "Doc"), model_from_stats(stats, "Doc")
    assert first is not second
    assert model_source(first) == model_source(second)
    assert first.model_json_schema() == second.model_json_schema()


def test_empty_collection_gives_an_empty_model() -> None:
    model = infer_model([], "Nothing")
    assert model.model_fields == {}
    assert model.model_validate({"anything": 1}).model_extra == {"anything": 1}


def test_docstrings_say_what_the_model_rests_on() -> None:
    stats = analyze_documents([{"s": {"a": 1}}] * 3, total_count=1000)
    model = model_from_stats(stats, "Doc")
    assert model.__doc__ == "Inferred by xcatalog from 3 documents (sampled from 1,000)."
    assert members(model.model_fields["s"].annotation)[0].__doc__ == "Sub-document at `s` (3 seen)."


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=6)
    | st.datetimes()
    | st.builds(bson.ObjectId)
    | st.decimals(min_value=-(10**9), max_value=10**9, places=3).map(bson.Decimal128)
)
weird_keys = st.sampled_from(
    ["_id", "class", "first-name", "first_name", "$ref", "2fa", "", "model_dump", "json", "ﬁeld", "a.b", "None", "str"]
)
json_keys = weird_keys | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(json_keys, children, max_size=4),
    max_leaves=15,
)
json_documents = st.lists(st.dictionaries(json_keys, json_values, max_size=6), min_size=1, max_size=6)


@given(json_documents)
@settings(max_examples=150, deadline=None)
def test_generated_models_validate_every_source_document(documents: list[dict[str, Any]]) -> None:
    model = infer_model(documents, "Generated", max_depth=3)
    assert issubclass(model, BaseModel)
    for document in documents:
        model.model_validate(document)
