"""Role-based permission rules shared by the function and model registries.

A rule set maps a role to the permissions it holds. The role ``"*"`` is the
default rule: it applies to every role that has no rule of its own. A role
with no rule, when there is no ``"*"`` rule either, holds nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import TypeVar

from xcatalog.errors import InvalidName

__all__ = ["ANY_ROLE", "PermissionRules", "granted", "is_allowed", "parse_permissions"]

ANY_ROLE = "*"

P = TypeVar("P", bound=Enum)

PermissionRules = dict[str, set[P]]


def parse_permissions(
    raw: Mapping[str, Iterable[P | str]] | None,
    enum: type[P],
    default: Iterable[P | str] = (),
) -> dict[str, set[P]]:
    """Normalise a rule set, accepting enum members or their string values.

    Args:
        raw: ``{role: permissions}``; ``None`` means ``{"*": default}``.
        enum: The permission enum (``FunctionPermission``, ``ModelPermission``).
        default: Permissions of the ``"*"`` rule when ``raw`` is ``None``.

    Returns:
        ``{role: {enum members}}``.

    Raises:
        InvalidName: A permission name is unknown; the message lists valid ones.
    """
    source = {ANY_ROLE: default} if raw is None else raw
    return {str(role): {_coerce(item, enum) for item in items} for role, items in source.items()}


def _coerce(item: P | str, enum: type[P]) -> P:
    if isinstance(item, enum):
        return item
    member = _spellings(enum).get(str(item).strip().lower())
    if member is not None:
        return member  # type: ignore[return-value]  # the table of `enum` holds members of `enum`
    valid = ", ".join(str(member.value) for member in enum)
    raise InvalidName(f"Unknown permission {item!r} for {enum.__name__}; valid permissions are: {valid}.")


@functools.lru_cache(maxsize=64)
def _spellings(enum: type[Enum]) -> dict[str, Enum]:
    """Lower-cased value and name -> member; the first member wins, as a scan in definition order would.

    Every registration parses the default permissions from their string names, so the table is built once
    per enum (members of an Enum never change).
    """
    table: dict[str, Enum] = {}
    for member in enum:
        table.setdefault(str(member.value).lower(), member)
        table.setdefault(member.name.lower(), member)
    return table


def granted(rules: Mapping[str, set[P]], role: str) -> set[P]:
    """The permissions ``role`` holds under ``rules`` (its own rule, else ``"*"``)."""
    if role in rules:
        return set(rules[role])
    return set(rules.get(ANY_ROLE, set()))


def is_allowed(rules: Mapping[str, set[P]], role: str, permission: P) -> bool:
    """Whether ``role`` holds ``permission`` under ``rules``."""
    return permission in granted(rules, role)
