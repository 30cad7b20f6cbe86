"""xcatalog: turn a Jupyter notebook into a data catalog.

Point it at a MongoDB database or a pile of files, infer pydantic models from
the documents, profile the data, and register models, functions and types in a
namespaced registry with permissions, an audit trail and versions.

The registry names, settings and errors are imported eagerly; the heavier
layers (resources, inference, profiling, enrichment, store) load on first use,
so ``import xcatalog`` stays cheap.

Note:
    ``xcatalog.registry`` is the default :class:`XRegistry` instance (the
    seed's ``registry``), not the ``xcatalog.registry`` subpackage: import the
    classes with ``from xcatalog import ...`` or ``from xcatalog.registry import ...``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from xcatalog.config import Settings, load_settings
from xcatalog.errors import (
    AlreadyRegistered,
    AmbiguousName,
    AuthenticationFailed,
    Cancelled,
    CollectionNotFound,
    ConfigError,
    EnrichmentError,
    FunctionFailed,
    FunctionTimeout,
    InferenceError,
    InvalidName,
    LoadFailed,
    NoMatchingModel,
    NotRegistered,
    PermissionDenied,
    ProfilingError,
    RegistryError,
    ResourceError,
    ResourceUnreachable,
    StoreConflict,
    StoreError,
    ValidationFailed,
    XCatalogError,
)
from xcatalog.registry import (
    AuditEvent,
    AuditLog,
    FunctionMetadata,
    FunctionPermission,
    FunctionRegistry,
    ModelEvolution,
    ModelMetadata,
    ModelPermission,
    ModelRegistry,
    ModelSource,
    RegisteredFunction,
    RegisteredModel,
    RegisteredType,
    TypeCategory,
    TypeMetadata,
    TypeRegistry,
    XRegistry,
    register_function,
    registry,
)

if TYPE_CHECKING:
    from xcatalog.enrichment import EnrichedRegistry, ModelEnrichment, get_enriched
    from xcatalog.inference import infer_model, model_source, mongo_validator
    from xcatalog.profiling import ColumnProfile, Profile, profile
    from xcatalog.resources import (
        EmbeddedMongo,
        FileResource,
        FrameResource,
        InspectionResult,
        MongoResource,
        ResourceFactory,
        XInspector,
    )
    from xcatalog.resources.profile import profile_collection
    from xcatalog.store import LocalStore, MongoStore, store_from_settings

__version__ = "0.1.0"

# name -> module that defines it, imported on first attribute access (PEP 562).
_LAZY = {
    "ColumnProfile": "xcatalog.profiling",
    "EmbeddedMongo": "xcatalog.resources",
    "EnrichedRegistry": "xcatalog.enrichment",
    "FileResource": "xcatalog.resources",
    "FrameResource": "xcatalog.resources",
    "InspectionResult": "xcatalog.resources",
    "LocalStore": "xcatalog.store",
    "ModelEnrichment": "xcatalog.enrichment",
    "MongoResource": "xcatalog.resources",
    "MongoStore": "xcatalog.store",
    "Profile": "xcatalog.profiling",
    "ResourceFactory": "xcatalog.resources",
    "XInspector": "xcatalog.resources",
    "get_enriched": "xcatalog.enrichment",
    "infer_model": "xcatalog.inference",
    "model_source": "xcatalog.inference",
    "mongo_validator": "xcatalog.inference",
    "profile": "xcatalog.profiling",
    "profile_collection": "xcatalog.resources.profile",
    "store_from_settings": "xcatalog.store",
}

__all__ = [
    "AlreadyRegistered",
    "AmbiguousName",
    "AuditEvent",
    "AuditLog",
    "AuthenticationFailed",
    "Cancelled",
    "CollectionNotFound",
    "ColumnProfile",
    "ConfigError",
    "EmbeddedMongo",
    "EnrichedRegistry",
    "EnrichmentError",
    "FileResource",
    "FrameResource",
    "FunctionFailed",
    "FunctionMetadata",
    "FunctionPermission",
    "FunctionRegistry",
    "FunctionTimeout",
    "InferenceError",
    "InspectionResult",
    "InvalidName",
    "LoadFailed",
    "LocalStore",
    "ModelEnrichment",
    "ModelEvolution",
    "ModelMetadata",
    "ModelPermission",
    "ModelRegistry",
    "ModelSource",
    "MongoResource",
    "MongoStore",
    "NoMatchingModel",
    "NotRegistered",
    "PermissionDenied",
    "Profile",
    "ProfilingError",
    "RegisteredFunction",
    "RegisteredModel",
    "RegisteredType",
    "RegistryError",
    "ResourceError",
    "ResourceFactory",
    "ResourceUnreachable",
    "Settings",
    "StoreConflict",
    "StoreError",
    "TypeCategory",
    "TypeMetadata",
    "TypeRegistry",
    "ValidationFailed",
    "XCatalogError",
    "XInspector",
    "XRegistry",
    "__version__",
    "get_enriched",
    "infer_model",
    "load_settings",
    "model_source",
    "mongo_validator",
    "profile",
    "profile_collection",
    "register_function",
    "registry",
    "store_from_settings",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'xcatalog' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
