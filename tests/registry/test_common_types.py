from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest

from xcatalog.errors import ValidationFailed
from xcatalog.registry.common_types import (
    COMMON_TYPES,
    Address,
    CreditCard,
    Money,
    StrongPassword,
    validate_credit_card,
    validate_password_strength,
)
from xcatalog.registry.types import TypeCategory, TypeRegistry


@pytest.fixture
def types() -> TypeRegistry:
    registry = TypeRegistry()
    registry.register_common_types()
    return registry


@pytest.mark.parametrize(
    ("name", "path", "category", "base_type"),
    [
        ("PositiveInt", "ns.types.constraint.PositiveInt", TypeCategory.CONSTRAINT, "int"),
        ("Email", "ns.types.contact.Email", TypeCategory.CONSTRAINT, "str"),
        ("PhoneNumber", "ns.types.contact.PhoneNumber", TypeCategory.CONSTRAINT, "str"),
        ("CreditCard", "ns.types.payment.CreditCard", TypeCategory.VALIDATOR, "str"),
        ("StrongPassword", "ns.types.security.StrongPassword", TypeCategory.VALIDATOR, "str"),
        ("Money", "ns.types.financial.Money", TypeCategory.COMPOSITE, "Money"),
        ("Address", "ns.types.common.Address", TypeCategory.COMPOSITE, "Address"),
    ],
)
def test_common_types_are_registered(
    types: TypeRegistry, name: str, path: str, category: TypeCategory, base_type: str
) -> None:
    meta = types[name].metadata
    assert (meta.ns_path, meta.category, meta.base_type) == (path, category, base_type)
    assert meta.examples  # every ready-made type documents valid values, checked at registration


def test_constraints_are_extracted(types: TypeRegistry) -> None:
    assert types["PositiveInt"].metadata.constraints == {"gt": 0}
    assert types["PhoneNumber"].metadata.constraints == {
        "min_length": 10,
        "max_length": 15,
        "pattern": r"^\+?1?\d{10,14}$",
    }
    assert set(types["Email"].metadata.constraints) == {"pattern"}
    assert types["CreditCard"].metadata.validator_names == ["validate_credit_card"]


def test_registering_again_is_harmless(types: TypeRegistry) -> None:
    before = {path: types.types[path] for path in types.types}
    again = types.register_common_types()
    assert len(again) == len(COMMON_TYPES) == len(types) == 7
    assert all(types.types[path] is entry for path, entry in before.items())
    assert len(types.audit.events(action="register")) == 7


def test_import_paths_resolve_to_the_registered_classes(types: TypeRegistry) -> None:
    for name in ("CreditCard", "StrongPassword", "Money", "Address"):
        entry = types[name]
        module_name, qualname = entry.metadata.import_path.split(":")  # type: ignore[union-attr]
        assert getattr(importlib.import_module(module_name), qualname) is entry.type_class


# -- credit cards ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "cleaned"),
    [
        ("4111 1111 1111 1111", "4111111111111111"),
        ("5500-0000-0000-0004", "5500000000000004"),
        ("378282246310005", "378282246310005"),
        ("0", "0"),
    ],
)
def test_luhn_accepts_valid_numbers(types: TypeRegistry, number: str, cleaned: str) -> None:
    assert validate_credit_card(number) == cleaned
    assert types.validate("CreditCard", number) == cleaned
    assert CreditCard(value=number).value == cleaned  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("4111111111111112", "Luhn checksum fails"),
        ("4111 1111 1111 111a", "only digits"),
        ("", "only digits"),
        ("12.34", "only digits"),
    ],
)
def test_luhn_rejects_invalid_numbers(types: TypeRegistry, number: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_credit_card(number)
    with pytest.raises(ValidationFailed, match=reason) as caught:
        types.validate("CreditCard", number)
    if number:
        assert number not in str(caught.value)  # card numbers are secret


# -- passwords ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "at least 8 characters"),
        ("lowercase1!", "an uppercase letter"),
        ("UPPERCASE1!", "a lowercase letter"),
        ("NoDigits!!", "a digit"),
        ("NoSpecial12", "one of"),
    ],
)
def test_password_rules(types: TypeRegistry, password: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_password_strength(password)
    with pytest.raises(ValidationFailed, match=reason) as caught:
        types.validate("StrongPassword", password)
    assert password not in str(caught.value)
    assert all("input" not in error for error in caught.value.errors)


def test_strong_password_accepted(types: TypeRegistry) -> None:
    assert types.validate("StrongPassword", "Secur3!Passw0rd") == "Secur3!Passw0rd"
    assert StrongPassword(value="Xx345678!").value == "Xx345678!"  # type: ignore[attr-defined]


# -- contact -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_name", "value", "valid"),
    [
        ("Email", "user@example.com", True),
        ("Email", "first.last+tag@sub.example.org", True),
        ("Email", "user@localhost", False),
        ("Email", "not an email", False),
        ("PhoneNumber", "+14155550123", True),
        ("PhoneNumber", "4155550123", True),
        ("PhoneNumber", "415-555-0123", False),
        ("PhoneNumber", "12345", False),
        ("PositiveInt", 1, True),
        ("PositiveInt", 0, False),
    ],
)
def test_constraint_types(types: TypeRegistry, type_name: str, value: Any, valid: bool) -> None:
    assert types.is_valid(type_name, value) is valid


# -- money and addresses -----------------------------------------------------------------
def test_money(types: TypeRegistry) -> None:
    money = types.validate("Money", {"amount": 1234.5, "currency": "EUR"})
    assert isinstance(money, Money)
    assert money.amount == Decimal("1234.5")
    assert money.to_string() == "EUR 1,234.50"
    assert Money(amount=Decimal("3")).currency == "USD"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"amount": -1}, "Amount cannot be negative"),
        ({"amount": 1, "currency": "XYZ"}, "Currency must be one of USD, EUR, GBP, JPY, CNY"),
        ({"amount": "lots"}, "amount: Input should be a valid decimal"),
    ],
)
def test_money_rejects(types: TypeRegistry, data: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason):
        types.validate("Money", data)


@pytest.mark.parametrize(
    ("zip_code", "valid"), [("02101", True), ("02101-1234", True), ("2101", False), ("ABCDE", False)]
)
def test_address_zip_codes(types: TypeRegistry, zip_code: str, valid: bool) -> None:
    data = {"street": "1 Main St", "city": "Boston", "state": "MA", "zip_code": zip_code}
    assert types.is_valid("Address", data) is valid
    if valid:
        assert Address(**data).country == "USA"
