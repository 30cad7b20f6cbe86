"""The one way xcatalog writes the JSON schema of a model it stores or compares.

Stored schemas must not depend on the installed pydantic version: a catalog
written under one release is rebuilt (:func:`~xcatalog.registry.schema_models.model_from_schema`)
and diffed (:func:`~xcatalog.registry.schema_diff.diff_schemas`) under another.
pydantic's own ``Decimal`` output changed between releases (2.13 writes a
patterned string branch, 2.14 a bare ``number | string`` union that cannot be
told apart from a real ``float | str``), so :class:`CatalogJsonSchemaGenerator`
writes every decimal node the same way on every release:

* ``"format": "decimal"`` on the decimal node itself, which marks it
  unambiguously and also keeps an optional decimal from being flattened into
  ``anyOf: [number, string, null]``;
* the string branch's ``pattern`` in the form pydantic 2.13 wrote, from which
  ``max_digits`` and ``decimal_places`` are read back.

Everything else is pydantic's own output.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["DECIMAL_FORMAT", "CatalogJsonSchemaGenerator", "catalog_json_schema", "decimal_pattern"]

#: The ``format`` xcatalog writes on every ``Decimal`` node.
DECIMAL_FORMAT = "decimal"


def decimal_pattern(max_digits: int | None, decimal_places: int | None) -> str:
    r"""The string pattern of a decimal, as pydantic 2.13 wrote it (later releases write none by default).

    Args:
        max_digits: The decimal's ``max_digits``, if any.
        decimal_places: The decimal's ``decimal_places``, if any.

    Returns:
        A regular expression for the decimal's string form.

    Example:
        >>> decimal_pattern(None, 2)
        '^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d{0,2}0*$'
    """
    # Not empty, and not only a run of "+", "-" and ".".
    pattern = r"^(?!^[-+.]*$)[+-]?0*"
    if max_digits is not None and decimal_places is not None:
        integer_places = max(0, max_digits - decimal_places)
        return (
            pattern + rf"(?:\d{{0,{integer_places}}}|(?=[\d.]{{1,{max_digits + 1}}}0*$)"
            rf"\d{{0,{integer_places}}}\.\d{{0,{decimal_places}}}0*$)"
        )
    if max_digits is not None:
        return pattern + rf"(?:\d{{0,{max_digits}}}|(?=[\d.]{{1,{max_digits + 1}}}0*$)\d*\.\d*0*$)"
    if decimal_places is not None:
        return pattern + rf"\d*\.?\d{{0,{decimal_places}}}0*$"
    return pattern + r"\d*\.?\d*$"


class CatalogJsonSchemaGenerator(GenerateJsonSchema):
    """pydantic's JSON schema generator, with decimals written the same way on every pydantic release."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        """The decimal schema pydantic writes, marked with ``format: decimal`` and with the 2.13 string pattern."""
        generated = super().decimal_schema(schema)
        members = generated.get("anyOf", [generated])
        for member in members:
            if member.get("type") == "string" and "pattern" not in member:
                member["pattern"] = decimal_pattern(schema.get("max_digits"), schema.get("decimal_places"))
        generated["format"] = DECIMAL_FORMAT
        return generated


def catalog_json_schema(
    model: type[BaseModel], *, by_alias: bool = True, mode: Literal["validation", "serialization"] = "validation"
) -> dict[str, Any]:
    """The JSON schema of ``model`` as xcatalog stores and compares it.

    Args:
        model: A pydantic model class.
        by_alias: Name properties by their alias (pydantic's default).
        mode: ``"validation"`` (what is stored) or ``"serialization"``.

    Returns:
        ``model.model_json_schema(...)`` written by :class:`CatalogJsonSchemaGenerator`.

    Example:
        >>> from decimal import Decimal
        >>> from pydantic import create_model
        >>> catalog_json_schema(create_model("Price", amount=(Decimal, ...)))["properties"]["amount"]["format"]
        'decimal'
    """
    return model.model_json_schema(by_alias=by_alias, mode=mode, schema_generator=CatalogJsonSchemaGenerator)
