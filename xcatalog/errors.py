"""The one error tree of xcatalog.

Every error raised on purpose by xcatalog derives from :class:`XCatalogError`.
Messages say what failed, what exists, and what to do next::

    XCatalogError
    ├── ConfigError                      bad settings.toml / XCATALOG_* value
    ├── RegistryError
    │   ├── InvalidName (ValueError)     a namespace segment or name is not an identifier
    │   ├── NotRegistered (KeyError)     nothing at that name or path
    │   ├── AmbiguousName (KeyError)     a short name matches several paths
    │   └── AlreadyRegistered            the path is taken and override is off
    ├── PermissionDenied                 the role lacks the permission
    ├── ValidationFailed (ValueError)    data or a type did not validate (structured ``errors``)
    ├── FunctionFailed                   a registered function raised (original chained)
    │   └── FunctionTimeout (TimeoutError)
    ├── InferenceError                   documents could not become a schema or model
    ├── ProfilingError                   a frame could not be profiled
    ├── ResourceError                    a data source failed
    │   ├── ResourceUnreachable (ConnectionError)
    │   ├── AuthenticationFailed
    │   └── CollectionNotFound (KeyError)  a database, collection or file that is not there
    ├── StoreError                       the catalog store failed
    │   ├── StoreConflict                another writer saved a newer version
    │   └── LoadFailed                   some entries could not be restored (per-entry reasons)
    ├── EnrichmentError                  live statistics could not be built or used
    │   └── NoMatchingModel (KeyError)
    └── Cancelled                        a long operation was cancelled by the user

Keys in messages never contain passwords: use :func:`xcatalog.errors.redact` on
anything that may hold a connection string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "AlreadyRegistered",
    "AmbiguousName",
    "AuthenticationFailed",
    "Cancelled",
    "CollectionNotFound",
    "ConfigError",
    "EnrichmentError",
    "FunctionFailed",
    "FunctionTimeout",
    "InferenceError",
    "InvalidName",
    "LoadFailed",
    "NoMatchingModel",
    "NotRegistered",
    "PermissionDenied",
    "ProfilingError",
    "RegistryError",
    "ResourceError",
    "ResourceUnreachable",
    "StoreConflict",
    "StoreError",
    "ValidationFailed",
    "XCatalogError",
    "format_choices",
    "redact",
]

_URI_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]+):(?P<password>[^@\s]*)@")
_KEYWORD_PASSWORD = re.compile(
    r"(?i)(?P<key>password|passwd|pwd|secret|api_key|apikey|token)(?P<sep>\s*[=:]\s*)(?P<value>[^\s&;,'\"]+)"
)


def redact(text: object) -> str:
    """Return ``text`` as a string with passwords in URIs and ``key=value`` pairs masked.

    Args:
        text: Anything; it is converted with ``str``.

    Returns:
        The text with ``user:password@`` turned into ``user:***@`` and
        ``password=...`` style values turned into ``***``.

    Example:
        >>> redact("mongodb://ana:s3cret@db.example:27017/shop")
        'mongodb://ana:***@db.example:27017/shop'
    """
    masked = _URI_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", str(text))
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['key']}{m['sep']}***", masked)


def format_choices(names: Iterable[str], limit: int = 12) -> str:
    """Format available names for an error message, sorted and capped.

    Args:
        names: The names that do exist.
        limit: How many to show before summarising the rest.

    Returns:
        ``"a, b, c"``, ``"a, b, ... (+40 more)"`` or ``"(none)"``.
    """
    ordered = sorted(set(names))
    if not ordered:
        return "(none)"
    shown = ", ".join(ordered[:limit])
    if len(ordered) > limit:
        shown += f", ... (+{len(ordered) - limit} more)"
    return shown


class XCatalogError(Exception):
    """Root of every error xcatalog raises on purpose."""

    def __init__(self, message: str, *args: Any) -> None:
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        # KeyError subclasses would otherwise print the repr of the message.
        return self.message


class ConfigError(XCatalogError):
    """A setting has a bad value, or a settings file cannot be read."""


class RegistryError(XCatalogError):
    """A registry operation failed."""


class InvalidName(RegistryError, ValueError):
    """A name or namespace segment is not a valid identifier."""


class NotRegistered(RegistryError, KeyError):
    """Nothing is registered at the given name or path.

    Attributes:
        name: What was looked up.
        available: Names or paths that do exist (possibly truncated).
    """

    def __init__(self, message: str, *, name: str = "", available: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.available = list(available)


class AmbiguousName(RegistryError, KeyError):
    """A short name matches entries in several namespaces.

    Attributes:
        name: The short name.
        candidates: The full paths it matches.
    """

    def __init__(self, message: str, *, name: str = "", candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.candidates = list(candidates)


class AlreadyRegistered(RegistryError):
    """The path is taken and ``allow_override`` is off."""


class PermissionDenied(XCatalogError):
    """The role lacks the permission for the operation.

    Attributes:
        role: The role that asked.
        operation: The permission that was needed.
        path: The registry path of the entry.
    """

    def __init__(self, message: str, *, role: str = "", operation: str = "", path: str = "") -> None:
        super().__init__(message)
        self.role = role
        self.operation = operation
        self.path = path


class ValidationFailed(XCatalogError, ValueError):
    """Data did not validate.

    Attributes:
        errors: Structured problems, each a dict with at least ``loc`` (tuple),
            ``msg`` and ``type`` (pydantic's error shape), plus optional
            ``input`` and ``suggestions``.
        warnings: Non-fatal findings of the same shape.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        warnings: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.errors = [dict(error) for error in errors]
        self.warnings = [dict(warning) for warning in warnings]


class FunctionFailed(XCatalogError):
    """A registered function raised; the original exception is chained as ``__cause__``."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class FunctionTimeout(FunctionFailed, TimeoutError):
    """A registered function ran longer than ``execution_timeout``."""


class InferenceError(XCatalogError):
    """Documents could not be turned into a schema or a model."""


class ProfilingError(XCatalogError):
    """A frame or collection could not be profiled."""


class ResourceError(XCatalogError):
    """A data source (MongoDB, files, frames) failed."""


class ResourceUnreachable(ResourceError, ConnectionError):
    """The server did not answer in time."""


class AuthenticationFailed(ResourceError):
    """The server refused the credentials."""


class CollectionNotFound(ResourceError, KeyError):
    """A database, collection or file that does not exist.

    Attributes:
        name: What was asked for.
        available: What exists instead.
    """

    def __init__(self, message: str, *, name: str = "", available: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.available = list(available)


class StoreError(XCatalogError):
    """The catalog store could not be read or written."""


class StoreConflict(StoreError):
    """Another writer saved a newer version since this one was read."""


class LoadFailed(StoreError):
    """Some stored entries could not be restored.

    Attributes:
        failures: ``{path: reason}`` for every entry that failed.
    """

    def __init__(self, message: str, *, failures: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.failures = dict(failures or {})


class EnrichmentError(XCatalogError):
    """Live statistics could not be built or applied."""


class NoMatchingModel(EnrichmentError, KeyError):
    """No registered model matches a collection's fields."""


class Cancelled(XCatalogError):
    """A long operation was cancelled by the user."""
