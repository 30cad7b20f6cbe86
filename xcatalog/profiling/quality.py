"""Data-quality scores of a field and of a table.

Per field, every score is a share between 0 and 1 (``docs/profiling.md``):

* ``completeness = count / row_count`` — absent keys and nulls both count as incomplete;
* ``uniqueness = unique_count / count`` — reported, but *not* part of the overall score,
  because a low uniqueness is right for a categorical field and wrong only for a key;
* ``consistency = dominant_type_count / count`` — the share of the most frequent type
  among the non-null values (1 for a single-typed field);
* ``validity`` — the share of non-null values that are valid for the field:
  with a semantic type, ``semantic_share * dominant_type_count / count`` (the semantic
  share is measured on the string values); otherwise
  ``(dominant_type_count - invalid) / count`` where ``invalid`` counts blank (empty or
  whitespace-only) strings of a string field and infinite numbers of a numeric field;
* ``quality`` = the mean of completeness, validity and consistency, leaving out those
  that are undefined (a field with no values has only completeness, which is 0).

Per table: ``quality`` is the mean of the field qualities; ``completeness``,
``validity`` and ``consistency`` are the means over fields where they are defined.

:func:`scored_column_profile` scores a field and builds its :class:`ColumnProfile`
with the scores and the values derived from its counts: the one place where the
polars engine and the MongoDB pushdown turn their statistics into a column profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any

from xcatalog.profiling.categorical import unseen_share
from xcatalog.profiling.model import ColumnKind, ColumnProfile

if TYPE_CHECKING:
    from xcatalog.profiling.semantic import SemanticMatch

__all__ = ["FieldQuality", "TableQuality", "field_quality", "scored_column_profile", "table_quality"]


@dataclass(frozen=True)
class FieldQuality:
    """Quality scores of one field (see the module docstring for the formulas)."""

    completeness: float
    uniqueness: float | None
    validity: float | None
    consistency: float | None
    quality: float


@dataclass(frozen=True)
class TableQuality:
    """Quality scores of a table: means over its fields."""

    completeness: float
    validity: float | None
    consistency: float | None
    quality: float


def field_quality(
    *,
    row_count: int,
    count: int,
    unique_count: int | None,
    type_counts: Mapping[str, int],
    invalid_count: int = 0,
    semantic_share: float | None = None,
    semantic_base_count: int | None = None,
) -> FieldQuality:
    """Score one field.

    Args:
        row_count: Rows profiled.
        count: Non-null values.
        unique_count: Distinct non-null values, or ``None`` when unknown.
        type_counts: Non-null values per type name.
        invalid_count: Values of the dominant type that are not valid (blank strings, infinities).
        semantic_share: Share of string values matching the detected semantic type, if any.
        semantic_base_count: Values the semantic share applies to (default the dominant type's count).

    Returns:
        The scores.

    Example:
        >>> score = field_quality(row_count=10, count=8, unique_count=8, type_counts={"int": 6, "string": 2})
        >>> score.completeness, score.consistency, score.validity, round(score.quality, 3)
        (0.8, 0.75, 0.75, 0.767)
    """
    completeness = count / row_count if row_count else 0.0
    uniqueness = unique_count / count if count and unique_count is not None else None
    validity: float | None = None
    consistency: float | None = None
    if count:
        dominant = max(type_counts.values()) if type_counts else count
        consistency = dominant / count
        if semantic_share is not None:
            base = dominant if semantic_base_count is None else semantic_base_count
            validity = semantic_share * base / count
        else:
            validity = max(dominant - invalid_count, 0) / count
    defined = [score for score in (completeness, validity, consistency) if score is not None]
    return FieldQuality(
        completeness=completeness,
        uniqueness=uniqueness,
        validity=validity,
        consistency=consistency,
        quality=fmean(defined),
    )


def scored_column_profile(
    *,
    name: str,
    kind: ColumnKind,
    row_count: int,
    count: int,
    unique_count: int | None,
    type_counts: dict[str, int],
    invalid_count: int,
    semantic: SemanticMatch | None,
    string_count: int | None,
    categories: Sequence[tuple[Any, int]] | None,
    **statistics: Any,
) -> tuple[ColumnProfile, FieldQuality]:
    """Score one field and build its column profile.

    Args:
        name: Column name or dotted field path.
        kind: What the non-null values are.
        row_count: Rows profiled.
        count: Non-null values.
        unique_count: Distinct non-null values, or ``None`` when unknown.
        type_counts: Non-null values per type name.
        invalid_count: Values of the dominant type that are not valid (see :func:`field_quality`).
        semantic: The detected semantic type, if any.
        string_count: String values of the field (what a semantic share is measured on), if any.
        categories: ``(value, count)`` pairs, most frequent first, of a categorical field; ``None`` otherwise.
        **statistics: The other :class:`ColumnProfile` fields, passed on unchanged (``dtype``,
            ``missing_count``, ``null_count``, ``min``, ``max``, ``mean``, ...).

    Returns:
        The profile, carrying its scores, and the scores (for :func:`table_quality`).
    """
    values = dict(statistics)
    if semantic is not None:
        values.update(
            semantic_type=semantic.semantic_type,
            semantic_share=semantic.share,
            semantic_sample_size=semantic.sample_size,
            sensitive=semantic.sensitive,
        )
    if categories is not None:
        values["categories"] = dict(categories)
        values["unseen_share"] = unseen_share(frequency for _, frequency in categories)
    elif unique_count == count and count:
        values["unseen_share"] = 1.0  # every value seen once: the next one is new
    scores = field_quality(
        row_count=row_count,
        count=count,
        unique_count=unique_count,
        type_counts=type_counts,
        invalid_count=invalid_count,
        semantic_share=semantic.share if semantic else None,
        semantic_base_count=string_count if semantic else None,
    )
    profile = ColumnProfile(
        name=name,
        kind=kind,
        count=count,
        unique_count=unique_count,
        duplicate_count=count - unique_count if unique_count is not None else None,
        is_candidate_key=bool(count) and count == row_count and unique_count == count,
        type_counts=type_counts,
        dominant_type=max(type_counts, key=lambda type_name: type_counts[type_name]) if type_counts else None,
        is_categorical=categories is not None,
        completeness=scores.completeness,
        uniqueness=scores.uniqueness,
        validity=scores.validity,
        consistency=scores.consistency,
        quality=scores.quality,
        **values,
    )
    return profile, scores


def table_quality(fields: Iterable[FieldQuality]) -> TableQuality:
    """Average field scores into table scores (an empty table scores 0)."""
    scores = list(fields)
    if not scores:
        return TableQuality(completeness=0.0, validity=None, consistency=None, quality=0.0)
    validities = [score.validity for score in scores if score.validity is not None]
    consistencies = [score.consistency for score in scores if score.consistency is not None]
    return TableQuality(
        completeness=fmean(score.completeness for score in scores),
        validity=fmean(validities) if validities else None,
        consistency=fmean(consistencies) if consistencies else None,
        quality=fmean(score.quality for score in scores),
    )
