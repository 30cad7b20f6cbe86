"""``XInspector``: from a collection of any resource to field statistics and a pydantic model.

The inspector fetches; :mod:`xcatalog.inference` computes. Three ways to get
the statistics, all giving the same :class:`~xcatalog.inference.SchemaStats`:

- ``mode="sample"`` (default): a random sample of ``sample_size`` documents
  (server-side ``$sample`` on MongoDB) analysed in Python;
- ``mode="pushdown"``: the inference's schema pipeline runs inside MongoDB
  (over a ``$sample`` of ``sample_size`` documents, or the whole collection),
  so only per-path counts travel; MongoDB only. Its cost is the server's: on
  the pure-Python SecantusDB test server a whole-collection pushdown over 5,000
  documents took ~20 s against ~0.4 s for streaming them to Python;
- ``whole_collection=True`` with ``mode="sample"``: every document streamed in
  batches (raw BSON batches on MongoDB) through a ``SchemaAccumulator``, with
  an optional progress callback. Memory stays bounded by the batch size.

Model names come from the collection name: PascalCase, with the last word
made singular by simple English rules (``orders`` -> ``Order``,
``product_categories`` -> ``ProductCategory``, ``addresses`` -> ``Address``;
see :func:`model_name_for`). Pass ``name=`` to choose another.

``sample_data`` holds at most ``sample_size`` documents: the sample itself, the
first documents of a whole-collection scan, or (pushdown) a separate small
``$sample``, since the pipeline returns counts rather than documents.

Example:
    >>> inspector = XInspector(resource)  # doctest: +SKIP
    >>> result = await inspector.inspect("orders")  # doctest: +SKIP
    >>> result.model_name, result.fields["items[].sku"].presence  # doctest: +SKIP
    ('Order', 0.97)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from bson import DBRef, Decimal128, ObjectId, Timestamp, decode_all
from bson.binary import Binary
from bson.codec_options import CodecOptions
from bson.regex import Regex
from pydantic import BaseModel, ConfigDict, Field

from xcatalog.config import Settings
from xcatalog.errors import InferenceError, ResourceError
from xcatalog.inference import (
    FieldStats,
    SchemaAccumulator,
    SchemaStats,
    analyze_documents,
    model_from_stats,
    schema_pipeline,
    stats_from_pipeline,
)
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.resources.base import Resource
from xcatalog.resources.mongo import MongoResource

__all__ = ["InspectionMode", "InspectionResult", "ProgressCallback", "XInspector", "model_name_for", "to_json_friendly"]

InspectionMode = Literal["sample", "pushdown"]
#: Called after every batch of a whole-collection scan with (documents done, documents expected).
ProgressCallback = Callable[[int, int], None]

_RAW_CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True)
_CHUNK = re.compile(r"[^\W_]+")  # runs of letters and digits (unicode too)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_]+")  # camelCase and digits split apart
_UNCHANGED_PLURALS = frozenset({"news", "series", "species", "status", "analysis", "data", "metadata", "info"})


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _UNCHANGED_PLURALS or len(lower) <= 3:
        return word
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def model_name_for(collection: str) -> str:
    """Derive a model class name from a collection name.

    PascalCase of the words (split at ``_``, ``-``, ``.``, spaces and case
    changes), with the last word made singular by simple English rules.
    A name starting with a digit gets the prefix ``Collection``.

    Examples:
        >>> [model_name_for(name) for name in ["orders", "product_categories", "userAddresses", "2024-sales", "data"]]
        ['Order', 'ProductCategory', 'UserAddress', 'Collection2024Sale', 'Data']
    """
    words = [word for chunk in _CHUNK.findall(collection) for word in _WORD.findall(chunk)]
    if not words:
        return "Document"
    words[-1] = _singular(words[-1])
    name = "".join(word[:1].upper() + word[1:] for word in words)
    return f"Collection{name}" if name[0].isdigit() else name


def _split_path(path: str) -> list[str | None]:
    """``items[].sku`` -> ``["items", None, "sku"]``; a backslash escapes ``.``, ``[``, ``]`` in keys."""
    segments: list[str | None] = []
    key: list[str] = []
    index = 0
    while index < len(path):
        char = path[index]
        if char == "\\" and index + 1 < len(path):
            key.append(path[index + 1])
            index += 2
            continue
        if char == "." or path.startswith("[]", index):
            if key:
                segments.append("".join(key))
                key = []
            if char == "[":
                segments.append(None)
                index += 1
        else:
            key.append(char)
        index += 1
    if key:
        segments.append("".join(key))
    return segments


def _values_at(value: Any, segments: list[str | None]) -> Iterator[Any]:
    if not segments:
        yield value
        return
    head, rest = segments[0], segments[1:]
    if head is None:
        if isinstance(value, list):
            for item in value:
                yield from _values_at(item, rest)
    elif isinstance(value, Mapping) and head in value:
        yield from _values_at(value[head], rest)


def _count_values(counts: dict[str, Counter[Any]], documents: Iterable[Mapping[str, Any]]) -> None:
    splits = {path: _split_path(path) for path in counts}
    for document in documents:
        for path, segments in splits.items():
            for value in _values_at(document, segments):
                if value is not None and isinstance(value, Hashable):
                    counts[path][value] += 1


def _categorical_values(counts: Mapping[str, Counter[Any]]) -> dict[str, list[Any]]:
    # Most frequent first, so a Literal lists the common values first.
    return {path: [value for value, _ in counter.most_common()] for path, counter in counts.items() if counter}


def to_json_friendly(value: Any) -> Any:
    """Turn BSON values into JSON-friendly Python values, recursively.

    ``ObjectId`` -> ``str``, ``Decimal128`` -> ``Decimal``, BSON ``Timestamp``
    -> ``datetime``, ``Binary`` -> ``bytes``, ``Regex`` -> its pattern,
    ``DBRef`` -> ``{"$ref": ..., "$id": ...}``; ``datetime`` stays a datetime.
    """
    if isinstance(value, Mapping):
        return {str(key): to_json_friendly(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_friendly(item) for item in value]
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, Decimal128):
        return value.to_decimal()
    if isinstance(value, Timestamp):
        return value.as_datetime()
    if isinstance(value, Binary):
        return bytes(value)
    if isinstance(value, Regex):
        return value.pattern
    if isinstance(value, DBRef):
        return {"$ref": value.collection, "$id": to_json_friendly(value.id)}
    return value


class InspectionResult(BaseModel):
    """What the inspector found in one collection.

    Attributes:
        model_name: The generated model's class name.
        collection: The collection inspected.
        resource_name: The resource's name.
        resource_type: ``"mongodb"``, ``"files"`` or ``"frames"``.
        mode: ``"sample"`` or ``"pushdown"``.
        model: The generated pydantic model class.
        json_schema: The model's JSON schema (also readable as ``schema``).
        fields: Field path (``items[].sku``) -> statistics (presence rate and
            its 95% interval, type counts, null count, examples, ...).
        sample_data: Sampled documents, JSON-friendly (see :func:`to_json_friendly`).
        sample_size: How many documents the statistics rest on.
        total_count: How many documents the collection holds (estimated for MongoDB).
        statistics: The seed's shape: ``total_count``, ``sample_size`` and
            ``field_statistics`` (per path, plain JSON).
        inspected_at: When (UTC).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    model_name: str
    collection: str
    resource_name: str
    resource_type: str
    mode: str
    model: type[BaseModel]
    json_schema: dict[str, Any]
    fields: dict[str, FieldStats]
    sample_data: list[dict[str, Any]] = Field(default_factory=list)
    sample_size: int
    total_count: int
    statistics: dict[str, Any] = Field(default_factory=dict)
    inspected_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))

    # The seed reads ``inspection.schema``; BaseModel.schema is pydantic v1's deprecated classmethod, which this
    # instance property replaces so that the seed's spelling returns the collection's schema, not this class's.
    @property  # type: ignore[override]
    def schema(self) -> dict[str, Any]:  # type: ignore[override]
        """The model's JSON schema (the seed's name for :attr:`json_schema`)."""
        return self.json_schema


class XInspector:
    """Inspect the collections of a resource: schema, preview, model, statistics.

    Args:
        resource: Any :class:`Resource`.
        sample_size: Documents to sample; default ``[registry.enrichment] sample_size``.
        settings: Where that default comes from; ``Settings()`` defaults when ``None``
            (pass ``load_settings()`` to honour ``settings.toml``).
        max_examples: Example values kept per field.
        batch_size: Documents per batch in a whole-collection scan.
    """

    def __init__(
        self,
        resource: Resource,
        *,
        sample_size: int | None = None,
        settings: Settings | None = None,
        max_examples: int = 5,
        batch_size: int = 1000,
    ) -> None:
        self.resource = resource
        self.settings = settings if settings is not None else Settings()
        self.sample_size = sample_size if sample_size is not None else self.settings.registry.enrichment.sample_size
        if self.sample_size < 1:
            raise InferenceError(f"sample_size must be at least 1, got {self.sample_size}.")
        self.max_examples = max_examples
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return f"XInspector({self.resource!r}, sample_size={self.sample_size})"

    # -- the three ways to statistics --------------------------------------------------------------------------------

    async def _sampled_stats(
        self, collection: str, total: int, value_counts: dict[str, Counter[Any]]
    ) -> tuple[SchemaStats, list[dict[str, Any]]]:
        documents = await self.resource.sample(collection, self.sample_size)
        _count_values(value_counts, documents)
        return analyze_documents(documents, total_count=total, max_examples=self.max_examples), documents

    async def _streamed_stats(
        self,
        collection: str,
        total: int,
        value_counts: dict[str, Counter[Any]],
        progress: ProgressCallback | None,
    ) -> tuple[SchemaStats, list[dict[str, Any]]]:
        accumulator = SchemaAccumulator(max_examples=self.max_examples)
        kept: list[dict[str, Any]] = []
        done = 0
        async for batch in self._batches(collection):
            accumulator.add_many(batch)
            _count_values(value_counts, batch)
            if len(kept) < self.sample_size:
                kept.extend(batch[: self.sample_size - len(kept)])
            done += len(batch)
            if progress is not None:
                progress(done, max(total, done))
        return accumulator.result(total_count=max(total, done)), kept

    async def _batches(self, collection: str) -> AsyncIterator[list[dict[str, Any]]]:
        if isinstance(self.resource, MongoResource):
            # Raw batches skip the driver's per-document work; decoding them here is the fast path.
            async for raw in self.resource.raw_batches(collection, batch_size=self.batch_size):
                yield decode_all(raw, _RAW_CODEC)
        else:
            async for batch in self.resource.iter_batches(collection, batch_size=self.batch_size):
                yield batch

    async def _pushdown_stats(
        self, collection: str, total: int, value_counts: dict[str, Counter[Any]], whole_collection: bool
    ) -> tuple[SchemaStats, list[dict[str, Any]]]:
        if not self.resource.supports_pushdown:
            raise ResourceError(
                f"mode='pushdown' runs the schema analysis inside MongoDB, but '{self.resource.name}' is a "
                f"{self.resource.resource_type} resource. Use mode='sample'."
            )
        pipeline = schema_pipeline(sample_size=None if whole_collection else self.sample_size)
        rows = await self.resource.aggregate(collection, pipeline)
        analysed = total if whole_collection else min(self.sample_size, total)
        stats = stats_from_pipeline(rows, sample_size=analysed, total_count=total)
        # The pipeline ships counts, not documents; a small sample still feeds the preview and categorical values.
        preview = await self.resource.sample(collection, self.sample_size)
        _count_values(value_counts, preview)
        return stats, preview

    # -- public API --------------------------------------------------------------------------------------------------

    async def inspect(
        self,
        collection: str,
        *,
        mode: InspectionMode = "sample",
        categorical: Mapping[str, Sequence[Any]] | Iterable[str] | None = None,
        name: str | None = None,
        whole_collection: bool = False,
        progress: ProgressCallback | None = None,
    ) -> InspectionResult:
        """Compute field statistics and a model for a collection.

        Args:
            collection: The collection name.
            mode: ``"sample"`` (analyse documents in Python) or ``"pushdown"``
                (analyse inside MongoDB).
            categorical: Fields to type as ``Literal``: either ``{path: allowed
                values}``, or paths whose allowed values are the distinct values
                the inspector saw (the sample, every document of a
                whole-collection scan, or the preview sample in pushdown mode).
            name: The model class name; default :func:`model_name_for` the collection.
            whole_collection: Analyse every document instead of a sample
                (streamed in batches in sample mode; no ``$sample`` in pushdown).
            progress: Called with (documents done, documents expected) after
                each batch of a whole-collection scan in sample mode.

        Returns:
            The inspection result.

        Raises:
            CollectionNotFound: The collection does not exist.
            ResourceError: Pushdown on a resource that is not MongoDB, or the source failed.
            InferenceError: Unknown mode, or the documents could not become a model.
        """
        if mode not in ("sample", "pushdown"):
            raise InferenceError(f"Unknown inspection mode {mode!r}. Modes: pushdown, sample.")
        explicit_values = dict(categorical) if isinstance(categorical, Mapping) else {}
        value_counts: dict[str, Counter[Any]] = (
            {} if isinstance(categorical, Mapping) else {path: Counter() for path in categorical or ()}
        )
        total = await self.resource.count(collection)
        if mode == "pushdown":
            stats, documents = await self._pushdown_stats(collection, total, value_counts, whole_collection)
        elif whole_collection:
            stats, documents = await self._streamed_stats(collection, total, value_counts, progress)
        else:
            stats, documents = await self._sampled_stats(collection, total, value_counts)
        allowed = {**_categorical_values(value_counts), **explicit_values}
        model_name = name or model_name_for(collection)
        model = model_from_stats(stats, model_name, categorical=allowed or None)
        total_count = stats.total_count if stats.total_count is not None else total
        return InspectionResult(
            model_name=model.__name__,
            collection=collection,
            resource_name=self.resource.name,
            resource_type=self.resource.get_type(),
            mode=mode,
            model=model,
            json_schema=catalog_json_schema(model),
            fields=dict(stats.fields),
            sample_data=[to_json_friendly(document) for document in documents],
            sample_size=stats.sample_size,
            total_count=total_count,
            statistics={
                "total_count": total_count,
                "sample_size": stats.sample_size,
                "field_statistics": {path: field.model_dump(mode="json") for path, field in stats.fields.items()},
            },
        )

    async def discover_schema(self, collection: str) -> dict[str, Any]:
        """Return the JSON schema of the model inferred from a sample of the collection."""
        return (await self.inspect(collection)).json_schema

    async def preview_data(self, collection: str, limit: int = 10) -> list[dict[str, Any]]:
        """Return the first ``limit`` documents of the collection, JSON-friendly."""
        if limit <= 0:
            return []
        return [to_json_friendly(document) for document in await self.resource.find(collection, limit=limit)]

    async def generate_model(self, collection_name: str, name: str | None = None) -> type[BaseModel]:
        """Infer a pydantic model from a sample of the collection.

        Args:
            collection_name: The collection.
            name: The class name; default derived from the collection name.
        """
        return (await self.inspect(collection_name, name=name)).model
