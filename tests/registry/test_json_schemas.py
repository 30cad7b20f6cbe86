from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, Field, create_model

from xcatalog.registry.json_schemas import DECIMAL_FORMAT, catalog_json_schema, decimal_pattern


class Plain(BaseModel):
    name: str
    ratio: float = 0.5


@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_models_without_decimals_keep_pydantics_schema(mode: Any) -> None:
    assert catalog_json_schema(Plain, mode=mode) == Plain.model_json_schema(mode=mode)


@pytest.mark.parametrize(
    ("field", "max_digits", "decimal_places"),
    [
        (Field(), None, None),
        (Field(max_digits=6), 6, None),
        (Field(decimal_places=2), None, 2),
        (Field(max_digits=6, decimal_places=2, ge=0), 6, 2),
    ],
)
def test_decimals_are_marked_and_keep_their_digits(
    field: Any, max_digits: int | None, decimal_places: int | None
) -> None:
    node = catalog_json_schema(create_model("Price", amount=(Decimal, field)))["properties"]["amount"]
    assert node["format"] == DECIMAL_FORMAT
    number, text = node["anyOf"]
    assert number["type"] == "number"
    assert text == {"type": "string", "pattern": decimal_pattern(max_digits, decimal_places)}


def test_optional_decimal_is_not_flattened_into_the_null_union() -> None:
    node = catalog_json_schema(create_model("Price", amount=(Decimal | None, None)))["properties"]["amount"]
    decimal_node, null = node["anyOf"]
    assert null == {"type": "null"}
    assert decimal_node["format"] == DECIMAL_FORMAT


def test_serialization_mode_marks_the_decimal_string() -> None:
    node = catalog_json_schema(create_model("Price", amount=(Decimal, Field(decimal_places=1))), mode="serialization")
    assert node["properties"]["amount"] == {
        "type": "string",
        "pattern": decimal_pattern(None, 1),
        "format": DECIMAL_FORMAT,
        "title": "Amount",
    }


@pytest.mark.parametrize(
    ("max_digits", "decimal_places", "good", "bad"),
    [
        (None, None, ["1", "-1.50", ".5"], ["", "+", "-.", "1e3", "a"]),
        # pydantic 2.13's integer branch is not anchored at the end, so max_digits alone refuses nothing here.
        (4, 2, ["12.34", "1234", "12.340"], ["", "-"]),
        (None, 1, ["12345.6", "1"], ["1.23"]),
    ],
)
def test_decimal_pattern_accepts_what_the_digits_allow(
    max_digits: int | None, decimal_places: int | None, good: list[str], bad: list[str]
) -> None:
    pattern = re.compile(decimal_pattern(max_digits, decimal_places))
    assert [text for text in good if not pattern.match(text)] == []
    assert [text for text in bad if pattern.match(text)] == []
