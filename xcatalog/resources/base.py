"""The :class:`Resource` interface every data source implements.

A resource is a named source of collections of documents: a MongoDB database,
a folder of files, a dict of DataFrames. Everything downstream (inference,
profiling, the registry, enrichment, widgets) talks to this interface only, so
it works the same without a server.

Reading is async because the MongoDB resource does network IO; the in-memory
resources implement the same coroutines without awaiting anything.

Example:
    >>> async with FrameResource({"orders": frame}) as resource:  # doctest: +SKIP
    ...     result = await resource.inspect("orders")
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from xcatalog.errors import ResourceError

if TYPE_CHECKING:
    from xcatalog.resources.inspector import InspectionResult

__all__ = ["Projection", "Resource", "SortSpec"]

#: A projection as pymongo takes it: ``{"a": 1, "b.c": 1}``, ``{"a": 0}`` or ``["a", "b"]``.
Projection = Mapping[str, Any] | Sequence[str]
#: A sort as pymongo takes it: ``"a"``, ``[("a", 1), ("b", -1)]`` or ``{"a": 1, "b": -1}``.
SortSpec = str | Sequence[tuple[str, int]] | Mapping[str, int]


class Resource(abc.ABC):
    """A source of named collections of documents.

    Attributes:
        name: A short human name (database name, folder name, ``"frames"``).
        resource_type: ``"mongodb"``, ``"files"`` or ``"frames"``.
        supports_pushdown: Whether :meth:`aggregate` runs pipelines at the
            source (only MongoDB does).
    """

    name: str
    resource_type: str
    supports_pushdown: bool = False

    def get_type(self) -> str:
        """Return the resource type (``"mongodb"``, ``"files"`` or ``"frames"``), as the seed's ``get_type``."""
        return self.resource_type

    # -- lifecycle ---------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    async def connect(self) -> None:
        """Open the source (idempotent).

        Raises:
            ResourceError: The source cannot be opened; subclasses raise the
                specific branch (unreachable, authentication, not found).
        """

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the source (idempotent); a later call reconnects."""

    @abc.abstractmethod
    async def validate_connection(self) -> bool:
        """Return whether the source is open and answering; never raises for a dead source."""

    async def __aenter__(self) -> Resource:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- reading -----------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    async def list_collections(self) -> list[str]:
        """Return the names of the collections, sorted (system collections left out)."""

    @abc.abstractmethod
    async def count(self, collection: str, *, exact: bool = False, filter: Mapping[str, Any] | None = None) -> int:
        """Count the documents of a collection.

        Args:
            collection: The collection name.
            exact: Count every document instead of using a cheap estimate
                (the in-memory resources are always exact).
            filter: Count only matching documents; a filter implies an exact count.

        Raises:
            CollectionNotFound: The collection does not exist.
        """

    @abc.abstractmethod
    async def sample(self, collection: str, n: int) -> list[dict[str, Any]]:
        """Return up to ``n`` documents picked at random (fewer if the collection is smaller).

        Raises:
            CollectionNotFound: The collection does not exist.
        """

    @abc.abstractmethod
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
        """Return the documents matching ``filter`` (all of them with ``limit=0``).

        Raises:
            CollectionNotFound: The collection does not exist.
            ResourceError: The filter uses an operator the source cannot run.
        """

    @abc.abstractmethod
    def iter_batches(
        self,
        collection: str,
        *,
        batch_size: int = 1000,
        filter: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield the matching documents in lists of at most ``batch_size``, streaming where the source allows.

        Raises:
            CollectionNotFound: The collection does not exist (on first iteration).
        """

    async def aggregate(self, collection: str, pipeline: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Run an aggregation pipeline at the source.

        Only MongoDB runs pipelines (``supports_pushdown``); the other resources
        refuse.

        Raises:
            ResourceError: This resource cannot run pipelines.
        """
        raise ResourceError(
            f"Cannot run an aggregation pipeline on '{collection}' of the {self.resource_type} resource "
            f"'{self.name}': pipeline pushdown needs MongoDB. "
            "Use mode='sample' (documents are analysed in Python) or load the data into MongoDB."
        )

    # -- writing -----------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    async def insert_many(
        self, collection: str, documents: Sequence[Mapping[str, Any]], *, object_id_fields: Collection[str] = ()
    ) -> list[Any]:
        """Insert documents (creating the collection if needed) and return their ids.

        Args:
            collection: Where to insert.
            documents: The documents.
            object_id_fields: Top-level fields whose 24-hex string values are
                object ids (a model's ``format: objectid`` fields): MongoDB
                stores them as ObjectId; other resources keep the strings.
        """

    # -- inspector delegation (the seed's "Resource Delegation Pattern") ---------------------------------------------

    async def inspect(self, collection: str, **options: Any) -> InspectionResult:
        """Inspect a collection with :class:`~xcatalog.resources.inspector.XInspector`.

        Args:
            collection: The collection name.
            **options: ``sample_size`` and ``settings`` go to the inspector,
                everything else (``mode``, ``categorical``, ``progress``) to
                :meth:`XInspector.inspect`.

        Returns:
            The inspection result: model, JSON schema, field statistics, sample data.
        """
        from xcatalog.resources.inspector import XInspector  # the inspector imports this module

        inspector = XInspector(
            self, sample_size=options.pop("sample_size", None), settings=options.pop("settings", None)
        )
        return await inspector.inspect(collection, **options)

    async def get_schema(self, collection: str, *, sample_size: int | None = None) -> dict[str, Any]:
        """Return the JSON schema inferred for a collection (a convenience over :meth:`inspect`)."""
        from xcatalog.resources.inspector import XInspector

        return await XInspector(self, sample_size=sample_size).discover_schema(collection)

    async def get_preview(self, collection: str, limit: int = 10) -> list[dict[str, Any]]:
        """Return the first ``limit`` documents of a collection, JSON-friendly (a convenience over the inspector)."""
        from xcatalog.resources.inspector import XInspector

        return await XInspector(self).preview_data(collection, limit)
