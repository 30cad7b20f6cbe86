from __future__ import annotations

import re
from typing import Annotated, Any, NewType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from xcatalog.config import TypeSettings
from xcatalog.errors import AlreadyRegistered, FunctionFailed, InvalidName, NotRegistered, ValidationFailed
from xcatalog.registry import types as types_module
from xcatalog.registry.audit import AuditLog
from xcatalog.registry.types import (
    RegisteredType,
    TypeCategory,
    TypeRegistry,
    TypeValidator,
    build_validated_model,
)


@pytest.fixture
def types() -> TypeRegistry:
    return TypeRegistry()


class Point(BaseModel):
    """A point on a plane."""

    x: int
    y: int


class Label(str):
    pass


class Plain:
    """Not a pydantic type."""


UserId = NewType("UserId", int)


def test_registration_records_base_type_constraints_and_description(types: TypeRegistry) -> None:
    entry = types.register_type(
        Annotated[int, Field(gt=0, description="Integer greater than zero")],
        name="PositiveInt",
        examples=[1, 100, 999],
        tags={"numeric"},
    )
    meta = entry.metadata
    assert meta.ns_path == "ns.types.constraint.PositiveInt"
    assert (meta.namespace, meta.category, meta.base_type) == ("constraint", TypeCategory.CONSTRAINT, "int")
    assert meta.constraints == {"gt": 0}
    assert meta.description == "Integer greater than zero"
    assert meta.examples == [1, 100, 999]
    assert meta.import_path is None  # an Annotated form lives in no module of its own


@pytest.mark.parametrize(
    ("type_class", "kwargs", "path", "category"),
    [
        (Point, {}, "ns.types.composite.Point", TypeCategory.COMPOSITE),
        (Label, {}, "ns.types.constraint.Label", TypeCategory.CONSTRAINT),
        (UserId, {}, "ns.types.constraint.UserId", TypeCategory.CONSTRAINT),
        (Point, {"namespace": "geo.plane"}, "ns.types.geo.plane.Point", TypeCategory.COMPOSITE),
        (Point, {"category": "constraint"}, "ns.types.constraint.Point", TypeCategory.CONSTRAINT),
        (Point, {"category": "COMPOSITE", "name": "Pt"}, "ns.types.composite.Pt", TypeCategory.COMPOSITE),
    ],
)
def test_default_namespace_is_the_category(
    types: TypeRegistry, type_class: Any, kwargs: dict[str, Any], path: str, category: TypeCategory
) -> None:
    entry = types.register_type(type_class, **kwargs)
    assert entry.metadata.ns_path == path
    assert entry.metadata.category is category


def test_composite_keeps_docstring_and_import_path(types: TypeRegistry) -> None:
    meta = types.register_type(Point).metadata
    assert meta.description == "A point on a plane."
    assert meta.import_path == f"{__name__}:Point"


def test_annotated_forms_need_a_name(types: TypeRegistry) -> None:
    with pytest.raises(InvalidName, match=re.escape("pass name='...' to register_type")):
        types.register_type(Annotated[int, Field(gt=0)])


def test_unknown_category(types: TypeRegistry) -> None:
    with pytest.raises(InvalidName, match="Unknown type category 'shape'; valid categories are: constraint, composite"):
        types.register_type(Point, category="shape")


def test_same_path_twice_needs_allow_override(types: TypeRegistry) -> None:
    types.register_type(Point)
    with pytest.raises(AlreadyRegistered, match=r"ns\.types\.composite\.Point is already registered"):
        types.register_type(Point)
    types.register_type(Point, allow_override=True, description="new")
    assert types["Point"].metadata.description == "new"


# -- examples --------------------------------------------------------------------
def test_bad_examples_refuse_the_registration(types: TypeRegistry) -> None:
    with pytest.raises(
        ValidationFailed, match=r"ns\.types\.constraint\.Small was not registered: 2 of its examples are invalid"
    ) as caught:
        types.register_type(Annotated[int, Field(lt=10)], name="Small", examples=[1, 50, "x", 3])
    message = str(caught.value)
    assert "example 1 (50)" in message
    assert "example 2 ('x')" in message
    assert [error["loc"] for error in caught.value.errors] == [("examples", 1), ("examples", 2)]
    assert [error["type"] for error in caught.value.errors] == ["less_than", "int_parsing"]
    assert "Small" not in types


def test_examples_are_not_checked_when_validate_on_register_is_off() -> None:
    types = TypeRegistry(TypeSettings(validate_on_register=False))
    entry = types.register_type(Annotated[int, Field(lt=10)], name="Small", examples=[50])
    assert entry.metadata.examples == [50]


# -- validate ------------------------------------------------------------------------
def test_validate_returns_the_coerced_value(types: TypeRegistry) -> None:
    types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt")
    assert types.validate("PositiveInt", "7") == 7
    assert types.validate("ns.types.constraint.PositiveInt", 3) == 3
    assert types["PositiveInt"].usage_count == 2
    assert types.is_valid("PositiveInt", 1)
    assert not types.is_valid("PositiveInt", 0)


def test_validate_failure_carries_pydantic_errors(types: TypeRegistry) -> None:
    types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt")
    with pytest.raises(
        ValidationFailed,
        match=r"Invalid value -5 for ns\.types\.constraint\.PositiveInt: value: Input should be greater than 0\. "
        r"Expected a int with \{'gt': 0\}",
    ) as caught:
        types.validate("PositiveInt", -5)
    (error,) = caught.value.errors
    assert error["type"] == "greater_than"
    assert error["input"] == -5
    assert error["ctx"] == {"gt": 0}
    assert isinstance(caught.value, ValueError)
    assert types["PositiveInt"].usage_count == 0


def test_validate_composite_returns_an_instance(types: TypeRegistry) -> None:
    types.register_type(Point)
    point = types.validate("Point", {"x": "1", "y": 2})
    assert point == Point(x=1, y=2)
    with pytest.raises(ValidationFailed, match=r"y: Field required") as caught:
        types.validate("Point", {"x": 1})
    assert caught.value.errors[0]["loc"] == ("y",)


def test_validate_unknown_type(types: TypeRegistry) -> None:
    types.register_type(Point)
    with pytest.raises(NotRegistered, match=r"No type 'Pointy'.*Available: Point"):
        types.validate("Pointy", {})


def test_plain_classes_validate_by_instance(types: TypeRegistry) -> None:
    types.register_type(Plain)
    value = Plain()
    assert types.validate("Plain", value) is value
    with pytest.raises(ValidationFailed, match="Input should be an instance of Plain"):
        types.validate("Plain", 3)


def test_secret_types_keep_inputs_out_of_errors(types: TypeRegistry) -> None:
    types.register_type(Annotated[str, Field(min_length=12)], name="Token", tags={"secret"})
    with pytest.raises(ValidationFailed) as caught:
        types.validate("Token", "hunter2")
    assert "hunter2" not in str(caught.value)
    assert all("input" not in error for error in caught.value.errors)


@given(st.integers())
def test_positive_int_accepts_exactly_the_positive_integers(number: int) -> None:
    types = TypeRegistry()
    types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt")
    assert types.is_valid("PositiveInt", number) is (number > 0)


# -- validators ----------------------------------------------------------------------
def must_be_even(value: int) -> int:
    """Reject odd numbers."""
    if value % 2:
        raise ValueError("Must be even")
    return value


def test_register_validator_keys_by_the_given_name(types: TypeRegistry) -> None:
    validator = types.register_validator("int", must_be_even, name="even_validator")
    assert isinstance(validator, TypeValidator)
    assert types.validators["int"] == [validator]
    assert validator.name == validator._name == "even_validator"
    assert validator.description == validator._description == "Reject odd numbers."
    assert validator(4) == 4
    event = types.audit.events(action="register_validator")[-1]
    assert (event.path, event.detail) == ("int", {"validator": "even_validator"})


@pytest.mark.parametrize("key", ["EvenCount", "ns.types.constraint.EvenCount"])
def test_validators_for_a_registered_type_run_after_its_checks(types: TypeRegistry, key: str) -> None:
    types.register_type(Annotated[int, Field(ge=0)], name="EvenCount")
    types.register_validator(key, must_be_even)
    assert types.validators_for("EvenCount") == types.validators[key]
    assert types.validate("EvenCount", "4") == 4
    with pytest.raises(
        ValidationFailed, match=r"Validator 'must_be_even' rejected the value 3.*Must be even"
    ) as caught:
        types.validate("EvenCount", 3)
    assert caught.value.errors == [
        {"loc": (), "msg": "Must be even", "type": "value_error", "validator": "must_be_even", "input": 3}
    ]
    with pytest.raises(ValidationFailed, match="greater than or equal to 0"):
        types.validate("EvenCount", -2)


def test_validators_can_be_switched_off() -> None:
    types = TypeRegistry(TypeSettings(enable_validators=False))
    types.register_type(Annotated[int, Field(ge=0)], name="EvenCount")
    types.register_validator("EvenCount", must_be_even)
    assert types.validate("EvenCount", 3) == 3


def test_create_validated_type(types: TypeRegistry) -> None:
    def validate_range(value: int) -> int:
        if not 0 <= value <= 100:
            raise ValueError("Must be between 0 and 100")
        return value

    percentage = types.create_validated_type(int, [validate_range], name="Percentage", namespace="common")
    assert percentage(value=50).value == 50
    with pytest.raises(ValueError, match="Must be between 0 and 100"):
        percentage(value=150)
    entry = types["Percentage"]
    meta = entry.metadata
    assert (meta.ns_path, meta.category, meta.base_type) == ("ns.types.common.Percentage", "validator", "int")
    assert meta.validator_names == ["validate_range"]
    assert meta.validator_func is not None and meta.validator_func(5) == 5
    assert entry.wraps_value
    # validate() takes and returns bare values for validator types, or an instance.
    assert types.validate("Percentage", "42") == 42
    assert types.validate("Percentage", percentage(value=7)) == 7
    with pytest.raises(ValidationFailed, match="Must be between 0 and 100") as caught:
        types.validate("Percentage", 150)
    assert caught.value.errors[0]["loc"] == ()  # the wrapping 'value' field is not the caller's


def test_create_validated_type_from_registered_validator_names(types: TypeRegistry) -> None:
    types.register_validator("int", must_be_even, name="even")
    even = types.create_validated_type(Annotated[int, Field(gt=0)], ["even"], name="PositiveEven", examples=[2, 4])
    assert types["PositiveEven"].metadata.ns_path == "ns.types.validator.PositiveEven"
    assert types["PositiveEven"].metadata.constraints == {"gt": 0}
    assert types["PositiveEven"].metadata.validator_names == ["even"]
    assert even(value=2).value == 2
    with pytest.raises(NotRegistered, match=r"No validator named 'odd'\. Registered validators: even"):
        types.create_validated_type(int, ["odd"], name="Odd")


def test_registering_a_prebuilt_validated_model_infers_its_category(types: TypeRegistry) -> None:
    model = build_validated_model(int, [must_be_even], "Even", module=__name__)
    entry = types.register_type(model)
    assert entry.metadata.category is TypeCategory.VALIDATOR
    assert entry.metadata.base_type == "int"
    assert entry.metadata.ns_path == "ns.types.validator.Even"


# -- transformers ----------------------------------------------------------------------
def celsius_to_fahrenheit(celsius: float) -> float:
    """Convert Celsius to Fahrenheit."""
    return celsius * 9 / 5 + 32


def test_register_and_apply_a_transformer(types: TypeRegistry) -> None:
    entry = types.register_transformer(float, float, celsius_to_fahrenheit, "CelsiusToFahrenheit", examples=[0.0])
    meta = entry.metadata
    assert meta.ns_path == "ns.types.transformers.CelsiusToFahrenheit"
    assert meta.category is TypeCategory.TRANSFORMER
    assert (meta.from_type, meta.to_type, meta.base_type) == ("float", "float", "float")
    assert meta.description == "Convert Celsius to Fahrenheit."
    assert meta.import_path == f"{__name__}:celsius_to_fahrenheit"
    assert types.transform("CelsiusToFahrenheit", 100) == 212.0
    assert types.transform("CelsiusToFahrenheit", "-40") == -40.0
    assert entry.type_class.transform(0) == 32
    assert entry.usage_count == 2


def test_transformer_default_name_and_namespace(types: TypeRegistry) -> None:
    entry = types.register_transformer(int, str, str, namespace="convert")
    assert entry.metadata.ns_path == "ns.types.convert.int_to_str"
    assert types.transform("int_to_str", 5) == "5"


def test_transform_checks_input_and_output(types: TypeRegistry) -> None:
    types.register_transformer(float, float, lambda value: "hot" if value > 100 else value, "Clamp")
    with pytest.raises(
        ValidationFailed, match=r"Invalid value 'warm' for input of transformer ns\.types\.transformers\.Clamp"
    ):
        types.transform("Clamp", "warm")
    with pytest.raises(
        ValidationFailed, match=r"Invalid value 'hot' for output of transformer .*Clamp.*Expected a float"
    ):
        types.transform("Clamp", 500)


def test_transformer_failure_is_wrapped(types: TypeRegistry) -> None:
    types.register_transformer(float, float, lambda value: value / 0, "Broken")
    with pytest.raises(
        FunctionFailed, match=r"Transformer ns\.types\.transformers\.Broken raised ZeroDivisionError"
    ) as caught:
        types.transform("Broken", 1)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_transform_refuses_non_transformers(types: TypeRegistry) -> None:
    types.register_type(Point)
    types.register_transformer(float, float, celsius_to_fahrenheit, "CelsiusToFahrenheit")
    with pytest.raises(
        NotRegistered, match=r"ns\.types\.composite\.Point is a composite type, not a transformer.*CelsiusToFahrenheit"
    ):
        types.transform("Point", {"x": 1, "y": 1})


def test_validate_on_a_transformer_checks_its_input_type(types: TypeRegistry) -> None:
    types.register_transformer(float, str, str, "FloatText")
    assert types.validate("FloatText", "1.5") == 1.5
    with pytest.raises(ValidationFailed):
        types.validate("FloatText", "abc")


# -- cache -------------------------------------------------------------------------------
def counting_registry(settings: TypeSettings) -> tuple[TypeRegistry, list[int]]:
    types = TypeRegistry(settings)
    calls: list[int] = []

    def counted(value: int) -> int:
        calls.append(value)
        return value

    types.register_type(Annotated[int, Field(ge=0)], name="Count")
    types.register_validator("Count", counted)
    return types, calls


def test_validated_scalars_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(types_module.time, "monotonic", lambda: clock[0])
    types, calls = counting_registry(TypeSettings(validation_cache_ttl=60))
    assert types.validate("Count", 5) == 5
    assert types.validate("Count", 5) == 5
    assert calls == [5]
    assert types["Count"].usage_count == 2
    assert types.validate("Count", "5") == 5  # a different input type is a different key
    assert calls == [5, 5]
    clock[0] += 61
    types.validate("Count", 5)
    assert calls == [5, 5, 5]


def test_cache_is_cleared_when_validators_change() -> None:
    types, calls = counting_registry(TypeSettings())
    types.validate("Count", 5)
    types.register_validator("Count", must_be_even)
    with pytest.raises(ValidationFailed, match="Must be even"):
        types.validate("Count", 5)
    assert calls == [5, 5]


@pytest.mark.parametrize("settings", [TypeSettings(cache_validated_values=False), TypeSettings(validation_cache_ttl=0)])
def test_cache_can_be_switched_off(settings: TypeSettings) -> None:
    types, calls = counting_registry(settings)
    types.validate("Count", 5)
    types.validate("Count", 5)
    assert calls == [5, 5]


def test_failures_are_not_cached() -> None:
    types, calls = counting_registry(TypeSettings())
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            types.validate("Count", -1)
    assert calls == []


# -- discovery, removal, audit ----------------------------------------------------------------
@pytest.fixture
def filled(types: TypeRegistry) -> TypeRegistry:
    types.register_type(Point, tags={"geo"})
    types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt", tags={"numeric"})
    types.register_type(Annotated[str, Field(min_length=1)], name="Name", namespace="people", tags={"text"})
    types.register_transformer(float, float, celsius_to_fahrenheit, "CelsiusToFahrenheit")
    return types


def test_find_by_category_tag_and_namespace(filled: TypeRegistry) -> None:
    assert [entry.metadata.name for entry in filled.find_by_category("constraint")] == ["PositiveInt", "Name"]
    assert [entry.metadata.name for entry in filled.find_by_category(TypeCategory.TRANSFORMER)] == [
        "CelsiusToFahrenheit"
    ]
    assert [entry.metadata.name for entry in filled.find_by_tag("geo")] == ["Point"]
    assert [entry.metadata.name for entry in filled.find_by_namespace("ns.types.*")] == [
        "Point",
        "PositiveInt",
        "Name",
        "CelsiusToFahrenheit",
    ]
    assert [entry.metadata.name for entry in filled.find("people.*")] == ["Name"]


def test_get_and_get_by_namespace(filled: TypeRegistry) -> None:
    entry = filled.get_by_namespace("ns.types.people.Name")
    assert isinstance(entry, RegisteredType)
    assert filled.get("Name") is entry
    assert filled.get_by_namespace("people.Name") is None
    assert filled.types.get("missing") is None
    with pytest.raises(NotRegistered, match="No type 'missing'"):
        filled.get("missing")
    assert len(filled) == 4
    assert "Point" in filled


def test_remove(filled: TypeRegistry) -> None:
    removed = filled.remove("Point")
    assert removed.metadata.name == "Point"
    assert "Point" not in filled
    assert filled.audit.events(action="remove")[-1].path == "ns.types.composite.Point"


def test_registrations_are_audited_in_a_shared_log() -> None:
    log = AuditLog()
    types = TypeRegistry(audit=log)
    types.register_type(Point, tags={"b", "a"})
    (event,) = log.events(action="register", kind="types")
    assert event.path == "ns.types.composite.Point"
    assert event.detail == {"replaced": False, "category": "composite", "tags": ["a", "b"]}


def test_metadata_dump_leaves_functions_out(filled: TypeRegistry) -> None:
    dumped = filled["CelsiusToFahrenheit"].metadata.model_dump(mode="json")
    assert "transformer_func" not in dumped
    assert "validator_func" not in dumped
    assert dumped["category"] == "transformer"
