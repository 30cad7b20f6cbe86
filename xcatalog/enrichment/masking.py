"""Masking sensitive values for roles that may not read them. Pure.

The profile marks email, phone and credit-card fields sensitive. A role without
the model's ``read_sensitive`` permission sees them masked wherever enrichment
shows values (sample data, examples, suggestions):

* email ``alice@example.com`` -> ``a***@example.com`` (the domain stays: it is
  useful for analysis and rarely identifying);
* phone ``+1 555-123-4567`` -> ``+* ***-***-**67`` (last two digits, layout kept);
* card ``4111 1111 1111 1111`` -> ``**** **** **** 1111`` (last four, as on receipts);
* anything else sensitive -> ``***``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from xcatalog.enrichment._paths import replace_at_path

__all__ = ["MASK", "mask_card", "mask_email", "mask_phone", "mask_record", "mask_value"]

MASK = "***"


def mask_email(text: str) -> str:
    """``alice@example.com`` -> ``a***@example.com``; text without ``@`` is fully masked."""
    local, at, domain = text.partition("@")
    if not at or not local:
        return MASK
    return f"{local[0]}{MASK}@{domain}"


def _mask_digits(text: str, keep: int) -> str:
    total = sum(character.isdigit() for character in text)
    if total <= keep:
        return MASK
    seen = 0
    masked = []
    for character in text:
        if character.isdigit():
            seen += 1
            masked.append(character if seen > total - keep else "*")
        else:
            masked.append(character)
    return "".join(masked)


def mask_phone(text: str) -> str:
    """Mask every digit but the last two, keeping the layout (``+* ***-***-**67``)."""
    return _mask_digits(text, keep=2)


def mask_card(text: str) -> str:
    """Mask every digit but the last four, keeping the layout (``**** **** **** 1111``)."""
    return _mask_digits(text, keep=4)


def mask_value(value: Any, semantic_type: str | None = None) -> Any:
    """Mask one value according to its semantic type.

    Args:
        value: The value (``None`` stays ``None``; other non-strings are masked as text).
        semantic_type: ``email``, ``phone``, ``credit_card`` (names containing
            these words match too), or anything else for a full mask.

    Returns:
        The masked text, or ``None``.
    """
    if value is None:
        return None
    if isinstance(value, list):
        return [mask_value(item, semantic_type) for item in value]
    text = str(value)
    kind = (semantic_type or "").lower()
    if "email" in kind or "e-mail" in kind:
        return mask_email(text)
    if "phone" in kind:
        return mask_phone(text)
    if "card" in kind or "credit" in kind:
        return mask_card(text)
    return MASK


def mask_record(record: Mapping[str, Any], sensitive: Mapping[str, str | None]) -> dict[str, Any]:
    """A copy of ``record`` with every sensitive path masked.

    Args:
        record: A (possibly nested) document.
        sensitive: Field path (``contact.email``, ``people[].phone``) -> semantic type.

    Returns:
        The masked copy; ``record`` is not modified.
    """
    masked: Any = dict(record)
    for path, semantic_type in sensitive.items():
        masked = replace_at_path(masked, path, _masker(semantic_type))
    return dict(masked)


def _masker(semantic_type: str | None) -> Callable[[Any], Any]:
    def mask(value: Any) -> Any:
        return mask_value(value, semantic_type)

    return mask
