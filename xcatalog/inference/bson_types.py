"""Value types as inference sees them: type names, examples and BSON-friendly annotations.

Documents read through pymongo carry BSON classes (``bson.ObjectId``,
``bson.Decimal128``, ``bson.Int64``, ``bson.Binary``...). The inference layer is
pure and never imports pymongo, so BSON classes are recognised by their module
and class name instead of by ``isinstance``.

Two annotation types let generated models accept driver values unchanged:

* :class:`ObjectIdStr` -- a ``str`` field that also accepts ``bson.ObjectId``
  (converted with ``str()``); its JSON schema carries ``format: objectid`` so that
  :func:`xcatalog.inference.mongo_validator` can say ``bsonType: objectId``.
* :class:`BsonDecimal` -- a ``Decimal`` field that also accepts ``bson.Decimal128``
  (converted with ``.to_decimal()``), NaN and infinities included.
"""

from __future__ import annotations

import datetime as dt
import decimal
import numbers
import uuid
from collections.abc import Hashable, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = [
    "ARRAY",
    "OBJECT",
    "BsonDecimal",
    "ObjectIdStr",
    "example_value",
    "is_bson_type",
    "type_name",
]

#: Type name of mappings (sub-documents).
OBJECT = "object"
#: Type name of lists, tuples and sets.
ARRAY = "array"

_EXACT_NAMES: dict[type, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    type(None): "null",
    dict: OBJECT,
    list: ARRAY,
    tuple: ARRAY,
    set: ARRAY,
    frozenset: ARRAY,
    bytes: "bytes",
    bytearray: "bytes",
    dt.datetime: "datetime",
    dt.date: "date",
    dt.time: "time",
    decimal.Decimal: "Decimal",
    uuid.UUID: "UUID",
}

# pymongo decodes int64 to Int64 and binary subtypes other than 0 to Binary; both
# are plain ints and bytes to a model, so they share those names. The other BSON
# classes keep their own names and become ``Any`` in models.
_BSON_NAMES: dict[str, str] = {
    "ObjectId": "ObjectId",
    "Decimal128": "Decimal128",
    "Int64": "int",
    "Binary": "bytes",
    "SON": OBJECT,
    "RawBSONDocument": OBJECT,
    "Regex": "Regex",
    "Timestamp": "Timestamp",
    "DatetimeMS": "DatetimeMS",
    "Code": "Code",
    "MinKey": "MinKey",
    "MaxKey": "MaxKey",
    "DBRef": "DBRef",
}

_EXAMPLE_TEXT_LIMIT = 80


def is_bson_type(value_type: type, name: str | None = None) -> bool:
    """Whether ``value_type`` comes from the ``bson`` package (optionally with class name ``name``).

    Args:
        value_type: A class.
        name: The class name to require, e.g. ``"ObjectId"``.

    Returns:
        True for classes defined in ``bson`` or its sub-modules.
    """
    module = getattr(value_type, "__module__", "") or ""
    if not (module == "bson" or module.startswith("bson.")):
        return False
    return name is None or value_type.__name__ == name


def type_name(value_type: type) -> str:
    """The inference name of a Python or BSON value type.

    Names are ``str``, ``int``, ``float``, ``bool``, ``null``, ``datetime``,
    ``date``, ``time``, ``bytes``, ``object`` (any mapping), ``array`` (list,
    tuple, set), ``Decimal``, ``UUID``, the BSON names ``ObjectId``,
    ``Decimal128``, ``Regex``, ``Timestamp``, ``Code``, ``DBRef``, ``MinKey``,
    ``MaxKey``, ``DatetimeMS``, and otherwise the class name.

    Args:
        value_type: The class of a value, ``type(value)``.

    Returns:
        The name used in :attr:`FieldStats.types <xcatalog.inference.FieldStats.types>`.
    """
    known = _EXACT_NAMES.get(value_type)
    if known is not None:
        return known
    if is_bson_type(value_type):
        bson_name = _BSON_NAMES.get(value_type.__name__)
        if bson_name is not None:
            return bson_name
    # Subclasses (enums on str/int, pandas Timestamp, numpy scalars...) take the
    # name of the builtin they behave as; bool before int because bool is an int.
    for base, name in (
        (bool, "bool"),
        (numbers.Integral, "int"),
        (numbers.Real, "float"),
        (str, "str"),
        ((bytes, bytearray), "bytes"),
        (dt.datetime, "datetime"),
        (dt.date, "date"),
        (Mapping, OBJECT),
        ((list, tuple, set, frozenset), ARRAY),
    ):
        if issubclass(value_type, base):  # type: ignore[arg-type]
            return name
    return value_type.__name__


def example_value(value: Any) -> Hashable | None:
    """A small, JSON-friendly stand-in for ``value`` to show as an example.

    Args:
        value: A field value.

    Returns:
        ``None`` for nulls, sub-documents and arrays (their parts have their own
        examples); long strings cut to 80 characters; ``ObjectId`` and ``UUID``
        as strings; ``Decimal128`` as ``Decimal``; bytes as ``"<n bytes>"``;
        numbers, booleans and dates unchanged; anything else as a short ``repr``.
    """
    value_type = type(value)
    if value_type is str:
        text: str = value
        return text if len(text) <= _EXAMPLE_TEXT_LIMIT else text[: _EXAMPLE_TEXT_LIMIT - 1] + "…"
    if value_type in (int, float, bool, dt.datetime, dt.date, dt.time, decimal.Decimal):
        return value  # type: ignore[no-any-return]
    name = type_name(value_type)
    if name in ("null", OBJECT, ARRAY):
        return None
    if name == "Decimal128":
        return value.to_decimal()  # type: ignore[no-any-return]
    if name in ("ObjectId", "UUID"):
        return str(value)
    if name == "bytes":
        return f"<{len(value)} bytes>"
    if name in ("int", "float", "bool"):
        return {"int": int, "float": float, "bool": bool}[name](value)  # type: ignore[no-any-return]
    if name == "str":
        return example_value(str(value))
    if name in ("datetime", "date"):
        return value  # type: ignore[no-any-return]
    return example_value(repr(value))


def _objectid_to_str(value: Any) -> Any:
    return str(value) if is_bson_type(type(value), "ObjectId") else value


def _decimal128_to_decimal(value: Any) -> Any:
    # Duck typing: bson.Decimal128 has to_decimal(); Decimal itself does not.
    to_decimal = getattr(value, "to_decimal", None)
    return to_decimal() if callable(to_decimal) else value


class ObjectIdStr(str):
    """A string field that also accepts ``bson.ObjectId`` values (stored as their hex string).

    Example:
        >>> from pydantic import TypeAdapter
        >>> TypeAdapter(ObjectIdStr).validate_python("65f1c0ffee00000000000000")
        '65f1c0ffee00000000000000'
    """

    __slots__ = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Validate as ``str`` after turning an ObjectId into its hex string."""
        return core_schema.no_info_before_validator_function(
            _objectid_to_str,
            core_schema.str_schema(),
            metadata={"pydantic_js_updates": {"format": "objectid"}},
        )


class BsonDecimal(decimal.Decimal):
    """A ``Decimal`` field that also accepts ``bson.Decimal128`` (NaN and infinities allowed).

    Example:
        >>> from pydantic import TypeAdapter
        >>> TypeAdapter(BsonDecimal).validate_python("1.10")
        Decimal('1.10')
    """

    __slots__ = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Validate as ``Decimal`` after converting a Decimal128 with ``to_decimal()``."""
        return core_schema.no_info_before_validator_function(
            _decimal128_to_decimal, core_schema.decimal_schema(allow_inf_nan=True)
        )
