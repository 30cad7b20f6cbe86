"""Profile a collection of a resource: a sample in Python, or the whole collection inside MongoDB.

The IO half of profiling. The statistics are computed by the pure
:mod:`xcatalog.profiling` package; this module only fetches documents or runs
the pipelines that :mod:`xcatalog.profiling.pushdown` builds.

Modes:

* ``"sample"`` — ``resource.sample`` (a server-side ``$sample`` for MongoDB) of
  ``sample_size`` documents, profiled in Python. ``Profile.total_count`` is the
  collection's (estimated) size; every figure refers to the sample.
* ``"full"`` — every document. On a resource with ``supports_pushdown``
  (MongoDB) the counts, type counts, min/max, moments, lengths and value counts
  are computed by aggregation pipelines on the server, so client memory stays
  bounded however large the collection is; semantic types and example rows come
  from a bounded ``$sample``. Quantiles and histograms are not computed in this
  mode. Other resources cannot run pipelines: their documents are streamed with
  ``iter_batches`` and profiled in Python, which holds the collection in memory.

Cancellation: cancelling the awaiting task raises :class:`asyncio.CancelledError`
(never swallowed, never turned into another error, so ``asyncio.timeout`` and
task groups work); the progress bar is closed and no further pipeline is sent.
After every step the task's pending cancel requests are checked too, because the
driver was seen to absorb a cancel that landed inside an aggregate.
A ``"sample"`` profile computing in a worker thread finishes that computation in
the background and its result is dropped.

Example:
    >>> async with MongoResource(uri, "shop") as shop:           # doctest: +SKIP
    ...     quick = await profile_collection(shop, "orders")               # a $sample
    ...     exact = await profile_collection(shop, "orders", mode="full", progress=True)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Literal

from xcatalog.config import Settings
from xcatalog.errors import ProfilingError
from xcatalog.profiling import Profile, ProfileOptions, flatten_documents, profile_documents
from xcatalog.profiling.pushdown import (
    assemble_profile,
    discovery_pipeline,
    field_stats,
    merge_discovery,
    stats_pipeline,
    values_pipeline,
)
from xcatalog.resources.base import Resource

__all__ = ["DEFAULT_SAMPLE_SIZE", "ProgressCallback", "profile_collection"]

#: Documents profiled by ``mode="sample"`` when no ``sample_size`` is given.
DEFAULT_SAMPLE_SIZE = 10_000

#: Called as ``progress(done, total)`` after each step (a pipeline, a batch of documents).
ProgressCallback = Callable[[int, int], object]


class _Progress:
    """Reports steps to a callback and/or a tqdm bar (``tqdm.auto``: a widget in notebooks, text in a terminal)."""

    def __init__(self, progress: ProgressCallback | bool | None, description: str) -> None:
        self.callback = progress if callable(progress) else None
        self.bar: Any = None
        if progress is True:
            from tqdm.auto import tqdm  # imported only when a bar is asked for

            self.bar = tqdm(total=0, desc=description, unit="step")
        self.done = 0
        self.total = 0

    def add_total(self, steps: int) -> None:
        self.total += steps
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def advance(self, steps: int = 1) -> None:
        _raise_if_cancelled()
        self.done += steps
        if self.bar is not None:
            self.bar.update(steps)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.close()


def _raise_if_cancelled() -> None:
    # Seen with pymongo 4.20: a task.cancel() landing inside an aggregate was absorbed by the driver and the
    # aggregate returned normally. The cancel request is still pending on the task, so honour it at each step.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError(f"profiling cancelled ({task.cancelling()} pending cancel request(s))")


def _chunks(fields: Mapping[str, Mapping[str, int]], size: int) -> list[dict[str, Mapping[str, int]]]:
    items = list(fields.items())
    return [dict(items[start : start + size]) for start in range(0, len(items), size)]


async def profile_collection(
    resource: Resource,
    collection: str,
    mode: Literal["sample", "full"] = "sample",
    *,
    sample_size: int | None = None,
    progress: ProgressCallback | bool | None = None,
    settings: Settings | None = None,
    fields_per_pipeline: int = 16,
    max_depth: int = 8,
    batch_size: int = 5000,
    **options: Any,
) -> Profile:
    """Profile a collection of ``resource``.

    Args:
        resource: Any :class:`~xcatalog.resources.base.Resource`; pushdown needs ``supports_pushdown``.
        collection: The collection name.
        mode: ``"sample"`` (a random sample profiled in Python) or ``"full"`` (every
            document; inside MongoDB when the resource supports pushdown).
        sample_size: Documents in the sample of ``"sample"`` mode (default
            :data:`DEFAULT_SAMPLE_SIZE`).
        progress: ``progress(done, total)`` callback, ``True`` for a tqdm bar, or ``None``.
        settings: Option defaults (``[profiling]``, ``[registry.enrichment] categorical_threshold``).
        fields_per_pipeline: Fields per ``$group`` / ``$facet`` in pushdown (smaller: finer progress).
        max_depth: Deepest sub-document level discovered in pushdown.
        batch_size: Documents per batch when streaming a resource without pushdown.
        **options: Profiling options (:class:`~xcatalog.profiling.ProfileOptions`).

    Returns:
        The profile (``mode`` ``"sample"`` or ``"full"``).

    Raises:
        ProfilingError: Unknown mode or option.
        CollectionNotFound: The collection does not exist.
        ResourceError: The source failed while profiling.
        asyncio.CancelledError: The task was cancelled (propagated unchanged).
    """
    if mode not in ("sample", "full"):
        raise ProfilingError(f"Unknown profiling mode {mode!r}: use 'sample' (a $sample in Python) or 'full'.")
    resolved = ProfileOptions.resolve(settings, **options)
    source = f"{resource.name}.{collection}"
    with _Progress(progress, f"profiling {source}") as steps:
        if mode == "sample":
            return await _profile_sample(resource, collection, source, sample_size, resolved, settings, steps)
        if resource.supports_pushdown:
            return await _profile_pushdown(
                resource,
                collection,
                source,
                resolved,
                steps,
                fields_per_pipeline=fields_per_pipeline,
                max_depth=max_depth,
            )
        return await _profile_streamed(resource, collection, source, resolved, settings, steps, batch_size)


async def _profile_sample(
    resource: Resource,
    collection: str,
    source: str,
    sample_size: int | None,
    options: ProfileOptions,
    settings: Settings | None,
    steps: _Progress,
) -> Profile:
    size = DEFAULT_SAMPLE_SIZE if sample_size is None else sample_size
    if size < 1:
        raise ProfilingError(f"sample_size must be at least 1, got {size}.")
    steps.add_total(3)
    total = await resource.count(collection)
    steps.advance()
    documents = await resource.sample(collection, size)
    steps.advance()
    # The computation is CPU-bound: a worker thread keeps the notebook's event loop responsive.
    result = await asyncio.to_thread(
        profile_documents,
        documents,
        settings=settings,
        source=source,
        total_count=total,
        mode="sample",
        **_as_overrides(options),
    )
    steps.advance()
    return result


async def _profile_streamed(
    resource: Resource,
    collection: str,
    source: str,
    options: ProfileOptions,
    settings: Settings | None,
    steps: _Progress,
    batch_size: int,
) -> Profile:
    total = await resource.count(collection, exact=True)
    steps.add_total(max(-(-total // max(batch_size, 1)), 1) + 1)
    documents: list[dict[str, Any]] = []
    async for batch in resource.iter_batches(collection, batch_size=batch_size):
        documents.extend(batch)
        steps.advance()
    result = await asyncio.to_thread(
        profile_documents, documents, settings=settings, source=source, mode="full", **_as_overrides(options)
    )
    steps.advance(max(steps.total - steps.done, 1))
    return result


async def _profile_pushdown(
    resource: Resource,
    collection: str,
    source: str,
    options: ProfileOptions,
    steps: _Progress,
    *,
    fields_per_pipeline: int,
    max_depth: int,
) -> Profile:
    started = time.perf_counter()
    steps.add_total(2)
    row_count = await resource.count(collection, exact=True)
    steps.advance()

    # 1. Field paths and type counts, one level of sub-documents per pipeline.
    fields: dict[str, dict[str, int]] = merge_discovery(await resource.aggregate(collection, discovery_pipeline()))
    steps.advance()
    parents = [path for path, types in fields.items() if "object" in types]
    depth = 1
    while parents and depth < max_depth:
        steps.add_total(len(parents))
        children: list[str] = []
        for parent in parents:
            found = merge_discovery(await resource.aggregate(collection, discovery_pipeline(parent)), parent)
            fields.update(found)
            children += [path for path, types in found.items() if "object" in types]
            steps.advance()
        parents, depth = children, depth + 1

    # 2. Statistics and 3. value counts, a batch of fields per pipeline.
    batches = _chunks(fields, max(fields_per_pipeline, 1))
    steps.add_total(2 * len(batches) + 1)
    stats: dict[str, dict[str, Any]] = {}
    for batch in batches:
        results = await resource.aggregate(collection, stats_pipeline(batch))
        result = results[0] if results else {}
        for index, path in enumerate(batch):
            stats[path] = field_stats(result, index)
        steps.advance()
    # A path whose every value is a non-empty sub-document is not a field: its children are.
    leaves = {path: types for path, types in fields.items() if stats[path].get("present", 0) > 0}
    groups: dict[str, list[dict[str, Any]]] = {}
    for batch in _chunks(leaves, max(fields_per_pipeline, 1)):
        results = await resource.aggregate(collection, values_pipeline(batch, options.categorical_threshold + 1))
        facets = results[0] if results else {}
        for index, path in enumerate(batch):
            groups[path] = list(facets.get(f"f{index}", []))
        steps.advance()

    # 4. Semantic types and example rows from one bounded $sample.
    textual = [path for path, types in leaves.items() if "string" in types or "objectId" in types]
    wanted = options.semantic_sample_size if textual else options.sample_rows
    documents = await resource.sample(collection, wanted) if wanted else []
    semantic_values: dict[str, list[str]] = {}
    if textual and documents:
        flat = flatten_documents(documents)
        for path in textual:
            if path in flat.frame.columns:
                semantic_values[path] = [value for value in flat.frame[path].tolist() if isinstance(value, str)]
    steps.advance()
    return assemble_profile(
        leaves,
        stats,
        groups,
        row_count=row_count,
        options=options,
        source=source,
        semantic_values=semantic_values,
        samples=documents[: options.sample_rows],
        seconds=time.perf_counter() - started,
    )


def _as_overrides(options: ProfileOptions) -> dict[str, Any]:
    return {name: getattr(options, name) for name in ProfileOptions.__dataclass_fields__}
