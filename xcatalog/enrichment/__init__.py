"""Enrichment: registered models that know their data.

:class:`EnrichedRegistry` samples a model's collection and keeps a
:class:`ModelEnrichment` (field statistics, categorical values with
frequencies, quality, sample data); it suggests values (ranked by frequency and
co-occurrence), grades new records against the observed values (closed sets
give errors, open sets warnings), masks sensitive values for roles without
``read_sensitive``, refreshes in the background with backoff, and versions the
model when the collection drifts. :func:`get_enriched` gives the one enriched
registry of an :class:`~xcatalog.registry.XRegistry`.

The pure parts (ranking, grading, masking, matching, building) live in their
own modules and need no server.
"""

from __future__ import annotations

from xcatalog.enrichment.grading import grade_categories, is_closed_set
from xcatalog.enrichment.masking import mask_record, mask_value
from xcatalog.enrichment.model import (
    CategoryChange,
    CategoryStats,
    CollectionOutcome,
    DiscoveryReport,
    FieldEnrichment,
    ModelEnrichment,
    ModelMatch,
    Suggestion,
    SyncResult,
    ValidationResult,
    ValueCount,
)
from xcatalog.enrichment.refresh import RefreshScheduler, RefreshStatus, backoff_delay
from xcatalog.enrichment.registry import EnrichedRegistry, get_enriched
from xcatalog.enrichment.suggest import nearest_values, rank_values

__all__ = [
    "CategoryChange",
    "CategoryStats",
    "CollectionOutcome",
    "DiscoveryReport",
    "EnrichedRegistry",
    "FieldEnrichment",
    "ModelEnrichment",
    "ModelMatch",
    "RefreshScheduler",
    "RefreshStatus",
    "Suggestion",
    "SyncResult",
    "ValidationResult",
    "ValueCount",
    "backoff_delay",
    "get_enriched",
    "grade_categories",
    "is_closed_set",
    "mask_record",
    "mask_value",
    "nearest_values",
    "rank_values",
]
