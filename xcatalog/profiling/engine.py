"""The fused computation: pandas columns -> polars -> one ``select`` for every aggregate.

Why polars (measurements in ``docs/profiling.md``): with pandas 3 the default
``str`` dtype is Arrow-backed, so ``pl.from_pandas`` hands string columns over
without copying, numeric columns are zero-copy too, and a single ``select``
computes every aggregate of every column in one parallel pass.

Each pandas column becomes one or more *parts*, one per type family:

* a column with a real dtype (numbers, ``str``, bool, datetime) is one part;
* an ``object`` column is split by the class of its values: numbers (ints and
  floats together, as MongoDB compares them), strings, booleans, datetimes are
  each converted to a typed polars Series; arrays and anything else stay Python
  objects, profiled in Python. Nothing is dropped or coerced to null, so a
  field holding ints and strings keeps both.

Parts of equal length share one ``select``; a second, much smaller ``select``
counts the values of the categorical columns; semantic types are detected on a
seeded sample of each string column, never on every row.
"""

from __future__ import annotations

import decimal
import numbers
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from xcatalog.errors import ProfilingError
from xcatalog.profiling.categorical import is_categorical
from xcatalog.profiling.flatten import json_safe, type_name
from xcatalog.profiling.model import ColumnProfile, Histogram, column_kind
from xcatalog.profiling.options import ProfileOptions
from xcatalog.profiling.quality import FieldQuality, scored_column_profile
from xcatalog.profiling.semantic import detect_semantic_type

__all__ = ["QUANTILES", "profile_columns"]

#: Quantiles computed when ``quantiles`` is on, by name.
QUANTILES: dict[str, float] = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}

_POLARS_FAMILIES = ("numeric", "string", "boolean", "datetime")
# Where min/max come from in a mixed field: the first family present (pushdown.py follows the same rule).
_EXTREME_FAMILIES = ("numeric", "datetime", "string")


@dataclass
class _Part:
    """The values of one type family of a column."""

    family: str
    series: pl.Series | None = None  # polars families
    values: list[Any] | None = None  # "array" and "other": Python objects, no nulls
    is_float: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.stats.get("count", 0))


@dataclass
class _Column:
    name: str
    dtype: str
    parts: list[_Part]
    # For object columns the split already counted nulls and types; typed columns learn them from the select.
    null_count: int | None = None
    type_counts: dict[str, int] | None = None
    scalar_type_name: str = ""


def _family_of(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "boolean"
    if isinstance(value, numbers.Real | decimal.Decimal) and not isinstance(value, np.datetime64 | np.timedelta64):
        return "numeric"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, list | tuple | np.ndarray):
        return "array"
    return "other"


def _typed_part(family: str, values: np.ndarray, classes: set[type]) -> _Part:
    """Convert the values of one family of an object column to a typed polars Series when possible."""
    try:
        if family == "numeric":
            # Decided per class, not per value: an isinstance check on every value costs more than the conversion.
            is_float = any(not issubclass(cls, numbers.Integral) for cls in classes)
            if not is_float:
                try:
                    return _Part(family, series=pl.Series(np.asarray(values, dtype=np.int64)))
                except OverflowError:
                    pass  # ints beyond int64: compare them as floats
            return _Part(family, series=pl.Series(np.asarray(values, dtype=np.float64)), is_float=True)
        if family == "string":
            return _Part(family, series=pl.Series(values.tolist(), dtype=pl.String))
        if family == "boolean":
            return _Part(family, series=pl.Series(np.asarray(values, dtype=bool)))
        if family == "datetime":
            return _Part(family, series=pl.from_pandas(pd.Series(pd.to_datetime(values))))
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        pass  # e.g. naive and aware datetimes together: profile them as Python objects
    return _Part("array" if family == "array" else "other", values=values.tolist())


def _split_objects(name: str, series: pd.Series) -> _Column:
    """Split an object column by type family; no value is lost or coerced."""
    values = series.to_numpy(dtype=object)
    null_mask = np.asarray(pd.isna(values), dtype=bool)
    non_null = values[~null_mask] if null_mask.any() else values
    classes = list(map(type, non_null))
    first_index: dict[type, int] = {}
    for index, cls in enumerate(classes):
        if cls not in first_index:
            first_index[cls] = index
    class_counts = Counter(classes)
    type_counts: dict[str, int] = {}
    family_of_class: dict[type, str] = {}
    for cls, index in first_index.items():
        example = non_null[index]
        family_of_class[cls] = _family_of(example)
        label = type_name(example)
        type_counts[label] = type_counts.get(label, 0) + class_counts[cls]
    families = list(dict.fromkeys(family_of_class.values()))
    parts: list[_Part] = []
    classes_of_family: dict[str, set[type]] = {}
    for cls, family in family_of_class.items():
        classes_of_family.setdefault(family, set()).add(cls)
    if len(families) == 1:
        parts.append(_typed_part(families[0], non_null, classes_of_family[families[0]]))
    elif families:
        codes_of_family = {family: code for code, family in enumerate(families)}
        code_of_class = {cls: codes_of_family[family] for cls, family in family_of_class.items()}
        # map() with a bound lookup keeps the per-value work in C; a generator expression costs ~4x more.
        codes = np.fromiter(map(code_of_class.__getitem__, classes), dtype=np.int16, count=len(classes))
        for family, code in codes_of_family.items():
            parts.append(_typed_part(family, non_null[codes == code], classes_of_family[family]))
    return _Column(name, "object", parts, null_count=int(null_mask.sum()), type_counts=type_counts)


def _plan_column(name: str, series: pd.Series) -> _Column:
    """Decide how a pandas column reaches polars (zero-copy where the dtype allows)."""
    dtype = series.dtype
    dtype_label = str(dtype)
    try:
        if isinstance(dtype, pd.CategoricalDtype):
            if pd.api.types.is_string_dtype(dtype.categories.dtype):
                converted = pl.from_pandas(series).cast(pl.String)
                if not all(isinstance(category, str) for category in dtype.categories):
                    raise TypeError("categories are not all strings")
                return _Column(name, dtype_label, [_Part("string", series=converted)], scalar_type_name="string")
            series = series.astype(dtype.categories.dtype)
            dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            return _Column(
                name, dtype_label, [_Part("boolean", series=pl.from_pandas(series))], scalar_type_name="bool"
            )
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
            is_float = pd.api.types.is_float_dtype(dtype)
            part = _Part("numeric", series=pl.from_pandas(series), is_float=is_float)
            return _Column(name, dtype_label, [part], scalar_type_name="float" if is_float else "int")
        if pd.api.types.is_datetime64_any_dtype(dtype):
            part = _Part("datetime", series=pl.from_pandas(series))
            return _Column(name, dtype_label, [part], scalar_type_name="datetime")
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            part = _Part("string", series=pl.from_pandas(series).cast(pl.String))
            return _Column(name, dtype_label, [part], scalar_type_name="string")
    except (TypeError, ValueError, NotImplementedError, pl.exceptions.PolarsError):
        pass  # an unusual dtype polars cannot take: fall back to the value-by-value split
    column = _split_objects(name, series if pd.api.types.is_object_dtype(dtype) else series.astype(object))
    column.dtype = dtype_label
    return column


def _part_expressions(key: str, part: _Part, options: ProfileOptions) -> list[pl.Expr]:
    column = pl.col(key)
    unique = column.drop_nulls().approx_n_unique() if options.approximate else column.n_unique()
    expressions = [column.null_count().alias(f"{key}|nulls"), unique.alias(f"{key}|unique")]
    if part.family == "numeric":
        expressions += [
            column.min().alias(f"{key}|min"),
            column.max().alias(f"{key}|max"),
            column.mean().alias(f"{key}|mean"),
            column.std().alias(f"{key}|std"),
            (column == 0).sum().alias(f"{key}|zeros"),
            (column < 0).sum().alias(f"{key}|negatives"),
        ]
        if part.is_float:
            expressions.append(column.is_infinite().sum().alias(f"{key}|infinite"))
        if options.quantiles:
            expressions += [
                column.quantile(q, interpolation="linear").alias(f"{key}|{name}") for name, q in QUANTILES.items()
            ]
    elif part.family == "string":
        lengths = column.str.len_chars()
        expressions += [
            column.min().alias(f"{key}|min"),
            column.max().alias(f"{key}|max"),
            lengths.min().alias(f"{key}|min_length"),
            lengths.mean().alias(f"{key}|mean_length"),
            lengths.max().alias(f"{key}|max_length"),
            (lengths == 0).sum().alias(f"{key}|empty"),
            column.str.contains(r"^\s+$").sum().alias(f"{key}|whitespace"),
        ]
    elif part.family == "boolean":
        expressions.append(column.sum().alias(f"{key}|true"))
    elif part.family == "datetime":
        expressions += [column.min().alias(f"{key}|min"), column.max().alias(f"{key}|max")]
    return expressions


def _python_part_stats(part: _Part) -> None:
    values = part.values or []
    part.stats["count"] = len(values)
    part.stats["unique"] = len({(type(value).__name__, repr(value)) for value in values})
    if part.family == "array" and values:
        lengths = [len(value) for value in values]
        part.stats.update(min_length=min(lengths), max_length=max(lengths), mean_length=sum(lengths) / len(lengths))


def _compute_part_stats(columns: list[_Column], options: ProfileOptions) -> None:
    """Fill ``part.stats`` of every part: one polars ``select`` per distinct part length."""
    groups: dict[int, list[tuple[str, _Part]]] = {}
    for column_index, column in enumerate(columns):
        for part_index, part in enumerate(column.parts):
            if part.series is None:
                _python_part_stats(part)
                continue
            groups.setdefault(part.series.len(), []).append((f"{column_index}.{part_index}", part))
    for members in groups.values():
        frame = pl.DataFrame([part.series.rename(key) for key, part in members if part.series is not None])
        expressions = [expr for key, part in members for expr in _part_expressions(key, part, options)]
        row = frame.select(expressions).row(0, named=True)
        for key, part in members:
            prefix = f"{key}|"
            stats = {name[len(prefix) :]: value for name, value in row.items() if name.startswith(prefix)}
            length = frame.height
            nulls = int(stats.pop("nulls"))
            unique = int(stats.pop("unique"))
            if not options.approximate and nulls:
                unique -= 1  # n_unique counts null as a value
            stats["count"] = length - nulls
            stats["nulls"] = nulls
            stats["unique"] = min(unique, length - nulls)
            part.stats.update(stats)


def _category_counts(columns: list[tuple[_Column, int]]) -> dict[int, list[tuple[Any, int]]]:
    """Value counts (most frequent first) of the given columns, computed together."""
    result: dict[int, list[tuple[Any, int]]] = {}
    for column, index in columns:
        pairs: list[tuple[Any, int]] = []
        for part in column.parts:
            if part.series is None:
                continue
            # Fixed names for both result columns: value_counts names them after the series and "count", and a
            # column called "count" (or any user name) must not collide with its own frequency column.
            values_only = part.series.drop_nulls().rename("value")
            counts = values_only.value_counts(sort=True, name="frequency")
            values, frequencies = counts.get_column("value"), counts.get_column("frequency")
            pairs.extend(zip(values.to_list(), frequencies.to_list(), strict=True))
        # Stable order: by frequency, then by value within its family (mixed families compared by text).
        pairs.sort(key=lambda pair: (-pair[1], type(pair[0]).__name__, str(pair[0])))
        result[index] = [(json_safe(value), int(count)) for value, count in pairs]
    return result


def _finite(value: Any) -> Any:
    if isinstance(value, float) and (value != value):  # NaN from std/mean of infinities
        return None
    return value


def _histogram(part: _Part, bins: int) -> Histogram | None:
    if part.series is None or part.count == 0:
        return None
    values = part.series.drop_nulls()
    if part.is_float:
        values = values.filter(values.is_finite())
    if values.len() == 0:
        return None
    array = values.to_numpy()
    counts, edges = np.histogram(array, bins=bins, range=(float(array.min()), float(array.max())))
    return Histogram(edges=[float(edge) for edge in edges], counts=[int(count) for count in counts])


def _assemble(
    column: _Column,
    *,
    row_count: int,
    present_count: int | None,
    type_counts_override: Mapping[str, int] | None,
    categories: list[tuple[Any, int]] | None,
    options: ProfileOptions,
) -> tuple[ColumnProfile, FieldQuality]:
    by_family = {part.family: part for part in column.parts}
    count = sum(part.count for part in column.parts)
    if column.null_count is None:
        column.null_count = sum(int(part.stats.get("nulls", 0)) for part in column.parts)
    if column.type_counts is None:
        column.type_counts = {column.scalar_type_name: count} if count else {}
    type_counts = dict(type_counts_override) if type_counts_override is not None else column.type_counts
    all_nulls = row_count - count
    missing = row_count - present_count if present_count is not None else 0
    null_count = all_nulls - missing

    unique: int | None = sum(int(part.stats.get("unique", 0)) for part in column.parts)
    families = [part.family for part in column.parts if part.count]
    dominant_family = max(column.parts, key=lambda part: part.count).family if families else None

    values: dict[str, Any] = {}
    extreme = next((by_family[family] for family in _EXTREME_FAMILIES if family in by_family), None)
    if extreme is not None and extreme.count:
        values["min"], values["max"] = extreme.stats.get("min"), extreme.stats.get("max")
    numeric = by_family.get("numeric")
    invalid = 0
    if numeric is not None and numeric.count:
        values.update(
            mean=_finite(numeric.stats.get("mean")),
            std=_finite(numeric.stats.get("std")),
            zeros_count=int(numeric.stats["zeros"]),
            negative_count=int(numeric.stats["negatives"]),
            infinite_count=int(numeric.stats.get("infinite", 0)),
        )
        if options.quantiles:
            values["quantiles"] = {name: float(numeric.stats[name]) for name in QUANTILES}
        if options.histograms:
            values["histogram"] = _histogram(numeric, options.histogram_bins)
        if dominant_family == "numeric":
            invalid = values["infinite_count"]
    text = by_family.get("string")
    lengths = text if text is not None and text.count else by_family.get("array")
    if lengths is not None and lengths.count:
        values.update(
            min_length=int(lengths.stats["min_length"]),
            max_length=int(lengths.stats["max_length"]),
            mean_length=float(lengths.stats["mean_length"]),
        )
    if text is not None and text.count:
        values.update(empty_count=int(text.stats["empty"]), whitespace_count=int(text.stats["whitespace"]))
        if dominant_family == "string":
            invalid = values["empty_count"] + values["whitespace_count"]
    flags = by_family.get("boolean")
    if flags is not None and flags.count:
        values.update(true_count=int(flags.stats["true"]), false_count=flags.count - int(flags.stats["true"]))
    moments = by_family.get("datetime")
    if moments is not None and moments.count:
        values["datetime_range"] = moments.stats["max"] - moments.stats["min"]

    semantic = None
    if text is not None and text.count and dominant_family == "string" and text.series is not None:
        sample = text.series
        if sample.len() > options.semantic_sample_size:
            sample = sample.sample(n=options.semantic_sample_size, seed=options.seed)
        semantic = detect_semantic_type(sample, min_share=options.semantic_min_share)
    return scored_column_profile(
        name=column.name,
        kind=column_kind(families),
        row_count=row_count,
        count=count,
        unique_count=unique,
        type_counts=type_counts,
        invalid_count=invalid,
        semantic=semantic,
        string_count=text.count if text is not None else None,
        categories=categories,
        dtype=column.dtype,
        missing_count=missing,
        null_count=null_count,
        **values,
    )


def profile_columns(
    frame: pd.DataFrame,
    options: ProfileOptions,
    *,
    present_counts: Mapping[str, int] | None = None,
    type_counts: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[dict[str, ColumnProfile], list[FieldQuality]]:
    """Profile every column of ``frame``.

    Args:
        frame: The data; column names must be unique.
        options: What to compute.
        present_counts: Rows that have each column's key (documents); absent -> all rows.
        type_counts: Original type names per column (documents); default from the values.

    Returns:
        Column profiles by name (frame order) and their quality scores.

    Raises:
        ProfilingError: Column names repeat.
    """
    names = [str(name) for name in frame.columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ProfilingError(
            f"Cannot profile a frame with repeated column names: {', '.join(repeated)}. "
            "Rename them first (frame.columns = [...]) so each field has one profile."
        )
    row_count = len(frame)
    columns = [_plan_column(name, frame.iloc[:, index]) for index, name in enumerate(names)]
    _compute_part_stats(columns, options)

    wanted: list[tuple[_Column, int]] = []
    for index, column in enumerate(columns):
        count = sum(part.count for part in column.parts)
        unique = sum(int(part.stats.get("unique", 0)) for part in column.parts)
        scalar = all(part.series is not None for part in column.parts)
        threshold, ratio = options.categorical_threshold, options.categorical_max_ratio
        if scalar and is_categorical(unique, count, threshold=threshold, max_ratio=ratio):
            wanted.append((column, index))
    categories = _category_counts(wanted)

    profiles: dict[str, ColumnProfile] = {}
    scores: list[FieldQuality] = []
    for index, column in enumerate(columns):
        profile, score = _assemble(
            column,
            row_count=row_count,
            present_count=present_counts.get(column.name, 0) if present_counts is not None else None,
            type_counts_override=type_counts.get(column.name) if type_counts is not None else None,
            categories=categories.get(index),
            options=options,
        )
        profiles[column.name] = profile
        scores.append(score)
    return profiles, scores
