from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, create_model

from xcatalog.errors import RegistryError
from xcatalog.registry.schema_diff import (
    ChangeKind,
    Impact,
    InvalidVersion,
    SchemaChange,
    bump_version,
    classify,
    diff_schemas,
    parse_version,
)


def schema_of(**fields: Any) -> dict[str, Any]:
    """JSON schema of a model named ``Model`` with these create_model field definitions."""
    model = create_model("Model", **fields)
    json_schema: dict[str, Any] = model.model_json_schema()
    return json_schema


def summary(changes: list[SchemaChange]) -> set[tuple[str, str, str]]:
    return {(change.kind.value, change.path, change.impact.value) for change in changes}


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StatusWithHold(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    HOLD = "hold"


class StatusOpenOnly(StrEnum):
    OPEN = "open"


FIELD_CASES = [
    # old fields, new fields, expected (kind, path, impact)
    pytest.param(
        {"a": (int, ...), "b": (int, ...)}, {"a": (int, ...)}, ("field_removed", "b", "major"), id="field removed"
    ),
    pytest.param(
        {"a": (int, ...)}, {"a": (int, ...), "b": (int, 0)}, ("field_added", "b", "minor"), id="optional field added"
    ),
    pytest.param(
        {"a": (int, ...)}, {"a": (int, ...), "b": (int, ...)}, ("field_added", "b", "major"), id="required field added"
    ),
    pytest.param({"a": (int, 0)}, {"a": (int, ...)}, ("required_changed", "a", "major"), id="optional to required"),
    pytest.param({"a": (int, ...)}, {"a": (int, 0)}, ("required_changed", "a", "minor"), id="required to optional"),
    pytest.param({"a": (int, ...)}, {"a": (str, ...)}, ("type_changed", "a", "major"), id="int to str"),
    pytest.param({"a": (int, ...)}, {"a": (float, ...)}, ("type_changed", "a", "minor"), id="int to float widens"),
    pytest.param({"a": (float, ...)}, {"a": (int, ...)}, ("type_changed", "a", "major"), id="float to int narrows"),
    pytest.param({"a": (int, ...)}, {"a": (int | None, ...)}, ("type_changed", "a", "minor"), id="becomes nullable"),
    pytest.param(
        {"a": (int | None, ...)}, {"a": (int, ...)}, ("type_changed", "a", "major"), id="stops being nullable"
    ),
    pytest.param({"a": (int | str, ...)}, {"a": (int, ...)}, ("type_changed", "a", "major"), id="union loses option"),
    pytest.param({"a": (int, ...)}, {"a": (int | str, ...)}, ("type_changed", "a", "minor"), id="union gains option"),
    pytest.param(
        {"a": (Literal["x", "y"], ...)},
        {"a": (Literal["x"], ...)},
        ("enum_values_removed", "a", "major"),
        id="literal loses value",
    ),
    pytest.param(
        {"a": (Literal["x"], ...)},
        {"a": (Literal["x", "y"], ...)},
        ("enum_values_added", "a", "minor"),
        id="literal gains value",
    ),
    pytest.param(
        {"s": (Status, ...)}, {"s": (StatusWithHold, ...)}, ("enum_values_added", "s", "minor"), id="enum gains value"
    ),
    pytest.param(
        {"s": (Status, ...)}, {"s": (StatusOpenOnly, ...)}, ("enum_values_removed", "s", "major"), id="enum loses value"
    ),
    pytest.param(
        {"a": (str, ...)}, {"a": (Literal["x"], ...)}, ("constraint_changed", "a", "major"), id="str becomes literal"
    ),
    pytest.param(
        {"a": (Literal["x"], ...)}, {"a": (str, ...)}, ("constraint_changed", "a", "minor"), id="literal becomes str"
    ),
    pytest.param(
        {"a": (str, Field(min_length=1))},
        {"a": (str, Field(min_length=3))},
        ("constraint_changed", "a", "major"),
        id="min_length raised",
    ),
    pytest.param(
        {"a": (str, Field(min_length=3))},
        {"a": (str, Field(min_length=1))},
        ("constraint_changed", "a", "minor"),
        id="min_length lowered",
    ),
    pytest.param(
        {"a": (str, ...)},
        {"a": (str, Field(max_length=5))},
        ("constraint_changed", "a", "major"),
        id="max_length added",
    ),
    pytest.param(
        {"a": (str, Field(max_length=5))},
        {"a": (str, Field(max_length=9))},
        ("constraint_changed", "a", "minor"),
        id="max_length raised",
    ),
    pytest.param(
        {"a": (list[int], Field(max_length=5))},
        {"a": (list[int], Field(max_length=2))},
        ("constraint_changed", "a", "major"),
        id="max_items lowered",
    ),
    pytest.param(
        {"a": (int, Field(gt=0))}, {"a": (int, Field(ge=0))}, ("constraint_changed", "a", "minor"), id="gt becomes ge"
    ),
    pytest.param(
        {"a": (int, Field(ge=0))}, {"a": (int, Field(gt=0))}, ("constraint_changed", "a", "major"), id="ge becomes gt"
    ),
    pytest.param(
        {"a": (int, Field(ge=0))},
        {"a": (int, Field(ge=5))},
        ("constraint_changed", "a", "major"),
        id="lower bound raised",
    ),
    pytest.param(
        {"a": (int, ...)}, {"a": (int, Field(le=10))}, ("constraint_changed", "a", "major"), id="upper bound added"
    ),
    pytest.param(
        {"a": (int, Field(lt=10))}, {"a": (int, ...)}, ("constraint_changed", "a", "minor"), id="upper bound removed"
    ),
    pytest.param(
        {"a": (str, ...)}, {"a": (str, Field(pattern="^x"))}, ("constraint_changed", "a", "major"), id="pattern added"
    ),
    pytest.param(
        {"a": (str, Field(pattern="^x"))}, {"a": (str, ...)}, ("constraint_changed", "a", "minor"), id="pattern removed"
    ),
    pytest.param(
        {"a": (str, Field(pattern="^x"))},
        {"a": (str, Field(pattern="^y"))},
        ("constraint_changed", "a", "major"),
        id="pattern changed",
    ),
    pytest.param(
        {"a": (int, Field(multiple_of=2))},
        {"a": (int, Field(multiple_of=4))},
        ("constraint_changed", "a", "major"),
        id="multiple_of coarser",
    ),
    pytest.param(
        {"a": (int, Field(multiple_of=4))},
        {"a": (int, Field(multiple_of=2))},
        ("constraint_changed", "a", "minor"),
        id="multiple_of finer",
    ),
    pytest.param(
        {"a": (list[int], ...)}, {"a": (set[int], ...)}, ("constraint_changed", "a", "major"), id="unique items on"
    ),
    pytest.param(
        {"a": (int, Field(description="x"))},
        {"a": (int, Field(description="y"))},
        ("description_changed", "a", "patch"),
        id="description changed",
    ),
    pytest.param(
        {"a": (int, Field(title="A"))},
        {"a": (int, Field(title="Alpha"))},
        ("metadata_changed", "a", "patch"),
        id="title changed",
    ),
    pytest.param(
        {"a": (int, Field(examples=[1]))},
        {"a": (int, Field(examples=[2]))},
        ("metadata_changed", "a", "patch"),
        id="examples changed",
    ),
    pytest.param({"a": (int, 1)}, {"a": (int, 2)}, ("default_changed", "a", "minor"), id="default changed"),
    pytest.param(
        {"a": (int, 1)}, {"a": (int, Field(1, deprecated=True))}, ("metadata_changed", "a", "minor"), id="deprecated"
    ),
    pytest.param(
        {"a": (int, Field(json_schema_extra={"x-widget": "slider"}))},
        {"a": (int, ...)},
        ("metadata_changed", "a", "patch"),
        id="extra key",
    ),
    pytest.param(
        {"a": (list[int], ...)}, {"a": (list[str], ...)}, ("type_changed", "a[]", "major"), id="list item type"
    ),
    pytest.param(
        {"a": (dict[str, int], ...)},
        {"a": (dict[str, str], ...)},
        ("type_changed", "a{}", "major"),
        id="dict value type",
    ),
    pytest.param(
        {"a": (tuple[int, str], ...)},
        {"a": (tuple[int, int], ...)},
        ("type_changed", "a[1]", "major"),
        id="tuple position",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), FIELD_CASES)
def test_each_rule_reports_kind_path_and_impact(
    old: dict[str, Any], new: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    changes = diff_schemas(schema_of(**old), schema_of(**new))
    assert expected in summary(changes)
    # The overall classification is never lower than the expected change.
    assert classify(changes).rank >= Impact(expected[2]).rank


@pytest.mark.parametrize(
    "fields",
    [
        {"a": (int, ...)},
        {"a": (int | None, None), "b": (list[dict[str, float]], [])},
        {"s": (Status, Status.OPEN), "t": (Literal["x", "y"], "x")},
        {"a": (Annotated[str, Field(min_length=2, pattern="^a")], ...)},
    ],
)
def test_identical_schemas_have_no_changes(fields: dict[str, Any]) -> None:
    assert diff_schemas(schema_of(**fields), schema_of(**fields)) == []


def test_union_order_is_not_a_change() -> None:
    assert diff_schemas(schema_of(a=(int | str, ...)), schema_of(a=(str | int, ...))) == []


class Address(BaseModel):
    zip: str
    city: str


class AddressV2(BaseModel):
    zip: int
    city: str
    country: str = "NL"


class Order(BaseModel):
    shipping: Address
    billing: Address | None = None
    history: list[Address] = []


class OrderV2(BaseModel):
    shipping: AddressV2
    billing: AddressV2 | None = None
    history: list[AddressV2] = []


def test_nested_changes_have_dotted_paths_through_refs() -> None:
    found = summary(diff_schemas(Order.model_json_schema(), OrderV2.model_json_schema()))
    for prefix in ("shipping", "billing", "history[]"):
        assert ("type_changed", f"{prefix}.zip", "major") in found
        assert ("field_added", f"{prefix}.country", "minor") in found
    assert not any(path.endswith(".city") for _, path, _ in found)


class Node(BaseModel):
    children: list[Node] = []
    parent: Node | None = None


class NodeV2(BaseModel):
    children: list[NodeV2] = []
    parent: NodeV2 | None = None
    label: str = ""


def test_recursive_models_terminate_and_report_once_per_level() -> None:
    changes = diff_schemas(Node.model_json_schema(), NodeV2.model_json_schema())
    added = [change.path for change in changes if change.kind is ChangeKind.FIELD_ADDED]
    assert added == ["label"]
    assert classify(changes) is Impact.MINOR


def test_model_level_description_and_title_are_patches() -> None:
    class Before(BaseModel):
        """Old words."""

        a: int

    class After(BaseModel):
        """New words."""

        a: int

    changes = diff_schemas(Before.model_json_schema(), After.model_json_schema())
    assert summary(changes) == {("description_changed", "", "patch"), ("metadata_changed", "", "patch")}
    assert classify(changes) is Impact.PATCH


@pytest.mark.parametrize(
    ("old_extra", "new_extra", "impact"),
    [("allow", "forbid", "major"), ("forbid", "allow", "minor"), ("ignore", "forbid", "major")],
)
def test_forbidding_unknown_keys_is_breaking(old_extra: str, new_extra: str, impact: str) -> None:
    old = create_model("Model", __config__=ConfigDict(extra=old_extra), a=(int, ...))  # type: ignore[typeddict-item]
    new = create_model("Model", __config__=ConfigDict(extra=new_extra), a=(int, ...))  # type: ignore[typeddict-item]
    assert ("constraint_changed", "", impact) in summary(diff_schemas(old.model_json_schema(), new.model_json_schema()))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            {"type": "object", "properties": {"a": {"not": {"type": "null"}}}},
            {"type": "object", "properties": {"a": {}}},
            ("field_modified", "a", "major"),
        ),
        (
            {"type": "object", "properties": {"a": {"type": "integer", "x-ui": 1}}},
            {"type": "object", "properties": {"a": {"type": "integer", "x-ui": 2}}},
            ("metadata_changed", "a", "patch"),
        ),
        (
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            {"type": "object", "properties": {"a": {}}},
            ("type_changed", "a", "minor"),
        ),
        (
            {"type": "object", "properties": {"a": {"$ref": "other.json#/A"}}},
            {"type": "object", "properties": {"a": {"$ref": "other.json#/B"}}},
            ("field_modified", "a", "major"),
        ),
        (
            {"type": "object", "properties": {"a": {"type": ["integer", "null"]}}},
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            ("type_changed", "a", "major"),
        ),
    ],
)
def test_raw_schema_keywords(old: dict[str, Any], new: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in summary(diff_schemas(old, new))


def test_changes_serialise_with_breaking_flag() -> None:
    changes = diff_schemas(schema_of(a=(int, ...)), schema_of(b=(int, 0)))
    dumped = [change.model_dump(mode="json") for change in changes]
    assert {"kind": "field_removed", "path": "a", "breaking": True} | dumped[0] == dumped[0]
    assert dumped[1]["breaking"] is False
    json.dumps(dumped)  # JSON-ready for the store


@pytest.mark.parametrize(
    ("impact", "expected"),
    [(Impact.MAJOR, "2.0.0"), (Impact.MINOR, "1.5.0"), (Impact.PATCH, "1.4.3")],
)
def test_bump_version_by_impact(impact: Impact, expected: str) -> None:
    assert bump_version("1.4.2", impact) == expected


def test_bump_version_from_changes_takes_the_highest_impact() -> None:
    changes = diff_schemas(schema_of(a=(int, ...), b=(str, ...)), schema_of(a=(float, ...)))
    assert classify(changes) is Impact.MAJOR
    assert bump_version("0.3.1", changes) == "1.0.0"


def test_no_change_is_a_patch() -> None:
    assert classify([]) is Impact.PATCH
    assert bump_version("1.0.0", []) == "1.0.1"


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-rc1", "01.0.0", "", "a.b.c", "1..0"])
def test_malformed_versions_are_refused(bad: str) -> None:
    with pytest.raises(InvalidVersion, match=r"MAJOR\.MINOR\.PATCH"):
        parse_version(bad)
    with pytest.raises(InvalidVersion, match=r"MAJOR\.MINOR\.PATCH"):
        bump_version(bad, Impact.PATCH)


def test_invalid_version_sits_on_the_registry_branch() -> None:
    assert issubclass(InvalidVersion, RegistryError)
    assert issubclass(InvalidVersion, ValueError)


def test_versions_compare_numerically() -> None:
    assert parse_version("1.10.0") > parse_version("1.9.9")


# -- properties ---------------------------------------------------------------

FIELD_TYPES = [int, float, str, bool, list[int], dict[str, str], int | None]
field_names = st.sampled_from(["a", "b", "c", "d", "e", "f"])
field_sets = st.dictionaries(field_names, st.sampled_from(range(len(FIELD_TYPES))), min_size=1, max_size=5)


def _definitions(spec: dict[str, int], required: bool = True) -> dict[str, Any]:
    return {name: (FIELD_TYPES[index], ... if required else None) for name, index in spec.items()}


@settings(max_examples=40, deadline=None)
@given(field_sets)
def test_property_a_schema_equals_itself(spec: dict[str, int]) -> None:
    schema = schema_of(**_definitions(spec))
    assert diff_schemas(schema, schema) == []


@settings(max_examples=40, deadline=None)
@given(field_sets, field_names)
def test_property_removing_a_field_is_major_and_adding_an_optional_one_is_minor(
    spec: dict[str, int], name: str
) -> None:
    full = schema_of(**_definitions(spec))
    if name in spec:
        smaller = schema_of(**_definitions({key: value for key, value in spec.items() if key != name}))
        assert classify(diff_schemas(full, smaller)) is Impact.MAJOR
        assert classify(diff_schemas(smaller, full)) is Impact.MAJOR  # the field comes back required
    else:
        larger = schema_of(**_definitions(spec), **{name: (int | None, None)})
        assert classify(diff_schemas(full, larger)) is Impact.MINOR
