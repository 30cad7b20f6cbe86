"""Schema analysis inside MongoDB: an aggregation pipeline and the parser of its output.

:func:`schema_pipeline` builds a pipeline that flattens every document into
``(path, value)`` pairs with ``$objectToArray``/``$map``/``$reduce`` (sub-documents
and arrays expanded level by level, up to ``max_depth`` levels), ``$unwind``s
them and ``$group``s them by path and ``$type``. The server does the counting,
so a large (or sharded) collection is analysed without shipping its documents;
only one row per (path, type) comes back. :func:`stats_from_pipeline` turns those
rows into the same :class:`~xcatalog.inference.SchemaStats` that
:func:`~xcatalog.inference.analyze_documents` computes in Python.

Paths travel as arrays of keys (``null`` marking an array element), so keys
containing dots or brackets never merge with real nesting. Each row carries up
to four example values (``$first``, ``$last``, ``$min``, ``$max`` of its type).
One extra row, for the empty path, counts the analysed documents.

This module is pure: it builds and reads plain dicts; the caller runs the
pipeline (``await collection.aggregate(schema_pipeline(...))``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xcatalog.errors import InferenceError
from xcatalog.inference.bson_types import example_value
from xcatalog.inference.naming import path_from_segments
from xcatalog.inference.stats import SchemaStats, _build_schema_stats, _RawPath

__all__ = ["BSON_TYPE_NAMES", "schema_pipeline", "stats_from_pipeline"]

#: ``$type`` names -> the type names used by :func:`~xcatalog.inference.bson_types.type_name`
#: (int and long are both ``int``, as pymongo decodes both to ``int``).
BSON_TYPE_NAMES: Mapping[str, str] = {
    "double": "float",
    "string": "str",
    "object": "object",
    "array": "array",
    "binData": "bytes",
    "undefined": "null",
    "objectId": "ObjectId",
    "bool": "bool",
    "date": "datetime",
    "null": "null",
    "regex": "Regex",
    "dbPointer": "DBRef",
    "javascript": "Code",
    "symbol": "str",
    "javascriptWithScope": "Code",
    "int": "int",
    "timestamp": "Timestamp",
    "long": "int",
    "decimal": "Decimal128",
    "minKey": "MinKey",
    "maxKey": "MaxKey",
}

_EXAMPLE_FIELDS = ("first", "last", "min", "max")


def _children(level: str) -> dict[str, Any]:
    """Expression: the (path, value) pairs one level below the pairs in field ``level``."""
    object_children = {
        "$map": {
            "input": {"$objectToArray": "$$this.v"},
            "as": "member",
            "in": {"p": {"$concatArrays": ["$$this.p", ["$$member.k"]]}, "v": "$$member.v"},
        }
    }
    array_children = {
        "$map": {
            "input": "$$this.v",
            "as": "element",
            "in": {"p": {"$concatArrays": ["$$this.p", [None]]}, "v": "$$element"},
        }
    }
    return {
        "$reduce": {
            "input": f"${level}",
            "initialValue": [],
            "in": {
                "$concatArrays": [
                    "$$value",
                    {
                        "$switch": {
                            "branches": [
                                {"case": {"$eq": [{"$type": "$$this.v"}, "object"]}, "then": object_children},
                                {"case": {"$eq": [{"$type": "$$this.v"}, "array"]}, "then": array_children},
                            ],
                            "default": [],
                        }
                    },
                ]
            },
        }
    }


def schema_pipeline(*, sample_size: int | None = None, max_depth: int = 6) -> list[dict[str, Any]]:
    """An aggregation pipeline computing per-path type counts inside MongoDB.

    Args:
        sample_size: Analyse a ``$sample`` of this many documents; ``None``
            analyses the whole collection.
        max_depth: How many levels of fields are reported: 1 gives top-level
            fields only, 2 adds their keys or array elements, and so on. Deeper
            sub-documents are counted as ``object`` without their keys.

    Returns:
        The pipeline stages; each output row is ``{"path": [keys, None for
        array elements], "type": "<$type name>", "count": n, "first", "last",
        "min", "max": examples, "min_length", "max_length", "total_length"}``.

    Raises:
        InferenceError: ``sample_size`` or ``max_depth`` is not positive.

    Example:
        >>> [next(iter(stage)) for stage in schema_pipeline(sample_size=100, max_depth=2)]
        ['$sample', '$project', '$addFields', '$addFields', '$project', '$unwind', '$project', '$group', '$project']
    """
    if sample_size is not None and sample_size < 1:
        raise InferenceError(f"sample_size must be at least 1 (or None for the whole collection), got {sample_size}.")
    if max_depth < 1:
        raise InferenceError(f"max_depth must be at least 1 (top-level fields), got {max_depth}.")
    stages: list[dict[str, Any]] = []
    if sample_size is not None:
        stages.append({"$sample": {"size": sample_size}})
    # Level 0 is the document itself (empty path): its row counts the documents.
    stages.append({"$project": {"_id": 0, "_xc_level0": [{"p": [], "v": "$$ROOT"}]}})
    for level in range(1, max_depth + 1):
        stages.append({"$addFields": {f"_xc_level{level}": _children(f"_xc_level{level - 1}")}})
    levels = [f"$_xc_level{level}" for level in range(max_depth + 1)]
    value_type = {"$type": "$_xc_pair.v"}
    stages += [
        {"$project": {"_xc_pair": {"$concatArrays": levels}}},
        {"$unwind": "$_xc_pair"},
        {
            "$project": {
                "p": "$_xc_pair.p",
                "t": value_type,
                # Whole sub-documents and arrays are not examples; their parts are.
                "v": {"$cond": [{"$in": [value_type, ["object", "array"]]}, None, "$_xc_pair.v"]},
                "n": {"$cond": [{"$eq": [value_type, "array"]}, {"$size": "$_xc_pair.v"}, None]},
            }
        },
        {
            "$group": {
                "_id": {"p": "$p", "t": "$t"},
                "count": {"$sum": 1},
                "first": {"$first": "$v"},
                "last": {"$last": "$v"},
                "min": {"$min": "$v"},
                "max": {"$max": "$v"},
                "min_length": {"$min": "$n"},
                "max_length": {"$max": "$n"},
                "total_length": {"$sum": "$n"},
            }
        },
        {
            "$project": {
                "_id": 0,
                "path": "$_id.p",
                "type": "$_id.t",
                "count": 1,
                "first": 1,
                "last": 1,
                "min": 1,
                "max": 1,
                "min_length": 1,
                "max_length": 1,
                "total_length": 1,
            }
        },
    ]
    return stages


def _segment_order(segments: Sequence[str | None]) -> tuple[tuple[int, str], ...]:
    # Parents before children (a prefix sorts first), ``_id`` first among
    # siblings, then keys alphabetically, then the array elements.
    return tuple((0, "") if s == "_id" else (1, s) if s is not None else (2, "") for s in segments)


def stats_from_pipeline(
    rows: Iterable[Mapping[str, Any]],
    *,
    sample_size: int | None = None,
    total_count: int | None = None,
    max_examples: int = 5,
) -> SchemaStats:
    """Turn the output of :func:`schema_pipeline` into :class:`~xcatalog.inference.SchemaStats`.

    The result matches :func:`~xcatalog.inference.analyze_documents` on the same
    documents in paths, presence counts, type counts, null counts and array
    lengths; examples are picked differently. Fields are ordered parents first,
    ``_id`` first, then alphabetically (the server does not keep key order).

    Args:
        rows: The pipeline's output rows.
        sample_size: Documents analysed; only used when the rows lack the
            document-count row (the empty path), which the pipeline always emits.
        total_count: Size of the whole collection, if known.
        max_examples: Distinct examples kept per path.

    Returns:
        The statistics.

    Raises:
        InferenceError: A row does not have the shape :func:`schema_pipeline`
            produces, or the document count is unknown.
    """
    documents: int | None = None
    by_path: dict[tuple[str | None, ...], list[Mapping[str, Any]]] = {}
    for index, row in enumerate(rows):
        segments = row.get("path")
        type_label = row.get("type")
        count = row.get("count")
        if not isinstance(segments, list) or not isinstance(type_label, str) or not isinstance(count, int):
            raise InferenceError(
                f"Row #{index + 1} of the schema pipeline output has no list 'path', str 'type' and int 'count' "
                f"(got keys {sorted(row)}). Pass the rows of schema_pipeline() unchanged."
            )
        if not segments:
            documents = (documents or 0) + count
            continue
        if segments[0] is None or not all(segment is None or isinstance(segment, str) for segment in segments):
            raise InferenceError(
                f"Row #{index + 1} has an invalid path {segments!r}: keys are strings, None marks array elements."
            )
        by_path.setdefault(tuple(segments), []).append(row)
    if documents is None:
        documents = sample_size
    if documents is None:
        raise InferenceError(
            "The schema pipeline rows hold no document count (the empty-path row) and no sample_size was given; "
            "pass sample_size=<documents analysed>."
        )
    raw_paths = []
    for segments in sorted(by_path, key=_segment_order):
        path_rows = sorted(by_path[segments], key=lambda row: (-row["count"], row["type"]))
        types: dict[str, int] = {}
        examples: list[Any] = []
        seen: set[tuple[type, Any]] = set()
        array_count, length_min, length_max, length_total = 0, None, None, 0
        for row in path_rows:
            name = BSON_TYPE_NAMES.get(row["type"], row["type"])
            types[name] = types.get(name, 0) + row["count"]
            if row["type"] == "array":
                array_count += row["count"]
                length_min, length_max = row.get("min_length"), row.get("max_length")
                length_total = int(row.get("total_length") or 0)
            for example_field in _EXAMPLE_FIELDS:
                example = example_value(row.get(example_field))
                if example is not None and len(examples) < max_examples and (type(example), example) not in seen:
                    seen.add((type(example), example))
                    examples.append(example)
        parent = path_from_segments(segments[:-1]) if len(segments) > 1 else None
        raw_paths.append(
            _RawPath(
                path=path_from_segments(segments),
                parent=parent,
                key=segments[-1],
                depth=len(segments) - 1,
                types=types,
                examples=examples,
                array_count=array_count,
                length_min=length_min,
                length_max=length_max,
                length_total=length_total,
            )
        )
    return _build_schema_stats(raw_paths, documents, total_count)
