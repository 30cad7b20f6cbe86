from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from fastapi import FastAPI

from xcatalog._cli_serve import MONGO_URI_VARIABLE, add_serve_parser, build_app, run_serve
from xcatalog.errors import ConfigError

KEY = "serve-key-0123456789abcdef"


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="xcatalog")
    add_serve_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["serve", *argv])


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(f'[keys]\n"{KEY}" = "ops"\n')
    return path


def test_defaults_listen_on_loopback() -> None:
    args = _parse()
    assert (args.host, args.port, args.keys_file) == ("127.0.0.1", 8000, ".api-keys.toml")
    assert args.handler is run_serve


def test_build_app_from_arguments(keys_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MONGO_URI_VARIABLE, raising=False)
    app = build_app(
        _parse("--keys-file", str(keys_file), "--no-store", "--settings", "none.toml", "--admin-role", "ops")
    )
    assert isinstance(app, FastAPI)
    shared = app.state.xcatalog
    assert shared.keys.role_for(KEY) == "ops"
    assert shared.admin_roles == frozenset({"ops"})
    assert shared.store is None
    assert shared.resources == {}


def test_build_app_configures_a_mongo_resource_from_the_environment(
    keys_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MONGO_URI_VARIABLE, "mongodb://reader:s3cret@127.0.0.1:1/")
    app = build_app(
        _parse("--keys-file", str(keys_file), "--no-store", "--settings", "none.toml", "--database", "shop")
    )
    resource = app.state.xcatalog.resources["shop"]
    assert resource.uri == "mongodb://reader:***@127.0.0.1:1/"


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--mongo-uri", "mongodb://u:topsecret@h:1/"], "without --database"),
        (["--database", "shop"], "needs a MongoDB URI"),
    ],
)
def test_build_app_refuses_half_a_resource(
    keys_file: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], match: str
) -> None:
    monkeypatch.delenv(MONGO_URI_VARIABLE, raising=False)
    with pytest.raises(ConfigError, match=match) as caught:
        build_app(_parse("--keys-file", str(keys_file), "--no-store", "--settings", "none.toml", *extra))
    assert "topsecret" not in str(caught.value)


def test_build_app_needs_the_keys_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the API keys file"):
        build_app(_parse("--keys-file", str(tmp_path / "absent.toml"), "--no-store", "--settings", "none.toml"))


def test_build_app_loads_the_catalog_store_with_write_through(
    keys_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(MONGO_URI_VARIABLE, raising=False)
    app = build_app(_parse("--keys-file", str(keys_file), "--settings", "none.toml"))
    shared = app.state.xcatalog
    assert shared.store is not None
    assert shared.registry.store_link is not None
    assert (tmp_path / ".xcatalog" / "catalog.db").exists()
    shared.store.close()
