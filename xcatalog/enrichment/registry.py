"""EnrichedRegistry: registered models that know their data.

It sits on an :class:`~xcatalog.registry.XRegistry` and a resource: it samples a
collection, combines field statistics and a profile into a
:class:`ModelEnrichment`, and uses it to suggest values, grade new records,
mask sensitive values, follow the collection with a refresh task, and version
the model when the collection's schema drifts.

Permissions:

* :meth:`EnrichedRegistry.create_with_validation` needs ``create`` on the
  model; with ``insert=True`` it writes through the resource and needs nothing
  more — inserting *is* creating a record, and the registry has no separate
  write permission. Denials raise :class:`~xcatalog.errors.PermissionDenied`
  and are audited.
* Sensitive values (email, phone, card fields of the profile) are shown
  unmasked only to a role holding ``read_sensitive``
  (:attr:`ModelPermission.READ_SENSITIVE`) on the model, checked and audited
  through :meth:`ModelRegistry.check_access`.

Example:
    >>> enriched = get_enriched(registry)                                  # doctest: +SKIP
    >>> await enriched.enrich_from_resource(shop, "Product", collection="products")
    >>> await enriched.suggest_values("Product", "category", prefix="el")
    ['Electronics']
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from xcatalog.config import Settings
from xcatalog.enrichment._paths import jsonable, path_values
from xcatalog.enrichment.build import build_enrichment, category_changes
from xcatalog.enrichment.grading import DEFAULT_MAX_UNSEEN_SHARE, DEFAULT_MIN_OBSERVATIONS, grade_categories
from xcatalog.enrichment.masking import mask_record, mask_value
from xcatalog.enrichment.matching import rank_models, top_level_fields
from xcatalog.enrichment.model import (
    CollectionOutcome,
    DiscoveryReport,
    ModelEnrichment,
    ModelMatch,
    Suggestion,
    SyncResult,
    ValidationResult,
)
from xcatalog.enrichment.refresh import RefreshScheduler, RefreshStatus
from xcatalog.enrichment.suggest import rank_values
from xcatalog.errors import (
    EnrichmentError,
    NoMatchingModel,
    ValidationFailed,
    format_choices,
    redact,
)
from xcatalog.profiling import profile_documents
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.models import ModelPermission, RegisteredModel
from xcatalog.registry.persistence import ENRICHMENT
from xcatalog.registry.schema_diff import diff_schemas
from xcatalog.resources.base import Resource

if TYPE_CHECKING:
    from xcatalog.registry.xregistry import XRegistry

__all__ = ["DEFAULT_ROLE", "EnrichedRegistry", "ProgressCallback", "get_enriched"]

logger = logging.getLogger(__name__)

#: The role used when none is given (as in :meth:`ModelRegistry.check_access`): it holds the ``"*"`` rule.
DEFAULT_ROLE = "anonymous"
#: ``progress(done, total, collection)`` for :meth:`EnrichedRegistry.discover_and_register`.
ProgressCallback = Callable[[int, int, str], None]

_REFRESH_FIELDS = frozenset(
    {
        "is_live",
        "auto_refresh",
        "refresh_interval",
        "last_refresh_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "next_attempt_at",
        "match",
    }
)


def get_enriched(registry: XRegistry, **options: Any) -> EnrichedRegistry:
    """The one :class:`EnrichedRegistry` of ``registry``, created on first use.

    It is cached on the registry object itself (no module-level state), so
    every caller shares its enrichments and refresh tasks.

    Args:
        registry: The registry.
        **options: Passed to :class:`EnrichedRegistry` on first use only.

    Returns:
        The enriched registry.
    """
    # Kept on the registry's own ``enriched`` attribute (the seed's), so saving the
    # registry includes the enrichment snapshots.
    if registry.enriched is None:
        registry.enriched = EnrichedRegistry(registry, **options)
    return registry.enriched


def _describe(error: BaseException) -> str:
    return redact(f"{type(error).__name__}: {error}")


def _safe_segment(text: str) -> str:
    cleaned = re.sub(r"\W+", "_", text).strip("_") or "resource"
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


class EnrichedRegistry:
    """A registry whose models carry live statistics from their collections.

    Args:
        registry: The registry holding the models.
        settings: Settings (``[registry.enrichment]``, ``[profiling]``); default the registry's.
        store: A :class:`~xcatalog.store.CatalogStore` to persist enrichment
            snapshots in (the ``enrichment`` slot of :mod:`xcatalog.registry.persistence`,
            keyed by model path); ``None`` keeps them in memory only.
        max_unseen_share: Closed-set rule (see :mod:`xcatalog.enrichment.grading`).
        min_observations: Closed-set rule (see :mod:`xcatalog.enrichment.grading`).
        scheduler: The refresh scheduler; default one with ``max_backoff`` from the settings.

    Attributes:
        connected_resources: Resource name -> resource used for enrichment.
    """

    def __init__(
        self,
        registry: XRegistry,
        settings: Settings | None = None,
        store: Any = None,
        *,
        max_unseen_share: float = DEFAULT_MAX_UNSEEN_SHARE,
        min_observations: int = DEFAULT_MIN_OBSERVATIONS,
        scheduler: RefreshScheduler | None = None,
    ) -> None:
        self.registry = registry
        self.settings = settings if settings is not None else registry.settings
        self.store = store
        self.max_unseen_share = max_unseen_share
        self.min_observations = min_observations
        self.scheduler = scheduler or RefreshScheduler(max_backoff=self.settings.registry.enrichment.max_backoff)
        self.connected_resources: dict[str, Resource] = {}
        self._enrichments: dict[str, ModelEnrichment] = {}
        self._sources: dict[str, tuple[Resource, str]] = {}

    def __repr__(self) -> str:
        return f"EnrichedRegistry(models={sorted(self._enrichments)}, refreshing={self.scheduler.keys})"

    @property
    def enrichments(self) -> Mapping[str, ModelEnrichment]:
        """Model path -> its enrichment (read-only view)."""
        return MappingProxyType(self._enrichments)

    # -- lookups ---------------------------------------------------------------------------------------------------

    def _registered(self, model: str) -> RegisteredModel:
        registered: RegisteredModel = self.registry.models.models[model]
        return registered

    def get_enrichment(self, model: str) -> ModelEnrichment:
        """The enrichment of a model (path or unambiguous name).

        Raises:
            NotRegistered: No such model.
            EnrichmentError: The model has no enrichment yet.
        """
        path = self._registered(model).metadata.ns_path
        enrichment = self._enrichments.get(path)
        if enrichment is None:
            raise EnrichmentError(
                f"{path} has no enrichment yet. Enriched models: {format_choices(self._enrichments)}. "
                f"Call 'await enriched.enrich_from_resource(resource, {path!r}, collection=...)' first."
            )
        return enrichment

    def can_read_sensitive(self, model: str, role: str = DEFAULT_ROLE) -> bool:
        """Whether ``role`` sees sensitive values of ``model`` unmasked (see the module docstring)."""
        return self.registry.models.check_access(model, ModelPermission.READ_SENSITIVE, role)

    # -- enrichment ------------------------------------------------------------------------------------------------

    async def _ensure_connected(self, resource: Resource) -> None:
        if not await resource.validate_connection():
            await resource.connect()
        self.connected_resources[resource.name] = resource

    async def _choose_collection(self, resource: Resource, model: str | None, collection: str | None) -> str:
        if collection:
            return collection
        path = self._registered(model).metadata.ns_path if model else None
        if path and path in self._sources:
            return self._sources[path][1]
        collections = await resource.list_collections()
        if path:
            short = path.rsplit(".", 1)[-1]
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", short).lower()
            wanted = {short.lower(), f"{short.lower()}s", f"{short.lower()}es", snake, f"{snake}s"}
            found = [name for name in collections if name.lower() in wanted]
            if len(found) == 1:
                return found[0]
        if len(collections) == 1:
            return collections[0]
        raise EnrichmentError(
            f"Cannot tell which collection of resource '{resource.name}' "
            f"{'describes ' + path if path else 'to enrich'}. Collections: {format_choices(collections)}. "
            "Pass collection=..."
        )

    async def _snapshot(self, resource: Resource, collection: str, model_path: str) -> ModelEnrichment:
        section = self.settings.registry.enrichment
        documents = await resource.sample(collection, section.sample_size)
        total = await resource.count(collection)
        profile = profile_documents(
            documents,
            settings=self.settings,
            source=f"{resource.name}.{collection}",
            total_count=max(total, len(documents)),
            mode="sample",
        )
        return build_enrichment(
            model_name=model_path,
            resource_name=resource.name,
            resource_type=resource.get_type(),
            collection=collection,
            documents=documents,
            profile=profile,
            total_count=total,
            sample_rows=self.settings.profiling.sample_rows,
            categorical_detection=section.enable_categorical_detection,
            max_unseen_share=self.max_unseen_share,
            min_observations=self.min_observations,
        )

    def _model_fields(self, registered: RegisteredModel) -> set[str]:
        schema = catalog_json_schema(registered.model_class)
        return set(schema.get("properties", {}))

    def rank_models_for(self, enrichment: ModelEnrichment) -> list[ModelMatch]:
        """Every registered model scored against an enrichment's fields, best first (see :mod:`.matching`)."""
        models = {path: self._model_fields(entry) for path, entry in self.registry.models.models.items()}
        return rank_models(top_level_fields(enrichment.fields), models)

    def _match(self, snapshot: ModelEnrichment, resource: Resource) -> ModelMatch:
        threshold = self.settings.registry.enrichment.match_threshold
        ranked = self.rank_models_for(snapshot)
        if ranked and ranked[0].overlap >= threshold:
            return ranked[0]
        best = ", ".join(f"{match.model} ({match.overlap:.0%})" for match in ranked[:3]) or "no registered model"
        raise NoMatchingModel(
            f"No registered model matches collection '{snapshot.collection}' of resource '{resource.name}': "
            f"a model matches when at least {threshold:.0%} of its fields are in the collection "
            f"([registry.enrichment] match_threshold). Best candidates: {best}. "
            "Pass model_name=..., or register one with discover_and_register()."
        )

    async def enrich_from_resource(
        self,
        resource: Resource,
        model_name: str | None = None,
        collection: str | None = None,
        auto_refresh: bool | None = None,
        *,
        refresh_interval: float | None = None,
    ) -> ModelEnrichment:
        """Sample, inspect and profile a collection and attach the result to a model.

        With no ``model_name`` the model is chosen by field overlap (see
        :mod:`xcatalog.enrichment.matching`): the choice and its overlap are in
        ``enrichment.match`` and in an ``enrich`` audit event.

        Args:
            resource: Where the data is (connected if needed).
            model_name: The model's path or unambiguous name; ``None`` to match one.
            collection: The collection; default the one the model was enriched
                from before, one named like the model, or the only one.
            auto_refresh: Start a refresh task; default ``[registry.enrichment] auto_refresh``.
            refresh_interval: Seconds between refreshes; default ``[registry.enrichment] refresh_interval``.

        Returns:
            The enrichment. It is updated in place by later refreshes.

        Raises:
            NotRegistered: ``model_name`` is not registered.
            NoMatchingModel: No model matches; the message lists the best candidates.
            EnrichmentError: The collection cannot be chosen, or there is no running loop for the refresh.
            ResourceError: The resource failed.
        """
        section = self.settings.registry.enrichment
        await self._ensure_connected(resource)
        chosen = await self._choose_collection(resource, model_name, collection)
        snapshot = await self._snapshot(resource, chosen, model_path="")
        match: ModelMatch | None = None
        if model_name:
            path = self._registered(model_name).metadata.ns_path
        else:
            match = self._match(snapshot, resource)
            path = match.model
        snapshot = snapshot.model_copy(update={"model_name": path, "match": match})
        refresh = section.auto_refresh if auto_refresh is None else auto_refresh
        interval = refresh_interval or section.refresh_interval
        enrichment = self._install(path, snapshot, resource, chosen)
        enrichment.auto_refresh = refresh
        enrichment.refresh_interval = interval if refresh else None
        self.registry.audit.record(
            "enrich",
            path,
            kind="models",
            resource=resource.name,
            collection=chosen,
            sample_size=snapshot.sample_size,
            total_count=snapshot.total_count,
            matched=match.model_dump() if match else None,
            auto_refresh=refresh,
        )
        if refresh:
            enrichment.is_live = True
            self.scheduler.start(
                path, lambda: self.refresh(path), interval=interval, on_status=lambda s: self._on_status(path, s)
            )
        else:
            await self.scheduler.stop(path)
            enrichment.is_live = False
        await self._persist(enrichment)
        return enrichment

    def _install(self, path: str, snapshot: ModelEnrichment, resource: Resource, collection: str) -> ModelEnrichment:
        self._sources[path] = (resource, collection)
        current = self._enrichments.get(path)
        if current is None:
            self._enrichments[path] = snapshot
            return snapshot
        # Update in place: a notebook or widget holding the enrichment sees fresh figures.
        for name in type(snapshot).model_fields:
            if name not in _REFRESH_FIELDS:
                setattr(current, name, getattr(snapshot, name))
        if snapshot.match is not None:
            current.match = snapshot.match
        return current

    async def refresh(self, model: str) -> ModelEnrichment:
        """Recompute a model's enrichment from the collection it came from (what the refresh task runs).

        Raises:
            EnrichmentError: The model was never enriched from a resource.
            ResourceError: The resource failed (the refresh task backs off and retries).
        """
        path = self._registered(model).metadata.ns_path
        if path not in self._sources:
            raise EnrichmentError(f"{path} was never enriched from a resource; call enrich_from_resource() first.")
        resource, collection = self._sources[path]
        snapshot = await self._snapshot(resource, collection, model_path=path)
        enrichment = self._install(path, snapshot, resource, collection)
        await self._persist(enrichment)
        return enrichment

    def _on_status(self, path: str, status: RefreshStatus) -> None:
        enrichment = self._enrichments.get(path)
        if enrichment is None:
            return
        enrichment.last_error = status.last_error
        enrichment.last_error_at = status.last_error_at
        enrichment.consecutive_failures = status.consecutive_failures
        enrichment.next_attempt_at = status.next_attempt_at
        if status.last_success_at is not None:
            enrichment.last_refresh_at = status.last_success_at
        enrichment.is_live = status.is_running and status.last_error is None

    async def stop_refresh(self, model: str) -> bool:
        """Stop a model's refresh task and wait for it to end.

        Returns:
            Whether a live task was stopped.
        """
        path = self._registered(model).metadata.ns_path
        stopped = await self.scheduler.stop(path)
        if path in self._enrichments:
            self._enrichments[path].is_live = False
        return stopped

    async def close(self) -> None:
        """Stop every refresh task and wait for them to end (resources stay open: they are the caller's)."""
        await self.scheduler.close()
        for enrichment in self._enrichments.values():
            enrichment.is_live = False

    async def __aenter__(self) -> EnrichedRegistry:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- persistence -----------------------------------------------------------------------------------------------

    async def _persist(self, enrichment: ModelEnrichment) -> None:
        if self.store is None:
            return
        document = enrichment.model_dump(mode="json")
        try:
            # Snapshots are overwritten by every refresh: the latest always wins, so no revision check.
            await asyncio.to_thread(self._put_snapshot, enrichment.model_name, document)
        except Exception as exc:  # the catalog store failing must not break enrichment
            logger.info("Could not persist the enrichment of %s: %s", enrichment.model_name, _describe(exc))
            self.registry.audit.record(
                "persist_enrichment", enrichment.model_name, kind="models", allowed=False, error=_describe(exc)
            )

    def _put_snapshot(self, path: str, document: dict[str, Any]) -> None:
        from xcatalog.store.base import Change

        self.store.apply([Change(ENRICHMENT, path, document)], force=True)

    def load_snapshots(self) -> dict[str, ModelEnrichment]:
        """Restore the enrichments persisted in the store (not live: refresh or re-enrich to follow the data).

        Returns:
            Model path -> enrichment, for every stored snapshot whose model is registered.
        """
        if self.store is None:
            return {}
        stored = self.store.read_all().kind(ENRICHMENT)
        restored: dict[str, ModelEnrichment] = {}
        for path, document in stored.items():
            if path not in self.registry.models.models:
                continue
            enrichment = ModelEnrichment.model_validate(document)
            enrichment.is_live = False
            self._enrichments.setdefault(path, enrichment)
            restored[path] = enrichment
        return restored

    # -- reading, masked -------------------------------------------------------------------------------------------

    def view(self, model: str, role: str = DEFAULT_ROLE) -> ModelEnrichment:
        """A copy of the enrichment as ``role`` may see it: sensitive values masked without ``read_sensitive``."""
        enrichment = self.get_enrichment(model)
        sensitive = enrichment.sensitive_fields
        if not sensitive or self.can_read_sensitive(enrichment.model_name, role):
            return enrichment.model_copy(deep=True)
        fields = {
            path: field.model_copy(
                update={"examples": [mask_value(value, field.semantic_type) for value in field.examples]}
            )
            if field.sensitive
            else field
            for path, field in enrichment.fields.items()
        }
        return enrichment.model_copy(
            update={
                "sample_data": [mask_record(row, sensitive) for row in enrichment.sample_data],
                "fields": fields,
                "category_rows": [mask_record(row, sensitive) for row in enrichment.category_rows],
                "categorical_fields": {
                    path: stats for path, stats in enrichment.categorical_fields.items() if path not in sensitive
                },
            },
            deep=True,
        )

    def sample_data(self, model: str, role: str = DEFAULT_ROLE) -> list[dict[str, Any]]:
        """The sampled documents of a model as ``role`` may see them."""
        return self.view(model, role).sample_data

    def suggestions(
        self,
        model: str,
        field: str,
        prefix: str = "",
        given: Mapping[str, Any] | None = None,
        limit: int = 10,
        role: str = DEFAULT_ROLE,
    ) -> list[Suggestion]:
        """Ranked suggestions with their source and weight (see :meth:`suggest_values`)."""
        enrichment = self.get_enrichment(model)
        stats = enrichment.fields.get(field)
        if stats is None:
            known = top_level_fields(enrichment.fields) | self._model_fields(self._registered(model))
            if field.split(".", 1)[0].removesuffix("[]") not in known:
                raise EnrichmentError(
                    f"{enrichment.model_name} has no field {field!r}. Fields: {format_choices(enrichment.fields)}."
                )
        sample_values = [value for row in enrichment.sample_data for value in path_values(row, field)]
        if stats is not None:
            sample_values.extend(stats.examples)
        ranked = rank_values(
            field,
            stats.categories if stats is not None else None,
            prefix=prefix,
            given=given,
            rows=enrichment.category_rows,
            sample_values=sample_values,
            limit=limit,
        )
        if stats is not None and stats.sensitive and not self.can_read_sensitive(enrichment.model_name, role):
            return [item.model_copy(update={"value": mask_value(item.value, stats.semantic_type)}) for item in ranked]
        return ranked

    async def suggest_values(
        self,
        model: str,
        field: str,
        prefix: str = "",
        given: Mapping[str, Any] | None = None,
        limit: int = 10,
        role: str = DEFAULT_ROLE,
    ) -> list[Any]:
        """Values to suggest for a form field, best first.

        Categorical fields: by co-occurrence with the ``given`` values of other
        categorical fields, then by frequency; other fields: sample values.
        See :mod:`xcatalog.enrichment.suggest` for the ranking.

        Args:
            model: The model's path or unambiguous name.
            field: The field path (``category``, ``address.city``).
            prefix: Keep values starting with this (case-insensitive).
            given: Values already filled in other fields.
            limit: Most values to return.
            role: Who asks; sensitive values are masked without ``read_sensitive``.

        Returns:
            The values.

        Raises:
            EnrichmentError: The model is not enriched, or has no such field.
        """
        return [item.value for item in self.suggestions(model, field, prefix, given, limit, role)]

    def get_field_statistics(self, model: str, field: str, role: str = DEFAULT_ROLE) -> dict[str, Any] | None:
        """Statistics of one field with its quality figures (the seed's shape), or ``None`` for an unknown field.

        Returns:
            ``presence``, ``types``, ``null_count``, ``unique_count``,
            ``semantic_type``, ``sensitive``, ``is_categorical``, ``categories``
            (value/count pairs), ``examples``, ``quality`` (``completeness``,
            ``uniqueness``, ``validity``, ``consistency``, ``score``),
            ``sample_size`` and ``total_count``.

        Raises:
            EnrichmentError: The model is not enriched.
        """
        enrichment = self.view(model, role)
        stats = enrichment.fields.get(field)
        if stats is None:
            return None
        result = stats.model_dump(mode="json")
        if stats.sensitive and not self.can_read_sensitive(enrichment.model_name, role):
            result["categories"] = None
        result["sample_size"] = enrichment.sample_size
        result["total_count"] = enrichment.total_count
        return result

    # -- validation ------------------------------------------------------------------------------------------------

    async def create_with_validation(
        self,
        model: str,
        data: Mapping[str, Any],
        role: str = DEFAULT_ROLE,
        validate_against_resource: bool = True,
        insert: bool = False,
    ) -> ValidationResult:
        """Validate a new record with the model and, graded, against the observed data; optionally insert it.

        Categorical values never seen in a closed set are errors, in an open
        set warnings (see :mod:`xcatalog.enrichment.grading`).

        Args:
            model: The model's path or unambiguous name.
            data: The record (original keys or field names).
            role: Who creates it; needs ``create`` on the model.
            validate_against_resource: Grade categorical values against the enrichment (when there is one).
            insert: Insert the record into the enrichment's collection.

        Returns:
            The validated instance, the record, warnings and the inserted id.

        Raises:
            PermissionDenied: The role lacks ``create``.
            ValidationFailed: The model rejected the record or a categorical
                value is invalid; ``errors`` and ``warnings`` hold the details.
            EnrichmentError: ``insert=True`` but the model was never enriched from a resource.
        """
        registered = self._registered(model)
        path = registered.metadata.ns_path
        self.registry.models.require_access(registered, ModelPermission.CREATE, role)
        errors: list[dict[str, Any]] = []
        instance: BaseModel | None = None
        try:
            instance = registered.model_class.model_validate(dict(data))
        except ValidationError as exc:
            errors = [
                {"loc": tuple(error["loc"]), "msg": error["msg"], "type": error["type"], "input": error.get("input")}
                | {"suggestions": []}
                for error in exc.errors(include_url=False)
            ]
        record = instance.model_dump(by_alias=True) if instance is not None else dict(data)
        warnings: list[dict[str, Any]] = []
        enrichment = self._enrichments.get(path)
        if validate_against_resource and enrichment is not None:
            graded_errors, warnings = grade_categories(record, enrichment.categorical_fields)
            errors.extend(graded_errors)
        if errors:
            self.registry.audit.record("create", path, kind="models", role=role, allowed=False, errors=len(errors))
            shown = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(record)'}: {e['msg']}" for e in errors[:5])
            more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
            raise ValidationFailed(
                f"The record for {path} is not valid: {shown}{more}. Fix the values and try again.",
                errors=errors,
                warnings=warnings,
            )
        assert instance is not None  # no errors means the model validated
        inserted_id: Any = None
        if insert:
            if path not in self._sources:
                raise EnrichmentError(
                    f"Cannot insert into the collection of {path}: it was never enriched from a resource. "
                    "Call enrich_from_resource() first, or insert through the resource yourself."
                )
            resource, collection = self._sources[path]
            properties = registered.metadata.json_schema.get("properties", {})
            object_ids = [name for name, node in properties.items() if node.get("format") == "objectid"]
            ids = await resource.insert_many(
                collection, [instance.model_dump(by_alias=True, exclude_unset=True)], object_id_fields=object_ids
            )
            inserted_id = jsonable(ids[0]) if ids else None
        self.registry.audit.record(
            "create", path, kind="models", role=role, inserted=insert, warnings=len(warnings), inserted_id=inserted_id
        )
        return ValidationResult(
            model=path, instance=instance, record=jsonable(record), warnings=warnings, inserted_id=inserted_id
        )

    # -- discovery and drift ---------------------------------------------------------------------------------------

    async def discover_and_register(
        self,
        resource: Resource,
        namespace: str | None = None,
        progress: ProgressCallback | bool | None = True,
        *,
        auto_refresh: bool | None = None,
    ) -> DiscoveryReport:
        """Register a dynamic model for every collection of a resource and enrich it.

        One failing collection is reported with its reason and does not stop the others.
        Models are inferred from ``[registry.enrichment] sample_size`` documents of
        these settings, as :meth:`sync_with_resource` re-inspects them, so a sync
        right after discovery finds no drift when the sample covers the collection.

        Args:
            resource: The resource.
            namespace: Where the models go; default ``discovered.<resource name>``.
            progress: ``progress(done, total, collection)`` after each
                collection; ``True`` shows a ``tqdm.auto`` bar (a widget in
                Jupyter, text in a terminal); ``False``/``None`` shows nothing.
            auto_refresh: As in :meth:`enrich_from_resource`.

        Returns:
            One outcome per collection.
        """
        await self._ensure_connected(resource)
        chosen = namespace or f"discovered.{_safe_segment(resource.name)}"
        collections = await resource.list_collections()
        report = DiscoveryReport(resource_name=resource.name, namespace=chosen)
        bar = None
        if progress is True and collections:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(collections), desc=f"Discovering {resource.name}", unit="collection")
        try:
            for done, collection in enumerate(collections, start=1):
                report.outcomes.append(await self._discover_one(resource, collection, chosen, auto_refresh))
                if bar is not None:
                    bar.update(1)
                elif callable(progress):
                    progress(done, len(collections), collection)
        finally:
            if bar is not None:
                bar.close()
        self.registry.audit.record(
            "discover",
            chosen,
            kind="models",
            resource=resource.name,
            registered=report.registered,
            failed=report.failed,
        )
        return report

    async def _discover_one(
        self, resource: Resource, collection: str, namespace: str, auto_refresh: bool | None
    ) -> CollectionOutcome:
        try:
            # The registry's settings (sample size above all), as sync_with_resource uses: otherwise the
            # inspector samples its default 100 documents and a later sync reports drift that is not there.
            registered = await self.registry.models.register_from_inspector(
                resource, collection, namespace, inspect_options={"settings": self.settings}
            )
        except Exception as exc:  # one bad collection must not stop the others
            return CollectionOutcome(collection=collection, ok=False, stage="register", reason=_describe(exc))
        path = registered.metadata.ns_path
        try:
            await self.enrich_from_resource(resource, path, collection=collection, auto_refresh=auto_refresh)
        except Exception as exc:
            return CollectionOutcome(collection=collection, ok=False, model=path, stage="enrich", reason=_describe(exc))
        return CollectionOutcome(collection=collection, ok=True, model=path)

    async def sync_with_resource(self, model: str, resource: Resource | None = None) -> SyncResult:
        """Re-inspect a model's collection and register a new version when its schema changed.

        The new version comes from :meth:`ModelRegistry.update_model` (semantic
        bump from the schema diff, with the evolution record); the enrichment is
        refreshed too and new or vanished categories are reported.

        Args:
            model: The model's path or unambiguous name.
            resource: The resource; default the one the model was enriched from.

        Returns:
            ``{synced, changes, new_version, previous_version, category_changes, evolution}``.

        Raises:
            EnrichmentError: No resource given and the model was never enriched.
        """
        registered = self._registered(model)
        path = registered.metadata.ns_path
        known = self._sources.get(path)
        if resource is None:
            if known is None:
                raise EnrichmentError(f"{path} was never enriched from a resource; pass resource=...")
            resource = known[0]
        await self._ensure_connected(resource)
        collection = (
            known[1]
            if known is not None and known[0] is resource
            else await self._choose_collection(resource, path, None)
        )
        section = self.settings.registry.enrichment
        # The same class name keeps titles and $defs names equal, so the diff shows only real changes.
        inspection = await resource.inspect(
            collection, sample_size=section.sample_size, settings=self.settings, name=registered.model_class.__name__
        )
        new_model: type[BaseModel] = inspection.model
        old_schema = catalog_json_schema(registered.model_class)
        new_schema = catalog_json_schema(new_model)
        changes = diff_schemas(old_schema, new_schema)
        previous_version = str(registered.metadata.version)
        evolution: Any = None
        if changes:
            evolution = self.registry.models.update_model(path, new_model)
        new_version = str(self._registered(path).metadata.version)

        old_enrichment = self._enrichments.get(path)
        old_copy = old_enrichment.model_copy(deep=True) if old_enrichment is not None else None
        new_enrichment = await self.enrich_from_resource(
            resource,
            path,
            collection=collection,
            auto_refresh=old_enrichment.auto_refresh if old_enrichment is not None else False,
            refresh_interval=old_enrichment.refresh_interval if old_enrichment is not None else None,
        )
        category = (
            [change.model_dump(mode="json") for change in category_changes(old_copy, new_enrichment)]
            if old_copy
            else []
        )
        result: SyncResult = {
            "synced": bool(changes),
            "changes": [change.model_dump(mode="json") for change in changes],
            "new_version": new_version,
            "previous_version": previous_version,
            "category_changes": category,
            "evolution": _as_dict(evolution),
        }
        self.registry.audit.record(
            "sync",
            path,
            kind="models",
            resource=resource.name,
            collection=collection,
            synced=result["synced"],
            previous_version=previous_version,
            new_version=new_version,
            changes=len(changes),
            category_changes=len(category),
        )
        return result


def _as_dict(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        dumped: dict[str, Any] = value.model_dump(mode="json")
        return dumped
    if isinstance(value, Mapping):
        return dict(value)
    return {"value": str(value)}
