"""``/api/enrichment``: a model's live statistics, suggestions, field statistics, graded validation, refresh.

Permissions, with the role from the caller's API key: reading (enrichment,
suggestions, statistics) needs ``read`` on the model and shows sensitive
values masked unless the role holds ``read_sensitive``; validating a record
needs ``create`` (as :meth:`EnrichedRegistry.create_with_validation` checks;
nothing is inserted); a manual refresh needs ``update``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic_core import to_jsonable_python

from xcatalog.api.context import ApiContext, Caller, authenticate, context
from xcatalog.api.schemas import (
    EnrichmentInfo,
    EnrichmentValidation,
    ErrorBody,
    FieldStatistics,
    RefreshResult,
    SuggestionsResponse,
)
from xcatalog.errors import EnrichmentError, ValidationFailed, format_choices
from xcatalog.registry import ModelPermission

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorBody} for status in (401, 403, 404, 409, 422, 502)}
#: The seed limits the sample shown by the enrichment endpoint.
SAMPLE_ROWS = 10

router = APIRouter(prefix="/api/enrichment", tags=["enrichment"], responses=_ERRORS)

Context = Annotated[ApiContext, Depends(context)]
Authenticated = Annotated[Caller, Depends(authenticate)]


def _jsonable(value: Any) -> Any:
    # Sampled documents may hold BSON values (ObjectId, Decimal128): show them as text rather than fail.
    return to_jsonable_python(value, fallback=str)


def _readable(shared: ApiContext, name: str, caller: Caller) -> str:
    """The model's path, once ``read`` is checked (audited; PermissionDenied otherwise)."""
    return shared.registry.models.require_access(name, ModelPermission.READ, caller.role).metadata.ns_path


def _parse_given(given: str | None) -> dict[str, Any] | None:
    if not given:
        return None
    try:
        parsed = json.loads(given)
    except ValueError as exc:
        parsed = exc
    if not isinstance(parsed, dict):
        raise ValidationFailed(
            'The query parameter \'given\' must be a JSON object of other fields\' values, such as {"country": "FR"}.',
            errors=[{"loc": ("query", "given"), "msg": "not a JSON object", "type": "json_object", "input": given}],
        )
    return parsed


@router.get("/models/{name}/enrichment", response_model=EnrichmentInfo)
async def get_model_enrichment(name: str, shared: Context, caller: Authenticated) -> EnrichmentInfo:
    """A model's enrichment: statistics, categorical values, quality, a few sample rows (needs ``read``)."""
    path = _readable(shared, name, caller)
    view = shared.enriched.view(path, caller.role)
    data = _jsonable(view.model_dump())
    data["sample_data"] = data["sample_data"][:SAMPLE_ROWS]
    return EnrichmentInfo.model_validate(data)


@router.get("/models/{name}/suggestions/{field}", response_model=SuggestionsResponse)
async def get_field_suggestions(
    name: str,
    field: str,
    shared: Context,
    caller: Authenticated,
    prefix: Annotated[str, Query(max_length=200, description="keep values starting with this (any case)")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    given: Annotated[
        str | None, Query(max_length=2000, description='JSON object of values already filled, e.g. {"country": "FR"}')
    ] = None,
) -> SuggestionsResponse:
    """Values to suggest for a field, best first (needs ``read``; sensitive values masked)."""
    path = _readable(shared, name, caller)
    ranked = shared.enriched.suggestions(
        path, field, prefix=prefix, given=_parse_given(given), limit=limit, role=caller.role
    )
    items = [item.model_copy(update={"value": _jsonable(item.value)}) for item in ranked]
    return SuggestionsResponse(model=path, field=field, suggestions=[item.value for item in items], ranked=items)


@router.get("/models/{name}/statistics/{field}", response_model=FieldStatistics)
async def get_field_statistics(name: str, field: str, shared: Context, caller: Authenticated) -> FieldStatistics:
    """Statistics and quality of one field (needs ``read``)."""
    path = _readable(shared, name, caller)
    statistics = shared.enriched.get_field_statistics(path, field, caller.role)
    if statistics is None:
        fields = shared.enriched.get_enrichment(path).fields
        raise EnrichmentError(f"{path} has no field {field!r} in its enrichment. Fields: {format_choices(fields)}.")
    return FieldStatistics.model_validate(_jsonable(statistics))


@router.post("/models/{name}/validate", response_model=EnrichmentValidation)
async def validate_with_enrichment(
    name: str,
    data: Annotated[dict[str, Any], Body(description="the record to check")],
    shared: Context,
    caller: Authenticated,
) -> EnrichmentValidation:
    """Check a record with the model and against the observed values (needs ``create``; nothing is inserted).

    Answers 200 either way: ``valid`` with the record and warnings, or the errors.
    """
    path = shared.registry.models.get(name).metadata.ns_path
    try:
        result = await shared.enriched.create_with_validation(
            path, data, role=caller.role, validate_against_resource=True, insert=False
        )
    except ValidationFailed as exc:
        return EnrichmentValidation(
            model=path, valid=False, errors=_jsonable(exc.errors), warnings=_jsonable(exc.warnings)
        )
    return EnrichmentValidation(
        model=path, valid=True, record=_jsonable(result.record), warnings=_jsonable(result.warnings)
    )


@router.post("/refresh/{name}", response_model=RefreshResult)
async def refresh_enrichment(name: str, shared: Context, caller: Authenticated) -> RefreshResult:
    """Recompute a model's enrichment from its collection now (needs ``update``)."""
    path = shared.registry.models.require_access(name, ModelPermission.UPDATE, caller.role).metadata.ns_path
    enrichment = await shared.enriched.refresh(path)
    shared.registry.audit.record("refresh", path, kind="models", role=caller.role, via="api")
    return RefreshResult(
        model=path,
        refreshed=True,
        last_updated=enrichment.last_updated,
        sample_size=enrichment.sample_size,
        total_count=enrichment.total_count,
    )
