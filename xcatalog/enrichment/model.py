"""The data objects of enrichment: what a model knows about its data, and the results of using it.

Everything here is a pydantic model that round-trips through JSON
(``model_dump(mode="json")`` / ``model_validate``), so a snapshot can be stored
and restored without the resource being reachable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CategoryChange",
    "CategoryStats",
    "CollectionOutcome",
    "DiscoveryReport",
    "FieldEnrichment",
    "ModelEnrichment",
    "ModelMatch",
    "Suggestion",
    "SyncResult",
    "ValidationResult",
    "ValueCount",
]


def same_value(left: Any, right: Any) -> bool:
    """Equality that keeps ``True`` apart from ``1`` (a boolean category is not a number)."""
    return bool(left == right) and isinstance(left, bool) == isinstance(right, bool)


def _now() -> datetime:
    return datetime.now(UTC)


class ValueCount(BaseModel):
    """One observed value of a categorical field and how often it was seen in the sample."""

    value: Any
    count: int = Field(ge=0)


class CategoryStats(BaseModel):
    """The observed values of one categorical field.

    Attributes:
        frequencies: Observed values, most frequent first.
        observations: Non-null values the frequencies rest on (sample, not collection).
        unseen_share: Good–Turing estimate of the chance that the next value is
            one never seen: values seen exactly once / ``observations``.
        is_closed: Whether the set of values is judged closed (see
            :func:`xcatalog.enrichment.grading.is_closed_set`): an unseen value
            is then an error, not a warning.
    """

    frequencies: list[ValueCount] = Field(default_factory=list)
    observations: int = Field(0, ge=0)
    unseen_share: float = Field(1.0, ge=0, le=1)
    is_closed: bool = False

    @property
    def values(self) -> list[Any]:
        """The observed values, most frequent first."""
        return [item.value for item in self.frequencies]

    def count_of(self, value: Any) -> int:
        """How often ``value`` was observed (0 when never)."""
        for item in self.frequencies:
            if same_value(item.value, value):
                return item.count
        return 0

    @classmethod
    def from_counts(
        cls,
        counts: Mapping[Any, int] | Iterable[tuple[Any, int]],
        *,
        unseen_share: float | None = None,
        is_closed: bool = False,
    ) -> CategoryStats:
        """Build the statistics from ``value -> count`` pairs.

        Args:
            counts: The counts, in any order.
            unseen_share: The Good–Turing estimate; computed from ``counts``
                (singletons / observations) when not given.
            is_closed: The closed-set judgement.

        Returns:
            The statistics, values sorted by count (descending) then by text.
        """
        pairs = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
        pairs.sort(key=lambda pair: (-pair[1], str(pair[0])))
        observations = sum(count for _, count in pairs)
        if unseen_share is None:
            singletons = sum(1 for _, count in pairs if count == 1)
            unseen_share = singletons / observations if observations else 1.0
        return cls(
            frequencies=[ValueCount(value=value, count=count) for value, count in pairs],
            observations=observations,
            unseen_share=min(max(unseen_share, 0.0), 1.0),
            is_closed=is_closed,
        )


class FieldEnrichment(BaseModel):
    """What the sample says about one field path of a model.

    Attributes:
        path: The inspector's field path (``address.city``, ``items[].sku``).
        types: Type name -> number of sampled values of that type.
        presence: Share of sampled documents holding the field.
        null_count: Sampled documents where it is ``null``.
        unique_count: Distinct non-null values in the sample, when profiled.
        completeness: Share of sampled documents where it is present and not null.
        uniqueness: ``unique_count`` / sampled values, when profiled.
        semantic_type: ``email``, ``phone``, ``credit_card``, ... when detected.
        sensitive: Whether the profile marks it sensitive (masked for roles
            without ``read_sensitive``).
        is_categorical: Whether the profile judges it categorical.
        categories: The observed values when categorical.
        examples: A few example values (masked on the way out when sensitive).
        quality: The profile's quality scores for the field.
    """

    path: str
    types: dict[str, int] = Field(default_factory=dict)
    presence: float | None = None
    null_count: int = 0
    unique_count: int | None = None
    completeness: float | None = None
    uniqueness: float | None = None
    semantic_type: str | None = None
    sensitive: bool = False
    is_categorical: bool = False
    categories: CategoryStats | None = None
    examples: list[Any] = Field(default_factory=list)
    quality: dict[str, Any] = Field(default_factory=dict)


class ModelMatch(BaseModel):
    """How well a registered model's fields match a collection.

    Attributes:
        model: The model's registry path.
        overlap: Share of the model's fields present in the collection.
        matched: The model's fields found in the collection.
        missing: The model's fields not found.
    """

    model: str
    overlap: float
    matched: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class ModelEnrichment(BaseModel):
    """Live knowledge about the data behind one registered model.

    Attributes:
        model_name: The model's registry path.
        resource_name: Name of the resource the data came from.
        resource_type: ``mongodb``, ``files`` or ``frames``.
        collection: The collection the model describes.
        last_updated: When the statistics were computed (UTC).
        statistics: Collection-level figures (``total_count``, ``sample_size``,
            ``field_statistics`` per path) as in the seed.
        sample_data: A few sampled documents (JSON-friendly).
        categorical_fields: Path -> observed values, for categorical fields.
        fields: Path -> per-field statistics.
        data_quality: ``completeness``, ``uniqueness``, ``validity``,
            ``consistency`` per path, and ``overall`` (the profile's score).
        sample_size: How many documents the figures rest on.
        total_count: How many documents the collection holds.
        category_rows: For every sampled document, its categorical values by
            path: the joint sample behind co-occurrence suggestions.
        match: Which model was chosen when none was named, and why.
        is_live: Whether a refresh task runs and its last attempt succeeded.
        auto_refresh: Whether a refresh task was asked for.
        refresh_interval: Seconds between refreshes.
        last_refresh_at: When the last refresh succeeded.
        last_error: The last refresh failure (``Type: message``), ``None`` after a success.
        last_error_at: When it happened.
        consecutive_failures: Refresh failures since the last success.
        next_attempt_at: When the next refresh is due (UTC).
    """

    model_config = ConfigDict(validate_assignment=False)

    model_name: str
    resource_name: str
    resource_type: str = ""
    collection: str = ""
    last_updated: datetime = Field(default_factory=_now)
    statistics: dict[str, Any] = Field(default_factory=dict)
    sample_data: list[dict[str, Any]] = Field(default_factory=list)
    categorical_fields: dict[str, CategoryStats] = Field(default_factory=dict)
    fields: dict[str, FieldEnrichment] = Field(default_factory=dict)
    data_quality: dict[str, Any] = Field(default_factory=dict)
    sample_size: int = 0
    total_count: int | None = None
    category_rows: list[dict[str, Any]] = Field(default_factory=list)
    match: ModelMatch | None = None
    is_live: bool = False
    auto_refresh: bool = False
    refresh_interval: float | None = None
    last_refresh_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    next_attempt_at: datetime | None = None

    @property
    def sample_share(self) -> float | None:
        """``sample_size / total_count`` (``None`` when the collection size is unknown or zero)."""
        if not self.total_count:
            return None
        return min(self.sample_size / self.total_count, 1.0)

    @property
    def sensitive_fields(self) -> dict[str, str | None]:
        """Path -> semantic type of every field marked sensitive."""
        return {path: field.semantic_type for path, field in self.fields.items() if field.sensitive}


class Suggestion(BaseModel):
    """One suggested value for a form field.

    Attributes:
        value: The value.
        count: Its weight in the ranking (joint or marginal count, or sample count).
        source: ``co-occurrence`` (seen with the given values), ``frequency``
            (marginal frequency of a categorical field) or ``sample`` (a value
            seen in sample documents of a non-categorical field).
    """

    value: Any
    count: int = 0
    source: str = "frequency"


class ValidationResult(BaseModel):
    """A record that passed :meth:`EnrichedRegistry.create_with_validation`.

    Attributes:
        model: The model's registry path.
        instance: The validated pydantic instance (not serialised).
        record: The instance dumped with its original keys (aliases).
        warnings: Non-fatal findings (unseen values of open sets, rare values),
            each with ``loc``, ``msg``, ``type``, ``input`` and ``suggestions``.
        inserted_id: The id given by the resource when ``insert=True``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: str
    instance: Any = Field(default=None, exclude=True)
    record: dict[str, Any] = Field(default_factory=dict)
    warnings: list[dict[str, Any]] = Field(default_factory=list)
    inserted_id: Any = None

    @property
    def has_warnings(self) -> bool:
        """Whether anything was flagged."""
        return bool(self.warnings)


class CollectionOutcome(BaseModel):
    """What :meth:`EnrichedRegistry.discover_and_register` did with one collection.

    Attributes:
        collection: The collection name.
        ok: Whether it was registered and enriched.
        model: The registered model's path (``None`` on failure before registration).
        stage: ``register`` or ``enrich``: where it failed.
        reason: ``ErrorType: message`` on failure.
    """

    collection: str
    ok: bool
    model: str | None = None
    stage: str | None = None
    reason: str | None = None


class DiscoveryReport(BaseModel):
    """The result of :meth:`EnrichedRegistry.discover_and_register`: one outcome per collection."""

    resource_name: str
    namespace: str
    outcomes: list[CollectionOutcome] = Field(default_factory=list)

    @property
    def registered(self) -> list[str]:
        """Paths of the models registered and enriched."""
        return [outcome.model for outcome in self.outcomes if outcome.ok and outcome.model]

    @property
    def failed(self) -> dict[str, str]:
        """Collection -> reason, for every collection that failed."""
        return {outcome.collection: outcome.reason or "unknown" for outcome in self.outcomes if not outcome.ok}


class CategoryChange(BaseModel):
    """Categories that appeared or vanished in one field between two enrichments."""

    path: str
    added: list[Any] = Field(default_factory=list)
    removed: list[Any] = Field(default_factory=list)


class SyncResult(TypedDict):
    """What :meth:`EnrichedRegistry.sync_with_resource` returns (the seed's dict, typed).

    Keys:
        synced: Whether a new model version was registered.
        changes: Schema changes (``type``, ``field``, ``old``, ``new``, ``breaking``).
        new_version: The model's version after the sync.
        previous_version: Its version before.
        category_changes: New or vanished categories per field.
        evolution: The registry's evolution record (as a dict) or ``None``.
    """

    synced: bool
    changes: list[dict[str, Any]]
    new_version: str
    previous_version: str
    category_changes: list[dict[str, Any]]
    evolution: dict[str, Any] | None
