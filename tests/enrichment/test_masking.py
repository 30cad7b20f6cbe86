from __future__ import annotations

from typing import Any

import pytest

from xcatalog.enrichment.masking import MASK, mask_card, mask_email, mask_phone, mask_record, mask_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("alice@example.com", "a***@example.com"), ("b@x.org", "b***@x.org"), ("no-at-sign", MASK), ("@x.org", MASK)],
)
def test_mask_email(text: str, expected: str) -> None:
    assert mask_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("+1 555-123-4567", "+* ***-***-**67"), ("0612345678", "********78"), ("12", MASK)],
)
def test_mask_phone(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4111 1111 1111 1111", "**** **** **** 1111"), ("4111111111111111", "************1111"), ("123", MASK)],
)
def test_mask_card(text: str, expected: str) -> None:
    assert mask_card(text) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("ann@x.io", "email", "a***@x.io"),
        ("+33 6 12", "phone", "+** * 12"),
        (4111111111111111, "credit_card", "************1111"),
        ("secret", "ssn", MASK),
        ("secret", None, MASK),
        (None, "email", None),
        (["a@x.io", "b@y.io"], "email", ["a***@x.io", "b***@y.io"]),
    ],
)
def test_mask_value(value: Any, kind: str | None, expected: Any) -> None:
    assert mask_value(value, kind) == expected


def test_mask_record_masks_nested_and_array_paths_without_touching_the_input() -> None:
    record = {
        "name": "Ann",
        "email": "ann@example.com",
        "contact": {"phone": "+1 555 0100"},
        "cards": [{"number": "4111 1111 1111 1111"}, {"number": "5500 0000 0000 0004"}],
    }
    masked = mask_record(
        record, {"email": "email", "contact.phone": "phone", "cards[].number": "credit_card", "absent.path": "email"}
    )
    assert masked == {
        "name": "Ann",
        "email": "a***@example.com",
        "contact": {"phone": "+* *** **00"},
        "cards": [{"number": "**** **** **** 1111"}, {"number": "**** **** **** 0004"}],
    }
    assert record["email"] == "ann@example.com"
    assert record["contact"]["phone"] == "+1 555 0100"
    assert record["cards"][0]["number"] == "4111 1111 1111 1111"
