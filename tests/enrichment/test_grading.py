from __future__ import annotations

from typing import Any

import pytest

from xcatalog.enrichment.grading import grade_categories, is_closed_set
from xcatalog.enrichment.model import CategoryStats

CLOSED = CategoryStats.from_counts({"Electronics": 40, "Books": 30, "Garden": 30}, is_closed=True)
OPEN = CategoryStats.from_counts({"Paris": 5, "Oslo": 1, "Rome": 1, "Lima": 1}, is_closed=False)


@pytest.mark.parametrize(
    ("is_categorical", "unseen_share", "observations", "expected"),
    [
        (True, 0.0, 100, True),
        (True, 0.05, 20, True),
        (True, 0.051, 100, False),  # too many singletons: new values keep turning up
        (True, 0.0, 19, False),  # too few observations to forbid anything
        (False, 0.0, 100, False),  # not categorical at all
    ],
)
def test_is_closed_set_rule(is_categorical: bool, unseen_share: float, observations: int, expected: bool) -> None:
    verdict = is_closed_set(is_categorical=is_categorical, unseen_share=unseen_share, observations=observations)
    assert verdict is expected


def test_thresholds_are_adjustable() -> None:
    assert is_closed_set(
        is_categorical=True, unseen_share=0.2, observations=5, max_unseen_share=0.25, min_observations=5
    )


def test_closed_set_unseen_value_is_an_error_with_did_you_mean() -> None:
    errors, warnings = grade_categories({"category": "Electroncs"}, {"category": CLOSED})
    assert warnings == []
    assert len(errors) == 1
    error = errors[0]
    assert error["msg"] == "Invalid value for category: 'Electroncs'. Did you mean 'Electronics'?"
    assert error["loc"] == ("category",)
    assert error["type"] == "category_unseen"
    assert error["input"] == "Electroncs"
    assert error["suggestions"] == ["Electronics"]
    assert error["ctx"]["closed"] is True


def test_closed_set_value_far_from_everything_lists_observed_values() -> None:
    errors, _ = grade_categories({"category": "Zzzzzz"}, {"category": CLOSED})
    assert errors[0]["suggestions"] == []
    assert "Observed values: Books, Electronics, Garden." in errors[0]["msg"]


def test_open_set_unseen_value_is_a_warning() -> None:
    errors, warnings = grade_categories({"city": "Pariss"}, {"city": OPEN})
    assert errors == []
    assert len(warnings) == 1
    assert warnings[0]["type"] == "category_unseen_open_set"
    assert warnings[0]["suggestions"][0] == "Paris"
    assert "accepted" in warnings[0]["msg"]
    assert "Did you mean 'Paris'?" in warnings[0]["msg"]


@pytest.mark.parametrize("record", [{"category": "Books"}, {"category": None}, {}, {"other": "Electroncs"}])
def test_seen_null_or_absent_values_pass(record: dict[str, Any]) -> None:
    assert grade_categories(record, {"category": CLOSED}) == ([], [])


def test_case_only_difference_is_an_error_suggesting_the_right_case() -> None:
    errors, _ = grade_categories({"category": "books"}, {"category": CLOSED})
    assert errors[0]["suggestions"][0] == "Books"


def test_rare_value_of_a_closed_set_is_flagged_as_probable_typo() -> None:
    stats = CategoryStats.from_counts({"Electronics": 60, "Electroncs": 1, "Books": 39}, is_closed=True)
    errors, warnings = grade_categories({"category": "Electroncs"}, {"category": stats})
    assert errors == []
    assert [warning["type"] for warning in warnings] == ["category_rare"]
    assert warnings[0]["suggestions"] == ["Electronics"]


def test_nested_and_array_paths_are_graded_with_their_location() -> None:
    fields = {"address.country": CLOSED, "items[].kind": CLOSED}
    record = {"address": {"country": "Bookz"}, "items": [{"kind": "Books"}, {"kind": "Gardn"}]}
    errors, _ = grade_categories(record, fields)
    assert sorted(error["loc"] for error in errors) == [("address", "country"), ("items", "kind")]
    assert {error["input"] for error in errors} == {"Bookz", "Gardn"}


def test_multiple_suggestions_are_named_in_the_message() -> None:
    stats = CategoryStats.from_counts({"Bolts": 30, "Boots": 30, "Books": 30}, is_closed=True)
    errors, _ = grade_categories({"kind": "Boots2"}, {"kind": stats})
    assert errors[0]["msg"].startswith("Invalid value for kind: 'Boots2'. Did you mean 'Boots'? (or ")
    assert len(errors[0]["suggestions"]) >= 2
