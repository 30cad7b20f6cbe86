"""A small subset of MongoDB's query language, run in Python for the in-memory resources.

Supported, with MongoDB's meaning:

- filters: implicit equality ``{"a": 1}``, dotted paths ``{"a.b": 1}`` (through
  sub-documents and arrays of sub-documents), ``$eq``, ``$ne``, ``$gt``, ``$gte``,
  ``$lt``, ``$lte``, ``$in``, ``$nin``, ``$exists``, and top-level ``$and`` /
  ``$or``. Equality with an array field matches when any element is equal;
  ``{"a": None}`` matches a missing or null ``a``; ``True`` never equals ``1``.
- projections: inclusion ``{"a": 1, "b.c": 1}`` (``_id`` kept unless ``"_id": 0``),
  exclusion ``{"a": 0}``, or a list of field names.
- sorts: ``"a"``, ``[("a", 1), ("b", -1)]`` or ``{"a": 1}``; values of different
  types order as in BSON (null < numbers < strings < objects < arrays < binary <
  ObjectId < booleans < dates).

Anything else raises :class:`~xcatalog.errors.ResourceError` naming the
operator and listing what is supported, rather than silently matching nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from bson import ObjectId

from xcatalog.errors import ResourceError, format_choices

__all__ = [
    "SUPPORTED_OPERATORS",
    "apply_projection",
    "check_filter",
    "matches_filter",
    "normalize_sort",
    "sort_documents",
]

SUPPORTED_OPERATORS = ("$and", "$eq", "$exists", "$gt", "$gte", "$in", "$lt", "$lte", "$ne", "$nin", "$or")
_FIELD_OPERATORS = frozenset(SUPPORTED_OPERATORS) - {"$and", "$or"}


def _unsupported(operator: str, where: str) -> ResourceError:
    return ResourceError(
        f"The query operator '{operator}' in {where} is not supported by the in-memory resources. "
        f"Supported: {format_choices(SUPPORTED_OPERATORS)}. "
        "Filter the documents in Python after find(), or load the data into MongoDB for the full query language."
    )


def check_filter(filter: Mapping[str, Any] | None) -> None:
    """Raise if ``filter`` uses anything outside the supported subset.

    Raises:
        ResourceError: An unsupported operator, or ``$and``/``$or``/``$in``/``$nin``
            without a list.
    """
    if not filter:
        return
    if not isinstance(filter, Mapping):
        raise ResourceError(f"A filter must be a mapping like {{'status': 'paid'}}, not {type(filter).__name__}.")
    for key, condition in filter.items():
        if key in ("$and", "$or"):
            if not isinstance(condition, list | tuple) or not condition:
                raise ResourceError(f"'{key}' needs a non-empty list of filters, got {condition!r}.")
            for part in condition:
                check_filter(part)
        elif key.startswith("$"):
            raise _unsupported(key, "the filter")
        elif _is_operator_map(condition):
            for operator, operand in condition.items():
                if operator not in _FIELD_OPERATORS:
                    raise _unsupported(operator, f"the condition on '{key}'")
                if operator in ("$in", "$nin") and not isinstance(operand, list | tuple | set | frozenset):
                    raise ResourceError(f"'{operator}' on '{key}' needs a list of values, got {operand!r}.")


def _is_operator_map(condition: Any) -> bool:
    return isinstance(condition, Mapping) and bool(condition) and all(str(key).startswith("$") for key in condition)


def _resolve(value: Any, parts: Sequence[str]) -> list[Any]:
    """All values at a dotted path; arrays of sub-documents fan out as in MongoDB."""
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    if isinstance(value, Mapping):
        return _resolve(value[head], rest) if head in value else []
    if isinstance(value, list):
        if head.isdigit() and int(head) < len(value):
            return _resolve(value[int(head)], rest)
        found: list[Any] = []
        for item in value:
            if isinstance(item, Mapping):
                found.extend(_resolve(item, parts))
        return found
    return []


def _same(left: Any, right: Any) -> bool:
    # BSON keeps booleans apart from numbers; Python's True == 1 would not.
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    try:
        return bool(left == right)
    except TypeError:
        return False


def _equals(candidates: list[Any], target: Any) -> bool:
    if target is None and not candidates:
        return True
    for candidate in candidates:
        if _same(candidate, target):
            return True
        if (
            isinstance(candidate, list)
            and not isinstance(target, list)
            and any(_same(item, target) for item in candidate)
        ):
            return True
    return False


def _compare(candidates: list[Any], target: Any, operator: str) -> bool:
    target_rank = _rank(target)
    for candidate in candidates:
        for value in candidate if isinstance(candidate, list) else [candidate]:
            # Type bracketing: MongoDB compares a number only with numbers, a string only with strings, and so on.
            if _rank(value) != target_rank:
                continue
            try:
                left, right = _comparable(value), _comparable(target)
                if (
                    (operator == "$gt" and left > right)
                    or (operator == "$gte" and left >= right)
                    or (operator == "$lt" and left < right)
                    or (operator == "$lte" and left <= right)
                ):
                    return True
            except TypeError:
                continue
    return False


def _matches_condition(document: Mapping[str, Any], path: str, condition: Any) -> bool:
    candidates = _resolve(document, path.split("."))
    if not _is_operator_map(condition):
        return _equals(candidates, condition)
    for operator, operand in condition.items():
        if operator == "$eq":
            matched = _equals(candidates, operand)
        elif operator == "$ne":
            matched = not _equals(candidates, operand)
        elif operator == "$in":
            matched = any(_equals(candidates, option) for option in operand)
        elif operator == "$nin":
            matched = not any(_equals(candidates, option) for option in operand)
        elif operator == "$exists":
            matched = bool(candidates) == bool(operand)
        else:
            matched = _compare(candidates, operand, operator)
        if not matched:
            return False
    return True


def matches_filter(document: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
    """Whether ``document`` matches ``filter`` (call :func:`check_filter` first)."""
    if not filter:
        return True
    for key, condition in filter.items():
        if key == "$and":
            if not all(matches_filter(document, part) for part in condition):
                return False
        elif key == "$or":
            if not any(matches_filter(document, part) for part in condition):
                return False
        elif not _matches_condition(document, key, condition):
            return False
    return True


# -- projection ------------------------------------------------------------------------------------------------------


def _normalize_projection(projection: Mapping[str, Any] | Sequence[str]) -> tuple[dict[str, bool], bool]:
    """Return ``({path: keep}, is_inclusion)``."""
    if isinstance(projection, str):
        raise ResourceError(f"A projection must be a mapping or a list of field names, not the string {projection!r}.")
    if isinstance(projection, Mapping):
        spec: dict[str, bool] = {}
        for path, flag in projection.items():
            if isinstance(flag, Mapping) or str(path).startswith("$"):
                raise ResourceError(
                    f"The projection of '{path}' uses an operator ({flag!r}); the in-memory resources support only "
                    "1/0 (include/exclude) projections."
                )
            spec[str(path)] = bool(flag)
    else:
        spec = {str(path): True for path in projection}
    others = {keep for path, keep in spec.items() if path != "_id"}
    if len(others) > 1:
        raise ResourceError(
            f"A projection cannot mix inclusion and exclusion (except for _id): {dict(spec)}. "
            "Use only 1s (keep these fields) or only 0s (drop these fields)."
        )
    is_inclusion = others == {True} or (not others and spec.get("_id", True))
    return spec, is_inclusion


def _include(source: Any, parts: Sequence[str], target: dict[str, Any]) -> None:
    head, rest = parts[0], parts[1:]
    if not isinstance(source, Mapping) or head not in source:
        return
    value = source[head]
    if not rest:
        target[head] = value
    elif isinstance(value, Mapping):
        _include(value, rest, target.setdefault(head, {}))
    elif isinstance(value, list):
        projected = []
        for item in value:
            if isinstance(item, Mapping):
                part: dict[str, Any] = {}
                _include(item, rest, part)
                projected.append(part)
        target[head] = projected


def _exclude(source: dict[str, Any], parts: Sequence[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head not in source:
        return
    if not rest:
        del source[head]
    elif isinstance(source[head], Mapping):
        source[head] = dict(source[head])  # copy on write: the cached document stays intact
        _exclude(source[head], rest)


def apply_projection(
    document: Mapping[str, Any], projection: Mapping[str, Any] | Sequence[str] | None
) -> dict[str, Any]:
    """Return a new document with the projection applied (a shallow copy without one).

    Raises:
        ResourceError: The projection mixes inclusion and exclusion or uses an operator.
    """
    if not projection:
        return dict(document)
    spec, is_inclusion = _normalize_projection(projection)
    if is_inclusion:
        result: dict[str, Any] = {}
        if spec.get("_id", True) and "_id" in document:
            result["_id"] = document["_id"]
        for path, keep in spec.items():
            if keep and path != "_id":
                _include(document, path.split("."), result)
        return result
    result = dict(document)
    for path, keep in spec.items():
        if not keep:
            _exclude(result, path.split("."))
    return result


# -- sorting ---------------------------------------------------------------------------------------------------------


def normalize_sort(sort: str | Sequence[tuple[str, int]] | Mapping[str, int] | None) -> list[tuple[str, int]]:
    """Turn any pymongo-style sort into ``[(path, 1 | -1), ...]``.

    Raises:
        ResourceError: A direction is not 1 or -1, or the shape is not a sort.
    """
    if sort is None:
        return []
    if isinstance(sort, str):
        return [(sort, 1)]
    pairs: Iterable[Any] = sort.items() if isinstance(sort, Mapping) else sort
    keys: list[tuple[str, int]] = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ResourceError(
                f"A sort must be a field name, a mapping or a list of (field, 1 | -1) pairs; got {sort!r}."
            )
        path, direction = pair
        if direction not in (1, -1) or isinstance(direction, bool):
            raise ResourceError(
                f"The sort direction of '{path}' must be 1 (ascending) or -1 (descending), not {direction!r}."
            )
        keys.append((str(path), int(direction)))
    return keys


def _rank(value: Any) -> int:
    # BSON's comparison order across types.
    if value is None:
        return 1
    if isinstance(value, bool):
        return 8
    if isinstance(value, int | float | Decimal):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, Mapping):
        return 4
    if isinstance(value, list | tuple):
        return 5
    if isinstance(value, bytes):
        return 6
    if isinstance(value, ObjectId):
        return 7
    if isinstance(value, dt.datetime | dt.date):
        return 9
    return 10


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # Naive datetimes are UTC, as BSON dates are; mixing them with aware ones must not raise.
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, Mapping | list | tuple) or _rank(value) == 10:
        return repr(value)
    return value


def _sort_key(path: str) -> Any:
    parts = path.split(".")

    def key(document: Mapping[str, Any]) -> tuple[int, Any]:
        found = _resolve(document, parts)
        value = found[0] if found else None
        return _rank(value), _comparable(value) if value is not None else 0

    return key


def sort_documents(documents: list[dict[str, Any]], sort: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Sort documents by several keys (stable; missing and null first when ascending)."""
    ordered = list(documents)
    # Python's sort is stable, so sorting by the last key first gives a multi-key sort.
    for path, direction in reversed(sort):
        ordered.sort(key=_sort_key(path), reverse=direction == -1)
    return ordered
