"""API keys: who is calling, and with which role.

The caller's role comes only from an API key, sent as ``X-API-Key: <key>`` or
``Authorization: Bearer <key>`` (the header wins when both are sent). Never
from the body or a query parameter: the seed's ``user_role="user"`` argument
would let anyone claim ``admin``.

Keys are held as SHA-256 digests and every configured digest is compared with
:func:`hmac.compare_digest`, without stopping at a match, so the time an
answer takes says nothing about which key, or how much of one, was right.

Where keys come from: :class:`~xcatalog.config.Settings` has no ``[api]``
section, so :func:`xcatalog.api.create_app` takes ``api_keys={key: role}`` and
``xcatalog serve`` reads them from a keys file (:func:`load_api_keys`). An
``XCATALOG_API__KEYS`` variable is deliberately *not* read: the settings
loader refuses every unknown ``XCATALOG_*`` section, so setting it would break
:func:`~xcatalog.config.load_settings` for the whole program.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

from xcatalog.errors import ConfigError, PermissionDenied

__all__ = ["BEARER_PREFIX", "KEY_HEADER", "MIN_KEY_LENGTH", "ApiKeys", "Unauthenticated", "load_api_keys"]

KEY_HEADER = "X-API-Key"
BEARER_PREFIX = "bearer "
#: Shorter keys can be guessed; 16 characters of ``secrets.token_urlsafe`` are ~96 bits.
MIN_KEY_LENGTH = 16
_RESERVED_ROLES = frozenset({"*"})


class Unauthenticated(PermissionDenied):
    """No API key, or one that is not configured (HTTP 401; a known key without the permission is 403).

    It is a :class:`~xcatalog.errors.PermissionDenied` because callers who
    treat "not allowed" alike need not tell the two apart; the API does.
    """


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class ApiKeys:
    """A table from API keys to roles that never shows the keys.

    Args:
        keys: ``{key: role}``. Keys need at least :data:`MIN_KEY_LENGTH`
            characters; roles are the names used in the registry's permission
            rules (``"*"`` is reserved for the default rule).

    Raises:
        ConfigError: A key is too short or not a string, or a role is empty or ``"*"``.

    Example:
        >>> keys = ApiKeys({"k" * 20: "analyst"})
        >>> keys.role_for("k" * 20), keys.role_for("wrong")
        ('analyst', None)
    """

    def __init__(self, keys: Mapping[str, str]) -> None:
        entries: list[tuple[bytes, str]] = []
        for number, (key, role) in enumerate(keys.items(), start=1):
            # The key itself never appears in a message: name it by its position.
            if not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
                raise ConfigError(
                    f"API key #{number} (role {role!r}) is shorter than {MIN_KEY_LENGTH} characters or not a string. "
                    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'."
                )
            if not isinstance(role, str) or not role.strip() or role in _RESERVED_ROLES:
                raise ConfigError(
                    f"API key #{number} maps to the role {role!r}: give a role name used in the permission rules, "
                    "such as 'admin' or 'analyst' ('*' is the default rule, not a role)."
                )
            entries.append((_digest(key), role.strip()))
        self._entries = entries

    def role_for(self, presented: str | None) -> str | None:
        """The role of a presented key, or ``None`` when it is missing or unknown (constant time over the table)."""
        if not presented:
            return None
        digest = _digest(presented)
        found: str | None = None
        for known, role in self._entries:
            if hmac.compare_digest(known, digest):
                found = role  # no break: every key is compared whichever matches
        return found

    @property
    def roles(self) -> list[str]:
        """The distinct roles keys map to, sorted."""
        return sorted({role for _, role in self._entries})

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self.roles)

    def __repr__(self) -> str:
        return f"ApiKeys(keys={len(self._entries)}, roles={self.roles})"


def presented_key(x_api_key: str | None, authorization: str | None) -> str | None:
    """The key a request carries: the ``X-API-Key`` header, else an ``Authorization: Bearer`` token."""
    if x_api_key:
        return x_api_key.strip()
    if authorization and authorization[: len(BEARER_PREFIX)].lower() == BEARER_PREFIX:
        return authorization[len(BEARER_PREFIX) :].strip() or None
    return None


def load_api_keys(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read ``{key: role}`` from a TOML or JSON file.

    TOML takes a ``[keys]`` table (``"<key>" = "admin"``) or top-level pairs;
    JSON an object, optionally under ``"keys"``. Keep the file out of version
    control, like ``.secrets.toml``.

    Args:
        path: The file.

    Returns:
        The keys and their roles (validated later by :class:`ApiKeys`).

    Raises:
        ConfigError: The file is missing, cannot be parsed, or does not hold string pairs.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the API keys file {file}: {exc.strerror or exc}. "
            'Create it with a [keys] table of \'"<key>" = "<role>"\' lines, or pass --keys-file.'
        ) from exc
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot parse the API keys file {file}: {exc}. Check its TOML or JSON syntax.") from exc
    table = data.get("keys", data) if isinstance(data, dict) else None
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ConfigError(
            f"The API keys file {file} must map keys to role names (strings), in a [keys] table or at the top level."
        )
    return dict(table)
