from __future__ import annotations

import re

import polars as pl
import pytest

from xcatalog.profiling.semantic import SEMANTIC_PATTERNS, detect_semantic_type, is_luhn_valid, semantic_match_counts


@pytest.mark.parametrize(
    ("values", "expected", "sensitive"),
    [
        (["ana@example.com", "b.o+tag@mail.example.org"], "email", True),
        (["https://example.com/a?b=1", "http://x.org"], "url", False),
        (["123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000"], "uuid", False),
        (["+49 30 1234567", "(030) 123-4567"], "phone", True),
        (["10.0.0.1", "255.255.255.255", "::1", "2001:db8::ff00:42:8329"], "ip_address", False),
        (["2024-01-31", "2024-01-31T12:30:00Z", "2024-01-31 12:30:00.123+02:00"], "iso_date", False),
        (["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"], "credit_card", True),
        (["507f1f77bcf86cd799439011", "507F1F77BCF86CD799439012"], "object_id", False),
    ],
)
def test_detects_each_type(values: list[str], expected: str, sensitive: bool) -> None:
    match = detect_semantic_type(values)
    assert match is not None
    assert match.semantic_type == expected
    assert match.share == 1.0
    assert match.sensitive is sensitive
    assert match.sample_size == len(values)


@pytest.mark.parametrize(
    "value",
    ["256.1.1.1", "2024-13-01", "not an email@", "4111 1111 1111 1112", "", "hello world"],
)
def test_near_misses_do_not_match(value: str) -> None:
    counts = semantic_match_counts(pl.Series([value]))
    assert counts["ip_address"] == 0 and counts["iso_date"] == 0 and counts["email"] == 0
    assert counts["credit_card"] == 0


def test_share_below_minimum_gives_no_type() -> None:
    values = ["a@example.com", "x", "y", "z"]
    assert detect_semantic_type(values) is None
    match = detect_semantic_type(values, min_share=0.25)
    assert match is not None and match.share == 0.25


def test_nulls_are_ignored_and_empty_input_has_no_type() -> None:
    assert detect_semantic_type(pl.Series([None, None], dtype=pl.String)) is None
    match = detect_semantic_type(pl.Series(["a@b.org", None], dtype=pl.String))
    assert match is not None and match.sample_size == 1


@pytest.mark.parametrize(("number", "valid"), [("79927398713", True), ("79927398710", False), ("0", False)])
def test_luhn(number: str, valid: bool) -> None:
    assert is_luhn_valid(number) is valid


def test_patterns_compile_in_python_too() -> None:
    for pattern in SEMANTIC_PATTERNS.values():
        re.compile(pattern)
