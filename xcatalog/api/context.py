"""What every route shares: the registry, the keys, the resources and jobs, and who is calling.

One :class:`ApiContext` lives on ``app.state.xcatalog``; routes reach it with
the :func:`context` dependency and the caller with :func:`authenticate`, which
is attached to every ``/api`` router. Nothing here is module-level state: two
apps built by :func:`xcatalog.api.create_app` share nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from xcatalog.api.arguments import ArgumentModel
from xcatalog.api.auth import KEY_HEADER, ApiKeys, Unauthenticated, presented_key
from xcatalog.api.jobs import DiscoveryJobs
from xcatalog.config import Settings
from xcatalog.enrichment import EnrichedRegistry, get_enriched
from xcatalog.errors import NotRegistered, PermissionDenied, format_choices
from xcatalog.registry import FunctionPermission, RegisteredFunction, XRegistry
from xcatalog.registry._permissions import is_allowed
from xcatalog.resources.base import Resource
from xcatalog.store.base import CatalogStore

__all__ = ["ApiContext", "Caller", "authenticate", "context"]

# Declared for the OpenAPI document (the "Authorize" button of /docs); the key is read from the raw headers.
_KEY_SCHEME = APIKeyHeader(name=KEY_HEADER, auto_error=False, scheme_name="ApiKey")
_BEARER_SCHEME = HTTPBearer(auto_error=False, scheme_name="BearerKey")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the role their API key maps to."""

    role: str


@dataclass
class ApiContext:
    """The state one app's routes share.

    Attributes:
        registry: The registry served.
        settings: The settings the app was built with.
        keys: API keys and their roles.
        admin_roles: Roles that may start discovery jobs and read their status.
        store: A catalog store: enrichment snapshots go there, and the registry is
            saved after a discovery when it has no write-through store of its own.
        resources: Resources discovery may run on, by name (besides the enriched
            registry's ``connected_resources``).
        jobs: The background discovery jobs.
    """

    registry: XRegistry
    settings: Settings
    keys: ApiKeys
    admin_roles: frozenset[str]
    store: CatalogStore | None = None
    resources: dict[str, Resource] = field(default_factory=dict)
    jobs: DiscoveryJobs = field(init=False)
    _arguments: dict[str, tuple[Callable[..., Any], ArgumentModel]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.jobs = DiscoveryJobs(self.registry.audit)

    @property
    def enriched(self) -> EnrichedRegistry:
        """The registry's one enriched view (created with ``store`` on first use)."""
        return get_enriched(self.registry, store=self.store)

    def argument_model(self, registered: RegisteredFunction) -> ArgumentModel:
        """The argument model of a function, rebuilt when the entry was replaced."""
        cached = self._arguments.get(registered.path)
        if cached is not None and cached[0] is registered.func:
            return cached[1]
        model = ArgumentModel.for_function(registered.func)
        self._arguments[registered.path] = (registered.func, model)
        return model

    def can_see_function(self, registered: RegisteredFunction, role: str) -> bool:
        """A role sees a function it holds any permission on (executing one implies knowing it exists)."""
        rules = registered.metadata.permissions
        return any(is_allowed(rules, role, permission) for permission in FunctionPermission)

    def can_execute(self, registered: RegisteredFunction, role: str) -> bool:
        """Whether ``role`` holds ``execute`` on a function (not audited: :meth:`FunctionRegistry.execute` is)."""
        return is_allowed(registered.metadata.permissions, role, FunctionPermission.EXECUTE)

    def visible_functions(self, entries: Iterable[RegisteredFunction], role: str) -> list[RegisteredFunction]:
        """The entries ``role`` may see, in the given order."""
        return [entry for entry in entries if self.can_see_function(entry, role)]

    def require_admin(self, caller: Caller, operation: str, target: str) -> None:
        """Refuse a caller whose role is not an admin role.

        Raises:
            PermissionDenied: The role is not in ``admin_roles``.
        """
        if caller.role in self.admin_roles:
            return
        raise PermissionDenied(
            f"Role {caller.role!r} may not {operation} {target}: that needs one of the roles "
            f"{format_choices(self.admin_roles)}. Use an API key mapped to one of them.",
            role=caller.role,
            operation=operation,
            path=target,
        )

    def all_resources(self) -> Mapping[str, Resource]:
        """Every resource discovery may use: the app's own, then the enriched registry's connected ones."""
        return {**self.enriched.connected_resources, **self.resources}

    def resource(self, name: str) -> Resource:
        """The resource called ``name``.

        Raises:
            NotRegistered: No such resource; the message lists the names that exist.
        """
        known = self.all_resources()
        if name not in known:
            raise NotRegistered(
                f"No resource named {name!r} is configured on this server. Resources: {format_choices(known)}. "
                "Give it to create_app(resources={...}) or 'xcatalog serve --mongo-uri ... --database ...'.",
                name=name,
                available=sorted(known),
            )
        return known[name]


def context(request: Request) -> ApiContext:
    """Dependency: the app's :class:`ApiContext`."""
    shared: ApiContext = request.app.state.xcatalog
    return shared


def authenticate(
    request: Request,
    _key: Annotated[str | None, Security(_KEY_SCHEME)] = None,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER_SCHEME)] = None,
) -> Caller:
    """Dependency: the caller's role from ``X-API-Key`` or ``Authorization: Bearer``.

    Raises:
        Unauthenticated: No key, or a key that is not configured (answered 401 and audited).
    """
    shared = context(request)
    key = presented_key(request.headers.get(KEY_HEADER), request.headers.get("Authorization"))
    role = shared.keys.role_for(key)
    if role is None:
        what = "carries no API key" if key is None else "carries an API key that is not configured"
        raise Unauthenticated(
            f"The request {what}. Send 'X-API-Key: <key>' or 'Authorization: Bearer <key>' "
            "with a key the server operator gave you.",
            operation="authenticate",
            path=request.url.path,
        )
    return Caller(role=role)
