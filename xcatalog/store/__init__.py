"""Durable, versioned persistence of the catalog.

The store layer sits below the registry and knows nothing of its classes: it
keeps JSON records addressed by ``(kind, key)``, a revision for optimistic
concurrency, and an append-only audit trail. :mod:`xcatalog.registry.persistence`
turns a registry into records and back.

* :class:`LocalStore` — one SQLite file (the default, ``.xcatalog/catalog.db``);
* :class:`MongoStore` — a MongoDB database shared by a team (imported lazily so
  that pymongo is only loaded when it is used);
* :func:`store_from_settings` — the one the ``[store]`` settings ask for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xcatalog.store.base import CatalogStore, Change, Snapshot
from xcatalog.store.factory import store_from_settings
from xcatalog.store.local import LocalStore

if TYPE_CHECKING:
    from xcatalog.store.mongo import MongoStore

__all__ = ["CatalogStore", "Change", "LocalStore", "MongoStore", "Snapshot", "store_from_settings"]


def __getattr__(name: str) -> Any:
    if name == "MongoStore":
        from xcatalog.store.mongo import MongoStore

        return MongoStore
    raise AttributeError(f"module 'xcatalog.store' has no attribute {name!r}; available: {', '.join(__all__)}")
