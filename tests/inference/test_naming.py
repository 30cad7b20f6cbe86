from __future__ import annotations

import keyword
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcatalog.inference.naming import (
    class_name_part,
    escape_key,
    field_names,
    identifier_part,
    item_path,
    join_path,
    path_from_segments,
    to_class_name,
)


@pytest.mark.parametrize(
    ("key", "escaped"),
    [("plain", "plain"), ("a.b", "a\\.b"), ("a[]", "a\\[\\]"), ("back\\slash", "back\\\\slash"), ("", "")],
)
def test_escape_key(key: str, escaped: str) -> None:
    assert escape_key(key) == escaped


def test_paths() -> None:
    assert join_path(None, "items") == "items"
    assert join_path("items[]", "sku") == "items[].sku"
    assert item_path("matrix[]") == "matrix[][]"
    assert path_from_segments(["items", None, "sku"]) == "items[].sku"
    assert path_from_segments(["a.b", "c"]) == "a\\.b.c"


@pytest.mark.parametrize("segments", [[], [None, "a"]])
def test_path_from_segments_rejects_bad_input(segments: list[str | None]) -> None:
    with pytest.raises(ValueError, match="starts with a key"):
        path_from_segments(segments)


@given(st.lists(st.text(max_size=4), min_size=1, max_size=3), st.lists(st.text(max_size=4), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_escaped_paths_are_unambiguous(left: list[str], right: list[str]) -> None:
    if left != right:
        assert path_from_segments(left) != path_from_segments(right)


@pytest.mark.parametrize(
    ("key", "part"),
    [
        ("shipping", "Shipping"),
        ("first-name", "FirstName"),
        ("firstName", "FirstName"),
        ("first_name", "FirstName"),
        ("$ref", "Ref"),
        ("_id", "Id"),
        ("größe", "Grosse"),
        ("Ærø", "AEro"),
        ("名前", "Field"),
        ("café-crème", "CafeCreme"),
        ("2fa", "2fa"),
        ("", "Field"),
        ("$$", "Field"),
    ],
)
def test_class_name_part(key: str, part: str) -> None:
    assert class_name_part(key) == part


@pytest.mark.parametrize(
    ("name", "class_name"),
    [("orders", "Orders"), ("Order", "Order"), ("order-items", "OrderItems"), ("2020 orders", "Model2020Orders")],
)
def test_to_class_name(name: str, class_name: str) -> None:
    assert to_class_name(name) == class_name


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["_id"], {"_id": "id"}),
        (["first-name", "first_name"], {"first-name": "first_name_2", "first_name": "first_name"}),
        (["class", "def", "None"], {"class": "class_", "def": "def_", "None": "None_"}),
        (["2fa"], {"2fa": "field_2fa"}),
        (["", "field"], {"": "field_2", "field": "field"}),
        (
            ["model_dump", "model_validate_json", "json", "copy", "model_config"],
            {
                "model_dump": "field_model_dump",
                "model_validate_json": "field_model_validate_json",
                "json": "json_",
                "copy": "copy_",
                "model_config": "model_config_",
            },
        ),
        (["ﬁeld"], {"ﬁeld": "field"}),
        (["größe", "名前"], {"größe": "größe", "名前": "名前"}),
        (["$ref", "a.b", "with space"], {"$ref": "ref", "a.b": "a_b", "with space": "with_space"}),
        (["str", "list", "id", "type"], {"str": "str_", "list": "list_", "id": "id", "type": "type"}),
        (["__v", "_"], {"__v": "v", "_": "field"}),
    ],
)
def test_field_names(keys: list[str], expected: dict[str, str]) -> None:
    assert field_names(keys) == expected


def test_field_names_respect_reserved() -> None:
    assert field_names(["datetime", "Order"], reserved={"datetime", "Order"}) == {
        "datetime": "datetime_",
        "Order": "Order_",
    }


@given(st.lists(st.text(max_size=6), max_size=12))
@settings(max_examples=300, deadline=None)
def test_field_names_are_distinct_safe_identifiers(keys: list[str]) -> None:
    names = field_names(keys)
    assert list(names) == list(dict.fromkeys(keys))
    assert len(set(names.values())) == len(names)
    for name in names.values():
        assert name.isidentifier()
        assert not name.startswith("_")
        assert not keyword.iskeyword(name)
        assert unicodedata.normalize("NFKC", name) == name  # the parser would rename it otherwise


@pytest.mark.parametrize(
    ("key", "part"),
    [("first-name", "first_name"), ("aB", "aB"), ("$$", "field"), ("_x_", "x"), ("größe", "grosse"), ("名前", "field")],
)
def test_identifier_part(key: str, part: str) -> None:
    assert identifier_part(key) == part
