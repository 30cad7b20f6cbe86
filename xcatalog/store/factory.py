"""Build the store that ``[store]`` in the settings asks for."""

from __future__ import annotations

import os
from pathlib import Path

from xcatalog.config import Settings, StoreSettings
from xcatalog.errors import ConfigError
from xcatalog.store.base import CatalogStore
from xcatalog.store.local import LocalStore

__all__ = ["store_from_settings"]


def store_from_settings(
    settings: Settings | StoreSettings | None = None,
    *,
    base_dir: str | os.PathLike[str] | None = None,
) -> CatalogStore | None:
    """The catalog store described by ``[store]``.

    Args:
        settings: Full settings or just their ``store`` section; default ``Settings()``.
        base_dir: Folder a relative ``[store] path`` is resolved against;
            default the current working directory.

    Returns:
        A :class:`~xcatalog.store.local.LocalStore` for ``backend = "local"``, a
        :class:`~xcatalog.store.mongo.MongoStore` for ``"mongodb"``, ``None`` for ``"none"``.

    Raises:
        ConfigError: ``backend = "mongodb"`` without a ``uri``.
        StoreError: The store cannot be opened.

    Example:
        >>> from xcatalog.config import StoreSettings
        >>> store_from_settings(StoreSettings(backend="none")) is None
        True
    """
    section = settings.store if isinstance(settings, Settings) else (settings or StoreSettings())
    if section.backend == "none":
        return None
    if section.backend == "local":
        path = Path(section.path)
        if not path.is_absolute():
            path = Path(base_dir or Path.cwd()) / path
        return LocalStore(path)
    if not section.uri:
        raise ConfigError(
            "[store] backend = 'mongodb' needs a connection string: set [store] uri in settings.toml, "
            ".secrets.toml or XCATALOG_STORE__URI, or use backend = 'local'."
        )
    # Imported here so that a local-only project never imports pymongo for its store.
    from xcatalog.store.mongo import MongoStore

    return MongoStore(section.uri, section.database, prefix=section.prefix)
