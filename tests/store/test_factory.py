from __future__ import annotations

from pathlib import Path

import pytest

from xcatalog.config import Settings, StoreSettings, settings_from_mapping
from xcatalog.errors import ConfigError
from xcatalog.store import LocalStore, MongoStore, store_from_settings


def test_default_settings_give_a_local_store_under_the_base_dir(tmp_path: Path) -> None:
    store = store_from_settings(Settings(), base_dir=tmp_path)
    assert isinstance(store, LocalStore)
    with store:
        assert store.path == tmp_path / ".xcatalog" / "catalog.db"
        assert store.path.exists()


def test_relative_path_defaults_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = store_from_settings(StoreSettings(path="data/cat.db"))
    assert isinstance(store, LocalStore)
    with store:
        assert store.path == tmp_path / "data" / "cat.db"


def test_absolute_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "abs.db"
    settings = settings_from_mapping({"store": {"backend": "local", "path": str(target)}})
    store = store_from_settings(settings, base_dir="/elsewhere")
    assert isinstance(store, LocalStore)
    with store:
        assert store.path == target


def test_none_backend_gives_no_store() -> None:
    assert store_from_settings(StoreSettings(backend="none")) is None


def test_mongodb_without_uri_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"needs a connection string: set \[store\] uri"):
        store_from_settings(StoreSettings(backend="mongodb"))


def test_mongodb_backend_uses_uri_database_and_prefix() -> None:
    # MongoClient connects lazily: building the store needs no server.
    settings = StoreSettings(
        backend="mongodb", uri="mongodb://ana:pw123456@127.0.0.1:1/", database="cats", prefix="team"
    )
    store = store_from_settings(settings)
    assert isinstance(store, MongoStore)
    with store:
        assert (store.database_name, store.prefix) == ("cats", "team")
        assert "pw123456" not in repr(store)
