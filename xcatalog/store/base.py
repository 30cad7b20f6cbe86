"""The :class:`CatalogStore` interface: a durable, versioned store of JSON records.

A store knows nothing about the registry. It keeps:

* **records**: JSON documents addressed by ``(kind, key)``, for example
  ``("models", "ns.models.shop.User")``. ``kind`` groups records; the registry
  layer decides what the kinds and documents mean.
* a **revision**: an integer that grows by one with every committed change of
  the records. Writers say which revision their change is based on; a writer
  whose revision is stale gets :class:`~xcatalog.errors.StoreConflict` instead
  of silently overwriting a newer catalog (optimistic concurrency).
* an **audit trail**: JSON events, append-only. Appending is idempotent (an
  event's id is the hash of its content), so it never conflicts and never
  moves the revision.

Every change is atomic: a crash or an exception in the middle of a write
leaves the previous revision readable. The backends (:mod:`.local`,
:mod:`.mongo`) implement two primitives, ``_read`` and ``_commit``; the
bookkeeping (which revision this object last saw, encoding, messages) lives
here once.

The stores are synchronous on purpose: the registry calls them from its own
synchronous methods and from audit listeners, where there is no event loop to
await on and ``asyncio.run`` is forbidden inside a notebook's running loop.
From async code, run them in a thread (``await asyncio.to_thread(store.read_all)``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from xcatalog.errors import StoreConflict, StoreError

__all__ = ["STORE_FORMAT", "AuditRow", "CatalogStore", "Change", "RecordRow", "Snapshot", "audit_event_id"]

#: Version of the on-disk layout; a store written by a newer layout is refused.
STORE_FORMAT = 1

Document = dict[str, Any]
#: ``(kind, key, json_text)``; produced lazily so that a failing document fails inside the transaction.
RecordRow = tuple[str, str, str]
#: ``(event_id, json_text)``.
AuditRow = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a store holds at one revision.

    Attributes:
        records: ``{kind: {key: document}}``.
        audit: Audit events, oldest first.
        revision: The revision the records were read at (``0`` for an empty store).
    """

    records: Mapping[str, Mapping[str, Document]] = field(default_factory=dict)
    audit: list[Document] = field(default_factory=list)
    revision: int = 0

    def get(self, kind: str, key: str) -> Document | None:
        """The document at ``(kind, key)``, or ``None``."""
        return self.records.get(kind, {}).get(key)

    def kind(self, kind: str) -> Mapping[str, Document]:
        """All documents of one kind, ``{key: document}`` (empty when there are none)."""
        return self.records.get(kind, {})

    def __len__(self) -> int:
        return sum(len(documents) for documents in self.records.values())


@dataclass(frozen=True, slots=True)
class Change:
    """One record change for :meth:`CatalogStore.apply`.

    Attributes:
        kind: Record kind.
        key: Record key.
        document: The new document, or ``None`` to delete the record.
    """

    kind: str
    key: str
    document: Mapping[str, Any] | None


def audit_event_id(text: str) -> str:
    """The id of an audit event: a hash of its JSON text, so the same event is stored once."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _encode(kind: str, key: str, document: object) -> str:
    if not isinstance(document, Mapping):
        raise StoreError(
            f"Cannot store record {kind}/{key}: a record must be a JSON object (dict), got {type(document).__name__}."
        )
    try:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"Cannot store record {kind}/{key}: it is not JSON-serialisable ({exc}). "
            "Convert it with model_dump(mode='json') before storing."
        ) from exc


def _check_address(kind: object, key: object) -> None:
    if not isinstance(kind, str) or not kind or not isinstance(key, str) or not key:
        raise StoreError(f"Record kind and key must be non-empty strings, got kind={kind!r}, key={key!r}.")


def _encode_audit(event: Mapping[str, Any]) -> AuditRow:
    try:
        text = json.dumps(dict(event), separators=(",", ":"), ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"Cannot store audit event {event!r}: {exc}.") from exc
    return audit_event_id(text), text


class CatalogStore(ABC):
    """A durable, versioned store of JSON records plus an append-only audit trail.

    Use it as a context manager, or call :meth:`close`. Each store object
    remembers the revision it last read or wrote (:attr:`known_revision`);
    writes are checked against it unless a revision is given explicitly.

    Subclasses implement :meth:`_read`, :meth:`_commit`, :meth:`_append_audit`,
    :meth:`_current_revision` and :meth:`_close`.
    """

    def __init__(self) -> None:
        self._known_revision: int | None = None
        self._closed = False
        # Store objects may be shared between a notebook's thread and widget callbacks.
        self._lock = threading.RLock()

    # -- what subclasses provide ------------------------------------------
    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store lives, safe to show (passwords redacted)."""

    @abstractmethod
    def _read(self) -> Snapshot:
        """Read records and audit consistently at one revision."""

    @abstractmethod
    def _commit(
        self,
        *,
        rows: Iterator[RecordRow],
        deletes: list[tuple[str, str]],
        replace: bool,
        audit: list[AuditRow],
        expected_revision: int | None,
    ) -> int:
        """Apply a change atomically and return the new revision.

        Args:
            rows: Records to insert or replace; consumed inside the transaction,
                so an exception while producing them must roll everything back.
            deletes: ``(kind, key)`` pairs to remove (absent ones are ignored).
            replace: Drop every record not in ``rows`` (a full write).
            audit: Events to append, ignoring ids already stored.
            expected_revision: The revision the change is based on; ``None`` skips the check.

        Raises:
            StoreConflict: The stored revision is not ``expected_revision``
                (use :meth:`_conflict` for the message).
        """

    @abstractmethod
    def _append_audit(self, rows: list[AuditRow]) -> int:
        """Append events whose ids are new; return how many were new."""

    @abstractmethod
    def _current_revision(self) -> int:
        """The revision stored right now (``0`` for an empty store)."""

    @abstractmethod
    def _close(self) -> None:
        """Release connections."""

    # -- public API -------------------------------------------------------
    @property
    def revision(self) -> int:
        """The revision stored right now (read from the backend, not cached)."""
        with self._lock:
            self._check_open()
            return self._current_revision()

    @property
    def known_revision(self) -> int | None:
        """The revision this object last read or wrote, or ``None`` before the first read."""
        return self._known_revision

    def read_all(self) -> Snapshot:
        """Read every record and the audit trail at one consistent revision.

        The revision read becomes :attr:`known_revision`, the base of the next write.

        Raises:
            StoreError: The backend cannot be read, or was written by a newer xcatalog.
        """
        with self._lock:
            self._check_open()
            snapshot = self._read()
            self._known_revision = snapshot.revision
            return snapshot

    def write(self, snapshot: Snapshot, *, expected_revision: int | None = None, force: bool = False) -> int:
        """Replace every record with those of ``snapshot`` and append its audit events, atomically.

        Args:
            snapshot: The full catalog. Its ``revision`` is ignored; the new one is returned.
            expected_revision: The revision this write is based on; default
                :attr:`known_revision` (``0`` when nothing was read, which only
                matches an empty store).
            force: Overwrite whatever is stored, skipping the revision check.

        Returns:
            The new revision.

        Raises:
            StoreConflict: Another writer saved a newer revision; read it again
                (or pass ``force=True`` to overwrite it).
            StoreError: A document is not JSON-serialisable, or the backend failed;
                the stored catalog is unchanged.
        """
        rows = self._rows(
            (kind, key, document) for kind, documents in snapshot.records.items() for key, document in documents.items()
        )
        audit = [_encode_audit(event) for event in snapshot.audit]
        return self._run_commit(
            rows=rows, deletes=[], replace=True, audit=audit, expected_revision=expected_revision, force=force
        )

    def apply(
        self,
        changes: Iterable[Change],
        *,
        audit: Iterable[Mapping[str, Any]] = (),
        expected_revision: int | None = None,
        force: bool = False,
    ) -> int:
        """Insert, replace or delete several records in one atomic revision.

        Args:
            changes: The changes; a ``None`` document deletes the record.
            audit: Events to append in the same commit.
            expected_revision: As in :meth:`write`.
            force: Skip the revision check.

        Returns:
            The new revision.

        Raises:
            StoreConflict: Another writer saved a newer revision.
            StoreError: A document is not JSON-serialisable, or the backend failed.
        """
        changes = list(changes)
        for change in changes:
            _check_address(change.kind, change.key)
        deletes = [(change.kind, change.key) for change in changes if change.document is None]
        rows = self._rows(
            (change.kind, change.key, change.document) for change in changes if change.document is not None
        )
        encoded_audit = [_encode_audit(event) for event in audit]
        return self._run_commit(
            rows=rows,
            deletes=deletes,
            replace=False,
            audit=encoded_audit,
            expected_revision=expected_revision,
            force=force,
        )

    def put(self, kind: str, key: str, document: Mapping[str, Any], *, expected_revision: int | None = None) -> int:
        """Insert or replace one record in a new revision.

        Returns:
            The new revision.

        Raises:
            StoreConflict: Another writer saved a newer revision.
        """
        return self.apply([Change(kind, key, document)], expected_revision=expected_revision)

    def delete(self, kind: str, key: str, *, expected_revision: int | None = None) -> int:
        """Remove one record (absent is fine) in a new revision.

        Returns:
            The new revision.

        Raises:
            StoreConflict: Another writer saved a newer revision.
        """
        return self.apply([Change(kind, key, None)], expected_revision=expected_revision)

    def get(self, kind: str, key: str) -> Document | None:
        """The stored document at ``(kind, key)``, or ``None`` (reads a full snapshot)."""
        return self.read_all().get(kind, key)

    def append_audit(self, events: Iterable[Mapping[str, Any]]) -> int:
        """Append audit events; an event already stored is skipped. The revision does not move.

        Returns:
            How many events were new.
        """
        rows = [_encode_audit(event) for event in events]
        if not rows:
            return 0
        with self._lock:
            self._check_open()
            return self._append_audit(rows)

    def close(self) -> None:
        """Release the backend's connections; further use raises :class:`~xcatalog.errors.StoreError`."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r}, revision={self._known_revision})"

    # -- shared machinery -------------------------------------------------
    def _run_commit(
        self,
        *,
        rows: Iterator[RecordRow],
        deletes: list[tuple[str, str]],
        replace: bool,
        audit: list[AuditRow],
        expected_revision: int | None,
        force: bool,
    ) -> int:
        with self._lock:
            self._check_open()
            if force:
                expected: int | None = None
            elif expected_revision is not None:
                expected = expected_revision
            else:
                expected = self._known_revision if self._known_revision is not None else 0
            revision = self._commit(
                rows=rows, deletes=deletes, replace=replace, audit=audit, expected_revision=expected
            )
            self._known_revision = revision
            return revision

    @staticmethod
    def _rows(items: Iterable[tuple[str, str, object]]) -> Iterator[RecordRow]:
        # A generator on purpose: documents are encoded while the backend's
        # transaction is open, so a bad document aborts the whole write.
        for kind, key, document in items:
            _check_address(kind, key)
            yield kind, key, _encode(kind, key, document)

    def _conflict(self, expected: int, stored: int) -> StoreConflict:
        return StoreConflict(
            f"Store {self.location} is at revision {stored}, but this write is based on revision {expected}: "
            "another writer saved in between. Load the store again (XRegistry.load / store.read_all()), "
            "re-apply your change, and save; or pass force=True to overwrite the newer catalog."
        )

    def _check_format(self, stored_format: int) -> None:
        if stored_format > STORE_FORMAT:
            raise StoreError(
                f"Store {self.location} uses layout version {stored_format}, newer than this xcatalog "
                f"understands ({STORE_FORMAT}). Upgrade xcatalog to read it."
            )

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"Store {self.location} is closed; create a new store object to use it again.")
