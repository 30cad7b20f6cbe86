"""Profiling inside MongoDB: aggregation pipelines to run, and the :class:`Profile` built from their results.

Pure: this module *builds* pipelines and *assembles* results; the resource runs
them (``xcatalog.resources.profile``). The work is split so that the client
only ever holds bounded results, whatever the collection size:

1. :func:`discovery_pipeline` — field paths and their ``$type`` counts, one level
   of sub-documents at a time (``$objectToArray`` + ``$unwind`` + ``$group``);
2. :func:`stats_pipeline` — one ``$group`` computing, for a batch of fields, the
   present/null counts, numeric moments, string lengths, min/max, booleans and
   array lengths;
3. :func:`values_pipeline` — one ``$facet`` with, per field, the distinct values
   with their counts, most frequent first, cut after ``categorical_threshold + 1``
   groups: the distinct count is exact up to the threshold and "more than N" above it
   (exact again when the most frequent value occurs once: then every value is distinct).

Semantic types need the values themselves: they are detected on a ``$sample``
(the same bounded sample that provides the example rows).

The results mirror :func:`xcatalog.profiling.profile` on the same documents:
the same type names, nested paths flattened the same way (non-empty
sub-documents become their children), ObjectIds compared as their hex strings,
ints and floats grouped together as numbers, and min/max taken from the numbers
of a mixed field, else its dates, else its strings. Values of a nested path
inside *arrays* of sub-documents are not unwound (the array is the field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xcatalog.profiling.categorical import is_categorical
from xcatalog.profiling.flatten import json_safe, plain_value
from xcatalog.profiling.model import ColumnProfile, Profile, column_kind
from xcatalog.profiling.options import ProfileOptions
from xcatalog.profiling.quality import FieldQuality, scored_column_profile, table_quality
from xcatalog.profiling.semantic import detect_semantic_type

__all__ = [
    "MONGO_TYPE_NAMES",
    "assemble_profile",
    "discovery_pipeline",
    "field_stats",
    "merge_discovery",
    "stats_pipeline",
    "values_pipeline",
]

#: MongoDB ``$type`` names -> the type names profiles use (``flatten.type_name``).
MONGO_TYPE_NAMES: dict[str, str] = {
    "double": "float",
    "int": "int",
    "long": "int",
    "decimal": "decimal",
    "string": "string",
    "bool": "bool",
    "date": "datetime",
    "objectId": "objectId",
    "array": "array",
    "object": "object",
    "binData": "binary",
    "timestamp": "timestamp",
    "regex": "regex",
    "javascript": "javascript",
    "minKey": "minKey",
    "maxKey": "maxKey",
    "dbPointer": "dbPointer",
    "symbol": "string",
}
_NULL_TYPES = ["missing", "null", "undefined"]
_NUMERIC = ["int", "long", "double", "decimal"]
_FAMILY_OF_TYPE = {
    "int": "numeric",
    "float": "numeric",
    "decimal": "numeric",
    "string": "string",
    "objectId": "string",
    "bool": "boolean",
    "datetime": "datetime",
    "array": "array",
}


def discovery_pipeline(parent: str | None = None) -> list[dict[str, Any]]:
    """Pipeline counting, per key and ``$type``, the values one level below ``parent``.

    Args:
        parent: A dotted path of sub-documents, or ``None`` for the top level.

    Returns:
        A pipeline whose results are ``{"_id": {"k": key, "t": type}, "n": count}``.
    """
    stages: list[dict[str, Any]] = []
    source = "$$ROOT"
    if parent is not None:
        # $expr + $type looks at the value itself; {parent: {$type: "object"}} would also match arrays of documents.
        stages.append({"$match": {"$expr": {"$eq": [{"$type": f"${parent}"}, "object"]}}})
        source = f"${parent}"
    stages += [
        {"$project": {"_id": 0, "kv": {"$objectToArray": source}}},
        {"$unwind": "$kv"},
        {"$group": {"_id": {"k": "$kv.k", "t": {"$type": "$kv.v"}}, "n": {"$sum": 1}}},
    ]
    return stages


def merge_discovery(results: Sequence[Mapping[str, Any]], parent: str | None = None) -> dict[str, dict[str, int]]:
    """Turn :func:`discovery_pipeline` results into ``{path: {mongo type: count}}`` (first-seen order).

    Keys that cannot be addressed by a path (containing ``.`` or starting with ``$``) are left out.
    """
    paths: dict[str, dict[str, int]] = {}
    for result in results:
        key, kind = str(result["_id"]["k"]), str(result["_id"]["t"])
        if "." in key or key.startswith("$"):
            continue
        path = key if parent is None else f"{parent}.{key}"
        counts = paths.setdefault(path, {})
        counts[kind] = counts.get(kind, 0) + int(result["n"])
    return paths


def _value(path: str) -> str:
    return f"${path}"


def _type(path: str) -> dict[str, Any]:
    return {"$type": _value(path)}


def _text(path: str) -> dict[str, Any]:
    # ObjectIds are profiled as their hex strings, as profile() sees them after flattening.
    return {
        "$cond": [
            {"$eq": [_type(path), "string"]},
            _value(path),
            {"$cond": [{"$eq": [_type(path), "objectId"]}, {"$toString": _value(path)}, None]},
        ]
    }


def _when(condition: Any, then: Any) -> dict[str, Any]:
    return {"$cond": [condition, then, None]}


def _count_if(condition: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [condition, 1, 0]}}


def _is_text(path: str) -> dict[str, Any]:
    return {"$in": [_type(path), ["string", "objectId"]]}


def stats_pipeline(fields: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """One ``$group`` computing the per-field statistics of a batch of fields.

    Args:
        fields: ``{path: {mongo type: count}}`` from :func:`merge_discovery`; the
            types decide which accumulators a field needs.

    Returns:
        A pipeline with one result document; its keys are ``f<index>_<statistic>``
        (index = position in ``fields``), read back by :func:`assemble_profile`.
    """
    group: dict[str, Any] = {"_id": None}
    for index, (path, types) in enumerate(fields.items()):
        key = f"f{index}_"
        present: Any = {"$not": [{"$in": [_type(path), ["missing"]]}]}
        if "object" in types:
            non_empty = {
                "$and": [{"$eq": [_type(path), "object"]}, {"$gt": [{"$size": {"$objectToArray": _value(path)}}, 0]}]
            }
            group[f"{key}subdocs"] = _count_if(non_empty)
            present = {"$and": [present, {"$not": [non_empty]}]}
        group[f"{key}present"] = _count_if(present)
        group[f"{key}nulls"] = _count_if({"$in": [_type(path), ["null", "undefined"]]})
        if any(kind in types for kind in _NUMERIC):
            number = _when({"$in": [_type(path), _NUMERIC]}, _value(path))
            is_number = {"$in": [_type(path), _NUMERIC]}
            group[f"{key}num_min"] = {"$min": number}
            group[f"{key}num_max"] = {"$max": number}
            group[f"{key}mean"] = {"$avg": number}
            group[f"{key}std"] = {"$stdDevSamp": number}
            group[f"{key}zeros"] = _count_if({"$and": [is_number, {"$eq": [_value(path), 0]}]})
            group[f"{key}negatives"] = _count_if({"$and": [is_number, {"$lt": [_value(path), 0]}]})
            group[f"{key}infinite"] = _count_if(
                {"$and": [is_number, {"$in": [_value(path), [float("inf"), float("-inf")]]}]}
            )
        if "string" in types or "objectId" in types:
            text = _text(path)
            length = _when(_is_text(path), {"$strLenCP": text})
            group[f"{key}str_min"] = {"$min": text}
            group[f"{key}str_max"] = {"$max": text}
            group[f"{key}min_length"] = {"$min": length}
            group[f"{key}max_length"] = {"$max": length}
            group[f"{key}mean_length"] = {"$avg": length}
            group[f"{key}empty"] = _count_if({"$and": [_is_text(path), {"$eq": [text, ""]}]})
            group[f"{key}whitespace"] = _count_if(
                {"$and": [{"$eq": [_type(path), "string"]}, {"$regexMatch": {"input": text, "regex": r"^\s+$"}}]}
            )
        if "bool" in types:
            group[f"{key}true"] = _count_if({"$eq": [_value(path), True]})
        if "date" in types:
            moment = _when({"$eq": [_type(path), "date"]}, _value(path))
            group[f"{key}date_min"] = {"$min": moment}
            group[f"{key}date_max"] = {"$max": moment}
        if "array" in types:
            size = _when({"$eq": [_type(path), "array"]}, {"$size": {"$ifNull": [_value(path), []]}})
            group[f"{key}arr_min_length"] = {"$min": size}
            group[f"{key}arr_max_length"] = {"$max": size}
            group[f"{key}arr_mean_length"] = {"$avg": size}
    return [{"$group": group}]


def values_pipeline(fields: Mapping[str, Mapping[str, int]], limit: int) -> list[dict[str, Any]]:
    """One ``$facet`` with, per field, its most frequent values and their counts.

    Args:
        fields: ``{path: {mongo type: count}}``.
        limit: Groups kept per field: ``categorical_threshold + 1`` (fewer groups
            means the distinct count is exact).

    Returns:
        A pipeline with one result document ``{"f<index>": [{"_id": value, "n": count}, ...]}``.
    """
    facets: dict[str, Any] = {}
    for index, (path, types) in enumerate(fields.items()):
        excluded = [*_NULL_TYPES]
        condition: Any = {"$not": [{"$in": [_type(path), excluded]}]}
        if "object" in types:
            condition = {
                "$and": [
                    condition,
                    {
                        "$not": [
                            {
                                "$and": [
                                    {"$eq": [_type(path), "object"]},
                                    {"$gt": [{"$size": {"$objectToArray": _value(path)}}, 0]},
                                ]
                            }
                        ]
                    },
                ]
            }
        group_key: Any = _value(path)
        if "objectId" in types:
            group_key = {"$cond": [{"$eq": [_type(path), "objectId"]}, {"$toString": _value(path)}, _value(path)]}
        facets[f"f{index}"] = [
            {"$match": {"$expr": condition}},
            {"$group": {"_id": group_key, "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": limit},
        ]
    return [{"$facet": facets}]


def _number(value: Any) -> float | None:
    # $avg over Decimal128 values returns a Decimal128.
    value = plain_value(value)
    return None if value is None else float(value)


def _family_counts(type_counts: Mapping[str, int]) -> dict[str, int]:
    families: dict[str, int] = {}
    for name, count in type_counts.items():
        family = _FAMILY_OF_TYPE.get(name, "other")
        families[family] = families.get(family, 0) + count
    return families


def _column(
    path: str,
    mongo_types: Mapping[str, int],
    stats: Mapping[str, Any],
    groups: Sequence[Mapping[str, Any]],
    semantic_values: Sequence[str],
    row_count: int,
    options: ProfileOptions,
) -> tuple[ColumnProfile, FieldQuality]:
    get = stats.get
    present = int(get("present") or 0)
    nulls = int(get("nulls") or 0)
    count = present - nulls
    type_counts: dict[str, int] = {}
    for mongo_type, number in mongo_types.items():
        if mongo_type in _NULL_TYPES:
            continue
        name = MONGO_TYPE_NAMES.get(mongo_type, mongo_type)
        if mongo_type == "object":
            number -= int(get("subdocs") or 0)  # non-empty sub-documents became their own paths
        if number > 0:
            type_counts[name] = type_counts.get(name, 0) + number
    families = _family_counts(type_counts)
    present_families = [family for family, number in families.items() if number]
    dominant_family = max(families, key=lambda family: families[family]) if families else None
    values: dict[str, Any] = {}
    for family, low, high in (
        ("numeric", "num_min", "num_max"),
        ("datetime", "date_min", "date_max"),
        ("string", "str_min", "str_max"),
    ):
        if families.get(family):
            values["min"], values["max"] = plain_value(get(low)), plain_value(get(high))
            break
    invalid = 0
    if families.get("numeric"):
        values.update(
            mean=_number(get("mean")),
            std=_number(get("std")),
            zeros_count=int(get("zeros") or 0),
            negative_count=int(get("negatives") or 0),
            infinite_count=int(get("infinite") or 0),
        )
        if dominant_family == "numeric":
            invalid = values["infinite_count"]
    if families.get("string"):
        values.update(
            min_length=get("min_length"),
            max_length=get("max_length"),
            mean_length=get("mean_length"),
            empty_count=int(get("empty") or 0),
            whitespace_count=int(get("whitespace") or 0),
        )
        if dominant_family == "string":
            invalid = values["empty_count"] + values["whitespace_count"]
    elif families.get("array"):
        values.update(
            min_length=get("arr_min_length"), max_length=get("arr_max_length"), mean_length=get("arr_mean_length")
        )
    if families.get("boolean"):
        values.update(true_count=int(get("true") or 0), false_count=families["boolean"] - int(get("true") or 0))
    earliest, latest = get("date_min"), get("date_max")
    if families.get("datetime") and earliest is not None and latest is not None:
        values["datetime_range"] = latest - earliest

    semantic = None
    if dominant_family == "string" and semantic_values:
        semantic = detect_semantic_type(list(semantic_values), min_share=options.semantic_min_share)

    threshold = options.categorical_threshold
    unique: int | None = len(groups) if len(groups) <= threshold else None
    if unique is None and groups and int(groups[0]["n"]) == 1:
        unique = count  # the most frequent value occurs once: every value is distinct (a key)
    scalar = not (families.get("array") or families.get("other"))
    categorical = scalar and is_categorical(unique, count, threshold=threshold, max_ratio=options.categorical_max_ratio)
    categories: list[tuple[Any, int]] | None = None
    if categorical:
        categories = [(json_safe(group["_id"]), int(group["n"])) for group in groups]
        categories.sort(key=lambda pair: (-pair[1], type(pair[0]).__name__, str(pair[0])))
    return scored_column_profile(
        name=path,
        kind=column_kind(present_families),
        row_count=row_count,
        count=count,
        unique_count=unique,
        type_counts=type_counts,
        invalid_count=invalid,
        semantic=semantic,
        string_count=families.get("string"),
        categories=categories,
        dtype="bson",
        missing_count=row_count - present,
        null_count=nulls,
        unique_count_more_than=threshold if unique is None else None,
        **values,
    )


def field_stats(result: Mapping[str, Any], index: int) -> dict[str, Any]:
    """The statistics of field ``index`` in a :func:`stats_pipeline` result, without the prefix."""
    prefix = f"f{index}_"
    return {name[len(prefix) :]: value for name, value in result.items() if name.startswith(prefix)}


def assemble_profile(
    fields: Mapping[str, Mapping[str, int]],
    stats: Mapping[str, Mapping[str, Any]],
    groups: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    row_count: int,
    options: ProfileOptions,
    source: str = "",
    semantic_values: Mapping[str, Sequence[str]] | None = None,
    samples: Sequence[Mapping[str, Any]] = (),
    seconds: float = 0.0,
) -> Profile:
    """Build the :class:`Profile` of a whole collection from the pipeline results.

    Args:
        fields: ``{path: {mongo type: count}}`` of every profiled path (leaves only).
        stats: Per path, its statistics (:func:`field_stats` of the :func:`stats_pipeline` results).
        groups: Per path, its ``[{"_id": value, "n": count}, ...]`` from :func:`values_pipeline`.
        row_count: Documents in the collection.
        options: Profiling options (categorical rule, semantic share).
        source: ``"database.collection"``.
        semantic_values: Per path, sampled string values for semantic detection.
        samples: Example documents.
        seconds: Time taken, recorded in the profile.

    Returns:
        The profile (``mode="full"``, ``engine="mongodb-pushdown"``); quantiles and
        histograms are not computed in this mode.
    """
    columns: dict[str, ColumnProfile] = {}
    scores: list[FieldQuality] = []
    semantic_values = semantic_values or {}
    for path, mongo_types in fields.items():
        column, score = _column(
            path,
            mongo_types,
            stats.get(path, {}),
            groups.get(path, []),
            semantic_values.get(path, []),
            row_count,
            options,
        )
        columns[path] = column
        scores.append(score)
    table = table_quality(scores)
    return Profile(
        row_count=row_count,
        total_count=row_count,
        source=source,
        mode="full",
        engine="mongodb-pushdown",
        approximate=False,
        categorical_threshold=options.categorical_threshold,
        categorical_max_ratio=options.categorical_max_ratio,
        columns=columns,
        samples=[json_safe(dict(sample)) for sample in samples[: options.sample_rows]],
        quality=table.quality,
        completeness=table.completeness,
        validity=table.validity,
        consistency=table.consistency,
        seconds=seconds,
    )
