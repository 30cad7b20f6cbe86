"""A catalog store in MongoDB, so that a team shares one catalog.

This module and :mod:`xcatalog.resources` are the only places that import
pymongo: the store layer sits below the registry and cannot use resources, and
the issue asks for a MongoDB store. It uses the **synchronous**
:class:`pymongo.MongoClient` because the registry saves and loads from
synchronous calls and from audit listeners, where there is no loop to await
on (and ``asyncio.run`` is forbidden inside a notebook's running loop).

Layout, for ``prefix="xcatalog"``::

    xcatalog_meta     {_id: "head", revision, format, base, overlays, previous, updated_at}
    xcatalog_records  {txn, seq, kind, key, document (JSON text) | deleted: true, created}
    xcatalog_audit    {_id: event id, at, event (JSON text)}

How a write stays atomic without multi-document transactions:

1. the new records are inserted under a fresh transaction id ``txn`` that no
   reader looks at yet (a full write becomes a new ``base``; a small change
   becomes an ``overlay`` on top of the current base);
2. the single ``head`` document is flipped with a compare-and-set on its
   ``revision`` (``update_one({"_id": "head", "revision": n}, ...)``); only
   this one-document update makes the change visible, so readers see either
   the old catalog or the new one, never half of it. A writer whose ``n`` is
   stale matches nothing and gets :class:`~xcatalog.errors.StoreConflict`;
3. records no reader can need any more are deleted: those of the revision
   before the previous one (a reader still on it notices the head moved twice
   and reads again), and orphans of crashed writers after a grace period.

Documents are stored as JSON text because JSON schemas have keys such as
``$defs`` and ``$ref`` that MongoDB restricts in field names, and because the
text keeps the exact JSON the registry wrote.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import pymongo
from pymongo.errors import DuplicateKeyError, PyMongoError

from xcatalog.errors import StoreError, redact
from xcatalog.store.base import STORE_FORMAT, AuditRow, CatalogStore, RecordRow, Snapshot

__all__ = ["MongoStore"]

_HEAD = "head"
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BATCH = 500
_READ_ATTEMPTS = 10

# A record row, or a deletion marker (document None), keyed by (kind, key).
_Pending = tuple[str, str, str | None]


class MongoStore(CatalogStore):
    """A catalog store in a MongoDB database.

    Args:
        uri: Connection string. Its password never appears in reprs, logs or
            errors (:func:`xcatalog.errors.redact`).
        database: Database to keep the catalog in.
        prefix: Prefix of the three collections (``<prefix>_meta``, ``_records``, ``_audit``).
        server_selection_timeout_ms: How long to wait for the server.
        compact_after: Small changes stack up as overlays; after this many the
            next change rewrites the whole catalog as a new base.
        orphan_grace: Records of a writer that crashed before flipping the head
            are deleted once they are this old.

    Raises:
        StoreError: The URI is invalid or the prefix is not an identifier.

    Example:
        >>> store = MongoStore("mongodb://ana:s3cret@db:27017", "catalogs")  # doctest: +SKIP
        >>> store                                                            # doctest: +SKIP
        MongoStore('mongodb://ana:***@db:27017 db=catalogs prefix=xcatalog', revision=None)
    """

    def __init__(
        self,
        uri: str,
        database: str,
        prefix: str = "xcatalog",
        *,
        server_selection_timeout_ms: int = 5000,
        compact_after: int = 32,
        orphan_grace: timedelta = timedelta(minutes=10),
    ) -> None:
        super().__init__()
        # Only the redacted form is kept: nothing on this object can leak the password.
        self.uri = redact(uri)
        self.database_name = database
        self.prefix = prefix
        self.compact_after = max(1, compact_after)
        self.orphan_grace = orphan_grace
        if not _PREFIX.match(prefix):
            raise StoreError(f"Invalid store prefix {prefix!r}: use letters, digits and underscores (e.g. 'xcatalog').")
        try:
            self._client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
                uri, serverSelectionTimeoutMS=server_selection_timeout_ms, tz_aware=True, appname="xcatalog-store"
            )
            db = self._client[database]
        except (PyMongoError, ValueError, TypeError) as exc:
            raise StoreError(f"Cannot open the catalog store {self.location}: {redact(exc)}. Check the URI.") from None
        self._meta = db[f"{prefix}_meta"]
        self._records = db[f"{prefix}_records"]
        self._audit = db[f"{prefix}_audit"]
        self._indexed = False

    @property
    def location(self) -> str:
        """The redacted URI, database and prefix."""
        return f"{self.uri} db={self.database_name} prefix={self.prefix}"

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        try:
            yield
        except PyMongoError as exc:
            # `from None`: the driver's own exception may carry the full URI in its args.
            raise StoreError(
                f"Cannot {action} the catalog store {self.location}: {redact(exc)}. "
                "Check that the server is running and reachable."
            ) from None

    def _ensure_indexes(self) -> None:
        if not self._indexed:
            self._records.create_index([("txn", pymongo.ASCENDING), ("seq", pymongo.ASCENDING)])
            self._audit.create_index([("at", pymongo.ASCENDING)])
            self._indexed = True

    # -- reading ----------------------------------------------------------
    def _head(self) -> dict[str, Any] | None:
        head = self._meta.find_one({"_id": _HEAD})
        if head is not None:
            self._check_format(int(head.get("format", 1)))
        return head

    @staticmethod
    def _live(head: Mapping[str, Any] | None) -> list[str]:
        if head is None:
            return []
        base = [head["base"]] if head.get("base") else []
        return [*base, *head.get("overlays", [])]

    def _current_revision(self) -> int:
        with self._translate("read"):
            head = self._head()
        return int(head["revision"]) if head else 0

    def _materialise(self, head: Mapping[str, Any] | None) -> dict[tuple[str, str], str]:
        """The records visible at ``head``: its base, then each overlay in order."""
        live = self._live(head)
        if not live:
            return {}
        order = {txn: position for position, txn in enumerate(live)}
        documents = list(
            self._records.find(
                {"txn": {"$in": live}}, {"_id": 0, "txn": 1, "seq": 1, "kind": 1, "key": 1, "document": 1}
            )
        )
        documents.sort(key=lambda doc: (order[doc["txn"]], doc["seq"]))
        merged: dict[tuple[str, str], str] = {}
        for doc in documents:
            address = (doc["kind"], doc["key"])
            if doc.get("document") is None:
                merged.pop(address, None)
            else:
                merged[address] = doc["document"]
        return merged

    def _read(self) -> Snapshot:
        with self._translate("read"):
            for _attempt in range(_READ_ATTEMPTS):
                head = self._head()
                merged = self._materialise(head)
                revision = int(head["revision"]) if head else 0
                # Records of revision r are kept until the head reaches r + 2:
                # if it moved further while we read, some may be gone; read again.
                now = self._head()
                if now is None or int(now["revision"]) <= revision + 1:
                    break
            else:
                raise StoreError(
                    f"Cannot read a stable revision of the catalog store {self.location}: it changed "
                    f"{_READ_ATTEMPTS} times while reading. Try again when the writers are done."
                )
            audit = [
                json.loads(doc["event"]) for doc in self._audit.find({}, {"event": 1}).sort("at", pymongo.ASCENDING)
            ]
        records: dict[str, dict[str, dict[str, Any]]] = {}
        for (kind, key), text in sorted(merged.items()):
            records.setdefault(kind, {})[key] = json.loads(text)
        return Snapshot(records=records, audit=audit, revision=revision)

    # -- writing ----------------------------------------------------------
    def _commit(
        self,
        *,
        rows: Iterator[RecordRow],
        deletes: list[tuple[str, str]],
        replace: bool,
        audit: list[AuditRow],
        expected_revision: int | None,
    ) -> int:
        txn = uuid.uuid4().hex
        with self._translate("write"):
            self._ensure_indexes()
            head = self._head()
            stored = int(head["revision"]) if head else 0
            if expected_revision is not None and stored != expected_revision:
                raise self._conflict(expected_revision, stored)
            overlays: list[str] = list(head.get("overlays", [])) if head else []
            base: str | None = head.get("base") if head else None
            pending: Iterator[_Pending]
            if replace:
                pending, base, overlays = iter(rows), txn, []
            elif len(overlays) + 1 > self.compact_after:
                # Fold every overlay and this change into a new base.
                merged = self._materialise(head)
                for address in deletes:
                    merged.pop(address, None)
                merged.update(((kind, key), text) for kind, key, text in rows)
                pending = ((kind, key, text) for (kind, key), text in merged.items())
                base, overlays = txn, []
            else:
                pending = self._overlay(rows, deletes)
                overlays = [*overlays, txn]
            try:
                self._insert(txn, pending)
                revision = stored + 1
                new_head = {
                    "revision": revision,
                    "format": STORE_FORMAT,
                    "base": base,
                    "overlays": overlays,
                    "previous": self._live(head),
                    "updated_at": datetime.now(UTC),
                }
                if head is None:
                    try:
                        self._meta.insert_one({"_id": _HEAD, **new_head})
                    except DuplicateKeyError:
                        raise self._conflict(stored, self._current_revision()) from None
                else:
                    flipped = self._meta.update_one({"_id": _HEAD, "revision": stored}, {"$set": new_head})
                    if flipped.matched_count == 0:
                        raise self._conflict(stored, self._current_revision())
            except BaseException:
                self._discard(txn)
                raise
            self._collect_garbage(head, new_head)
            if audit:
                self._append_audit(audit)
        return revision

    @staticmethod
    def _overlay(rows: Iterator[RecordRow], deletes: list[tuple[str, str]]) -> Iterator[_Pending]:
        for kind, key in deletes:
            yield kind, key, None
        yield from rows

    def _insert(self, txn: str, pending: Iterator[_Pending]) -> None:
        created = datetime.now(UTC)
        sequence = 0
        while True:
            batch = list(islice(pending, _BATCH))
            if not batch:
                return
            documents = []
            for kind, key, text in batch:
                doc: dict[str, Any] = {"txn": txn, "seq": sequence, "kind": kind, "key": key, "created": created}
                doc["document"] = text  # None marks a deletion
                documents.append(doc)
                sequence += 1
            self._records.insert_many(documents, ordered=False)

    def _discard(self, txn: str) -> None:
        # If this fails too, the orphan sweep of a later write removes it after the grace period.
        with suppress(PyMongoError):
            self._records.delete_many({"txn": txn})

    def _collect_garbage(self, old_head: Mapping[str, Any] | None, new_head: Mapping[str, Any]) -> None:
        keep = set(self._live(new_head)) | set(self._live(old_head))
        dead = [txn for txn in (old_head or {}).get("previous", []) if txn not in keep]
        if dead:
            self._records.delete_many({"txn": {"$in": dead}})
        cutoff = datetime.now(UTC) - self.orphan_grace
        self._records.delete_many({"txn": {"$nin": sorted(keep)}, "created": {"$lt": cutoff}})

    def _append_audit(self, rows: list[AuditRow]) -> int:
        # Sorting on `at` keeps each batch in the order given, and batches in the order written.
        batch = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
        operations = [
            pymongo.UpdateOne(
                {"_id": event_id},
                {"$setOnInsert": {"at": f"{batch}-{index:08d}", "event": text}},
                upsert=True,
            )
            for index, (event_id, text) in enumerate(rows)
        ]
        with self._translate("append to the audit trail of"):
            self._ensure_indexes()
            result = self._audit.bulk_write(operations, ordered=True)
        return int(result.upserted_count)

    def _close(self) -> None:
        self._client.close()
