from __future__ import annotations

from enum import Enum

import pytest

from xcatalog.errors import InvalidName
from xcatalog.registry._permissions import ANY_ROLE, granted, is_allowed, parse_permissions


class Access(Enum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


def test_none_gives_the_default_rule_for_every_role() -> None:
    rules = parse_permissions(None, Access, default=["read"])
    assert rules == {ANY_ROLE: {Access.READ}}
    assert is_allowed(rules, "anyone", Access.READ)
    assert not is_allowed(rules, "anyone", Access.WRITE)


@pytest.mark.parametrize("item", [Access.WRITE, "write", "WRITE", " Write ", "write"])
def test_members_values_and_names_are_accepted(item: Access | str) -> None:
    assert parse_permissions({"editor": [item]}, Access) == {"editor": {Access.WRITE}}


def test_unknown_permission_lists_the_valid_ones() -> None:
    with pytest.raises(
        InvalidName, match=r"Unknown permission 'delete' for Access; valid permissions are: read, write, admin"
    ):
        parse_permissions({"editor": {"delete"}}, Access)


def test_role_with_its_own_rule_does_not_inherit_the_default_rule() -> None:
    rules = parse_permissions({ANY_ROLE: {"read"}, "writer": {"write"}}, Access)
    assert granted(rules, "writer") == {Access.WRITE}
    assert granted(rules, "visitor") == {Access.READ}


def test_role_without_rule_and_without_default_holds_nothing() -> None:
    rules = parse_permissions({"admin": {"read", "write", "admin"}}, Access)
    assert granted(rules, "user") == set()
    assert not is_allowed(rules, "user", Access.READ)
    assert is_allowed(rules, "admin", Access.ADMIN)


def test_granted_returns_a_copy() -> None:
    rules = parse_permissions({"admin": {"read"}}, Access)
    granted(rules, "admin").add(Access.WRITE)
    assert rules["admin"] == {Access.READ}


def test_empty_rule_set_denies_everyone() -> None:
    rules = parse_permissions({}, Access, default=["read"])
    assert rules == {}
    assert not is_allowed(rules, ANY_ROLE, Access.READ)


class Crossed(Enum):
    """A value of one member is the name of another: the member defined first wins, by value or by name."""

    VIEW = "edit"
    EDIT = "view"


@pytest.mark.parametrize(("item", "member"), [("edit", Crossed.VIEW), ("VIEW", Crossed.VIEW), ("view", Crossed.VIEW)])
def test_a_spelling_shared_by_two_members_goes_to_the_first_one(item: str, member: Crossed) -> None:
    assert parse_permissions({"role": [item]}, Crossed) == {"role": {member}}
