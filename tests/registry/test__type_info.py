from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, NewType

import annotated_types
import pytest
from pydantic import BaseModel, Field, StringConstraints, conint, constr

from xcatalog.errors import InvalidName
from xcatalog.registry._type_info import (
    TypeValidator,
    build_validated_model,
    describe_base_type,
    description_of,
    extract_constraints,
    validators_of,
)


class Point(BaseModel):
    """A point on a plane."""

    x: int
    y: int


class Label(str):
    pass


UserId = NewType("UserId", int)


def must_be_even(value: int) -> int:
    if value % 2:
        raise ValueError("Must be even")
    return value


@pytest.mark.parametrize(
    ("type_class", "base_type", "constraints"),
    [
        (Annotated[int, Field(gt=0)], "int", {"gt": 0}),
        (Annotated[int, Field(ge=1, le=10, multiple_of=2)], "int", {"ge": 1, "le": 10, "multiple_of": 2}),
        (Annotated[float, Field(lt=1.5)], "float", {"lt": 1.5}),
        (Annotated[Decimal, Field(ge=Decimal("0"))], "Decimal", {"ge": Decimal("0")}),
        (
            Annotated[str, StringConstraints(pattern=r"^\d+$", min_length=2, max_length=5)],
            "str",
            {"pattern": r"^\d+$", "min_length": 2, "max_length": 5},
        ),
        (Annotated[str, Field(pattern="^x", min_length=1)], "str", {"pattern": "^x", "min_length": 1}),
        (Annotated[int, annotated_types.Interval(gt=1, lt=9)], "int", {"gt": 1, "lt": 9}),
        (Annotated[list[int], annotated_types.Len(1, 3)], "list[int]", {"min_length": 1, "max_length": 3}),
        (Annotated[Annotated[int, Field(gt=0)], Field(lt=100)], "int", {"gt": 0, "lt": 100}),
        (conint(gt=1, le=5), "int", {"gt": 1, "le": 5}),
        (constr(pattern=re.compile("^[a-z]+$")), "str", {"pattern": "^[a-z]+$"}),
        (UserId, "int", {}),
        (Point, "Point", {}),
        (Label, "str", {}),
        (int, "int", {}),
        (Decimal, "Decimal", {}),
        (list[int], "list[int]", {}),
    ],
)
def test_base_type_and_constraints(type_class: Any, base_type: str, constraints: dict[str, Any]) -> None:
    assert describe_base_type(type_class) == base_type
    assert extract_constraints(type_class) == constraints


def test_build_validated_model_is_pure() -> None:
    model = build_validated_model(str, [str.strip], "Stripped", module=__name__)
    assert model(value="  a ").value == "a"
    assert model.__module__ == __name__
    with pytest.raises(InvalidName):
        build_validated_model(str, [], "not valid")


def test_validated_model_constraints_come_from_its_value_field() -> None:
    model = build_validated_model(Annotated[int, Field(gt=0, le=10)], [must_be_even], "SmallEven", module=__name__)
    assert describe_base_type(model) == "int"
    assert extract_constraints(model) == {"gt": 0, "le": 10}
    assert model(value=4).value == 4  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="Must be even"):
        model(value=3)
    with pytest.raises(ValueError, match="less than or equal to 10"):
        model(value=12)


def test_validators_of_marks_only_built_models() -> None:
    named = TypeValidator(must_be_even, "even", "Even numbers only")
    model = build_validated_model(int, [named, abs], "EvenAbs")
    assert validators_of(model) == (named, TypeValidator(abs, "abs"))
    assert validators_of(Point) is None
    assert validators_of(int) is None
    assert model.__module__ == "xcatalog.registry.generated"
    assert model.__doc__ == "int checked by even, abs."


@pytest.mark.parametrize(
    ("type_class", "description"),
    [
        (Annotated[int, Field(gt=0, description="Positive")], "Positive"),
        (Annotated[int, Field(gt=0)], None),
        (Point, "A point on a plane."),
        (Label, None),
        (int, None),
    ],
)
def test_description_of(type_class: Any, description: str | None) -> None:
    assert description_of(type_class) == description
