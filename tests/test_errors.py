from __future__ import annotations

import pytest

from xcatalog import errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mongodb://ana:s3cret@db:27017/shop", "mongodb://ana:***@db:27017/shop"),
        ("mongodb+srv://ana:p%40ss@cluster.example/", "mongodb+srv://ana:***@cluster.example/"),
        ("password=hunter2 user=ana", "password=*** user=ana"),
        ("mongodb://db:27017/", "mongodb://db:27017/"),
    ],
)
def test_redact_masks_passwords(text: str, expected: str) -> None:
    assert errors.redact(text) == expected


def test_format_choices_sorts_and_caps() -> None:
    assert errors.format_choices([]) == "(none)"
    assert errors.format_choices(["b", "a", "b"]) == "a, b"
    assert errors.format_choices([f"n{i:02}" for i in range(15)], limit=3) == "n00, n01, n02, ... (+12 more)"


def test_key_error_branches_print_their_message_not_a_repr() -> None:
    error = errors.NotRegistered("No model 'X'. Available: A, B.", name="X", available=["A", "B"])
    assert str(error) == "No model 'X'. Available: A, B."
    assert isinstance(error, KeyError)
    assert isinstance(error, errors.XCatalogError)
    assert error.available == ["A", "B"]


def test_every_error_derives_from_the_root() -> None:
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type):
            assert issubclass(value, errors.XCatalogError), name
