"""Reading and rewriting values at inspector field paths (``address.city``, ``items[].sku``).

Inference names a field by its dotted path and marks array levels with ``[]``.
These helpers follow such a path through a document; an array level fans out
over the items, so one path can yield several values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

__all__ = ["jsonable", "path_tuple", "path_values", "replace_at_path"]


def _segments(path: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    for raw in path.split("."):
        is_array = raw.endswith("[]")
        parts.append((raw[:-2] if is_array else raw, is_array))
    return parts


def path_tuple(path: str) -> tuple[str, ...]:
    """The ``loc`` of a path as pydantic reports locations: ``items[].sku`` -> ``("items", "sku")``."""
    return tuple(name for name, _ in _segments(path) if name)


def path_values(document: Mapping[str, Any], path: str) -> list[Any]:
    """Every value at ``path`` in ``document`` (empty when the path is absent).

    Args:
        document: A (possibly nested) document.
        path: A dotted field path; ``name[]`` iterates the items of an array.

    Returns:
        The values found, in document order.
    """
    return list(_walk(document, _segments(path)))


def _walk(node: Any, segments: list[tuple[str, bool]]) -> Iterator[Any]:
    if not segments:
        yield node
        return
    (name, is_array), rest = segments[0], segments[1:]
    if name:
        if not isinstance(node, Mapping) or name not in node:
            return
        node = node[name]
    if is_array:
        if isinstance(node, list | tuple):
            for item in node:
                yield from _walk(item, rest)
        return
    yield from _walk(node, rest)


def replace_at_path(document: Any, path: str, transform: Callable[[Any], Any]) -> Any:
    """A copy of ``document`` where every value at ``path`` is replaced by ``transform(value)``.

    The input is not modified; containers along the path are copied.
    """
    return _replace(document, _segments(path), transform)


def _replace(node: Any, segments: list[tuple[str, bool]], transform: Callable[[Any], Any]) -> Any:
    if not segments:
        return transform(node)
    (name, is_array), rest = segments[0], segments[1:]
    if name:
        if not isinstance(node, Mapping) or name not in node:
            return node
        copied = dict(node)
        child = node[name]
        if is_array:
            copied[name] = [_replace(item, rest, transform) for item in child] if isinstance(child, list) else child
        else:
            copied[name] = _replace(child, rest, transform)
        return copied
    if is_array and isinstance(node, list):
        return [_replace(item, rest, transform) for item in node]
    return node


def jsonable(value: Any) -> Any:
    """A copy of ``value`` holding only types that survive a JSON round trip through pydantic.

    Dicts, lists, strings, numbers, booleans, ``None``, dates and decimals are
    kept; anything else (``ObjectId``, ``Decimal128``, bytes) becomes its
    ``str``, because enrichment snapshots are stored as JSON and shown in forms.
    """
    if value is None or isinstance(value, bool | int | float | str | datetime | date | time | Decimal):
        return value
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return str(value)
