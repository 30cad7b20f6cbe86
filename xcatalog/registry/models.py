"""The model registry: pydantic models with schemas, permissions, tags and versions.

Every model lives at ``<prefix>.models.<namespace>.<name>`` (``ns.models.shop.Order``).
When no namespace is given it is chosen from the source:

* ``STATIC``: the last segment of the class's module (``shop.models.order`` ->
  ``order``); a class defined in ``__main__`` (a notebook or a script) goes to
  ``default``;
* ``DYNAMIC``: ``dynamic`` (``dynamic.<resource>`` for :meth:`ModelRegistry.register_from_inspector`);
* ``EXTERNAL``: ``external``.

On registration the registry stores the model's JSON schema
(``model_json_schema()``), its UI schema (:func:`~xcatalog.registry.ui_schema.generate_ui_schema`,
when ``auto_generate_ui`` is on), its permissions (``[registry.models]
default_permissions`` for the ``"*"`` rule unless given), and version ``1.0.0``.
:meth:`ModelRegistry.update_model` diffs the schemas
(:mod:`xcatalog.registry.schema_diff`), bumps the version semantically and keeps
a bounded history. Every registration, update, removal and access check is
recorded in the :class:`~xcatalog.registry.audit.AuditLog` (kind ``models``).

This module does no IO: models discovered in a database come in through the
:class:`InspectableResource` protocol, which the resources layer implements.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeGuard

from pydantic import AliasChoices, BaseModel, Field, create_model

from xcatalog.config import ModelSettings
from xcatalog.errors import (
    AlreadyRegistered,
    InvalidName,
    NotRegistered,
    PermissionDenied,
    RegistryError,
    format_choices,
)
from xcatalog.registry._namespace import NamespaceIndex, split_path
from xcatalog.registry._permissions import ANY_ROLE, is_allowed, parse_permissions
from xcatalog.registry.audit import AuditLog
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.schema_diff import (
    Impact,
    InvalidVersion,
    SchemaChange,
    bump_version,
    classify,
    diff_schemas,
    parse_version,
)
from xcatalog.registry.ui_schema import generate_ui_schema

__all__ = [
    "InspectableResource",
    "InspectionResult",
    "ModelEvolution",
    "ModelMetadata",
    "ModelPermission",
    "ModelRegistry",
    "ModelSource",
    "ModelVersion",
    "RegisteredModel",
    "SchemaChange",
    "VersionHistory",
]

KIND = "models"
DEFAULT_NAMESPACE = "default"


class ModelSource(StrEnum):
    """Where a registered model came from."""

    STATIC = "static"  # a class in code
    DYNAMIC = "dynamic"  # generated from data by an inspector
    EXTERNAL = "external"  # built from an external schema


class ModelPermission(StrEnum):
    """What a role may do with a model (and its records)."""

    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE = "delete"
    LIST = "list"
    READ_SENSITIVE = "read_sensitive"
    """See sensitive values (emails, phones, cards found by profiling) unmasked."""


def _now() -> datetime:
    return datetime.now(UTC)


class ModelMetadata(BaseModel):
    """What the registry knows about one version of a model.

    The JSON schema is the field ``json_schema`` (pydantic v2 reserves
    ``schema`` on ``BaseModel``); the read-only property ``schema`` returns the
    same dict for code written against the seed, and input data may use either key.

    Attributes:
        name: The short name (last path segment).
        namespace: The dotted namespace (``shop`` or ``dynamic.warehouse``).
        ns_path: The full path, ``ns.models.<namespace>.<name>``.
        source: Static, dynamic or external.
        module: The module that defined the class.
        version: ``MAJOR.MINOR.PATCH``, ``1.0.0`` on registration.
        created_at: When the model was first registered (UTC).
        updated_at: When this version was made (UTC).
        json_schema: ``model_json_schema()`` of this version.
        ui_schema: The form description, or ``None`` when ``auto_generate_ui`` is off.
        permissions: ``{role: permissions}``; ``"*"`` is the rule for every other role.
        tags: Free labels for :meth:`ModelRegistry.find_by_tag`.
        description: Given on registration, else the class docstring.
    """

    name: str
    namespace: str
    ns_path: str
    source: ModelSource
    module: str | None = None
    version: str = "1.0.0"
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    # Schemas are long: leave them out of repr() so a model prints on a line or two in a notebook.
    json_schema: dict[str, Any] = Field(
        default_factory=dict, validation_alias=AliasChoices("json_schema", "schema"), repr=False
    )
    ui_schema: dict[str, Any] | None = Field(default=None, repr=False)
    permissions: dict[str, set[ModelPermission]] = Field(default_factory=dict)
    tags: set[str] = Field(default_factory=set)
    description: str | None = None

    @property
    def schema(self) -> dict[str, Any]:  # type: ignore[override]  # replaces pydantic's deprecated classmethod
        """The JSON schema (same object as :attr:`json_schema`), as the seed calls it."""
        return self.json_schema


class RegisteredModel(BaseModel):
    """A model class and its current metadata.

    :meth:`ModelRegistry.update_model` updates both in place, so a reference
    kept from :meth:`ModelRegistry.register` always shows the current version.
    """

    metadata: ModelMetadata
    model_class: type[BaseModel]


class ModelVersion(BaseModel):
    """One kept version of a model (see :meth:`ModelRegistry.get_version`).

    Attributes:
        metadata: The metadata of that version.
        model_class: The class of that version while it is held in memory;
            ``None`` for a version restored from a store without its class.
    """

    metadata: ModelMetadata
    model_class: type[BaseModel] | None = None


class ModelEvolution(BaseModel):
    """What :meth:`ModelRegistry.update_model` changed.

    Attributes:
        model_name: The model's short name.
        ns_path: The model's full path.
        from_version: The version before the update.
        to_version: The version after it.
        suggested_version: The version the semantic rules ask for (equal to
            ``to_version`` unless an explicit version was given).
        impact: The highest impact among ``changes``.
        changes: Every schema difference, each classified.
        migration_script: Whatever the caller passed to migrate old data.
        applied_at: When the update happened (UTC).
        metadata: The model's metadata after the update, so that
            ``update_model(...).metadata.version`` is the new version.
    """

    model_name: str
    ns_path: str
    from_version: str
    to_version: str
    suggested_version: str
    impact: Impact
    changes: list[SchemaChange] = Field(default_factory=list)
    migration_script: str | None = None
    applied_at: datetime = Field(default_factory=_now)
    metadata: ModelMetadata

    @property
    def breaking(self) -> bool:
        """Whether any change may break old data or callers."""
        return any(change.breaking for change in self.changes)


class InspectionResult(Protocol):
    """What :meth:`InspectableResource.inspect` returns; may also carry ``model_name``."""

    @property
    def model(self) -> type[BaseModel]:
        """The model inferred for the collection."""
        ...


class InspectableResource(Protocol):
    """A data source that can infer a model for one of its collections.

    The resources layer implements it; the registry only needs these three members.
    ``inspect`` must accept keyword options (such as ``settings`` or
    ``sample_size``): :meth:`ModelRegistry.register_from_inspector` passes its
    ``inspect_options`` through without looking at them.
    """

    @property
    def name(self) -> str:
        """The resource's name (used in the default namespace)."""
        ...

    def get_type(self) -> str:
        """The kind of resource, such as ``"mongodb"`` (becomes a tag)."""
        ...

    async def inspect(self, collection: str, **options: Any) -> InspectionResult:
        """Sample ``collection`` and infer a model for it, with resource-specific ``options``."""
        ...


class VersionHistory(Mapping[str, list[ModelMetadata]]):
    """Kept metadata versions per model, oldest first.

    Keys are full paths; ``history[key]`` also accepts a short name or partial
    path when it is unambiguous, like :attr:`ModelRegistry.models`.
    """

    def __init__(self, index: NamespaceIndex[RegisteredModel], versions: Mapping[str, deque[ModelVersion]]) -> None:
        self._index = index
        self._versions = versions

    def __getitem__(self, key: str) -> list[ModelMetadata]:
        path = self._index.resolve_path(key)
        return [version.metadata for version in self._versions.get(path, ())]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._versions)

    def __len__(self) -> int:
        return len(self._versions)


def _identifier(text: str, fallback: str) -> str:
    cleaned = re.sub(r"\W+", "_", text).strip("_")
    if not cleaned:
        return fallback
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def _docstring(model_class: type[BaseModel]) -> str | None:
    # Classes do not inherit __doc__, so this is the model's own docstring or None.
    doc = model_class.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def _is_model_class(candidate: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _as_source(source: ModelSource | str) -> ModelSource:
    try:
        return ModelSource(str(source).lower())
    except ValueError:
        valid = ", ".join(member.value for member in ModelSource)
        raise RegistryError(f"Unknown model source {source!r}; valid sources are: {valid}.") from None


def _as_permission(operation: ModelPermission | str) -> ModelPermission:
    if isinstance(operation, ModelPermission):
        return operation
    text = str(operation).strip().lower()
    for permission in ModelPermission:
        if text == permission.value:
            return permission
    valid = ", ".join(permission.value for permission in ModelPermission)
    raise RegistryError(f"Unknown model operation {operation!r}; valid operations are: {valid}.")


def _fields_without_json_schema(model_class: type[BaseModel]) -> list[str]:
    """Find the fields that break ``model_json_schema()``, one probe model per field."""
    culprits = []
    for field_name, info in model_class.model_fields.items():
        definition: dict[str, Any] = {field_name: (info.annotation, info)}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the original class already warned about its field names
                probe = create_model(
                    f"{model_class.__name__}Probe",
                    __config__=model_class.model_config,
                    **definition,
                )
                catalog_json_schema(probe)
        except Exception:  # any failure marks the field, whatever pydantic raised
            culprits.append(field_name)
    return culprits


class ModelRegistry:
    """Registry of pydantic models by namespace path.

    Args:
        settings: ``[registry.models]``; defaults apply when ``None``.
        audit: Where events go; a private log when ``None``.
        prefix: The root segment of every path (``[registry] namespace_prefix``).

    Attributes:
        models: The entries by full path; ``models["Order"]`` and
            ``"Order" in models`` also take short names.
        version_history: Kept metadata versions per model (same keys).
        audit: The audit log.

    Example:
        >>> registry = ModelRegistry()
        >>> class User(BaseModel):
        ...     name: str
        >>> registry.register(User, namespace="auth").metadata.ns_path
        'ns.models.auth.User'
    """

    def __init__(
        self, settings: ModelSettings | None = None, *, audit: AuditLog | None = None, prefix: str = "ns"
    ) -> None:
        self.settings = settings if settings is not None else ModelSettings()
        self.audit = audit if audit is not None else AuditLog()
        self.models: NamespaceIndex[RegisteredModel] = NamespaceIndex(KIND, prefix)
        self._versions: dict[str, deque[ModelVersion]] = {}
        self._evolutions: dict[str, deque[ModelEvolution]] = {}
        self.version_history = VersionHistory(self.models, self._versions)

    # -- registering ------------------------------------------------------
    def default_namespace(self, model_class: type[BaseModel], source: ModelSource | str) -> str:
        """The namespace used when none is given (see the module docstring)."""
        source = _as_source(source)
        if source is ModelSource.DYNAMIC:
            return "dynamic"
        if source is ModelSource.EXTERNAL:
            return "external"
        module = getattr(model_class, "__module__", None) or ""
        last = module.rsplit(".", 1)[-1]
        if not last or last.startswith("__"):
            return DEFAULT_NAMESPACE  # __main__: a notebook cell or a script
        return _identifier(last, DEFAULT_NAMESPACE)

    def register(
        self,
        model_class: type[BaseModel],
        name: str | None = None,
        source: ModelSource | str = ModelSource.STATIC,
        namespace: str | None = None,
        permissions: Mapping[str, Iterable[ModelPermission | str]] | None = None,
        tags: Iterable[str] | None = None,
        description: str | None = None,
        allow_override: bool | None = None,
    ) -> RegisteredModel:
        """Register a model class.

        Args:
            model_class: A pydantic ``BaseModel`` subclass.
            name: Short name; default the class name.
            source: Static, dynamic or external (enum or its value).
            namespace: Dotted namespace; default from the source (module docstring).
            permissions: ``{role: permissions}`` (enum members or names); default
                ``{"*": default_permissions}`` from the settings.
            tags: Labels.
            description: Default the class docstring.
            allow_override: Replace a model at the same path (its history restarts);
                default ``[registry.models] allow_override``.

        Returns:
            The registered model, version ``1.0.0``.

        Raises:
            RegistryError: ``model_class`` is not a model, or its JSON schema cannot be built.
            InvalidName: The name or namespace is not made of identifiers.
            AlreadyRegistered: The path is taken and override is off.
        """
        return self._register(
            model_class,
            name=name,
            source=_as_source(source),
            namespace=namespace,
            permissions=permissions,
            tags=tags,
            description=description,
            allow_override=allow_override,
        )

    def register_static_model(
        self,
        model_class: type[BaseModel],
        *,
        name: str | None = None,
        namespace: str | None = None,
        permissions: Mapping[str, Iterable[ModelPermission | str]] | None = None,
        tags: Iterable[str] | None = None,
        description: str | None = None,
        allow_override: bool | None = None,
    ) -> RegisteredModel:
        """Register a model defined in code (``source=STATIC``); arguments as in :meth:`register`."""
        return self.register(
            model_class,
            name=name,
            source=ModelSource.STATIC,
            namespace=namespace,
            permissions=permissions,
            tags=tags,
            description=description,
            allow_override=allow_override,
        )

    async def register_from_inspector(
        self,
        resource: InspectableResource,
        collection_name: str,
        namespace: str | None = None,
        *,
        name: str | None = None,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[ModelPermission | str]] | None = None,
        allow_override: bool | None = None,
        inspect_options: Mapping[str, Any] | None = None,
    ) -> RegisteredModel:
        """Infer a model for a collection through its resource and register it as dynamic.

        Args:
            resource: Anything implementing :class:`InspectableResource`.
            collection_name: The collection (or file, or table) to inspect.
            namespace: Default ``dynamic.<resource name as an identifier>``.
            name: Default the result's ``model_name``, else the collection name
                as an identifier.
            tags: Added to ``dynamic``, ``inspector-generated`` and ``resource.get_type()``.
            permissions: As in :meth:`register`.
            allow_override: As in :meth:`register`.
            inspect_options: Keyword options for ``resource.inspect`` (for a
                :class:`~xcatalog.resources.base.Resource`: ``settings``,
                ``sample_size``, ``mode``...). Pass the settings the model will
                later be re-inspected with, or the inspection falls back to the
                resource's own defaults and a later re-inspection may see
                another sample.

        Returns:
            The registered model (``source=DYNAMIC``).

        Raises:
            RegistryError: The inspection gave no pydantic model.
        """
        result = await resource.inspect(collection_name, **dict(inspect_options or {}))
        model_class = getattr(result, "model", None)
        if not _is_model_class(model_class):
            raise RegistryError(
                f"Inspecting {collection_name!r} in resource {resource.name!r} returned {type(result).__name__} "
                f"whose .model is {model_class!r}, not a pydantic model class. Check the resource's inspect()."
            )
        model_name = name or getattr(result, "model_name", None) or _identifier(collection_name, "Model")
        return self._register(
            model_class,
            name=model_name,
            source=ModelSource.DYNAMIC,
            namespace=namespace or f"dynamic.{_identifier(resource.name, 'resource')}",
            permissions=permissions,
            tags={"dynamic", "inspector-generated", resource.get_type(), *(tags or ())},
            description=None,
            allow_override=allow_override,
            detail={"resource": resource.name, "collection": collection_name},
        )

    def _register(
        self,
        model_class: type[BaseModel],
        *,
        name: str | None,
        source: ModelSource,
        namespace: str | None,
        permissions: Mapping[str, Iterable[ModelPermission | str]] | None,
        tags: Iterable[str] | None,
        description: str | None,
        allow_override: bool | None,
        detail: Mapping[str, Any] | None = None,
    ) -> RegisteredModel:
        if not _is_model_class(model_class):
            raise RegistryError(
                f"Cannot register {model_class!r}: it is not a pydantic BaseModel subclass. "
                f"Register a class such as `class Order(BaseModel): ...`."
            )
        path = self.models.path_for(
            namespace or self.default_namespace(model_class, source), name or model_class.__name__
        )
        override = self.settings.allow_override if allow_override is None else allow_override
        _, _, model_namespace, model_name = split_path(path)
        # Refuse before building the schemas, which is most of the cost of a registration. paths_named is
        # an exact check; `path in self.models` would also build a "not found" message on every miss.
        if not override and path in self.models.paths_named(model_name):
            raise AlreadyRegistered(
                f"{path} is already registered. Pass allow_override=True to replace it, use update_model() "
                f"to make a new version, or register under another name or namespace."
            )
        metadata = ModelMetadata(
            name=model_name,
            namespace=model_namespace,
            ns_path=path,
            source=source,
            module=getattr(model_class, "__module__", None),
            json_schema=self._json_schema(model_class),
            ui_schema=generate_ui_schema(model_class) if self.settings.auto_generate_ui else None,
            permissions=parse_permissions(permissions, ModelPermission, default=self.settings.default_permissions),
            tags=set(tags or ()),
            description=description or _docstring(model_class),
        )
        registered = RegisteredModel(metadata=metadata, model_class=model_class)
        replaced = self.models.add(path, registered, allow_override=override)
        self._versions[path] = deque([ModelVersion(metadata=metadata, model_class=model_class)], maxlen=self._keep())
        self._evolutions.pop(path, None)
        self.audit.record(
            "register",
            path,
            kind=KIND,
            version=metadata.version,
            source=source.value,
            replaced=replaced is not None,
            **dict(detail or {}),
        )
        return registered

    def _keep(self) -> int:
        return self.settings.max_version_history if self.settings.enable_versioning else 1

    @staticmethod
    def _json_schema(model_class: type[BaseModel]) -> dict[str, Any]:
        try:
            return catalog_json_schema(model_class)
        except Exception as exc:  # pydantic raises several error types here; all mean "no schema"
            culprits = _fields_without_json_schema(model_class)
            where = f"field(s) {', '.join(culprits)}" if culprits else "a field or validator"
            raise RegistryError(
                f"Cannot build the JSON schema of model {model_class.__name__}: {where} cannot be "
                f"described in JSON schema ({exc}). Give the field a JSON-friendly type or annotate it with "
                f"pydantic.WithJsonSchema({{...}}), then register again."
            ) from exc

    # -- versions -------------------------------------------------------------
    def update_model(
        self,
        name: str,
        new_model: type[BaseModel],
        version: str | None = None,
        migration_script: str | None = None,
    ) -> ModelEvolution:
        """Replace a model's class with a new version.

        The schemas are compared (:func:`~xcatalog.registry.schema_diff.diff_schemas`)
        and, with ``version=None``, the version is bumped by the rules of
        :mod:`xcatalog.registry.schema_diff`. Name, namespace, source, tags and
        permissions are kept; the description becomes the new class's docstring
        when it has one. The old version stays in :attr:`version_history` (at most
        ``max_version_history`` versions) unless ``enable_versioning`` is off.

        Args:
            name: Short name or path of the registered model.
            new_model: The new class.
            version: An explicit ``MAJOR.MINOR.PATCH`` greater than the current one.
            migration_script: Kept on the evolution record for whoever migrates data.

        Returns:
            The evolution: changes, impact, versions, and ``metadata`` of the new version.

        Raises:
            NotRegistered: No model by that name.
            AmbiguousName: The short name is in several namespaces.
            InvalidVersion: ``version`` is malformed or not greater than the current one.
            RegistryError: ``new_model`` is not a model or has no JSON schema.
        """
        path = self.models.resolve_path(name)
        registered = self.models[path]
        if not _is_model_class(new_model):
            raise RegistryError(f"Cannot update {path} with {new_model!r}: it is not a pydantic BaseModel subclass.")
        old = registered.metadata
        new_schema = self._json_schema(new_model)
        changes = diff_schemas(old.json_schema, new_schema)
        suggested = bump_version(old.version, changes)
        if version is None:
            target = suggested
        elif parse_version(version) <= parse_version(old.version):
            raise InvalidVersion(
                f"Cannot update {path} to version {version}: it must be greater than the current {old.version}. "
                f"The schema changes suggest {suggested}; pass that or version=None."
            )
        else:
            target = version
        now = _now()
        metadata = ModelMetadata(
            name=old.name,
            namespace=old.namespace,
            ns_path=old.ns_path,
            source=old.source,
            module=getattr(new_model, "__module__", None),
            version=target,
            created_at=old.created_at,
            updated_at=now,
            json_schema=new_schema,
            ui_schema=generate_ui_schema(new_model) if self.settings.auto_generate_ui else None,
            permissions={role: set(granted) for role, granted in old.permissions.items()},
            tags=set(old.tags),
            description=_docstring(new_model) or old.description,
        )
        evolution = ModelEvolution(
            model_name=old.name,
            ns_path=path,
            from_version=old.version,
            to_version=target,
            suggested_version=suggested,
            impact=classify(changes),
            changes=changes,
            migration_script=migration_script,
            applied_at=now,
            metadata=metadata,
        )
        registered.metadata = metadata
        registered.model_class = new_model
        snapshot = ModelVersion(metadata=metadata, model_class=new_model)
        if self.settings.enable_versioning:
            self._versions[path].append(snapshot)
            self._evolutions.setdefault(path, deque(maxlen=self.settings.max_version_history)).append(evolution)
        else:
            self._versions[path] = deque([snapshot], maxlen=1)
        self.audit.record(
            "update",
            path,
            kind=KIND,
            version=target,
            from_version=old.version,
            source=old.source.value,
            impact=evolution.impact.value,
            breaking=evolution.breaking,
            changes=len(changes),
        )
        return evolution

    def evolutions(self, name: str) -> list[ModelEvolution]:
        """The kept update records of a model, oldest first (empty when never updated).

        Raises:
            NotRegistered: No model by that name.
        """
        return list(self._evolutions.get(self.models.resolve_path(name), ()))

    def versions(self, name: str) -> list[ModelVersion]:
        """The kept versions of a model (metadata and class), oldest first; the last is the current one.

        Raises:
            NotRegistered: No model by that name.
        """
        return list(self._versions.get(self.models.resolve_path(name), ()))

    def restore(
        self,
        registered: RegisteredModel,
        versions: Iterable[ModelVersion] = (),
        evolutions: Iterable[ModelEvolution] = (),
    ) -> RegisteredModel:
        """Put back an entry with its history, as a store does when it loads the catalog.

        The entry goes to ``registered.metadata.ns_path``, replacing whatever is
        there; no schema is rebuilt and no version is bumped. The history is
        bounded like any other, and ends with the current version. The audit
        event is ``restore`` (not ``register``), so a write-through store can
        tell its own loads from new registrations.

        Args:
            registered: The entry (metadata and class).
            versions: Kept versions, oldest first.
            evolutions: Kept update records, oldest first.

        Returns:
            ``registered``.

        Raises:
            InvalidName: The stored path is not ``<prefix>.models.<namespace>.<name>``.
        """
        metadata = registered.metadata
        path = self.models.path_for(metadata.namespace, metadata.name)
        if path != metadata.ns_path:
            raise InvalidName(
                f"Cannot restore {metadata.ns_path!r}: its namespace and name give {path!r} in this registry. "
                f"Check the stored metadata or the registry's namespace prefix."
            )
        kept = deque(versions, maxlen=self._keep())
        current = ModelVersion(metadata=metadata, model_class=registered.model_class)
        if kept and kept[-1].metadata.version == metadata.version:
            kept[-1] = current  # the stored copy of the current version, now with its class
        else:
            kept.append(current)
        self.models.add(path, registered, allow_override=True)
        self._versions[path] = kept
        self._evolutions[path] = deque(evolutions, maxlen=self.settings.max_version_history)
        if not self.settings.enable_versioning:
            self._evolutions[path].clear()
        self.audit.record("restore", path, kind=KIND, version=metadata.version, source=metadata.source.value)
        return registered

    def get_version(self, name: str, version: str) -> ModelVersion:
        """A kept version of a model: its metadata and, while held, its class.

        Raises:
            NotRegistered: No such model, or that version is not (or no longer) kept.
        """
        path = self.models.resolve_path(name)
        kept = self._versions.get(path, deque())
        for entry in kept:
            if entry.metadata.version == version:
                return entry
        available = [entry.metadata.version for entry in kept]
        raise NotRegistered(
            f"Version {version!r} of {path} is not kept. Kept versions: {format_choices(available)} "
            f"(at most max_version_history={self.settings.max_version_history}).",
            name=version,
            available=available,
        )

    # -- access -----------------------------------------------------------------
    def check_access(
        self, model: str | RegisteredModel, operation: ModelPermission | str, role: str = "anonymous"
    ) -> bool:
        """Whether ``role`` may perform ``operation`` on a model; the check is audited.

        The role's own rule applies, else the ``"*"`` rule; a role with neither holds nothing.

        Args:
            model: Short name, path, or the registered model.
            operation: A :class:`ModelPermission` or its value (``"create"``).
            role: The asking role.

        Raises:
            NotRegistered: No model by that name (a typo should not read as "denied").
            RegistryError: ``operation`` is not a model permission.
        """
        registered = model if isinstance(model, RegisteredModel) else self.get(model)
        permission = _as_permission(operation)
        allowed = is_allowed(registered.metadata.permissions, role, permission)
        self.audit.record(
            "check_access",
            registered.metadata.ns_path,
            kind=KIND,
            role=role,
            allowed=allowed,
            operation=permission.value,
        )
        return allowed

    def require_access(
        self, model: str | RegisteredModel, operation: ModelPermission | str, role: str = "anonymous"
    ) -> RegisteredModel:
        """Like :meth:`check_access`, but raise when denied.

        Returns:
            The registered model.

        Raises:
            PermissionDenied: The role lacks the permission; the message names the roles that hold it.
        """
        registered = model if isinstance(model, RegisteredModel) else self.get(model)
        if self.check_access(registered, operation, role):
            return registered
        permission = _as_permission(operation)
        holders = sorted(
            ("every other role ('*')" if rule_role == ANY_ROLE else rule_role)
            for rule_role, held in registered.metadata.permissions.items()
            if permission in held
        )
        path = registered.metadata.ns_path
        raise PermissionDenied(
            f"Role {role!r} may not {permission.value} {path}. Roles holding {permission.value}: "
            f"{', '.join(holders) or '(none)'}. Use one of them, or grant it to {role!r} in the model's permissions.",
            role=role,
            operation=permission.value,
            path=path,
        )

    def accessible_models(self, role: str, operation: ModelPermission | str | None = None) -> list[RegisteredModel]:
        """Models on which ``role`` holds ``operation`` (any permission when ``None``), in path order."""
        wanted = None if operation is None else _as_permission(operation)
        found = []
        for path in sorted(self.models):
            registered = self.models[path]
            rules = registered.metadata.permissions
            if wanted is None:
                holds = any(is_allowed(rules, role, permission) for permission in ModelPermission)
            else:
                holds = is_allowed(rules, role, wanted)
            if holds:
                found.append(registered)
        self.audit.record(
            "accessible_models",
            kind=KIND,
            role=role,
            operation=None if wanted is None else wanted.value,
            count=len(found),
        )
        return found

    # -- finding --------------------------------------------------------------
    def get(self, name_or_path: str) -> RegisteredModel:
        """The model at a full path, partial path or unambiguous short name.

        Raises:
            NotRegistered: Nothing matches; the message lists what exists.
            AmbiguousName: The short name is in several namespaces.
        """
        return self.models[name_or_path]

    def get_by_namespace(self, ns_path: str) -> RegisteredModel | None:
        """The model at exactly this full path, or ``None`` (as in the seed)."""
        if ns_path not in self.models.paths_named(ns_path.rsplit(".", 1)[-1]):
            return None
        return self.models[ns_path]

    def find_by_namespace(self, pattern: str) -> list[RegisteredModel]:
        """Models whose path matches a glob (``ns.models.shop.*`` or ``shop.*``), in path order."""
        return self.models.find(pattern)

    def find_by_tag(self, tag: str) -> list[RegisteredModel]:
        """Models carrying ``tag``, in path order."""
        return [self.models[path] for path in sorted(self.models) if tag in self.models[path].metadata.tags]

    def remove(self, name_or_path: str) -> RegisteredModel:
        """Unregister a model and forget its history (the audit log keeps the event).

        Raises:
            NotRegistered: Nothing matches.
            AmbiguousName: The short name is in several namespaces.
        """
        registered = self.models.remove(name_or_path)
        path = registered.metadata.ns_path
        self._versions.pop(path, None)
        self._evolutions.pop(path, None)
        self.audit.record(
            "remove", path, kind=KIND, version=registered.metadata.version, source=registered.metadata.source.value
        )
        return registered

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, name_or_path: object) -> bool:
        return name_or_path in self.models
