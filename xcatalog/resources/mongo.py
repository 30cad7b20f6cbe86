"""The MongoDB resource, on pymongo's own asyncio client (``pymongo.AsyncMongoClient``).

Documents keep their BSON types: ``ObjectId``, ``Decimal128``, timezone-aware
``datetime`` (the client is built with ``tz_aware=True``). Driver timeouts
come from :class:`xcatalog.config.MongoSettings`.

How strict :meth:`MongoResource.connect` is: it pings the server and checks
that the database is listed by ``list_database_names`` (MongoDB creates a
database on first write, so a typo would otherwise read as an empty
database). Pass ``must_exist=False`` to connect to a database you are about to
fill. A user allowed to read one database but not to list databases skips
that check. The system databases ``admin``, ``local`` and ``config`` are refused:
they are not data to catalogue. A read of a collection that does not exist
raises :class:`~xcatalog.errors.CollectionNotFound` instead of returning
nothing, for the same reason.

Every error says which server (host:port) and which operation; connection
strings are always shown through :func:`xcatalog.errors.redact`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import AsyncIterator, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, cast
from urllib.parse import unquote

from bson import Decimal128, ObjectId
from bson.codec_options import TypeRegistry
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConfigurationError, ConnectionFailure, OperationFailure, PyMongoError

from xcatalog.config import MongoSettings
from xcatalog.errors import (
    AuthenticationFailed,
    CollectionNotFound,
    ResourceError,
    ResourceUnreachable,
    format_choices,
    redact,
)
from xcatalog.resources._query import normalize_sort
from xcatalog.resources.base import Projection, Resource, SortSpec

__all__ = ["SYSTEM_DATABASES", "MongoResource"]

#: Databases MongoDB keeps for itself; never catalogued.
SYSTEM_DATABASES = frozenset({"admin", "config", "local"})

_AUTHENTICATION_FAILED = 18
_UNAUTHORIZED = 13
_URI_PARTS = re.compile(
    r"^(?P<scheme>mongodb(?:\+srv)?://)(?:(?P<user>[^:@/]*)(?::[^@/]*)?@)?(?P<hosts>[^/?]*)", re.IGNORECASE
)

Document = dict[str, Any]


def _first_line(error: BaseException, limit: int = 300) -> str:
    text = redact(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


class MongoResource(Resource):
    """One MongoDB database as a resource.

    Args:
        uri: The connection string, e.g. ``mongodb://user:pw@host:27017/``.
        database: The database to read.
        name: A short name; default the database name.
        settings: Driver timeouts; default :class:`MongoSettings()`.
        client_options: Extra keyword arguments for ``AsyncMongoClient``
            (they win over the settings).
        must_exist: Whether :meth:`connect` refuses a database the server
            does not list.

    Example:
        >>> async with MongoResource("mongodb://127.0.0.1:27017/", "shop") as shop:  # doctest: +SKIP
        ...     await shop.list_collections()
        ['orders', 'products']
    """

    resource_type = "mongodb"
    supports_pushdown = True

    def __init__(
        self,
        uri: str,
        database: str,
        *,
        name: str | None = None,
        settings: MongoSettings | None = None,
        client_options: Mapping[str, Any] | None = None,
        must_exist: bool = True,
    ) -> None:
        if not isinstance(database, str) or not database:
            raise ResourceError(f"MongoResource needs a database name; got {database!r} for {redact(uri)}.")
        self._uri = uri
        self.database_name = database
        self.name = name or database
        self.settings = settings or MongoSettings()
        self._client_options = dict(client_options or {})
        self.must_exist = must_exist
        self._client: AsyncMongoClient[Document] | None = None
        # Collections seen to exist; a miss triggers one refresh before CollectionNotFound.
        self._known_collections: set[str] = set()
        parts = _URI_PARTS.match(uri)
        self.hosts = parts["hosts"] if parts and parts["hosts"] else redact(uri)
        self.username = unquote(parts["user"]) if parts and parts["user"] else self._client_options.get("username")

    @property
    def uri(self) -> str:
        """The connection string with the password masked."""
        return redact(self._uri)

    def __repr__(self) -> str:
        return f"MongoResource(name={self.name!r}, uri={self.uri!r}, database={self.database_name!r})"

    # -- errors ------------------------------------------------------------------------------------------------------

    def _translate(self, error: PyMongoError, operation: str, collection: str | None = None) -> ResourceError:
        where = f"{self.database_name}.{collection}" if collection else self.database_name
        if isinstance(error, OperationFailure) and error.code == _AUTHENTICATION_FAILED:
            who = f"user '{self.username}'" if self.username else "the given credentials"
            return AuthenticationFailed(
                f"MongoDB at {self.hosts} refused {who} during {operation} on '{where}'. "
                "Check the user name, the password (not shown) and the authSource option of the connection string."
            )
        if isinstance(error, OperationFailure) and error.code == _UNAUTHORIZED:
            who = f"user '{self.username}'" if self.username else "an unauthenticated client"
            return AuthenticationFailed(
                f"MongoDB at {self.hosts} does not allow {who} to run {operation} on '{where}': "
                f"{_first_line(error)}. Add user:password to the connection string or grant the user a read role."
            )
        if isinstance(error, ConnectionFailure):
            return ResourceUnreachable(
                f"Cannot reach MongoDB at {self.hosts} ({operation} on '{where}', connection string {self.uri}): "
                f"{_first_line(error)}. Check the host and port, that the server is running "
                "(for a local test server: EmbeddedMongo().start()), and any firewall in between."
            )
        if isinstance(error, ConfigurationError):
            return ResourceError(
                f"Invalid MongoDB configuration for {self.uri}: {_first_line(error)}. "
                "Fix the connection string or the client options."
            )
        code = f" (code {error.code})" if isinstance(error, OperationFailure) and error.code is not None else ""
        return ResourceError(f"MongoDB {operation} on '{where}' at {self.hosts} failed{code}: {_first_line(error)}.")

    @contextmanager
    def _errors(self, operation: str, collection: str | None = None) -> Iterator[None]:
        try:
            yield
        except PyMongoError as exc:
            raise self._translate(exc, operation, collection) from exc

    # -- lifecycle ---------------------------------------------------------------------------------------------------

    def _new_client(self) -> AsyncMongoClient[Document]:
        options: dict[str, Any] = {
            "type_registry": TypeRegistry(fallback_encoder=bson_fallback),
            "uuidRepresentation": "standard",
            "serverSelectionTimeoutMS": self.settings.server_selection_timeout_ms,
            "connectTimeoutMS": self.settings.connect_timeout_ms,
            "socketTimeoutMS": self.settings.socket_timeout_ms,
            "appname": self.settings.app_name,
            "tz_aware": True,
        }
        options.update(self._client_options)
        with self._errors("connect"):
            return AsyncMongoClient(self._uri, **options)

    async def connect(self) -> None:
        """Open the client, ping the server and check the database exists (idempotent).

        Raises:
            ResourceUnreachable: No answer within ``server_selection_timeout_ms``.
            AuthenticationFailed: The credentials were refused.
            CollectionNotFound: ``must_exist`` and the database is not listed
                (the message lists the databases that exist).
            ResourceError: A system database, a bad connection string, any other failure.
        """
        if self._client is not None:
            return
        if self.database_name in SYSTEM_DATABASES:
            raise ResourceError(
                f"'{self.database_name}' is a MongoDB system database ({', '.join(sorted(SYSTEM_DATABASES))}) and is "
                "not catalogued. Choose one of your own databases (list them with list_databases())."
            )
        client = self._new_client()
        try:
            with self._errors("connect"):
                await client.admin.command("ping")
                names = await self._database_names(client) if self.must_exist else None
        except BaseException:
            await client.close()
            raise
        if names is not None and self.database_name not in names:
            await client.close()
            existing = [name for name in names if name not in SYSTEM_DATABASES]
            raise CollectionNotFound(
                f"The database '{self.database_name}' does not exist on {self.hosts}. "
                f"Databases: {format_choices(existing)}. Check the name, or pass must_exist=False to create it "
                "by inserting documents.",
                name=self.database_name,
                available=existing,
            )
        self._client = client

    async def _database_names(self, client: AsyncMongoClient[Document]) -> list[str] | None:
        """The databases the server lists, or ``None`` if this user may not list them."""
        try:
            # Forces authentication first, so bad credentials fail here as AuthenticationFailed.
            return await client.list_database_names()
        except OperationFailure as exc:
            if exc.code != _UNAUTHORIZED or not self.username:
                raise
        # A user with rights on one database only may not run listDatabases: it cannot be checked,
        # but a missing collection is still reported on first read.
        return None

    async def close(self) -> None:
        """Close the client (idempotent)."""
        client, self._client = self._client, None
        self._known_collections.clear()
        if client is not None:
            await client.close()

    async def validate_connection(self) -> bool:
        """Whether the client is open and the server answers a ping (never raises)."""
        if self._client is None:
            return False
        try:
            await self._client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    async def _database(self) -> AsyncDatabase[Document]:
        if self._client is None:
            # Connecting on first use keeps notebook cells short; errors are the same as connect()'s.
            await self.connect()
        assert self._client is not None  # connect() either set it or raised
        return self._client[self.database_name]

    @property
    def client(self) -> AsyncMongoClient[Document]:
        """The underlying client, for operations this interface does not cover.

        Raises:
            ResourceError: Not connected yet.
        """
        if self._client is None:
            raise ResourceError(f"{self!r} is not connected. Call 'await resource.connect()' first.")
        return self._client

    # -- discovery ---------------------------------------------------------------------------------------------------

    async def list_databases(self) -> list[str]:
        """Return the databases on the server, sorted, without ``admin``/``local``/``config``."""
        database = await self._database()
        with self._errors("list_databases"):
            names = await database.client.list_database_names()
        return sorted(name for name in names if name not in SYSTEM_DATABASES)

    async def list_collections(self) -> list[str]:
        """Return the collection names, sorted, without ``system.*`` collections."""
        database = await self._database()
        with self._errors("list_collections"):
            names = await database.list_collection_names()
        visible = sorted(name for name in names if not name.startswith("system."))
        self._known_collections = set(visible)
        return visible

    async def _collection(self, collection: str) -> AsyncCollection[Document]:
        database = await self._database()
        if collection not in self._known_collections:
            available = await self.list_collections()
            if collection not in available:
                raise CollectionNotFound(
                    f"No collection '{collection}' in the database '{self.database_name}' on {self.hosts}. "
                    f"Available: {format_choices(available)}. Check the spelling or call list_collections().",
                    name=collection,
                    available=available,
                )
        return database[collection]

    # -- reading -----------------------------------------------------------------------------------------------------

    async def count(self, collection: str, *, exact: bool = False, filter: Mapping[str, Any] | None = None) -> int:
        """Count documents: ``estimated_document_count`` by default, ``count_documents`` if exact or filtered."""
        target = await self._collection(collection)
        with self._errors("count", collection):
            if exact or filter:
                return int(await target.count_documents(dict(filter or {})))
            return int(await target.estimated_document_count())

    async def sample(self, collection: str, n: int) -> list[dict[str, Any]]:
        """Return up to ``n`` random documents with a server-side ``$sample``."""
        if n <= 0:
            await self._collection(collection)  # still report a missing collection
            return []
        return await self.aggregate(collection, [{"$sample": {"size": int(n)}}])

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
        """Return the matching documents (``limit=0``: all of them)."""
        target = await self._collection(collection)
        projection_arg: Mapping[str, Any] | list[str] | None = (
            projection if projection is None or isinstance(projection, Mapping) else list(projection)
        )
        with self._errors("find", collection):
            cursor = target.find(dict(filter or {}), projection=projection_arg, skip=skip, limit=limit)
            sort_keys = normalize_sort(sort)
            if sort_keys:
                cursor = cursor.sort(sort_keys)
            return await cursor.to_list()

    async def iter_batches(
        self,
        collection: str,
        *,
        batch_size: int = 1000,
        filter: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Stream the matching documents from a cursor in lists of at most ``batch_size``."""
        size = max(batch_size, 1)
        target = await self._collection(collection)
        cursor = target.find(dict(filter or {}), batch_size=size)
        try:
            batch: list[dict[str, Any]] = []
            with self._errors("iter_batches", collection):
                async for document in cursor:
                    batch.append(document)
                    if len(batch) >= size:
                        yield batch
                        batch = []
            if batch:
                yield batch
        finally:
            await cursor.close()

    async def raw_batches(
        self,
        collection: str,
        *,
        batch_size: int = 1000,
        filter: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[bytes]:
        """Stream raw BSON batches as the server sends them (``find_raw_batches``).

        Each item is the concatenated BSON of up to ``batch_size`` documents;
        decode it with ``bson.decode_all`` or hand it to a BSON-aware analyser.
        This skips building Python dicts in the driver, the fast path for inference.
        """
        target = await self._collection(collection)
        cursor = target.find_raw_batches(dict(filter or {}), batch_size=max(batch_size, 1))
        try:
            with self._errors("raw_batches", collection):
                async for batch in cursor:
                    # pymongo types the raw cursor's items as documents; they are the raw BSON bytes.
                    yield cast(bytes, batch)
        finally:
            await cursor.close()

    async def aggregate(self, collection: str, pipeline: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Run an aggregation pipeline on the server and return every result document."""
        target = await self._collection(collection)
        with self._errors("aggregate", collection):
            cursor = await target.aggregate([dict(stage) for stage in pipeline])
            return await cursor.to_list()

    # -- writing -----------------------------------------------------------------------------------------------------

    async def insert_many(
        self, collection: str, documents: Sequence[Mapping[str, Any]], *, object_id_fields: Collection[str] = ()
    ) -> list[Any]:
        """Insert documents (the caller's mappings are not modified) and return their ``_id`` values."""
        if not documents:
            return []
        database = await self._database()
        prepared = [_with_object_ids(document, object_id_fields) for document in documents]
        with self._errors("insert_many", collection):
            result = await database[collection].insert_many(prepared)
        self._known_collections.add(collection)
        return list(result.inserted_ids)


def bson_fallback(value: Any) -> Any:
    """Encode Python values BSON has no type for, as they come out of pydantic models.

    Enums become their value, ``date`` a UTC midnight ``datetime``, ``Decimal`` a
    ``Decimal128`` and sets a list (UUIDs use the standard binary form); anything
    else is returned unchanged, and pymongo then reports it as not encodable.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, Decimal):
        return Decimal128(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return value


def _with_object_ids(document: Mapping[str, Any], fields: Collection[str]) -> dict[str, Any]:
    converted = dict(document)
    for field in fields:
        value = converted.get(field)
        if isinstance(value, str) and ObjectId.is_valid(value):
            converted[field] = ObjectId(value)
    return converted
