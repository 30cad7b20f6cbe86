"""Turn an :class:`XRegistry` into store records and back.

The store (:mod:`xcatalog.store`) keeps JSON documents by ``(kind, key)``; this
module decides what they hold. One record per entry, keyed by its path:

``models``
    the current metadata (JSON schema, UI schema, permissions, tags, version),
    the kept version history and the evolutions, the class's import path
    (``module:qualname``) and, for rebuilding dynamic models, the Python names
    of aliased fields.
``functions``
    the metadata, the import path and the call statistics.
``types``
    the metadata and how to restore the type: by import path, from its base
    type and constraints, from its validators' import paths, or as a
    transformer (function import path + base types).
``enrichment``
    a free slot per model path for enrichment snapshots (filled by a later layer).

The audit log is stored as events (passwords redacted).

Loading re-imports static models, functions and types from their import paths
and rebuilds dynamic models from their JSON schema
(:func:`~xcatalog.registry.schema_models.model_from_schema`). An entry that
cannot come back (a module that is gone, a function typed in a notebook) is
reported with its reason; the rest still loads.

Write-through: :func:`attach_store` subscribes to the registry's audit log and
writes the changed entry on every ``register``/``update``/``remove``.
"""

from __future__ import annotations

import builtins
import datetime as dt
import decimal
import importlib
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from pydantic_core import to_jsonable_python

from xcatalog.config import Settings
from xcatalog.errors import LoadFailed, StoreConflict, StoreError, XCatalogError, format_choices, redact
from xcatalog.registry._type_info import GENERATED_MODULE, build_validated_model, validators_of
from xcatalog.registry.audit import AuditEvent
from xcatalog.registry.functions import FunctionMetadata, FunctionStats, RegisteredFunction
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.models import ModelEvolution, ModelMetadata, ModelSource, ModelVersion, RegisteredModel
from xcatalog.registry.schema_models import model_from_schema
from xcatalog.registry.types import RegisteredType, TypeCategory, TypeMetadata
from xcatalog.registry.xregistry import XRegistry
from xcatalog.store.base import CatalogStore, Change, Snapshot

__all__ = [
    "ENRICHMENT",
    "RECORD_FORMAT",
    "LoadReport",
    "LoadWarning",
    "StoreLink",
    "attach_store",
    "load_catalog",
    "load_registry",
    "registry_snapshot",
    "save_registry",
    "serialise_function",
    "serialise_model",
    "serialise_type",
]

#: Version of the record documents written here.
RECORD_FORMAT = 1
#: Record kind of the enrichment slot.
ENRICHMENT = "enrichment"
_KINDS = ("functions", "models", "types")
_CHANGE_ACTIONS = frozenset({"register", "update", "remove"})
# Modules whose objects cannot be imported again in another process.
_UNIMPORTABLE_MODULES = frozenset({"__main__", "__mp_main__", "builtins", GENERATED_MODULE})
_BASE_TYPES: dict[str, Any] = {
    **{name: getattr(builtins, name) for name in ("int", "float", "str", "bool", "bytes", "list", "dict", "set")},
    "Decimal": decimal.Decimal,
    "datetime": dt.datetime,
    "date": dt.date,
    "time": dt.time,
    "timedelta": dt.timedelta,
    "UUID": uuid.UUID,
    "Any": Any,
}
# The tracking wrapper FunctionRegistry puts around a function: unwrap it before re-registering.
_TRACKING_WRAPPERS = frozenset(
    {"FunctionRegistry._tracking_wrapper.<locals>.tracked", "FunctionRegistry._tracking_wrapper.<locals>.tracked_async"}
)


class LoadWarning(UserWarning):
    """Some stored entries could not be restored; the rest of the catalog loaded."""


class _Unrestorable(XCatalogError):
    """One entry cannot be restored (internal: collected into the load report)."""


@dataclass
class LoadReport:
    """What :func:`load_catalog` brought back.

    Attributes:
        registry: The registry with every entry that could be restored.
        revision: The store revision that was read.
        failures: ``{path: reason}`` for every entry that could not be restored.
        changed: Paths of static models whose code no longer matches the stored schema
            (the code's class is used; the stored version history is kept).
        enrichments: ``{model path: document}`` from the enrichment slot.
    """

    registry: XRegistry
    revision: int
    failures: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    enrichments: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every entry came back."""
        return not self.failures


# -- serialising ---------------------------------------------------------------
def _json(model: BaseModel) -> dict[str, Any]:
    dumped = to_jsonable_python(model.model_dump(), fallback=repr)
    return dict(dumped)


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def _import_path_of(obj: Any) -> str | None:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    return f"{module}:{qualname}" if module and qualname else None


def _python_names(model_class: type[BaseModel]) -> dict[str, dict[str, str]]:
    """``{model title: {alias: python name}}`` for the model and every model nested in its fields."""
    found: dict[str, dict[str, str]] = {}
    pending: list[Any] = [model_class]
    seen: set[int] = set()
    while pending:
        candidate = pending.pop()
        if id(candidate) in seen:
            continue
        seen.add(id(candidate))
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            title = str(candidate.model_config.get("title") or candidate.__name__)
            renames = {
                info.alias: name for name, info in candidate.model_fields.items() if info.alias and info.alias != name
            }
            if renames:
                found[title] = renames
            pending.extend(info.annotation for info in candidate.model_fields.values())
        pending.extend(getattr(candidate, "__args__", ()))
    return found


def serialise_model(models: Any, registered: RegisteredModel) -> dict[str, Any]:
    """The record of one model: metadata, version history, evolutions, import path.

    Args:
        models: The :class:`~xcatalog.registry.models.ModelRegistry` holding it.
        registered: The entry.
    """
    path = registered.metadata.ns_path
    versions = [
        {
            "metadata": _json(version.metadata),
            "import_path": _import_path_of(version.model_class) if version.model_class is not None else None,
        }
        for version in models._versions.get(path, ())  # no public accessor for ModelVersion objects yet
    ]
    return {
        "format": RECORD_FORMAT,
        "path": path,
        "source": registered.metadata.source.value,
        "import_path": _import_path_of(registered.model_class),
        "python_names": _python_names(registered.model_class),
        "metadata": _json(registered.metadata),
        "versions": versions,
        "evolutions": [_json(evolution) for evolution in models.evolutions(path)],
    }


def serialise_function(registered: RegisteredFunction) -> dict[str, Any]:
    """The record of one function: metadata, import path and call statistics."""
    return {
        "format": RECORD_FORMAT,
        "path": registered.path,
        "import_path": registered.metadata.import_path,
        "metadata": _json(registered.metadata),
        "stats": _json(registered.stats),
    }


def serialise_type(registered: RegisteredType) -> dict[str, Any]:
    """The record of one type, with the recipe to restore it (``restore``)."""
    metadata = registered.metadata
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "path": registered.path,
        "import_path": metadata.import_path,
        "metadata": _json(metadata),
        "usage_count": registered.usage_count,
    }
    validators = validators_of(registered.type_class)
    if metadata.category is TypeCategory.TRANSFORMER:
        record["restore"] = "transformer"
    elif metadata.module and metadata.module not in _UNIMPORTABLE_MODULES:
        record["restore"] = "import"
    elif validators is not None:
        record["restore"] = "validated"
        record["validators"] = [{"name": item.name, "import_path": _import_path_of(item.func)} for item in validators]
    else:
        record["restore"] = "constraint"
    return record


def registry_snapshot(registry: XRegistry, *, enrichments: Mapping[str, Mapping[str, Any]] | None = None) -> Snapshot:
    """Every entry and audit event of ``registry`` as a store snapshot.

    Args:
        registry: The registry.
        enrichments: Optional ``{model path: JSON document}`` for the enrichment slot.
    """
    records: dict[str, dict[str, dict[str, Any]]] = {
        "models": {
            path: serialise_model(registry.models, registry.models.models[path]) for path in registry.models.models
        },
        "functions": {
            path: serialise_function(registry.functions.functions[path]) for path in registry.functions.functions
        },
        "types": {path: serialise_type(registry.types.types[path]) for path in registry.types.types},
    }
    if enrichments:
        records[ENRICHMENT] = {path: dict(document) for path, document in enrichments.items()}
    audit = [_redacted(_json(event)) for event in registry.audit]
    return Snapshot(records=records, audit=audit)


def save_registry(
    registry: XRegistry,
    store: CatalogStore,
    *,
    enrichments: Mapping[str, Mapping[str, Any]] | None = None,
    force: bool = False,
) -> int:
    """Write everything in ``registry`` to ``store`` in one atomic revision.

    Args:
        registry: The registry.
        store: Where to write. Its :attr:`~xcatalog.store.CatalogStore.known_revision`
            is the base of the optimistic check (``0`` when it was never read).
        enrichments: Optional enrichment snapshots by model path.
        force: Overwrite whatever the store holds.

    Returns:
        The new revision.

    Raises:
        StoreConflict: The store holds a revision this store object has not read.
        StoreError: The store failed; it still holds the previous catalog.
    """
    return store.write(registry_snapshot(registry, enrichments=enrichments), force=force)


# -- restoring -----------------------------------------------------------------
def _import_object(import_path: str | None, what: str) -> Any:
    if not import_path or ":" not in import_path:
        raise _Unrestorable(f"{what} has no import path (module:qualname) to re-import it from.")
    module_name, _, qualname = import_path.partition(":")
    if module_name in _UNIMPORTABLE_MODULES or "<locals>" in qualname or "<lambda>" in qualname:
        raise _Unrestorable(
            f"{what} was defined in {module_name} as {qualname}, which another process cannot import. "
            "Move it into a module of your project (e.g. shop/models.py) and register it from there."
        )
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure is this entry's problem, not the whole load's
        raise _Unrestorable(
            f"{what}: cannot import module {module_name!r} ({type(exc).__name__}: {exc}). "
            "Install or put the module on sys.path, then load again."
        ) from exc
    for part in qualname.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise _Unrestorable(
                f"{what}: module {module_name!r} has no {qualname!r} any more; it was renamed or removed."
            ) from None
    return target


def _unwrap_tracking(func: Any) -> Any:
    # Only FunctionRegistry's own wrapper is peeled off; the user's decorators stay.
    while getattr(getattr(func, "__code__", None), "co_qualname", None) in _TRACKING_WRAPPERS:
        func = func.__wrapped__
    return func


def _base_type(name: str | None, what: str) -> Any:
    if name is None or name not in _BASE_TYPES:
        raise _Unrestorable(
            f"{what}: base type {name!r} cannot be rebuilt; known base types are {format_choices(_BASE_TYPES)}."
        )
    return _BASE_TYPES[name]


def _constrained(base: Any, constraints: Mapping[str, Any]) -> Any:
    return Annotated[base, Field(**constraints)] if constraints else base


def _restore_model(registry: XRegistry, record: Mapping[str, Any], report: LoadReport) -> None:
    path = str(record["path"])
    metadata = ModelMetadata.model_validate(record["metadata"])
    source = ModelSource(record.get("source", metadata.source))
    what = f"Model {path}"
    if source is ModelSource.DYNAMIC or not record.get("import_path"):
        python_names = record.get("python_names") or {}
        model_class = model_from_schema(metadata.json_schema, name=metadata.name, python_names=python_names)
    else:
        model_class = _import_object(record.get("import_path"), what)
        if not (isinstance(model_class, type) and issubclass(model_class, BaseModel)):
            raise _Unrestorable(f"{what}: {record['import_path']} is {model_class!r}, not a pydantic model class.")
        if catalog_json_schema(model_class) != metadata.json_schema:
            report.changed.append(path)
    models = registry.models
    models.models.add(path, RegisteredModel(metadata=metadata, model_class=model_class), allow_override=True)
    history = [ModelVersion.model_validate({"metadata": item["metadata"]}) for item in record.get("versions", ())]
    if history:
        history[-1] = ModelVersion(metadata=metadata, model_class=model_class)
    else:
        history = [ModelVersion(metadata=metadata, model_class=model_class)]
    # ModelRegistry has no public way to re-add an entry with its history; see the report to the lead.
    models._versions[path] = deque(history, maxlen=models._keep())
    evolutions = [ModelEvolution.model_validate(item) for item in record.get("evolutions", ())]
    if evolutions:
        models._evolutions[path] = deque(evolutions, maxlen=models.settings.max_version_history)


def _restore_function(registry: XRegistry, record: Mapping[str, Any]) -> None:
    metadata = FunctionMetadata.model_validate(record["metadata"])
    func = _unwrap_tracking(_import_object(record.get("import_path"), f"Function {metadata.ns_path}"))
    if not callable(func):
        raise _Unrestorable(f"Function {metadata.ns_path}: {record['import_path']} is {func!r}, not callable.")
    registered = registry.functions.add(
        func,
        name=metadata.name,
        namespace=metadata.namespace,
        tags=metadata.tags,
        permissions=metadata.permissions,
        allow_override=True,
        track_execution=metadata.track_execution,
    )
    registered.metadata.registered_at = metadata.registered_at
    registered.metadata.updated_at = metadata.updated_at
    if record.get("stats"):
        stats = FunctionStats.model_validate({**record["stats"], "max_history": registered.stats.max_history})
        registered.stats = stats


def _restore_type(registry: XRegistry, record: Mapping[str, Any]) -> None:
    metadata = TypeMetadata.model_validate(record["metadata"])
    what = f"Type {metadata.ns_path}"
    common: dict[str, Any] = {
        "namespace": metadata.namespace,
        "description": metadata.description,
        "examples": metadata.examples,
        "tags": metadata.tags,
        "allow_override": True,
    }
    restore = record.get("restore", "import")
    types = registry.types
    if restore == "transformer":
        func = _import_object(record.get("import_path"), what)
        from_type = _base_type(metadata.from_type, what)
        to_type = _base_type(metadata.to_type, what)
        registered = types.register_transformer(from_type, to_type, func, metadata.name, **common)
    elif restore == "import":
        type_class = _import_object(record.get("import_path"), what)
        registered = types.register_type(type_class, metadata.name, metadata.category, **common)
    elif restore == "validated":
        validators = [
            _import_object(item.get("import_path"), f"{what} validator {item['name']}") for item in record["validators"]
        ]
        value_type = _constrained(_base_type(metadata.base_type, what), metadata.constraints)
        model = build_validated_model(value_type, validators, metadata.name, description=metadata.description)
        registered = types.register_type(model, metadata.name, metadata.category, **common)
    else:
        type_class = _constrained(_base_type(metadata.base_type, what), metadata.constraints)
        registered = types.register_type(type_class, metadata.name, metadata.category, **common)
    registered.metadata.registered_at = metadata.registered_at
    registered.usage_count = int(record.get("usage_count", 0))


def load_catalog(store: CatalogStore, settings: Settings | None = None) -> LoadReport:
    """Read ``store`` into a fresh :class:`XRegistry` and report what could not come back.

    Args:
        store: The store; after this call its ``known_revision`` is the revision read.
        settings: Settings of the new registry; default ``Settings()``.

    Returns:
        The report: the registry, the revision, per-entry failures, enrichments.

    Raises:
        StoreError: The store cannot be read.
    """
    snapshot = store.read_all()
    registry = XRegistry(settings)
    report = LoadReport(registry=registry, revision=snapshot.revision)
    restorers: dict[str, Callable[[Mapping[str, Any]], None]] = {
        "types": lambda record: _restore_type(registry, record),
        "models": lambda record: _restore_model(registry, record, report),
        "functions": lambda record: _restore_function(registry, record),
    }
    for kind, restore in restorers.items():
        for path, record in sorted(snapshot.kind(kind).items()):
            if int(record.get("format", RECORD_FORMAT)) > RECORD_FORMAT:
                report.failures[path] = (
                    f"record format {record['format']} is newer than this xcatalog reads; upgrade it."
                )
                continue
            try:
                restore(record)
            except _Unrestorable as exc:
                report.failures[path] = exc.message
            except Exception as exc:  # one bad record must not stop the others
                report.failures[path] = f"{type(exc).__name__}: {exc}"
    report.enrichments = {path: dict(document) for path, document in snapshot.kind(ENRICHMENT).items()}
    # The load itself registered everything again; the stored trail is the true history.
    registry.audit.clear()
    registry.audit.extend(AuditEvent.model_validate(event) for event in snapshot.audit)
    return report


def load_registry(
    store: CatalogStore,
    settings: Settings | None = None,
    *,
    on_error: Literal["warn", "raise", "ignore"] = "warn",
    write_through: bool = False,
) -> XRegistry:
    """Read ``store`` into a fresh :class:`XRegistry` (``XRegistry.load(store)``).

    Args:
        store: The store.
        settings: Settings of the new registry.
        on_error: What to do when some entries cannot be restored: emit a
            :class:`LoadWarning` listing them (default), raise
            :class:`~xcatalog.errors.LoadFailed`, or ignore them
            (:func:`load_catalog` gives the full report).
        write_through: Also :func:`attach_store` the registry to ``store``.

    Returns:
        The registry with every entry that could be restored.

    Raises:
        LoadFailed: ``on_error="raise"`` and some entries failed; ``failures`` has the reasons.
        StoreError: The store cannot be read.
    """
    report = load_catalog(store, settings)
    if report.failures and on_error != "ignore":
        listing = "; ".join(f"{path}: {reason}" for path, reason in sorted(report.failures.items()))
        message = (
            f"{len(report.failures)} entries of {store.location} (revision {report.revision}) could not be restored "
            f"and are missing from the registry: {listing}"
        )
        if on_error == "raise":
            raise LoadFailed(message, failures=report.failures)
        warnings.warn(message, LoadWarning, stacklevel=2)
    if write_through:
        report.registry.store_link = attach_store(report.registry, store)
    return report.registry


# -- write-through -------------------------------------------------------------
class StoreLink:
    """A registry writing through to a store; made by :func:`attach_store`.

    Changes (``register``, ``update``, ``remove``) are written at once, each in
    its own revision together with the audit events gathered since the last
    write. Other audit events (executions, access checks) are buffered and
    appended with the next change, by :meth:`flush`, or when ``buffer_size``
    events are waiting.

    Attributes:
        registry: The registry.
        store: The store.
        last_error: The last write-through failure, if any (it was also raised).
    """

    def __init__(self, registry: XRegistry, store: CatalogStore, *, buffer_size: int = 100) -> None:
        self.registry = registry
        self.store = store
        self.buffer_size = buffer_size
        self.last_error: StoreError | None = None
        self._pending: list[dict[str, Any]] = []
        self._unsubscribe = registry.audit.subscribe(self._on_event)

    def _on_event(self, event: AuditEvent) -> None:
        document = _redacted(_json(event))
        if event.action in _CHANGE_ACTIONS and event.kind in _KINDS and event.path:
            events, self._pending = [*self._pending, document], []
            self._write(lambda: self.store.apply([self._change(event.kind, event.path)], audit=events))
            return
        self._pending.append(document)
        if len(self._pending) >= self.buffer_size:
            self.flush()

    def _change(self, kind: str, path: str) -> Change:
        if kind == "models":
            entry = self.registry.models.models.get(path)
            return Change(kind, path, None if entry is None else serialise_model(self.registry.models, entry))
        if kind == "functions":
            function = self.registry.functions.functions.get(path)
            return Change(kind, path, None if function is None else serialise_function(function))
        registered_type = self.registry.types.types.get(path)
        return Change(kind, path, None if registered_type is None else serialise_type(registered_type))

    def _write(self, action: Callable[[], int]) -> None:
        try:
            action()
        except StoreError as exc:
            # The registry already changed in memory; say plainly that the store did not.
            self.last_error = exc
            raise type(exc)(
                f"The registry changed but the write-through to {self.store.location} failed: {exc.message} "
                "The in-memory registry is ahead of the store: fix the cause and call registry.save(store)."
            ) from exc

    def flush(self) -> int:
        """Append the buffered audit events; return how many were new."""
        events, self._pending = self._pending, []
        if not events:
            return 0
        added = 0

        def append() -> int:
            nonlocal added
            added = self.store.append_audit(events)
            return added

        self._write(append)
        return added

    def detach(self) -> None:
        """Flush and stop writing through."""
        self.flush()
        self._unsubscribe()


def attach_store(registry: XRegistry, store: CatalogStore, *, overwrite: bool = False) -> StoreLink:
    """Make ``registry`` write through to ``store`` on every change.

    An empty store first receives the whole registry. A store that already
    holds a catalog must be the one the registry was loaded from (the store
    object read it: ``XRegistry.load(store)``), else the registry would
    silently replace it: pass ``overwrite=True`` to do that on purpose.

    Args:
        registry: The registry.
        store: The store.
        overwrite: Replace a catalog the registry was not loaded from.

    Returns:
        The link; ``link.detach()`` stops it, ``link.flush()`` writes buffered audit events.

    Raises:
        StoreConflict: The store holds a catalog this store object never read.
    """
    current = store.revision
    if overwrite:
        save_registry(registry, store, force=True)
    elif current == 0:
        save_registry(registry, store, force=store.known_revision is None)
    elif store.known_revision != current:
        raise StoreConflict(
            f"Store {store.location} already holds a catalog (revision {current}) that this registry was not "
            "loaded from. Load it with XRegistry.load(store, write_through=True), or attach with overwrite=True "
            "to replace it with this registry."
        )
    return StoreLink(registry, store)
