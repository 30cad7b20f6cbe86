"""Turning sampled documents, their field statistics and their profile into a :class:`ModelEnrichment`. Pure.

The resource fetches the sample, :mod:`xcatalog.inference` describes every
field path (presence, types, nulls, examples) and :mod:`xcatalog.profiling`
adds uniqueness, categorical values, semantic types, sensitivity and quality.
This module only combines them; it never opens a connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xcatalog.enrichment._paths import jsonable, path_values
from xcatalog.enrichment.grading import DEFAULT_MAX_UNSEEN_SHARE, DEFAULT_MIN_OBSERVATIONS, is_closed_set
from xcatalog.enrichment.model import CategoryChange, CategoryStats, FieldEnrichment, ModelEnrichment, same_value
from xcatalog.profiling.model import ColumnProfile, Profile

__all__ = ["build_enrichment", "category_changes", "category_rows"]


def _attribute(stats: Any, *names: str, default: Any = None) -> Any:
    # Field statistics arrive as inference objects or plain dicts (a stored snapshot); accept both.
    for name in names:
        if isinstance(stats, Mapping) and name in stats:
            return stats[name]
        if hasattr(stats, name):
            return getattr(stats, name)
    return default


def _presence(stats: Any, sample_size: int) -> float | None:
    presence = _attribute(stats, "presence", "presence_rate")
    if isinstance(presence, int | float):
        return float(presence)
    count = _attribute(stats, "present_count", "count")
    if isinstance(count, int) and sample_size:
        return count / sample_size
    return None


def _field_from_stats(path: str, stats: Any, sample_size: int) -> FieldEnrichment:
    types = _attribute(stats, "types", "type_counts", default={}) or {}
    return FieldEnrichment(
        path=path,
        types={str(name): int(count) for name, count in dict(types).items()},
        presence=_presence(stats, sample_size),
        null_count=int(_attribute(stats, "null_count", default=0) or 0),
        examples=jsonable(list(_attribute(stats, "examples", default=[]) or [])[:5]),
    )


def _categories(
    column: ColumnProfile, *, max_unseen_share: float, min_observations: int, enabled: bool
) -> CategoryStats | None:
    if not enabled or not column.is_categorical or not column.categories:
        return None
    counts = list(column.categories.items())
    observations = sum(count for _, count in counts)
    unseen = column.unseen_share
    if unseen is None:
        singletons = sum(1 for _, count in counts if count == 1)
        unseen = singletons / observations if observations else 1.0
    closed = is_closed_set(
        is_categorical=True,
        unseen_share=unseen,
        observations=observations,
        max_unseen_share=max_unseen_share,
        min_observations=min_observations,
    )
    return CategoryStats.from_counts(counts, unseen_share=unseen, is_closed=closed)


def _merge_profile(field: FieldEnrichment, column: ColumnProfile, categories: CategoryStats | None) -> FieldEnrichment:
    total = column.count + column.null_count + column.missing_count
    presence = field.presence
    if presence is None and total:
        presence = 1 - column.missing_count / total
    return field.model_copy(
        update={
            "types": field.types or dict(column.type_counts),
            "presence": presence,
            "null_count": field.null_count or column.null_count,
            "unique_count": column.unique_count,
            "completeness": column.completeness,
            "uniqueness": column.uniqueness,
            "semantic_type": column.semantic_type,
            "sensitive": column.sensitive,
            "is_categorical": categories is not None,
            "categories": categories,
            "quality": {
                "completeness": column.completeness,
                "uniqueness": column.uniqueness,
                "validity": column.validity,
                "consistency": column.consistency,
                "score": column.quality,
            },
        }
    )


def _examples(documents: Sequence[Mapping[str, Any]], path: str, limit: int = 5) -> list[Any]:
    found: list[Any] = []
    for document in documents:
        for value in path_values(document, path):
            value = jsonable(value)
            if value is not None and value not in found:
                found.append(value)
                if len(found) >= limit:
                    return found
    return found


def category_rows(documents: Sequence[Mapping[str, Any]], paths: Sequence[str]) -> list[dict[str, Any]]:
    """For every document, its values of the given (categorical) paths: the joint sample for co-occurrence.

    A path with one value in a document keeps the value; an array path keeps
    the list of its values; an absent path or a null is left out.
    """
    rows: list[dict[str, Any]] = []
    for document in documents:
        row: dict[str, Any] = {}
        for path in paths:
            found = [value for value in path_values(document, path) if value is not None]
            if not found:
                continue
            row[path] = jsonable(found if "[]" in path else found[0])
        rows.append(row)
    return rows


def build_enrichment(
    *,
    model_name: str,
    resource_name: str,
    collection: str,
    documents: Sequence[Mapping[str, Any]],
    profile: Profile,
    field_stats: Mapping[str, Any] | None = None,
    total_count: int | None = None,
    resource_type: str = "",
    sample_rows: int = 10,
    categorical_detection: bool = True,
    max_unseen_share: float = DEFAULT_MAX_UNSEEN_SHARE,
    min_observations: int = DEFAULT_MIN_OBSERVATIONS,
) -> ModelEnrichment:
    """Combine a sample, its field statistics and its profile into an enrichment.

    Args:
        model_name: The model's registry path.
        resource_name: The resource's name.
        collection: The collection sampled.
        documents: The sampled documents.
        profile: The profile of ``documents``.
        field_stats: Inference statistics per field path (objects or dicts with
            ``presence``, ``types``, ``null_count``, ``examples``); paths the
            profile has but these lack are taken from the profile alone.
        total_count: Documents in the collection (``None``: unknown).
        resource_type: ``mongodb``, ``files`` or ``frames``.
        sample_rows: Documents kept in ``sample_data``.
        categorical_detection: ``[registry.enrichment] enable_categorical_detection``.
        max_unseen_share: Closed-set rule, see :mod:`xcatalog.enrichment.grading`.
        min_observations: Closed-set rule, see :mod:`xcatalog.enrichment.grading`.

    Returns:
        The enrichment (not live: the caller starts refreshing it).
    """
    sample_size = len(documents)
    fields: dict[str, FieldEnrichment] = {
        path: _field_from_stats(path, stats, sample_size) for path, stats in (field_stats or {}).items()
    }
    for name, column in profile.columns.items():
        categories = _categories(
            column, max_unseen_share=max_unseen_share, min_observations=min_observations, enabled=categorical_detection
        )
        field = fields.get(name) or FieldEnrichment(path=name, examples=_examples(documents, name))
        fields[name] = _merge_profile(field, column, categories)

    categorical = {path: field.categories for path, field in fields.items() if field.categories is not None}
    total = total_count if total_count is not None else profile.total_count
    quality: dict[str, Any] = {aspect: {} for aspect in ("completeness", "uniqueness", "validity", "consistency")}
    for path, field in fields.items():
        for aspect in quality:
            if field.quality.get(aspect) is not None:
                quality[aspect][path] = field.quality[aspect]
    quality["overall"] = profile.quality
    summary_only = {"path", "categories", "examples"}
    field_statistics = {path: field.model_dump(mode="json", exclude=summary_only) for path, field in fields.items()}
    return ModelEnrichment(
        model_name=model_name,
        resource_name=resource_name,
        resource_type=resource_type,
        collection=collection,
        statistics={"total_count": total, "sample_size": sample_size, "field_statistics": field_statistics},
        sample_data=[jsonable(dict(document)) for document in documents[:sample_rows]],
        categorical_fields=categorical,
        fields=fields,
        data_quality=quality,
        sample_size=sample_size,
        total_count=total,
        category_rows=category_rows(documents, list(categorical)),
    )


def category_changes(old: ModelEnrichment, new: ModelEnrichment) -> list[CategoryChange]:
    """Categories that appeared or vanished per categorical field between two enrichments.

    A field that became categorical (or stopped being) reports all its values
    as added (or removed).
    """
    changes: list[CategoryChange] = []
    for path in sorted(set(old.categorical_fields) | set(new.categorical_fields)):
        before = old.categorical_fields.get(path)
        after = new.categorical_fields.get(path)
        old_values = before.values if before else []
        new_values = after.values if after else []
        added = [value for value in new_values if not any(same_value(value, known) for known in old_values)]
        removed = [value for value in old_values if not any(same_value(value, known) for known in new_values)]
        if added or removed:
            changes.append(CategoryChange(path=path, added=added, removed=removed))
    return changes
