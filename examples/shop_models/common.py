"""Common value types shared by the other models: addresses, money and phone numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

__all__ = ["Address", "Money", "PhoneNumber"]

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]


class Address(BaseModel):
    """A postal address (US style by default)."""

    street: str = Field(min_length=1)
    city: str
    state: str = Field(min_length=2, max_length=2)
    zip_code: str = Field(pattern=r"^\d{5}(-\d{4})?$", alias="zipCode")
    country: str = "USA"


class Money(BaseModel):
    """An amount with its currency."""

    amount: Decimal = Field(decimal_places=2, ge=0)
    currency: CurrencyCode = "USD"


class PhoneNumber(BaseModel):
    """A phone number in E.164 form, with an optional label."""

    number: str = Field(pattern=r"^\+[1-9]\d{6,14}$")
    label: str | None = None

    @field_validator("number")
    @classmethod
    def _strip_spaces(cls, value: str) -> str:
        # A validator is code, not schema: only the static (imported) model keeps it.
        return value.replace(" ", "")
