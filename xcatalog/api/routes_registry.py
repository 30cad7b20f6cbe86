"""``/api/registry``: functions (list, get, execute), models (list, get, schema, ui-schema), types (list, validate).

What a role may do is decided by the registry's own permission rules, with the
role from the caller's API key:

* a function is listed and shown to a role holding any permission on it, and
  executed only with ``execute`` (checked and audited by
  :meth:`FunctionRegistry.execute`); its JSON arguments are validated against
  its signature first (422 with field errors);
* models are listed with ``list`` and read (details, schema, ui-schema) with ``read``;
* types carry no permissions: any known key may list and validate them.

Only registered functions can run: the name is looked up in the registry,
nothing is imported or evaluated from the request.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic_core import to_jsonable_python

from xcatalog.api.context import ApiContext, Caller, authenticate, context
from xcatalog.api.schemas import (
    ErrorBody,
    ExecuteRequest,
    ExecuteResponse,
    FunctionInfo,
    ModelInfo,
    TypeInfo,
    TypeValidation,
    TypeValidationRequest,
)
from xcatalog.errors import PermissionDenied, ValidationFailed, redact
from xcatalog.registry import (
    ModelPermission,
    RegisteredFunction,
    RegisteredModel,
    RegisteredType,
    TypeCategory,
)
from xcatalog.registry.ui_schema import generate_ui_schema

__all__ = ["function_info", "model_info", "router", "type_info"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (401, 403, 404, 409, 422, 500, 502, 504)
}

router = APIRouter(prefix="/api/registry", tags=["registry"], responses=_ERRORS)

Context = Annotated[ApiContext, Depends(context)]
Authenticated = Annotated[Caller, Depends(authenticate)]


def _permissions(rules: dict[str, Any]) -> dict[str, list[str]]:
    return {role: sorted(str(permission) for permission in held) for role, held in sorted(rules.items())}


def function_info(entry: RegisteredFunction) -> FunctionInfo:
    """The seed's description of a registered function."""
    metadata = entry.metadata
    return FunctionInfo(
        name=metadata.name,
        namespace=metadata.namespace,
        path=metadata.ns_path,
        module=metadata.module,
        signature=metadata.signature,
        docstring=metadata.docstring,
        is_async=metadata.is_async,
        tags=sorted(metadata.tags),
        permissions=_permissions(metadata.permissions),
        call_count=entry.call_count,
    )


def model_info(entry: RegisteredModel) -> ModelInfo:
    """The seed's description of a registered model."""
    metadata = entry.metadata
    return ModelInfo(
        name=metadata.name,
        source=metadata.source.value,
        namespace=metadata.namespace,
        path=metadata.ns_path,
        version=metadata.version,
        json_schema=metadata.json_schema,
        ui_schema=metadata.ui_schema,
        permissions=_permissions(metadata.permissions),
        tags=sorted(metadata.tags),
        description=metadata.description,
    )


def type_info(entry: RegisteredType) -> TypeInfo:
    """The seed's description of a registered type."""
    metadata = entry.metadata
    return TypeInfo(
        name=metadata.name,
        path=metadata.ns_path,
        category=metadata.category.value,
        base_type=metadata.base_type,
        constraints=to_jsonable_python(metadata.constraints, fallback=repr),
        examples=to_jsonable_python(metadata.examples, fallback=repr),
        description=metadata.description,
    )


def _visible_function(shared: ApiContext, name: str, caller: Caller) -> RegisteredFunction:
    entry = shared.registry.functions.get(name)
    if not shared.can_see_function(entry, caller.role):
        shared.registry.audit.record("view", entry.path, kind="functions", role=caller.role, allowed=False)
        raise PermissionDenied(
            f"Role {caller.role!r} holds no permission on {entry.path}. Use a key whose role may view or execute it.",
            role=caller.role,
            operation="view",
            path=entry.path,
        )
    return entry


# -- functions -----------------------------------------------------------------------------------------------------
@router.get("/functions", response_model=list[FunctionInfo])
async def list_functions(
    shared: Context,
    caller: Authenticated,
    namespace: Annotated[str | None, Query(description="glob over paths, e.g. math.* or ns.functions.shop.*")] = None,
    tag: str | None = None,
) -> list[FunctionInfo]:
    """List the registered functions the caller's role may see, filtered by namespace glob and/or tag."""
    functions = shared.registry.functions
    entries = (
        functions.find_by_namespace(namespace)
        if namespace
        else [functions.functions[p] for p in sorted(functions.functions)]
    )
    if tag:
        entries = [entry for entry in entries if tag in entry.metadata.tags]
    return [function_info(entry) for entry in shared.visible_functions(entries, caller.role)]


@router.get("/functions/{name}", response_model=FunctionInfo)
async def get_function(name: str, shared: Context, caller: Authenticated) -> FunctionInfo:
    """One function by path, partial path or unambiguous name."""
    return function_info(_visible_function(shared, name, caller))


@router.post("/functions/{name}/execute", response_model=ExecuteResponse)
async def execute_function(name: str, body: ExecuteRequest, shared: Context, caller: Authenticated) -> ExecuteResponse:
    """Run a registered function as the caller's role (needs ``execute``); arguments are checked first."""
    started = time.perf_counter()
    entry = shared.registry.functions.get(name)
    if shared.can_execute(entry, caller.role):
        call_args, call_kwargs = shared.argument_model(entry).bind(body.args, body.kwargs)
    else:
        # A role that may not run it learns nothing about its parameters: execute() refuses
        # (audited, with the roles that may) before anything runs.
        call_args, call_kwargs = (), {}
    result = await shared.registry.functions.execute(entry.path, call_args, call_kwargs, role=caller.role)
    return ExecuteResponse(
        function=entry.path,
        result=to_jsonable_python(result, fallback=lambda value: redact(repr(value))),
        duration=time.perf_counter() - started,
    )


# -- models --------------------------------------------------------------------------------------------------------
@router.get("/models", response_model=list[ModelInfo], response_model_by_alias=True)
async def list_models(
    shared: Context,
    caller: Authenticated,
    source: Annotated[str | None, Query(description="static, dynamic or external")] = None,
    tag: str | None = None,
    namespace: Annotated[str | None, Query(description="glob over paths, e.g. shop.*")] = None,
) -> list[ModelInfo]:
    """List the models the caller's role may ``list``, filtered by source, tag and/or namespace glob."""
    models = shared.registry.models
    allowed = {entry.metadata.ns_path for entry in models.accessible_models(caller.role, ModelPermission.LIST)}
    entries = models.find_by_namespace(namespace) if namespace else [models.models[p] for p in sorted(models.models)]
    return [
        model_info(entry)
        for entry in entries
        if entry.metadata.ns_path in allowed
        and (source is None or entry.metadata.source.value == source)
        and (tag is None or tag in entry.metadata.tags)
    ]


@router.get("/models/{name}", response_model=ModelInfo, response_model_by_alias=True)
async def get_model(name: str, shared: Context, caller: Authenticated) -> ModelInfo:
    """One model (needs ``read``)."""
    return model_info(shared.registry.models.require_access(name, ModelPermission.READ, caller.role))


@router.get("/models/{name}/schema", response_model=dict[str, Any])
async def get_model_schema(name: str, shared: Context, caller: Authenticated) -> dict[str, Any]:
    """The model's JSON schema (needs ``read``)."""
    return shared.registry.models.require_access(name, ModelPermission.READ, caller.role).metadata.json_schema


@router.get("/models/{name}/ui-schema", response_model=dict[str, Any])
async def get_model_ui_schema(name: str, shared: Context, caller: Authenticated) -> dict[str, Any]:
    """The model's form description (needs ``read``); generated now when registration did not keep one."""
    entry = shared.registry.models.require_access(name, ModelPermission.READ, caller.role)
    return entry.metadata.ui_schema if entry.metadata.ui_schema is not None else generate_ui_schema(entry.model_class)


# -- types ---------------------------------------------------------------------------------------------------------
@router.get("/types", response_model=list[TypeInfo])
async def list_types(
    shared: Context,
    caller: Authenticated,
    category: Annotated[
        TypeCategory | None, Query(description="constraint, composite, validator or transformer")
    ] = None,
) -> list[TypeInfo]:
    """List the registered types, optionally of one category."""
    types = shared.registry.types
    entries = types.find_by_category(category) if category else [types.types[p] for p in sorted(types.types)]
    return [type_info(entry) for entry in entries]


@router.post("/types/{name}/validate", response_model=TypeValidation)
async def validate_type(
    name: str, body: TypeValidationRequest, shared: Context, caller: Authenticated
) -> TypeValidation:
    """Check a value against a registered type: 200 with ``valid`` and the value or the errors."""
    entry = shared.registry.types.get(name)
    try:
        value = shared.registry.types.validate(entry.path, body.value)
    except ValidationFailed as exc:
        return TypeValidation(type=entry.path, valid=False, errors=to_jsonable_python(exc.errors, fallback=repr))
    return TypeValidation(type=entry.path, valid=True, value=to_jsonable_python(value, fallback=repr))
