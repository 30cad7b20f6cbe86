"""``/api/discovery``: discover a resource's collections as a background job, follow the job, search namespaces.

Starting a discovery registers new models, so it, and reading jobs, need an
admin role (``admin_roles`` of :func:`xcatalog.api.create_app`). The resource
is named, never described: only resources the server was configured with can
be discovered, so a request cannot make the server connect anywhere else.
Namespace search is open to every known key and lists only what the role may
see (functions it holds a permission on, models it may ``list``, all types).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from xcatalog.api.context import ApiContext, Caller, authenticate, context
from xcatalog.api.jobs import ProgressCallback
from xcatalog.api.schemas import DiscoveryStarted, ErrorBody, JobInfo, NamespaceSearch
from xcatalog.enrichment.model import CollectionOutcome, DiscoveryReport
from xcatalog.errors import StoreError, redact
from xcatalog.registry import ModelPermission

__all__ = ["router"]

logger = logging.getLogger("xcatalog.api")

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorBody} for status in (401, 403, 404, 409, 422)}
_NAMESPACE = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
_WILDCARD = re.compile(r"[*?\[]")

router = APIRouter(prefix="/api/discovery", tags=["discovery"], responses=_ERRORS)

Context = Annotated[ApiContext, Depends(context)]
Authenticated = Annotated[Caller, Depends(authenticate)]


@router.post(
    "/resources/{resource_name}/discover", response_model=DiscoveryStarted, status_code=status.HTTP_202_ACCEPTED
)
async def discover_models(
    resource_name: str,
    shared: Context,
    caller: Authenticated,
    namespace: Annotated[
        str | None,
        Query(max_length=200, pattern=_NAMESPACE, description="where the models go; default discovered.<resource>"),
    ] = None,
) -> DiscoveryStarted:
    """Start discovering every collection of a configured resource (admin roles); poll the returned job."""
    shared.require_admin(caller, "discover", f"resource {resource_name!r}")
    resource = shared.resource(resource_name)

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        report = await shared.enriched.discover_and_register(resource, namespace=namespace, progress=progress)
        if shared.store is not None and shared.registry.store_link is None and report.registered:
            try:
                shared.registry.save(shared.store)
            except StoreError as exc:  # the models are registered; say that saving them failed
                reason = redact(f"{type(exc).__name__}: {exc}")
                logger.warning("Saving the catalog after discovering %s failed: %s", resource_name, reason)
                report.outcomes.append(CollectionOutcome(collection="*", ok=False, stage="save", reason=reason))
        return report

    job = shared.jobs.start(resource_name, namespace, run, role=caller.role)
    return DiscoveryStarted(
        job_id=job.id,
        status=job.status,
        resource=resource_name,
        status_url=f"/api/discovery/jobs/{job.id}",
        message="Model discovery is running in the background; poll status_url for progress and errors.",
    )


@router.get("/jobs", response_model=list[JobInfo])
async def list_jobs(shared: Context, caller: Authenticated) -> list[JobInfo]:
    """Every remembered discovery job, oldest first (admin roles)."""
    shared.require_admin(caller, "list", "discovery jobs")
    return shared.jobs.jobs()


@router.get("/jobs/{job_id}", response_model=JobInfo)
async def get_job(job_id: str, shared: Context, caller: Authenticated) -> JobInfo:
    """A discovery job's status, progress, registered models and per-collection errors (admin roles)."""
    shared.require_admin(caller, "read", f"discovery job {job_id!r}")
    return shared.jobs.get(job_id)


@router.get("/namespace/{pattern}", response_model=NamespaceSearch)
async def search_namespace(
    pattern: Annotated[str, Path(max_length=300, description="a glob (shop.*, ns.models.*) or a namespace (shop)")],
    shared: Context,
    caller: Authenticated,
) -> NamespaceSearch:
    """Registry paths under a namespace or matching a glob, by kind, limited to what the role may see."""
    registry = shared.registry
    patterns = [pattern] if _WILDCARD.search(pattern) else [pattern, f"{pattern}.*"]
    paths = sorted({path for each in patterns for path in registry.find_paths(each)})
    by_kind: dict[str, list[str]] = {"functions": [], "models": [], "types": []}
    for path in paths:
        by_kind.setdefault(path.split(".", 2)[1], []).append(path)
    functions = registry.functions.functions
    listable = {
        entry.metadata.ns_path for entry in registry.models.accessible_models(caller.role, ModelPermission.LIST)
    }
    return NamespaceSearch(
        pattern=pattern,
        functions=[path for path in by_kind["functions"] if shared.can_see_function(functions[path], caller.role)],
        models=[path for path in by_kind["models"] if path in listable],
        types=by_kind["types"],
    )
