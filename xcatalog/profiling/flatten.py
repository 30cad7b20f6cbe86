"""Documents -> one column per dotted field path, keeping absent apart from null and mixed types intact.

``{"a": {"b": 1}}`` becomes column ``"a.b"``. Arrays stay whole values of their
field (their length is profiled, their items are not exploded into columns).

Two things a naive conversion loses are kept here:

* **absent vs null** — a DataFrame cell cannot tell "key absent" from "key set
  to null", so the frame holds ``None`` for both and :class:`FlatDocuments`
  records, per path, how many documents *have* the key (``present_counts``);
* **mixed types** — a path holding ints in some documents and strings in
  others becomes an ``object`` column holding both (pymongoarrow without a
  schema would turn the minority type into nulls). ``type_counts`` records the
  original (BSON) type names, so an ObjectId stays ``objectId`` even though its
  value becomes a string.

BSON values are recognised by class name, so this module never imports bson.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["FlatDocuments", "flatten_documents", "json_safe", "plain_value", "type_name"]

# Python class -> the type vocabulary shared with MongoDB's ``$type`` names (see pushdown.py).
_PLAIN_TYPE_NAMES: dict[type, str] = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "string",
    dt.datetime: "datetime",
    pd.Timestamp: "datetime",
    dt.date: "date",
    decimal.Decimal: "decimal",
    list: "array",
    tuple: "array",
    dict: "object",
    bytes: "binary",
}
_BSON_TYPE_NAMES = {
    "ObjectId": "objectId",
    "Decimal128": "decimal",
    "Int64": "int",
    "Binary": "binary",
    "Timestamp": "timestamp",
    "Regex": "regex",
    "Code": "javascript",
    "DBRef": "dbPointer",
    "MinKey": "minKey",
    "MaxKey": "maxKey",
    "SON": "object",
    "RawBSONDocument": "object",
    "DatetimeMS": "datetime",
}


def _is_bson(value: object) -> bool:
    return type(value).__module__.startswith("bson")


def type_name(value: object) -> str:
    """Return the type name of a value in the vocabulary shared with MongoDB's ``$type``.

    Args:
        value: A Python or BSON value (not None).

    Returns:
        ``"int"``, ``"float"``, ``"string"``, ``"bool"``, ``"datetime"``, ``"decimal"``,
        ``"objectId"``, ``"array"``, ``"object"``, ``"binary"``, ... or the class name.
    """
    cls = type(value)
    if _is_bson(value):
        return _BSON_TYPE_NAMES.get(cls.__name__, cls.__name__)
    known = _PLAIN_TYPE_NAMES.get(cls)
    if known is not None:
        return known
    # Subclasses (numpy scalars register as int/float subclasses, OrderedDict is a dict, ...).
    for base, name in _PLAIN_TYPE_NAMES.items():
        if isinstance(value, base):
            return name
    return cls.__name__


def plain_value(value: Any) -> Any:
    """Turn a BSON value into the plain Python value profiling computes with.

    ObjectId -> its hex string, Decimal128 -> float, Int64 -> int, Binary -> bytes,
    DatetimeMS -> datetime, other BSON values -> ``str``; Python values are returned unchanged.
    """
    if not _is_bson(value):
        return value
    name = type(value).__name__
    if name == "Decimal128":
        return float(value.to_decimal())
    if name == "Int64":
        return int(value)
    if name == "Binary":
        return bytes(value)
    if name == "DatetimeMS":
        try:
            return value.as_datetime()
        except Exception:  # out of the range of datetime: keep the raw milliseconds
            return int(value)
    if name in {"SON", "RawBSONDocument"}:
        return dict(value)
    return str(value)


def json_safe(value: Any) -> Any:
    """Return ``value`` as something ``json.dumps`` and pydantic round-trip unchanged.

    Datetimes and dates become ISO strings, Decimals and BSON values strings or
    numbers, numpy scalars Python scalars, NaN and NaT ``None``.
    """
    value = plain_value(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.datetime | dt.date):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if hasattr(value, "item"):  # numpy scalar
        return json_safe(value.item())
    if isinstance(value, bytes):
        return value.hex()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


@dataclass
class FlatDocuments:
    """Documents flattened by field path.

    Attributes:
        frame: One column per path (first-seen order); absent keys and nulls are both ``None``.
        present_counts: Documents that have each path (null values included).
        type_counts: Non-null values per original type name, per path.
        row_count: Number of documents.
    """

    frame: pd.DataFrame
    present_counts: dict[str, int] = field(default_factory=dict)
    type_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    row_count: int = 0

    def missing_count(self, path: str) -> int:
        """Documents without the key ``path``."""
        return self.row_count - self.present_counts.get(path, 0)


class _Collector:
    """Column builder: values by path, with the rows that have them."""

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}
        self.rows: dict[str, list[int]] = {}
        self.type_counts: dict[str, dict[str, int]] = {}

    def add(self, path: str, row: int, value: Any) -> None:
        rows = self.rows.get(path)
        if rows is None:
            rows = self.rows[path] = []
            self.values[path] = []
            self.type_counts[path] = {}
        rows.append(row)
        if value is None:
            self.values[path].append(None)
            return
        name = type_name(value)
        counts = self.type_counts[path]
        counts[name] = counts.get(name, 0) + 1
        self.values[path].append(plain_value(value))

    def walk(self, document: Mapping[str, Any], row: int, prefix: str) -> None:
        for key, value in document.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping) and value:
                self.walk(value, row, f"{path}.")
            elif isinstance(value, Mapping):
                # An empty sub-document is a present, non-null value with no children.
                self.add(path, row, {})
            else:
                self.add(path, row, value)


def flatten_documents(documents: Iterable[Mapping[str, Any]]) -> FlatDocuments:
    """Flatten documents into a DataFrame by dotted field path.

    Args:
        documents: Mappings (MongoDB documents, JSON records); nested mappings are
            flattened, arrays are kept as values.

    Returns:
        The frame plus per-path presence and type counts. Columns whose values all
        share one type get a matching dtype (``int64``/``Int64``, ``float64``, ``str``,
        ``bool``/``boolean``, ``datetime64``); every other column is ``object`` and keeps
        each value as it was.

    Example:
        >>> flat = flatten_documents([{"a": {"b": 1}}, {"a": {"b": None}}, {}])
        >>> flat.present_counts, flat.missing_count("a.b")
        ({'a.b': 2}, 1)
    """
    collector = _Collector()
    row_count = 0
    for row, document in enumerate(documents):
        collector.walk(document, row, "")
        row_count = row + 1
    columns: dict[str, pd.Series] = {}
    for path, values in collector.values.items():
        rows = collector.rows[path]
        full: list[Any]
        if len(rows) == row_count:
            full = values
        else:
            full = [None] * row_count
            for row, value in zip(rows, values, strict=True):
                full[row] = value
        columns[path] = _typed_series(full, collector.type_counts[path])
    frame = pd.DataFrame(columns, index=pd.RangeIndex(row_count))
    present = {path: len(rows) for path, rows in collector.rows.items()}
    return FlatDocuments(frame=frame, present_counts=present, type_counts=collector.type_counts, row_count=row_count)


def _typed_series(values: list[Any], type_counts: Mapping[str, int]) -> pd.Series:
    """Give a single-typed column a real dtype; keep mixed ones as ``object`` (no value is lost)."""
    kinds = set(type_counts)
    try:
        if kinds == {"int"}:
            has_null = len(values) != sum(type_counts.values())
            return pd.Series(values, dtype="Int64" if has_null else "int64")
        if kinds <= {"float", "decimal"} and kinds:
            return pd.Series(values, dtype="float64")
        if kinds == {"string"} or kinds == {"objectId"}:
            return pd.Series(values, dtype="str")
        if kinds == {"bool"}:
            has_null = len(values) != sum(type_counts.values())
            return pd.Series(values, dtype="boolean" if has_null else "bool")
        if kinds == {"datetime"}:
            converted: pd.Series = pd.to_datetime(pd.Series(values, dtype=object))
            if pd.api.types.is_datetime64_any_dtype(converted.dtype):
                return converted
    except (TypeError, ValueError, OverflowError):
        pass  # e.g. ints beyond int64 or naive and aware datetimes together: keep the values as they are
    return pd.Series(values, dtype=object)
