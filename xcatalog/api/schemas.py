"""Request and response bodies of the HTTP API (pydantic models; they are the OpenAPI schema).

The shapes follow the seed's API section: ``FunctionInfo``, ``ModelInfo`` and
``TypeInfo`` keep its field names (``schema`` on the wire for a model's JSON
schema), and every error answers with :class:`ErrorBody`. None of these
models holds a caller's role: roles come from API keys only (see
:mod:`xcatalog.api.auth`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xcatalog.enrichment.model import CategoryStats, FieldEnrichment, ModelMatch, Suggestion

__all__ = [
    "CollectionError",
    "DiscoveryStarted",
    "EnrichmentInfo",
    "EnrichmentValidation",
    "ErrorBody",
    "ExecuteRequest",
    "ExecuteResponse",
    "FieldStatistics",
    "FunctionInfo",
    "JobInfo",
    "JobProgress",
    "JobStatus",
    "ModelInfo",
    "NamespaceSearch",
    "RefreshResult",
    "SuggestionsResponse",
    "TypeInfo",
    "TypeValidation",
    "TypeValidationRequest",
]


class _Body(BaseModel):
    # Unknown keys in a request are almost always mistakes (a role smuggled into the body, a typo).
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every error response: a stable code, a human message and structured detail.

    Attributes:
        code: Machine-readable, snake_case (``not_registered``, ``permission_denied``,
            ``validation_failed``, ``unauthenticated``, ``internal_error`` ...).
        message: What failed, what exists and what to do next (passwords masked).
        detail: Structured facts: ``available`` names, field ``errors``, the denied
            ``operation``; for an internal error only an ``incident`` id to find in the server log.
    """

    code: str
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


# -- registry ------------------------------------------------------------------------------------------------------
class FunctionInfo(BaseModel):
    """A registered function, as the seed lists it."""

    name: str
    namespace: str = Field(description="the dotted namespace (shop, math.basic)")
    path: str = Field(description="the full registry path (the seed's ns_path)")
    module: str
    signature: str
    docstring: str | None = None
    is_async: bool = False
    tags: list[str] = Field(default_factory=list)
    permissions: dict[str, list[str]] = Field(default_factory=dict)
    call_count: int = 0


class ExecuteRequest(_Body):
    """Arguments for a registered function; they are validated against its signature."""

    args: list[Any] = Field(default_factory=list, description="positional arguments")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="keyword arguments")


class ExecuteResponse(BaseModel):
    """What a registered function returned (made JSON-friendly: unknown objects become their text)."""

    function: str
    result: Any = None
    duration: float = Field(description="seconds the call took, validation included")


class ModelInfo(BaseModel):
    """A registered model, as the seed lists it (``schema`` is its JSON schema)."""

    model_config = ConfigDict(populate_by_name=True)

    name: str
    source: str
    namespace: str = Field(description="the dotted namespace (shop, math.basic)")
    path: str = Field(description="the full registry path (the seed's ns_path)")
    version: str
    json_schema: dict[str, Any] = Field(default_factory=dict, alias="schema")
    ui_schema: dict[str, Any] | None = None
    permissions: dict[str, list[str]] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    description: str | None = None


class TypeInfo(BaseModel):
    """A registered type, as the seed lists it."""

    name: str
    path: str
    category: str
    base_type: str
    constraints: dict[str, Any] = Field(default_factory=dict)
    examples: list[Any] = Field(default_factory=list)
    description: str | None = None


class TypeValidationRequest(_Body):
    """A value to check against a registered type."""

    value: Any = None


class TypeValidation(BaseModel):
    """The answer of the type check: ``valid`` with the validated value, or the errors."""

    type: str
    valid: bool
    value: Any = None
    errors: list[dict[str, Any]] = Field(default_factory=list)


# -- enrichment ----------------------------------------------------------------------------------------------------
class EnrichmentInfo(BaseModel):
    """A model's enrichment as the caller's role may see it (sensitive values masked)."""

    model_name: str
    resource_name: str
    resource_type: str = ""
    collection: str = ""
    last_updated: datetime
    statistics: dict[str, Any] = Field(default_factory=dict)
    sample_data: list[dict[str, Any]] = Field(default_factory=list, description="at most 10 documents")
    categorical_fields: dict[str, CategoryStats] = Field(default_factory=dict)
    data_quality: dict[str, Any] = Field(default_factory=dict)
    sample_size: int = 0
    total_count: int | None = None
    match: ModelMatch | None = None
    is_live: bool = False
    last_refresh_at: datetime | None = None
    last_error: str | None = None


class SuggestionsResponse(BaseModel):
    """Values to offer for a form field, best first, with why each was ranked."""

    model: str
    field: str
    suggestions: list[Any] = Field(default_factory=list)
    ranked: list[Suggestion] = Field(default_factory=list)


class FieldStatistics(FieldEnrichment):
    """One field's statistics and quality, plus the size of the sample they rest on."""

    sample_size: int = 0
    total_count: int | None = None


class EnrichmentValidation(BaseModel):
    """A record checked against a model and its observed data (nothing is inserted)."""

    model: str
    valid: bool
    record: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[dict[str, Any]] = Field(default_factory=list)


class RefreshResult(BaseModel):
    """A manual refresh of a model's enrichment."""

    model: str
    refreshed: bool
    last_updated: datetime
    sample_size: int = 0
    total_count: int | None = None


# -- discovery -----------------------------------------------------------------------------------------------------
class JobStatus(StrEnum):
    """Where a background discovery job is."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobProgress(BaseModel):
    """How far a job got: collections done out of total, and the last one handled."""

    done: int = 0
    total: int | None = None
    current: str | None = None


class CollectionError(BaseModel):
    """Why one collection was not registered or enriched."""

    collection: str
    stage: str | None = None
    reason: str


class JobInfo(BaseModel):
    """A background discovery job: its state, progress, what it registered and what failed."""

    id: str
    resource: str
    namespace: str | None = None
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: JobProgress = Field(default_factory=JobProgress)
    registered: list[str] = Field(default_factory=list)
    errors: list[CollectionError] = Field(default_factory=list)
    error: str | None = Field(default=None, description="why the whole job failed (passwords masked)")


class DiscoveryStarted(BaseModel):
    """The answer to starting a discovery: the job to poll."""

    job_id: str
    status: JobStatus
    resource: str
    status_url: str
    message: str


class NamespaceSearch(BaseModel):
    """Registry paths matching a pattern, by kind (only what the caller's role may see)."""

    pattern: str
    functions: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list)
