"""Orders and their lines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from .common import Address, Money

__all__ = ["CardPayment", "InvoicePayment", "Order", "OrderItem", "OrderStatus"]


class OrderStatus(StrEnum):
    """Where an order is in its life."""

    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderItem(BaseModel):
    """One line of an order."""

    sku: str
    quantity: int = Field(ge=1)
    unit_price: Money


class CardPayment(BaseModel):
    """Paid by card."""

    method: Literal["card"] = "card"
    last4: str = Field(pattern=r"^\d{4}$")


class InvoicePayment(BaseModel):
    """Paid on invoice."""

    method: Literal["invoice"] = "invoice"
    due_days: int = Field(30, ge=0, le=120)


class Order(BaseModel):
    """A customer's order."""

    order_id: str = Field(alias="orderId")
    user_id: str
    status: OrderStatus = OrderStatus.PENDING
    items: list[OrderItem] = Field(min_length=1)
    shipping: Address | None = None
    payment: CardPayment | InvoicePayment | None = None
    placed_at: datetime
    note: str | int | None = None
