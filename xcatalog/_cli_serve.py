"""``xcatalog serve``: the HTTP API over the saved catalog.

:mod:`xcatalog.cli` adds it with ``add_serve_parser(commands)``; the handler is
:func:`run_serve`. This module lives outside :mod:`xcatalog.api` so that the
command line works without the ``api`` extra: FastAPI and uvicorn are imported
only when ``serve`` runs. It reads the settings, opens the ``[store]`` catalog
(loaded with write-through, so models discovered over HTTP are saved as they
are registered), reads the API keys file, optionally configures one MongoDB
resource for discovery, and runs uvicorn (which owns the event loop).

The MongoDB connection string comes from ``--mongo-uri`` or, better (a
command line is visible to other users of the machine), the ``MONGODB_URI``
variable; an ``XCATALOG_*`` name is not used because the settings loader
refuses unknown ``XCATALOG_*`` sections.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from xcatalog.errors import ConfigError, redact

__all__ = ["DEFAULT_KEYS_FILE", "MONGO_URI_VARIABLE", "add_serve_parser", "build_app", "run_serve"]

DEFAULT_KEYS_FILE = ".api-keys.toml"
MONGO_URI_VARIABLE = "MONGODB_URI"

logger = logging.getLogger("xcatalog.api")


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` command to the ``xcatalog`` sub-parsers.

    Args:
        subparsers: What ``parser.add_subparsers()`` returned.

    Returns:
        The ``serve`` parser (its ``handler`` default is :func:`run_serve`).
    """
    serve: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the catalog over HTTP (needs the api extra)",
        description=(
            "Serve the registry, enrichment and discovery endpoints of the saved catalog. Every /api request "
            f'needs an API key from the keys file ([keys] table of "<key>" = "<role>", default {DEFAULT_KEYS_FILE}).'
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default %(default)s: this machine)")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default %(default)s)")
    serve.add_argument("--keys-file", default=DEFAULT_KEYS_FILE, help="TOML or JSON file of API keys and roles")
    serve.add_argument(
        "--admin-role",
        action="append",
        dest="admin_roles",
        default=None,
        help="a role that may run discovery (repeatable; default: admin)",
    )
    serve.add_argument(
        "--settings", action="append", default=None, help="settings file(s) to read instead of the defaults"
    )
    serve.add_argument("--no-store", action="store_true", help="start from an empty registry and save nothing")
    serve.add_argument(
        "--mongo-uri",
        default=None,
        help=f"MongoDB to offer for discovery (default ${MONGO_URI_VARIABLE}; prefer it: it hides the password)",
    )
    serve.add_argument("--database", default=None, help="the MongoDB database to discover")
    serve.add_argument("--resource-name", default=None, help="the resource's name in URLs (default: the database name)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(handler=run_serve)
    return serve


def build_app(args: argparse.Namespace) -> Any:
    """The application ``serve`` would run, built from its arguments (no server started).

    Raises:
        ConfigError: The keys file is missing or invalid, or a MongoDB URI is given without a database.
    """
    from xcatalog.api import create_app
    from xcatalog.api.auth import load_api_keys
    from xcatalog.config import load_settings
    from xcatalog.registry import XRegistry
    from xcatalog.registry.persistence import attach_store
    from xcatalog.resources import MongoResource
    from xcatalog.resources.base import Resource
    from xcatalog.store import store_from_settings

    settings = load_settings(args.settings)
    keys = load_api_keys(args.keys_file)
    store = None if args.no_store else store_from_settings(settings)
    registry = XRegistry(settings)
    if store is not None:
        registry = XRegistry.load(store, settings)
        # Kept on the registry (load(write_through=True) does not set it), so the API sees the link.
        registry.store_link = attach_store(registry, store)
    resources: dict[str, Resource] = {}
    uri = args.mongo_uri or os.environ.get(MONGO_URI_VARIABLE)
    if uri:
        if not args.database:
            raise ConfigError(
                f"A MongoDB URI ({redact(uri)}) was given without --database: name the database to discover."
            )
        resource = MongoResource(uri, args.database, name=args.resource_name, settings=settings.mongodb)
        resources[resource.name] = resource
    elif args.database:
        raise ConfigError(
            f"--database {args.database!r} needs a MongoDB URI: set ${MONGO_URI_VARIABLE} or --mongo-uri."
        )
    return create_app(
        registry,
        settings,
        api_keys=keys,
        store=store,
        resources=resources,
        admin_roles=args.admin_roles or ("admin",),
    )


def run_serve(args: argparse.Namespace) -> int:
    """Run the HTTP API until interrupted; returns the exit code.

    Raises:
        ConfigError: uvicorn is not installed, or the configuration is invalid (see :func:`build_app`).
    """
    try:
        import uvicorn
    except ImportError as exc:
        raise ConfigError("xcatalog serve needs uvicorn and FastAPI: pip install 'xcatalog[api]'.") from exc
    app = build_app(args)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("Serving on %s: the API is reachable from other machines; use TLS in front of it.", args.host)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0
