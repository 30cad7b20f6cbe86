"""The shared machinery of the in-memory resources (frames and files).

A subclass says which collections exist and how to load one as a list of
dicts; this base answers every read with the query subset of
:mod:`xcatalog.resources._query`. Loaded collections are cached until
:meth:`close`.
"""

from __future__ import annotations

import abc
import random
from collections.abc import AsyncIterator, Mapping
from typing import Any

from xcatalog.errors import CollectionNotFound, format_choices
from xcatalog.resources._query import apply_projection, check_filter, matches_filter, normalize_sort, sort_documents
from xcatalog.resources.base import Projection, Resource, SortSpec

__all__ = ["InMemoryResource"]


class InMemoryResource(Resource):
    """A resource whose collections are lists of dicts held in memory.

    Args:
        name: The resource name.
        seed: Seed for :meth:`sample` (``None``: a fresh random order each time).
    """

    supports_pushdown = False

    def __init__(self, name: str, *, seed: int | None = None) -> None:
        self.name = name
        self._random = random.Random(seed)
        self._cache: dict[str, list[dict[str, Any]]] = {}
        self._connected = False

    # -- what subclasses provide -------------------------------------------------------------------------------------

    @abc.abstractmethod
    def _collection_names(self) -> list[str]:
        """The collections that exist now."""

    @abc.abstractmethod
    def _load(self, collection: str) -> list[dict[str, Any]]:
        """Read one existing collection as documents."""

    def _describe_missing(self, collection: str) -> str:
        """Words for the error when a collection is missing (subclasses add where they looked)."""
        return f"No collection '{collection}' in the {self.resource_type} resource '{self.name}'"

    # -- lifecycle ---------------------------------------------------------------------------------------------------

    async def connect(self) -> None:
        """Mark the resource open (subclasses check their sources exist)."""
        self._connected = True

    async def close(self) -> None:
        """Forget the cached documents; a later read loads them again."""
        self._cache.clear()
        self._connected = False

    async def validate_connection(self) -> bool:
        """Whether :meth:`connect` was called and not closed since."""
        return self._connected

    # -- reading -----------------------------------------------------------------------------------------------------

    async def list_collections(self) -> list[str]:
        """Return the collection names, sorted."""
        if not self._connected:
            await self.connect()
        return sorted(self._collection_names())

    async def _documents(self, collection: str) -> list[dict[str, Any]]:
        if not self._connected:
            await self.connect()
        if collection in self._cache:
            return self._cache[collection]
        available = sorted(self._collection_names())
        if collection not in available:
            raise CollectionNotFound(
                f"{self._describe_missing(collection)}. Available: {format_choices(available)}. "
                "Check the spelling or call list_collections().",
                name=collection,
                available=available,
            )
        self._cache[collection] = self._load(collection)
        return self._cache[collection]

    async def _matching(self, collection: str, filter: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        check_filter(filter)
        documents = await self._documents(collection)
        if not filter:
            return documents
        return [document for document in documents if matches_filter(document, filter)]

    async def count(self, collection: str, *, exact: bool = False, filter: Mapping[str, Any] | None = None) -> int:
        """Count the (matching) documents; always exact here."""
        return len(await self._matching(collection, filter))

    async def sample(self, collection: str, n: int) -> list[dict[str, Any]]:
        """Return up to ``n`` documents picked at random without replacement."""
        documents = await self._documents(collection)
        if n <= 0:
            return []
        return [dict(document) for document in self._random.sample(documents, min(n, len(documents)))]

    async def find(
        self,
        collection: str,
        filter: Mapping[str, Any] | None = None,
        *,
        projection: Projection | None = None,
        sort: SortSpec | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        """Return the matching documents (see :mod:`xcatalog.resources._query` for the supported subset).

        The returned dicts are new at the top level; nested values are shared
        with the cache, so copy them before mutating.
        """
        sort_keys = normalize_sort(sort)
        documents = await self._matching(collection, filter)
        if sort_keys:
            documents = sort_documents(documents, sort_keys)
        documents = documents[max(skip, 0) :]
        if limit > 0:
            documents = documents[:limit]
        return [apply_projection(document, projection) for document in documents]

    async def iter_batches(
        self,
        collection: str,
        *,
        batch_size: int = 1000,
        filter: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield the matching documents in lists of at most ``batch_size``."""
        size = max(batch_size, 1)
        documents = await self._matching(collection, filter)
        for start in range(0, len(documents), size):
            yield [dict(document) for document in documents[start : start + size]]
