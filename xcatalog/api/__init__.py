"""The HTTP API: the seed's registry, enrichment and discovery endpoints, secured by API keys.

Install the extra (``pip install "xcatalog[api]"``) and build the app with
:func:`create_app`, or run ``xcatalog serve``. Roles come only from API keys
(:mod:`xcatalog.api.auth`); errors answer ``{"code", "message", "detail"}``
(:mod:`xcatalog.api.problems`); discovery runs as background jobs
(:mod:`xcatalog.api.jobs`).
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401  # fail here, with the fix, rather than deep inside a route module
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "xcatalog.api needs FastAPI, which is not installed. Install the extra: pip install 'xcatalog[api]'."
    ) from exc

from xcatalog.api.app import API_VERSION, create_app
from xcatalog.api.auth import ApiKeys, Unauthenticated, load_api_keys
from xcatalog.api.jobs import DiscoveryJobs, JobConflict

__all__ = [
    "API_VERSION",
    "ApiKeys",
    "DiscoveryJobs",
    "JobConflict",
    "Unauthenticated",
    "create_app",
    "load_api_keys",
]
