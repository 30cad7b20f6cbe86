"""``create_app``: the FastAPI application over one :class:`~xcatalog.registry.XRegistry`.

Example:
    >>> from xcatalog.registry import XRegistry
    >>> app = create_app(XRegistry(), api_keys={"a-long-admin-key-0001": "admin"})
    >>> [path for path in app.openapi()["paths"] if path.startswith("/api/registry/models")][:2]
    ['/api/registry/models', '/api/registry/models/{name}']

Serve it with ``uvicorn`` (``xcatalog serve`` does): ``uvicorn.run(app, host="127.0.0.1")``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Mapping

from fastapi import FastAPI

from xcatalog.api import routes_discovery, routes_enrichment, routes_registry
from xcatalog.api.auth import ApiKeys
from xcatalog.api.context import ApiContext
from xcatalog.api.problems import install_error_handlers
from xcatalog.config import Settings
from xcatalog.errors import ConfigError, redact
from xcatalog.registry import XRegistry
from xcatalog.resources.base import Resource
from xcatalog.store.base import CatalogStore

__all__ = ["API_VERSION", "create_app"]

logger = logging.getLogger("xcatalog.api")

API_VERSION = "1.0.0"


def create_app(
    registry: XRegistry,
    settings: Settings | None = None,
    *,
    api_keys: Mapping[str, str] | ApiKeys | None = None,
    store: CatalogStore | None = None,
    resources: Mapping[str, Resource] | None = None,
    admin_roles: Iterable[str] = ("admin",),
) -> FastAPI:
    """Build the HTTP API over ``registry``: ``/api/registry``, ``/api/enrichment``, ``/api/discovery``.

    Every ``/api`` endpoint needs an API key (``X-API-Key`` or ``Authorization:
    Bearer``); its role decides what the registry's permission rules allow.
    Errors answer ``{"code", "message", "detail"}`` (see :mod:`xcatalog.api.problems`).
    The OpenAPI document is at ``/openapi.json`` and the interactive docs at ``/docs``.

    Args:
        registry: The registry to serve.
        settings: Settings; default the registry's.
        api_keys: ``{key: role}`` (or an :class:`~xcatalog.api.auth.ApiKeys`). Required:
            the settings have no ``[api]`` section yet; ``xcatalog serve`` reads a keys file.
        store: A catalog store for enrichment snapshots, and to save the registry after a
            discovery when the registry has no write-through store of its own.
        resources: Resources discovery may run on, by the name used in the URL. The app
            closes them when it shuts down (a resource reconnects on its next use).
        admin_roles: Roles that may start discovery jobs and read them.

    Returns:
        The application.

    Raises:
        ConfigError: No API keys, or a bad one (too short, reserved role).
    """
    if api_keys is None or len(api_keys) == 0:
        raise ConfigError(
            "create_app() needs API keys: pass api_keys={'<key>': '<role>'} "
            "(or run 'xcatalog serve --keys-file keys.toml'). Without keys every request would be refused."
        )
    keys = api_keys if isinstance(api_keys, ApiKeys) else ApiKeys(api_keys)
    owns_enriched = registry.enriched is None
    shared = ApiContext(
        registry=registry,
        settings=settings if settings is not None else registry.settings,
        keys=keys,
        admin_roles=frozenset(admin_roles),
        store=store,
        resources=dict(resources or {}),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Tasks and clients made on this server's loop must end with it.
        await shared.jobs.close()
        if owns_enriched and registry.enriched is not None:
            await registry.enriched.close()
        for name, resource in shared.resources.items():
            try:
                await resource.close()
            except Exception as exc:  # shutting down: report and go on closing the others
                logger.warning("Closing resource %s failed: %s", name, redact(exc))

    app = FastAPI(
        title="xcatalog",
        version=API_VERSION,
        description="The xcatalog registry, enrichment and discovery over HTTP. Every /api endpoint needs an API key.",
        lifespan=lifespan,
    )
    app.state.xcatalog = shared
    install_error_handlers(app, registry.audit)
    app.include_router(routes_registry.router)
    app.include_router(routes_enrichment.router)
    app.include_router(routes_discovery.router)
    return app
