"""The default store: one SQLite file (standard library only).

Layout (``format`` 1)::

    meta(name TEXT PRIMARY KEY, value TEXT)          revision, format
    records(kind, key, document TEXT, revision)      PRIMARY KEY (kind, key)
    audit(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, event TEXT)

Why it is safe:

* **Atomic**: every change runs in one ``BEGIN IMMEDIATE`` ... ``COMMIT``
  transaction; any exception rolls it back, and a process that dies mid-way
  leaves a journal that SQLite rolls back on the next open.
* **Concurrent**: the file is in WAL mode, so readers never block the writer
  and always see one committed revision. ``BEGIN IMMEDIATE`` takes the write
  lock before the revision is checked, so two writers cannot both pass the
  check; the second waits (``busy_timeout``) and then sees the new revision.
* **Optimistic**: the ``meta`` revision is compared with the writer's base
  revision inside the transaction; a stale writer gets
  :class:`~xcatalog.errors.StoreConflict`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from xcatalog.errors import StoreError
from xcatalog.store.base import STORE_FORMAT, AuditRow, CatalogStore, RecordRow, Snapshot

__all__ = ["LocalStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    document TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, event TEXT NOT NULL);
"""


class LocalStore(CatalogStore):
    """A catalog store in one SQLite file.

    Args:
        path: The database file; missing parent folders are created.
        timeout: Seconds a writer waits for another process's write lock.

    Raises:
        StoreError: The file cannot be opened or is not an xcatalog store.

    Example:
        >>> with LocalStore(".xcatalog/catalog.db") as store:   # doctest: +SKIP
        ...     store.put("models", "ns.models.shop.User", {"name": "User"})
        1
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        super().__init__()
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so that the
            # write lock is taken before the revision check (BEGIN IMMEDIATE).
            self._connection = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self._connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"Store {self.location}: SQLite refused WAL mode (got {mode!r}); use a local disk.")
            self._connection.execute("PRAGMA synchronous = FULL")
            self._initialise()
        except sqlite3.Error as exc:
            raise StoreError(
                f"Cannot open the catalog store {self.location}: {exc}. "
                "Check that the path is a writable file and not another program's database."
            ) from exc

    @property
    def location(self) -> str:
        """The database file path."""
        return str(self.path)

    def _initialise(self) -> None:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', '0')")
            connection.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('format', ?)", (str(STORE_FORMAT),))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        stored_format = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        self._check_format(int(stored_format[0]))

    # -- primitives -------------------------------------------------------
    def _current_revision(self) -> int:
        return self._revision_in(self._connection)

    @staticmethod
    def _revision_in(connection: sqlite3.Connection) -> int:
        row = connection.execute("SELECT value FROM meta WHERE name = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def _read(self) -> Snapshot:
        connection = self._connection
        try:
            # One read transaction: WAL gives it a stable view of one committed revision.
            connection.execute("BEGIN")
            try:
                revision = self._revision_in(connection)
                records: dict[str, dict[str, dict[str, object]]] = {}
                for kind, key, document in connection.execute(
                    "SELECT kind, key, document FROM records ORDER BY kind, key"
                ):
                    records.setdefault(kind, {})[key] = json.loads(document)
                audit = [json.loads(event) for (event,) in connection.execute("SELECT event FROM audit ORDER BY seq")]
            finally:
                connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot read the catalog store {self.location}: {exc}.") from exc
        return Snapshot(records=records, audit=audit, revision=revision)

    def _commit(
        self,
        *,
        rows: Iterator[RecordRow],
        deletes: list[tuple[str, str]],
        replace: bool,
        audit: list[AuditRow],
        expected_revision: int | None,
    ) -> int:
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot lock the catalog store {self.location} for writing: {exc}.") from exc
        try:
            stored = self._revision_in(connection)
            if expected_revision is not None and stored != expected_revision:
                raise self._conflict(expected_revision, stored)
            revision = stored + 1
            if replace:
                connection.execute("DELETE FROM records")
            connection.executemany("DELETE FROM records WHERE kind = ? AND key = ?", deletes)
            self._write_rows(connection, rows, revision)
            connection.executemany("INSERT OR IGNORE INTO audit (id, event) VALUES (?, ?)", audit)
            connection.execute("UPDATE meta SET value = ? WHERE name = 'revision'", (str(revision),))
            connection.execute("COMMIT")
        except BaseException as exc:
            connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    f"Cannot write the catalog store {self.location}: {exc}. Nothing was changed."
                ) from exc
            raise
        return revision

    @staticmethod
    def _write_rows(connection: sqlite3.Connection, rows: Iterator[RecordRow], revision: int) -> None:
        connection.executemany(
            "INSERT OR REPLACE INTO records (kind, key, document, revision) VALUES (?, ?, ?, ?)",
            ((kind, key, document, revision) for kind, key, document in rows),
        )

    def _append_audit(self, rows: list[AuditRow]) -> int:
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                before = connection.total_changes
                connection.executemany("INSERT OR IGNORE INTO audit (id, event) VALUES (?, ?)", rows)
                added = connection.total_changes - before
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot append to the audit trail of {self.location}: {exc}.") from exc
        return added

    def _close(self) -> None:
        self._connection.close()
