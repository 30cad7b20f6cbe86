"""Semantic types of string fields: email, URL, UUID, phone, IP address, ISO date, credit card, ObjectId.

Detection runs on a sample of the values (see :func:`detect_semantic_type`), not
on every row: the patterns are evaluated by polars' Rust regex engine over the
sample in one pass, and the Luhn checksum (which no regex can express) only on
the values that already look like card numbers.

Email, phone and credit-card fields are *sensitive*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

__all__ = [
    "SEMANTIC_PATTERNS",
    "SENSITIVE_TYPES",
    "SemanticMatch",
    "detect_semantic_type",
    "is_luhn_valid",
    "semantic_match_counts",
]

#: Pattern of each semantic type, most specific first: on equal shares the earlier one wins.
#: They are anchored and use only syntax both Python's ``re`` and Rust's ``regex`` accept.
SEMANTIC_PATTERNS: dict[str, str] = {
    "object_id": r"^[0-9a-fA-F]{24}$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "email": (
        r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
    ),
    "url": r"^(?:https?|ftp)://[^\s/$.?#][^\s]*$",
    "ip_address": (
        r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$"
        r"|^(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}$|^(?:[0-9a-fA-F]{1,4}:){1,7}:$|^::(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{1,4}$"
        r"|^(?:[0-9a-fA-F]{1,4}:){1,6}(?::[0-9a-fA-F]{1,4}){1,6}$"
    ),
    "iso_date": (
        r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
        r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$"
    ),
    # 13-19 digits, optionally grouped by single spaces or dashes; the Luhn check follows.
    "credit_card": r"^\d(?:[ -]?\d){12,18}$",
    "phone": r"^\+?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,14}$",
}

#: Semantic types whose values identify or can harm a person.
SENSITIVE_TYPES = frozenset({"email", "phone", "credit_card"})


@dataclass(frozen=True)
class SemanticMatch:
    """The semantic type of a field and how well its values match.

    Attributes:
        semantic_type: A key of :data:`SEMANTIC_PATTERNS`.
        share: Share of the examined values that match.
        sample_size: Values examined.
        sensitive: Whether the type is in :data:`SENSITIVE_TYPES`.
    """

    semantic_type: str
    share: float
    sample_size: int

    @property
    def sensitive(self) -> bool:
        """Whether the type is in :data:`SENSITIVE_TYPES`."""
        return self.semantic_type in SENSITIVE_TYPES


def is_luhn_valid(number: str) -> bool:
    """Return whether the digits of ``number`` pass the Luhn checksum (spaces and dashes ignored).

    Example:
        >>> is_luhn_valid("4111 1111 1111 1111"), is_luhn_valid("4111 1111 1111 1112")
        (True, False)
    """
    digits = [int(char) for char in number if char.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def semantic_match_counts(values: pl.Series) -> dict[str, int]:
    """Count, for every semantic type, how many of ``values`` match it.

    Args:
        values: Non-null strings.

    Returns:
        Semantic type -> number of matching values (credit cards also pass Luhn).
    """
    if values.len() == 0:
        return dict.fromkeys(SEMANTIC_PATTERNS, 0)
    frame = values.rename("value").to_frame()
    counts = frame.select(
        [pl.col("value").str.contains(pattern).sum().alias(name) for name, pattern in SEMANTIC_PATTERNS.items()]
    ).row(0, named=True)
    result = {name: int(count or 0) for name, count in counts.items()}
    if result["credit_card"]:
        candidates = frame.filter(pl.col("value").str.contains(SEMANTIC_PATTERNS["credit_card"]))["value"]
        result["credit_card"] = sum(1 for number in candidates.to_list() if is_luhn_valid(number))
    return result


def detect_semantic_type(values: pl.Series | Sequence[str], *, min_share: float = 0.5) -> SemanticMatch | None:
    """Find the semantic type most of ``values`` match.

    Args:
        values: Non-null string values (a sample of the field; nulls are dropped).
        min_share: Least share of matching values for a type to be reported.

    Returns:
        The type with the largest share (ties go to the more specific type, in the
        order of :data:`SEMANTIC_PATTERNS`), or ``None`` when no type reaches ``min_share``.

    Example:
        >>> detect_semantic_type(["ana@example.com", "ben@example.org", "n/a"]).semantic_type
        'email'
    """
    series = values if isinstance(values, pl.Series) else pl.Series("value", list(values), dtype=pl.String)
    series = series.drop_nulls()
    size = series.len()
    if size == 0:
        return None
    counts = semantic_match_counts(series)
    best = max(SEMANTIC_PATTERNS, key=lambda name: counts[name])  # max keeps the first of equal counts
    share = counts[best] / size
    if counts[best] == 0 or share < min_share:
        return None
    return SemanticMatch(semantic_type=best, share=share, sample_size=size)
