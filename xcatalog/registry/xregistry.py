"""XRegistry: the function, model and type registries behind one object.

An :class:`XRegistry` holds one :class:`FunctionRegistry`, one
:class:`ModelRegistry` and one :class:`TypeRegistry`, all configured from the
same :class:`~xcatalog.config.Settings`, sharing one namespace prefix and one
:class:`AuditLog`, so a single trail records everything that happens.

Example:
    >>> registry = XRegistry()
    >>> @registry.register_function(namespace="shop")
    ... def total(prices: list[float]) -> float:
    ...     return sum(prices)
    >>> [entry.metadata.ns_path for entry in registry.find("shop.*")]
    ['ns.functions.shop.total']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from xcatalog.config import Settings
from xcatalog.errors import AmbiguousName, NotRegistered, format_choices
from xcatalog.registry._namespace import NamespaceIndex
from xcatalog.registry.audit import AuditLog
from xcatalog.registry.functions import FunctionRegistry, RegisteredFunction
from xcatalog.registry.models import ModelRegistry, RegisteredModel
from xcatalog.registry.types import RegisteredType, TypeRegistry

if TYPE_CHECKING:
    from xcatalog.enrichment import EnrichedRegistry
    from xcatalog.registry.persistence import StoreLink
    from xcatalog.store.base import CatalogStore

__all__ = ["RegistryEntry", "XRegistry"]

RegistryEntry: TypeAlias = RegisteredFunction | RegisteredModel | RegisteredType
"""Whatever a registry holds: a function, a model or a type."""


class XRegistry:
    """Functions, models and types in one namespaced registry with one audit trail.

    Args:
        settings: All settings; ``Settings()`` defaults when ``None``. Its
            ``[registry]`` section sizes the audit log (``audit_max_events``),
            gives the path prefix (``namespace_prefix``) and configures each registry.
        store: A catalog store to write through to: every registration,
            update and removal is saved as it happens (an empty store first
            receives the whole registry). See :meth:`save` and :meth:`load`.

    Attributes:
        settings: The settings it was built with.
        audit: The audit log shared by the three registries.
        functions: The :class:`FunctionRegistry`.
        models: The :class:`ModelRegistry`.
        types: The :class:`TypeRegistry`.
        register_function: ``functions.register``, the seed's decorator shortcut.
        store_link: The write-through link to ``store``, or ``None``.
        enriched: The enriched view once :meth:`get_enriched` made it, else ``None``.
    """

    def __init__(self, settings: Settings | None = None, *, store: CatalogStore | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        section = self.settings.registry
        self.prefix = section.namespace_prefix
        self.audit = AuditLog(section.audit_max_events)
        self.functions = FunctionRegistry(section.functions, audit=self.audit, prefix=self.prefix)
        self.models = ModelRegistry(section.models, audit=self.audit, prefix=self.prefix)
        self.types = TypeRegistry(section.types, audit=self.audit, prefix=self.prefix)
        # The seed's shortcut: ``@registry.register_function(namespace=...)``.
        self.register_function = self.functions.register
        self.enriched: EnrichedRegistry | None = None
        self.store_link: StoreLink | None = None
        if store is not None:
            from xcatalog.registry.persistence import attach_store

            self.store_link = attach_store(self, store)

    @classmethod
    def from_settings(cls, settings: Settings) -> XRegistry:
        """A registry configured by ``settings`` (e.g. from :func:`xcatalog.config.load_settings`)."""
        return cls(settings)

    def save(self, store: CatalogStore, *, force: bool = False) -> int:
        """Write every model, type, function and the audit trail to ``store`` in one atomic step.

        Args:
            store: The catalog store (:class:`~xcatalog.store.LocalStore`, :class:`~xcatalog.store.MongoStore`).
            force: Overwrite even if another writer saved since this store object last read.

        Returns:
            The store's new revision.

        Raises:
            StoreConflict: Another writer saved a newer catalog; load it first or pass ``force=True``.
        """
        from xcatalog.registry.persistence import save_registry

        enrichments = None
        if self.enriched is not None:
            enrichments = {path: item.model_dump(mode="json") for path, item in self.enriched.enrichments.items()}
        return save_registry(self, store, enrichments=enrichments, force=force)

    @classmethod
    def load(cls, store: CatalogStore, settings: Settings | None = None, **options: Any) -> XRegistry:
        """A new registry with everything ``store`` holds.

        Static models, types and functions are re-imported from their import
        paths; dynamic models are rebuilt from their JSON schema. An entry that
        cannot be restored is reported (a ``LoadWarning`` by default,
        ``on_error="raise"`` for :class:`~xcatalog.errors.LoadFailed`) and the rest still loads.

        Args:
            store: The catalog store to read.
            settings: Settings for the new registry.
            **options: ``on_error`` and ``write_through``, see
                :func:`xcatalog.registry.persistence.load_registry`.
        """
        from xcatalog.registry.persistence import load_registry

        return load_registry(store, settings, **options)

    def get_enriched(self, **options: Any) -> EnrichedRegistry:
        """The enriched view of this registry: live statistics, suggestions, graded validation.

        One :class:`~xcatalog.enrichment.EnrichedRegistry` is kept per registry.
        This is the one place the registry layer reaches up to enrichment, as
        the seed's API asks (a function-local import keeps the layers acyclic).
        """
        from xcatalog.enrichment import get_enriched

        return get_enriched(self, **options)

    def __repr__(self) -> str:
        return (
            f"XRegistry(prefix={self.prefix!r}, functions={len(self.functions.functions)}, "
            f"models={len(self.models.models)}, types={len(self.types.types)}, audit_events={len(self.audit)})"
        )

    # -- the seed's delegating shortcuts ----------------------------------
    def register_model(self, *args: Any, **kwargs: Any) -> RegisteredModel:
        """:meth:`ModelRegistry.register` of this registry."""
        return self.models.register(*args, **kwargs)

    def register_type(self, *args: Any, **kwargs: Any) -> RegisteredType:
        """:meth:`TypeRegistry.register_type` of this registry."""
        return self.types.register_type(*args, **kwargs)

    # -- looking across kinds ------------------------------------------------
    def _indexes(self) -> dict[str, NamespaceIndex[Any]]:
        return {
            self.functions.functions.kind: self.functions.functions,
            self.models.models.kind: self.models.models,
            self.types.types.kind: self.types.types,
        }

    def find_paths(self, pattern: str) -> list[str]:
        """Paths of every kind matching a glob, sorted; see :meth:`find`."""
        indexes = self._indexes()
        root = f"{self.prefix}."
        if pattern.startswith(root):
            kind = pattern[len(root) :].split(".", 1)[0]
            # A literal kind searches one index; a wildcard kind (ns.*.shop.*) searches all.
            chosen = [indexes[kind]] if kind in indexes else list(indexes.values())
            return sorted(path for index in chosen for path in index.find_paths(pattern))
        return sorted(path for index in indexes.values() for path in index.find_paths(pattern))

    def find(self, pattern: str) -> list[RegistryEntry]:
        """Entries of every kind whose path matches a glob, by path.

        A pattern starting with the prefix is absolute (``ns.models.shop.*``,
        ``ns.*.shop.*``); any other is relative to each kind, so ``shop.*``
        finds ``ns.functions.shop.*``, ``ns.models.shop.*`` and ``ns.types.shop.*``.
        ``*`` also matches dots. Each search starts at the pattern's literal
        prefix, so it does not scan unrelated entries.

        Args:
            pattern: A glob.

        Returns:
            The matching functions, models and types, sorted by path.
        """
        return [self._entry_at(path) for path in self.find_paths(pattern)]

    def _entry_at(self, path: str) -> RegistryEntry:
        entry: RegistryEntry = self._indexes()[path.split(".", 2)[1]][path]
        return entry

    def get(self, key: str) -> RegistryEntry:
        """The entry at a full path of any kind, or an unambiguous name across all kinds.

        Raises:
            NotRegistered: Nothing matches; the message lists names of every kind.
            AmbiguousName: The name matches entries of several kinds or namespaces.
        """
        indexes = self._indexes()
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == self.prefix and parts[1] in indexes:
            return self._entry_at(key)
        found: list[str] = []
        for index in indexes.values():
            try:
                found.append(index.resolve_path(key))
            except NotRegistered:
                continue
            except AmbiguousName as exc:
                found.extend(exc.candidates)
        if len(found) == 1:
            return self._entry_at(found[0])
        if found:
            raise AmbiguousName(
                f"{key!r} is ambiguous: it matches {', '.join(sorted(found))}. Use the full path.",
                name=key,
                candidates=sorted(found),
            )
        names = [name for index in indexes.values() for name in index.names()]
        raise NotRegistered(
            f"Nothing named {key!r} is registered (functions, models or types). Available: {format_choices(names)}.",
            name=key,
            available=sorted(set(names)),
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(key in index for index in self._indexes().values())
