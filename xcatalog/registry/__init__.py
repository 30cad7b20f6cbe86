"""The registry: functions, models and types under namespace paths, with permissions, audit and versions.

Everything registered lives at a path ``<prefix>.<kind>.<namespace>.<name>``
(``ns.functions.math.basic.add``, ``ns.models.shop.Product``,
``ns.types.contact.Email``). :class:`XRegistry` holds the three registries and
one :class:`AuditLog`; ``registry`` and ``register_function`` are the default
instance and its decorator, the only module-level state (see
:mod:`xcatalog.registry._default`).
"""

from __future__ import annotations

from xcatalog.registry._default import register_function, registry
from xcatalog.registry.audit import AuditEvent, AuditLog
from xcatalog.registry.functions import (
    FunctionMetadata,
    FunctionPermission,
    FunctionRegistry,
    FunctionStats,
    RegisteredFunction,
)
from xcatalog.registry.models import (
    ModelEvolution,
    ModelMetadata,
    ModelPermission,
    ModelRegistry,
    ModelSource,
    RegisteredModel,
)
from xcatalog.registry.types import RegisteredType, TypeCategory, TypeMetadata, TypeRegistry
from xcatalog.registry.xregistry import XRegistry

__all__ = [
    "AuditEvent",
    "AuditLog",
    "FunctionMetadata",
    "FunctionPermission",
    "FunctionRegistry",
    "FunctionStats",
    "ModelEvolution",
    "ModelMetadata",
    "ModelPermission",
    "ModelRegistry",
    "ModelSource",
    "RegisteredFunction",
    "RegisteredModel",
    "RegisteredType",
    "TypeCategory",
    "TypeMetadata",
    "TypeRegistry",
    "XRegistry",
    "register_function",
    "registry",
]
