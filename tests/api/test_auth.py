from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from xcatalog.api.auth import ApiKeys, Unauthenticated, load_api_keys, presented_key
from xcatalog.errors import ConfigError, PermissionDenied
from xcatalog.registry import XRegistry

KEY = "k" * 24


def test_role_for_known_and_unknown_keys() -> None:
    keys = ApiKeys({KEY: "analyst", "a" * 24: "admin"})
    assert keys.role_for(KEY) == "analyst"
    assert keys.role_for("a" * 24) == "admin"
    assert keys.role_for("k" * 23) is None  # a prefix of a key is not the key
    assert keys.role_for(KEY + "x") is None
    assert keys.role_for(None) is None
    assert keys.role_for("") is None
    assert keys.roles == ["admin", "analyst"]


def test_repr_never_shows_a_key() -> None:
    text = repr(ApiKeys({KEY: "analyst"}))
    assert KEY not in text
    assert "keys=1" in text


@pytest.mark.parametrize(
    ("keys", "match"),
    [
        ({"short": "admin"}, "shorter than 16"),
        ({KEY: "*"}, "default rule"),
        ({KEY: " "}, "role name"),
    ],
)
def test_bad_keys_are_refused_without_echoing_them(keys: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match) as caught:
        ApiKeys(keys)
    assert "short" not in str(caught.value).replace("shorter", "")
    assert KEY not in str(caught.value)


def test_unauthenticated_is_a_permission_denial() -> None:
    assert issubclass(Unauthenticated, PermissionDenied)


@pytest.mark.parametrize(
    ("header", "authorization", "expected"),
    [
        ("abc", None, "abc"),
        ("abc", "Bearer other", "abc"),
        (None, "Bearer token-1", "token-1"),
        (None, "bearer token-2", "token-2"),
        (None, "Basic dXNlcjpwdw==", None),
        (None, "Bearer ", None),
        (None, None, None),
        ("", None, None),
    ],
)
def test_presented_key(header: str | None, authorization: str | None, expected: str | None) -> None:
    assert presented_key(header, authorization) == expected


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("keys.toml", f'[keys]\n"{KEY}" = "admin"\n'),
        ("keys.toml", f'"{KEY}" = "admin"\n'),
        ("keys.json", f'{{"keys": {{"{KEY}": "admin"}}}}'),
        ("keys.json", f'{{"{KEY}": "admin"}}'),
    ],
)
def test_load_api_keys(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert load_api_keys(path) == {KEY: "admin"}


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("keys.toml", "[keys\n", "Cannot parse"),
        ("keys.json", "[1, 2]", "must map keys to role names"),
        ("keys.toml", "[keys]\nabc = 1\n", "must map keys to role names"),
    ],
)
def test_load_api_keys_refuses_bad_files(tmp_path: Path, name: str, text: str, match: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_api_keys(path)


def test_load_api_keys_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Cannot read the API keys file .*missing\.toml"):
        load_api_keys(tmp_path / "missing.toml")


# -- over HTTP -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"X-API-Key": "wrong-key-0123456789abc"}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eA=="}],
)
def test_no_or_unknown_key_is_401_and_audited(registry: XRegistry, client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/registry/models", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "X-API-Key" in body["message"]
    denied = registry.audit.events(action="api_denied", allowed=False)
    assert [(event.path, event.detail["status"]) for event in denied] == [("/api/registry/models", 401)]
    assert all("wrong-key" not in str(event.detail) for event in denied)


def test_bearer_token_works_like_the_header(client: TestClient, api_keys: dict[str, str]) -> None:
    admin_key = next(key for key, role in api_keys.items() if role == "admin")
    response = client.get("/api/registry/models", headers={"Authorization": f"Bearer {admin_key}"})
    assert response.status_code == 200
    assert "ns.models.hr.Salary" in [model["path"] for model in response.json()]


def test_key_in_the_query_string_is_not_accepted(client: TestClient, api_keys: dict[str, str]) -> None:
    admin_key = next(iter(api_keys))
    assert client.get("/api/registry/models", params={"api_key": admin_key}).status_code == 401


def test_a_known_key_without_the_permission_is_403_and_audited(
    registry: XRegistry, client: TestClient, analyst: dict[str, str]
) -> None:
    response = client.get("/api/registry/models/Salary", headers=analyst)
    assert response.status_code == 403
    denied = registry.audit.events(action="api_denied", role="analyst")
    assert [(event.path, event.detail["status"], event.detail["operation"]) for event in denied] == [
        ("/api/registry/models/Salary", 403, "read")
    ]
    # The registry's own check is in the trail too.
    assert registry.audit.events(action="check_access", role="analyst", allowed=False)


def test_openapi_documents_both_key_schemes(client: TestClient) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["BearerKey"]["scheme"] == "bearer"
