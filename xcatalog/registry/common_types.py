"""Ready-made types from the seed, written for pydantic v2.

They are plain importable objects; nothing is registered until
:meth:`~xcatalog.registry.TypeRegistry.register_common_types` is called::

    PositiveInt     ns.types.constraint.PositiveInt   Annotated[int, Field(gt=0)]
    Email           ns.types.contact.Email            str matching an e-mail pattern
    PhoneNumber     ns.types.contact.PhoneNumber      10-15 characters, optional + and country code
    CreditCard      ns.types.payment.CreditCard       digits passing the Luhn check (spaces/dashes removed)
    StrongPassword  ns.types.security.StrongPassword  8+ chars, upper, lower, digit, special
    Money           ns.types.financial.Money          non-negative Decimal amount + known currency
    Address         ns.types.common.Address           street, city, state, US ZIP code, country
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, field_validator

from xcatalog.registry._type_info import build_validated_model
from xcatalog.registry.types import SECRET_TAG, TypeCategory

__all__ = [
    "COMMON_TYPES",
    "SUPPORTED_CURRENCIES",
    "Address",
    "CommonType",
    "CreditCard",
    "Email",
    "Money",
    "PhoneNumber",
    "PositiveInt",
    "StrongPassword",
    "validate_credit_card",
    "validate_password_strength",
]

SUPPORTED_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CNY")
PASSWORD_SPECIALS = "!@#$%^&*"
_ZIP_CODE = re.compile(r"^\d{5}(-\d{4})?$")

PositiveInt = Annotated[int, Field(gt=0, description="Integer greater than zero")]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$"),
    Field(description="An e-mail address"),
]
PhoneNumber = Annotated[
    str,
    StringConstraints(pattern=r"^\+?1?\d{10,14}$", min_length=10, max_length=15),
    Field(description="A phone number: 10-14 digits, optional leading + and 1"),
]


def validate_credit_card(value: str) -> str:
    """Check a card number with the Luhn algorithm; return it without spaces and dashes.

    Raises:
        ValueError: It holds something other than digits, or the checksum fails.
    """
    digits = value.replace(" ", "").replace("-", "")
    if not digits.isdigit():
        raise ValueError("Credit card number must contain only digits, spaces and dashes")
    total = 0
    for position, digit in enumerate(reversed(digits)):
        number = int(digit)
        if position % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    if total % 10 != 0:
        raise ValueError("Invalid credit card number (Luhn checksum fails)")
    return digits


def validate_password_strength(value: str) -> str:
    """Check that a password has 8+ characters with upper, lower, digit and special characters.

    Raises:
        ValueError: Naming the first rule the password breaks.
    """
    if len(value) < 8:
        raise ValueError("Password must be at least 8 characters")
    if not any(char.isupper() for char in value):
        raise ValueError("Password must contain an uppercase letter")
    if not any(char.islower() for char in value):
        raise ValueError("Password must contain a lowercase letter")
    if not any(char.isdigit() for char in value):
        raise ValueError("Password must contain a digit")
    if not any(char in PASSWORD_SPECIALS for char in value):
        raise ValueError(f"Password must contain one of {PASSWORD_SPECIALS}")
    return value


CreditCard = build_validated_model(
    str, [validate_credit_card], "CreditCard", module=__name__, description="A card number passing the Luhn check."
)
StrongPassword = build_validated_model(
    str,
    [validate_password_strength],
    "StrongPassword",
    module=__name__,
    description="A password with 8+ characters, upper and lower case, a digit and a special character.",
)


class Address(BaseModel):
    """A postal address with a US ZIP code."""

    street: str
    city: str
    state: str
    zip_code: str
    country: str = "USA"

    @field_validator("zip_code")
    @classmethod
    def _check_zip_code(cls, value: str) -> str:
        if not _ZIP_CODE.match(value):
            raise ValueError("Invalid ZIP code format: expected 12345 or 12345-6789")
        return value


class Money(BaseModel):
    """An amount of money in a supported currency."""

    amount: Decimal
    currency: str = "USD"

    @field_validator("amount")
    @classmethod
    def _check_amount(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("Amount cannot be negative")
        return value

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        if value not in SUPPORTED_CURRENCIES:
            raise ValueError(f"Currency must be one of {', '.join(SUPPORTED_CURRENCIES)}")
        return value

    def to_string(self) -> str:
        """Format as ``USD 1,234.50``."""
        return f"{self.currency} {self.amount:,.2f}"


@dataclass(frozen=True)
class CommonType:
    """How one ready-made type is registered."""

    type_class: Any
    name: str
    category: TypeCategory
    namespace: str
    description: str
    examples: list[Any] = field(default_factory=list)
    tags: frozenset[str] = frozenset()


COMMON_TYPES: tuple[CommonType, ...] = (
    CommonType(
        PositiveInt,
        "PositiveInt",
        TypeCategory.CONSTRAINT,
        "constraint",
        "Integer greater than zero",
        [1, 100, 999],
        frozenset({"numeric", "validation"}),
    ),
    CommonType(
        Email,
        "Email",
        TypeCategory.CONSTRAINT,
        "contact",
        "Valid email address",
        ["user@example.com", "admin@company.org"],
        frozenset({"contact", "validation"}),
    ),
    CommonType(
        PhoneNumber,
        "PhoneNumber",
        TypeCategory.CONSTRAINT,
        "contact",
        "Valid phone number",
        ["+14155550123", "4155550123"],
        frozenset({"contact", "validation"}),
    ),
    CommonType(
        CreditCard,
        "CreditCard",
        TypeCategory.VALIDATOR,
        "payment",
        "Credit card number validated with the Luhn algorithm",
        ["4111 1111 1111 1111", "5500-0000-0000-0004"],
        frozenset({"payment", "validation", SECRET_TAG}),
    ),
    CommonType(
        StrongPassword,
        "StrongPassword",
        TypeCategory.VALIDATOR,
        "security",
        "Password meeting the security requirements",
        ["Secur3!Passw0rd"],
        frozenset({"security", "validation", SECRET_TAG}),
    ),
    CommonType(
        Money,
        "Money",
        TypeCategory.COMPOSITE,
        "financial",
        "Composite money type with currency",
        [{"amount": 100.50, "currency": "USD"}, {"amount": 85.00, "currency": "EUR"}],
        frozenset({"money", "currency", "financial"}),
    ),
    CommonType(
        Address,
        "Address",
        TypeCategory.COMPOSITE,
        "common",
        "Composite address type",
        [{"street": "123 Main St", "city": "Boston", "state": "MA", "zip_code": "02101"}],
        frozenset({"address", "location", "composite"}),
    ),
)
