"""Result objects of profiling: :class:`Profile` and :class:`ColumnProfile`.

They are plain pydantic models so that a profile can be stored (``to_json`` /
``from_json`` round-trip exactly), shown in a notebook (``_repr_html_``) and
turned into a pandas DataFrame with one row per field (``to_frame``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_serializer, field_validator

from xcatalog.errors import ProfilingError

__all__ = [
    "FIELD_TABLE_TITLES",
    "ColumnKind",
    "ColumnProfile",
    "Histogram",
    "Profile",
    "Scalar",
    "column_kind",
    "fields_table_html",
]

#: The JSON scalars a category value or a sample value may be.
Scalar = bool | int | float | str | None

#: What a column holds, decided from its non-null values.
ColumnKind = Literal["numeric", "string", "boolean", "datetime", "array", "object", "mixed", "empty"]

_QUANTILE_NAMES = ("p5", "p25", "p50", "p75", "p95")

# The type families the engines split values into, and the kind of a field holding one of them only.
_FAMILY_KIND: dict[str, ColumnKind] = {
    "numeric": "numeric",
    "string": "string",
    "boolean": "boolean",
    "datetime": "datetime",
    "array": "array",
    "other": "object",
}


def column_kind(families: Sequence[str]) -> ColumnKind:
    """The kind of a field from the type families of its non-null values.

    Args:
        families: The families present (``numeric``, ``string``, ``boolean``, ``datetime``,
            ``array``, ``other``), each once.

    Returns:
        ``"empty"`` without values, ``"mixed"`` with several families, else the family's kind.
    """
    if not families:
        return "empty"
    return "mixed" if len(families) > 1 else _FAMILY_KIND[families[0]]


class Histogram(BaseModel):
    """Equal-width bins over the finite numeric values of a field.

    Attributes:
        edges: ``bins + 1`` bin edges, ascending.
        counts: Values per bin; the last bin includes its right edge.
    """

    model_config = ConfigDict(frozen=True)

    edges: list[float]
    counts: list[int]


class ColumnProfile(BaseModel):
    """Statistics, categorical values, semantic type and quality of one field.

    Every count refers to :attr:`Profile.row_count` rows (the rows or documents
    that were profiled); :attr:`Profile.total_count` says how many the source holds.

    Attributes:
        name: Column name or dotted field path (``"address.city"``).
        kind: What the non-null values are (``"mixed"`` when several type families occur).
        dtype: The pandas dtype of the column, or ``"documents"`` / ``"bson"`` for flattened documents.
        count: Non-null values.
        missing_count: Rows where the key is absent (always 0 for a DataFrame column).
        null_count: Rows where the key is present with a null value (None, NaN, NaT, NA).
        unique_count: Distinct non-null values; ``None`` when only a lower bound is known
            (see ``unique_count_more_than``).
        unique_count_more_than: Set when the exact count was not computed (pushdown above
            the categorical threshold): the distinct count is larger than this.
        duplicate_count: ``count - unique_count``.
        is_candidate_key: Every row has a value and no value repeats.
        type_counts: Non-null values per type name (``int``, ``float``, ``string``, ``bool``,
            ``datetime``, ``decimal``, ``objectId``, ``array``, ``object``, ...).
        dominant_type: The most frequent type name.
        min: Smallest value: of the numeric values if any, else of the dominant type.
        max: Largest value, chosen like ``min``.
        mean: Mean of the numeric values (booleans excluded).
        std: Sample standard deviation (ddof=1) of the numeric values.
        quantiles: ``p5``, ``p25``, ``p50``, ``p75``, ``p95`` (linear interpolation) when enabled.
        zeros_count: Numeric values equal to 0.
        negative_count: Numeric values below 0.
        infinite_count: Numeric values that are +/- infinity.
        histogram: Equal-width bins of the finite numeric values when enabled.
        min_length: Shortest string (characters) or array (items).
        mean_length: Mean length of the strings or arrays.
        max_length: Longest string or array.
        empty_count: Empty strings.
        whitespace_count: Strings made only of whitespace (not empty).
        true_count: ``True`` values.
        false_count: ``False`` values.
        datetime_range: ``max - min`` of datetime values.
        is_categorical: Whether the field is a closed-looking set of values (see ``docs/profiling.md``).
        categories: Value -> count for a categorical field, most frequent first.
        unseen_share: Good–Turing estimate of the share of future values not seen yet
            (values seen once / ``count``); computed for categorical fields and candidate keys.
        semantic_type: ``email``, ``url``, ``uuid``, ``phone``, ``ip_address``, ``iso_date``,
            ``credit_card`` or ``object_id`` when most string values match.
        semantic_share: Share of the examined string values that match ``semantic_type``.
        semantic_sample_size: How many string values were examined for the semantic type.
        sensitive: Email, phone and credit-card fields.
        completeness: ``count / row_count``.
        uniqueness: ``unique_count / count``.
        validity: Share of non-null values valid for the field's type (see ``docs/profiling.md``).
        consistency: Share of non-null values of the dominant type.
        quality: Overall field score, the mean of completeness, validity and consistency.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    kind: ColumnKind
    dtype: str = ""
    count: int
    missing_count: int = 0
    null_count: int = 0
    unique_count: int | None = None
    unique_count_more_than: int | None = None
    duplicate_count: int | None = None
    is_candidate_key: bool = False
    type_counts: dict[str, int] = Field(default_factory=dict)
    dominant_type: str | None = None
    min: Any = None
    max: Any = None
    mean: float | None = None
    std: float | None = None
    quantiles: dict[str, float] | None = None
    zeros_count: int | None = None
    negative_count: int | None = None
    infinite_count: int | None = None
    histogram: Histogram | None = None
    min_length: int | None = None
    mean_length: float | None = None
    max_length: int | None = None
    empty_count: int | None = None
    whitespace_count: int | None = None
    true_count: int | None = None
    false_count: int | None = None
    datetime_range: timedelta | None = None
    is_categorical: bool = False
    categories: dict[Any, int] = Field(default_factory=dict)
    unseen_share: float | None = None
    semantic_type: str | None = None
    semantic_share: float | None = None
    semantic_sample_size: int | None = None
    sensitive: bool = False
    completeness: float = 0.0
    uniqueness: float | None = None
    validity: float | None = None
    consistency: float | None = None
    quality: float = 0.0

    @field_validator("min", "max", mode="before")
    @classmethod
    def _restore_extreme(cls, value: Any, info: ValidationInfo) -> Any:
        # JSON has no datetime: an extreme of a datetime field comes back as an ISO string.
        if isinstance(value, str) and info.data.get("kind") == "datetime":
            return datetime.fromisoformat(value)
        return value

    @field_serializer("min", "max", when_used="json")
    def _dump_extreme(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    @field_validator("categories", mode="before")
    @classmethod
    def _restore_categories(cls, value: Any) -> Any:
        # Stored as [[value, count], ...]: JSON object keys would turn 1, True and None into strings.
        if isinstance(value, list):
            return {item[0]: item[1] for item in value}
        return value

    @field_serializer("categories", when_used="json")
    def _dump_categories(self, value: dict[Any, int]) -> list[list[Any]]:
        return [[key, count] for key, count in value.items()]


class Profile(BaseModel):
    """A data-quality profile of a DataFrame, a list of documents or a collection.

    Attributes:
        row_count: Rows (or documents) that were profiled; every count in the profile refers to these.
        total_count: Rows in the source (larger than ``row_count`` when a sample was profiled).
        source: What was profiled, e.g. ``"DataFrame"``, ``"documents"`` or ``"shop.orders"``.
        mode: ``"frame"``, ``"documents"``, ``"sample"`` (a sample of a collection profiled in
            Python) or ``"full"`` (the whole collection).
        engine: What computed the statistics (``"polars"`` or ``"mongodb-pushdown"``).
        approximate: Whether distinct counts are estimates (HyperLogLog) instead of exact.
        categorical_threshold: Most distinct values a categorical field may have.
        categorical_max_ratio: Largest ``unique_count / count`` of a categorical field.
        columns: One :class:`ColumnProfile` per column or field path, in source order.
        samples: A few example rows (JSON-friendly values; absent keys left out).
        quality: Table score: the mean of the field scores.
        completeness: Mean field completeness.
        validity: Mean field validity (fields with values only).
        consistency: Mean field consistency (fields with values only).
        created_at: When the profile was computed (UTC).
        seconds: How long the computation took.

    Example:
        >>> import pandas as pd
        >>> from xcatalog.profiling import profile
        >>> result = profile(pd.DataFrame({"size": ["S", "M", "M", "L"] * 10}))
        >>> result.columns["size"].categories
        {'M': 20, 'L': 10, 'S': 10}
    """

    model_config = ConfigDict(frozen=True)

    row_count: int
    total_count: int
    source: str = ""
    mode: Literal["frame", "documents", "sample", "full"] = "frame"
    engine: str = "polars"
    approximate: bool = False
    categorical_threshold: int = 100
    categorical_max_ratio: float = 0.5
    columns: dict[str, ColumnProfile] = Field(default_factory=dict)
    samples: list[dict[str, Any]] = Field(default_factory=list)
    quality: float = 0.0
    completeness: float = 0.0
    validity: float | None = None
    consistency: float | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise the profile to JSON (for the catalog store).

        Args:
            indent: Pretty-print with this indent; compact by default.

        Returns:
            A JSON document that :meth:`from_json` turns back into an equal profile.
        """
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Profile:
        """Rebuild a profile from :meth:`to_json` output.

        Args:
            text: The JSON document.

        Returns:
            The profile.

        Raises:
            pydantic.ValidationError: The document is not a profile.
        """
        return cls.model_validate_json(text)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per field, indexed by field name, for sorting and filtering.

        Nested values (type counts, categories, quantiles, histogram) are kept
        as Python objects in their cells; quantiles are also spread into
        ``p5`` ... ``p95`` columns.
        """
        rows: list[dict[str, Any]] = []
        for column in self.columns.values():
            row = column.model_dump(exclude={"histogram"})
            quantiles = row.pop("quantiles") or {}
            for name in _QUANTILE_NAMES:
                row[name] = quantiles.get(name)
            row["histogram"] = column.histogram.model_dump() if column.histogram else None
            rows.append(row)
        frame = pd.DataFrame(rows)
        return frame.set_index("name") if rows else frame

    def _repr_html_(self) -> str:
        header = (
            f"<p><b>Profile</b> of {html.escape(self.source or self.mode)}: {self.row_count:,} rows profiled"
            f" of {self.total_count:,}, {len(self.columns)} fields, quality {self.quality:.2f}"
            f" ({html.escape(self.engine)}, {self.seconds:.2f} s)</p>"
        )
        return header + fields_table_html(self.columns.values())


#: The columns of :func:`fields_table_html`, in order.
FIELD_TABLE_TITLES = (
    "field",
    "kind",
    "count",
    "missing",
    "null",
    "unique",
    "min",
    "max",
    "mean",
    "semantic",
    "quality",
)


def fields_table_html(
    columns: Iterable[ColumnProfile],
    *,
    extra_cells: Callable[[ColumnProfile], Mapping[str, str]] | None = None,
    detailed: bool = True,
) -> str:
    """The per-field table of a profile as HTML: one row per field, one column per :data:`FIELD_TABLE_TITLES`.

    Args:
        columns: The fields, in row order.
        extra_cells: Called with each field; the HTML cells it returns, by title, replace the
            plain ones (the profile view uses it for quality bars and a tooltip on sensitive fields).
        detailed: List the values of categorical fields and the type counts of mixed ones; without it a
            categorical field is only marked as such (the profile view draws its values in another tab).

    Returns:
        A ``<table>`` element; names and values are escaped.

    Raises:
        ProfilingError: ``extra_cells`` returned a title that is not one of :data:`FIELD_TABLE_TITLES`.
    """
    body = []
    for column in columns:
        cells = _field_cells(column, detailed=detailed)
        if extra_cells is not None:
            replacements = extra_cells(column)
            unknown = sorted(set(replacements) - set(cells))
            if unknown:
                raise ProfilingError(
                    f"Cannot replace table cells {unknown} of field {column.name!r}: the table has the columns "
                    f"{', '.join(FIELD_TABLE_TITLES)}. Return cells under these titles only."
                )
            cells.update(replacements)
        body.append("<tr>" + "".join(f"<td>{cells[title]}</td>" for title in FIELD_TABLE_TITLES) + "</tr>")
    head = "<tr>" + "".join(f"<th>{title}</th>" for title in FIELD_TABLE_TITLES) + "</tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _field_cells(column: ColumnProfile, *, detailed: bool) -> dict[str, str]:
    unique = (
        f"&gt; {column.unique_count_more_than:,}"
        if column.unique_count is None and column.unique_count_more_than is not None
        else _cell(column.unique_count)
    )
    if column.is_categorical and detailed:
        unique += f" (categorical: {html.escape(_shorten(', '.join(map(str, column.categories)), 60))})"
    elif column.is_categorical:
        unique += " <i>categorical</i>"
    semantic = column.semantic_type or ""
    if column.sensitive:
        semantic += " ⚠ sensitive"
    cells = [
        f"<b>{html.escape(column.name)}</b>",
        html.escape(f"mixed {column.type_counts}" if column.kind == "mixed" and detailed else column.kind),
        _cell(column.count),
        _cell(column.missing_count),
        _cell(column.null_count),
        unique,
        html.escape(_shorten(_cell(column.min), 30)),
        html.escape(_shorten(_cell(column.max), 30)),
        _cell(column.mean),
        html.escape(semantic),
        _cell(column.quality),
    ]
    return dict(zip(FIELD_TABLE_TITLES, cells, strict=True))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:,.4g}"
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
