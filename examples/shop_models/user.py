"""User accounts, profiles and settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from .common import Address, PhoneNumber

__all__ = ["User", "UserProfile", "UserRole", "UserSettings"]


class UserRole(StrEnum):
    """What a user may do in the shop."""

    CUSTOMER = "customer"
    STAFF = "staff"
    ADMIN = "admin"


class User(BaseModel):
    """A user account."""

    id: str = Field(alias="_id", min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    username: str = Field(min_length=3, max_length=50)
    role: UserRole = UserRole.CUSTOMER
    is_active: bool = True
    created_at: datetime
    addresses: list[Address] = Field(default_factory=list)
    phone: PhoneNumber | None = None


class UserProfile(BaseModel):
    """What a user tells about themselves."""

    user_id: str
    first_name: str | None = None
    last_name: str | None = None
    avatar_url: str | None = None
    bio: str | None = Field(None, max_length=500)
    preferences: dict[str, Any] = Field(default_factory=dict)


class UserSettings(BaseModel):
    """Per-user preferences of the shop's interface."""

    user_id: str
    theme: Literal["light", "dark", "system"] = "system"
    newsletter: bool = False
    items_per_page: int = Field(20, ge=5, le=100)
