from __future__ import annotations

import fnmatch
import re
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcatalog.errors import AlreadyRegistered, AmbiguousName, InvalidName, NotRegistered
from xcatalog.registry import _namespace
from xcatalog.registry._namespace import NamespaceIndex, build_path, split_path, validate_namespace, validate_segment


def make_index(*paths: str) -> NamespaceIndex[str]:
    index: NamespaceIndex[str] = NamespaceIndex("functions")
    for path in paths:
        index.add(path, path.upper())
    return index


@pytest.mark.parametrize("segment", ["add", "_private", "Product2", "x"])
def test_validate_segment_accepts_identifiers(segment: str) -> None:
    assert validate_segment(segment) == segment


@pytest.mark.parametrize(
    ("segment", "suggestion"),
    [("2fast", "_2fast"), ("my-name", "my_name"), ("a b", "a_b"), ("", "name"), ("a.b", "a_b")],
)
def test_validate_segment_rejects_and_suggests(segment: str, suggestion: str) -> None:
    with pytest.raises(InvalidName, match=re.escape(f"for example {suggestion!r}")):
        validate_segment(segment)


@pytest.mark.parametrize("namespace", ["", "math..basic", "math.", ".math", "math.2d", "shop-eu"])
def test_validate_namespace_rejects_bad_segments(namespace: str) -> None:
    with pytest.raises(InvalidName, match=r"Invalid namespace( segment)?"):
        validate_namespace(namespace)


def test_build_and_split_path_round_trip() -> None:
    path = build_path("ns", "functions", "math.basic", "add")
    assert path == "ns.functions.math.basic.add"
    assert split_path(path) == ("ns", "functions", "math.basic", "add")


def test_split_path_rejects_short_paths() -> None:
    with pytest.raises(InvalidName, match=re.escape("expected '<prefix>.<kind>.<namespace>.<name>'")):
        split_path("ns.functions.add")


def test_path_for_validates() -> None:
    index: NamespaceIndex[str] = NamespaceIndex("models", prefix="cat")
    assert index.path_for("shop", "Product") == "cat.models.shop.Product"
    with pytest.raises(InvalidName, match="'Pro duct'"):
        index.path_for("shop", "Pro duct")


def test_lookup_by_full_path_short_name_and_partial_path() -> None:
    index = make_index("ns.functions.math.basic.add", "ns.functions.text.upper")
    assert index["ns.functions.math.basic.add"] == "NS.FUNCTIONS.MATH.BASIC.ADD"
    assert index["add"] == index["basic.add"] == index["math.basic.add"] == index["ns.functions.math.basic.add"]
    assert "upper" in index
    assert "text.upper" in index
    assert "math.upper" not in index
    assert index.get("missing") is None
    assert index.get("missing", "fallback") == "fallback"


def test_missing_name_lists_what_exists() -> None:
    index = make_index("ns.functions.math.add", "ns.functions.math.subtract")
    with pytest.raises(NotRegistered, match=r"No function 'mul'.*Available: add, subtract") as caught:
        index["mul"]
    assert caught.value.available == ["add", "subtract"]
    assert isinstance(caught.value, KeyError)


def test_non_string_keys_are_not_found() -> None:
    index = make_index("ns.functions.math.add")
    assert 3 not in index
    with pytest.raises(NotRegistered, match="Registry keys are strings"):
        index.resolve_path(3)  # type: ignore[arg-type]


def test_same_short_name_in_two_namespaces_is_kept_and_ambiguous() -> None:
    index = make_index("ns.functions.math.basic.add", "ns.functions.text.add")
    assert len(index) == 2
    assert "add" in index  # it exists, even if the name alone cannot pick one
    with pytest.raises(AmbiguousName, match=r"ns\.functions\.math\.basic\.add, ns\.functions\.text\.add") as caught:
        index["add"]
    assert caught.value.candidates == ["ns.functions.math.basic.add", "ns.functions.text.add"]
    with pytest.raises(AmbiguousName):
        index.get("add")
    assert index["text.add"] == "NS.FUNCTIONS.TEXT.ADD"
    assert index.paths_named("add") == ["ns.functions.math.basic.add", "ns.functions.text.add"]
    assert index.names() == ["add"]


def test_re_registering_a_path_needs_allow_override() -> None:
    index = make_index("ns.functions.math.add")
    with pytest.raises(AlreadyRegistered, match=r"ns\.functions\.math\.add is already registered.*allow_override=True"):
        index.add("ns.functions.math.add", "other")
    assert index["add"] == "NS.FUNCTIONS.MATH.ADD"
    previous = index.add("ns.functions.math.add", "other", allow_override=True)
    assert previous == "NS.FUNCTIONS.MATH.ADD"
    assert index["add"] == "other"
    assert len(index) == 1
    assert index.paths_named("add") == ["ns.functions.math.add"]


def test_remove_updates_name_and_glob_indexes() -> None:
    index = make_index("ns.functions.math.add", "ns.functions.text.add", "ns.functions.math.mul")
    removed = index.remove("math.add")
    assert removed == "NS.FUNCTIONS.MATH.ADD"
    assert index["add"] == "NS.FUNCTIONS.TEXT.ADD"  # no longer ambiguous
    assert index.find_paths("math.*") == ["ns.functions.math.mul"]
    index.remove("mul")
    assert "mul" not in index.names()
    with pytest.raises(NotRegistered):
        index.remove("mul")


def test_seed_glob_rule_matches_nested_namespaces() -> None:
    index = make_index(
        "ns.functions.math.basic.add",
        "ns.functions.math.basic.subtract",
        "ns.functions.math.advanced.power",
        "ns.functions.mathematics.pi",
        "ns.functions.text.upper",
    )
    assert index.find_paths("ns.functions.math.*") == [
        "ns.functions.math.advanced.power",
        "ns.functions.math.basic.add",
        "ns.functions.math.basic.subtract",
    ]
    assert len(index.find("ns.functions.math.basic.*")) == 2
    # Relative patterns are taken under <prefix>.<kind>.
    assert index.find_paths("math.*") == index.find_paths("ns.functions.math.*")
    assert index.find_paths("math*") == [*index.find_paths("math.*"), "ns.functions.mathematics.pi"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ns.functions.math.basic.add", ["ns.functions.math.basic.add"]),  # no wildcard: exact
        ("ns.functions.math.basic.nothing", []),
        ("*.add", ["ns.functions.math.basic.add"]),
        ("math.basic.a??", ["ns.functions.math.basic.add"]),
        ("math.basic.[as]*", ["ns.functions.math.basic.add", "ns.functions.math.basic.subtract"]),
        ("ns.models.*", []),
    ],
)
def test_glob_patterns(pattern: str, expected: list[str]) -> None:
    index = make_index("ns.functions.math.basic.add", "ns.functions.math.basic.subtract", "ns.functions.text.upper")
    assert index.find_paths(pattern) == expected


def test_glob_search_does_not_match_entries_outside_the_literal_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    index: NamespaceIndex[int] = NamespaceIndex("functions")
    for number in range(1000):
        index.add(f"ns.functions.bulk{number % 10}.f{number}", number)
    for name in ("add", "sub", "mul"):
        index.add(f"ns.functions.math.{name}", 0)
    matched: list[str] = []

    class CountingPattern:
        def __init__(self, pattern: str) -> None:
            self.compiled = re.compile(pattern)

        def match(self, text: str) -> Any:
            matched.append(text)
            return self.compiled.match(text)

    monkeypatch.setattr(_namespace, "re", SimpleNamespace(compile=CountingPattern))
    assert index.find_paths("ns.functions.math.*") == [
        "ns.functions.math.add",
        "ns.functions.math.mul",
        "ns.functions.math.sub",
    ]
    assert sorted(matched) == ["ns.functions.math.add", "ns.functions.math.mul", "ns.functions.math.sub"]


def test_out_of_order_inserts_keep_glob_results_sorted() -> None:
    index = make_index("ns.functions.z.last", "ns.functions.a.first", "ns.functions.m.middle")
    assert index.find_paths("*") == ["ns.functions.a.first", "ns.functions.m.middle", "ns.functions.z.last"]
    index.add("ns.functions.b.second", "B")
    assert index.find_paths("*")[1] == "ns.functions.b.second"


segment = st.sampled_from(["a", "b", "ab", "ba", "c_1"])
path_strategy = st.lists(segment, min_size=2, max_size=4).map(lambda parts: "ns.functions." + ".".join(parts))
pattern_strategy = st.lists(st.sampled_from(["a", "b", "*", "?", ".", "ab", "[ab]"]), min_size=1, max_size=6).map(
    "".join
)


@settings(max_examples=150, deadline=None)
@given(paths=st.sets(path_strategy, max_size=25), pattern=pattern_strategy)
def test_glob_search_agrees_with_fnmatch_over_every_path(paths: set[str], pattern: str) -> None:
    index = make_index(*paths)
    absolute = "ns.functions." + pattern
    expected = sorted(path for path in paths if fnmatch.fnmatchcase(path, absolute))
    assert index.find_paths(pattern) == expected


def test_mapping_protocol_iterates_full_paths() -> None:
    index = make_index("ns.functions.b.two", "ns.functions.a.one")
    assert sorted(index) == ["ns.functions.a.one", "ns.functions.b.two"]
    assert dict(index.items())["ns.functions.a.one"] == "NS.FUNCTIONS.A.ONE"


def make_grid_index() -> NamespaceIndex[int]:
    """Paths shaped like the benchmark's: several namespaces, the same short names in many of them."""
    index: NamespaceIndex[int] = NamespaceIndex("functions")
    for number in range(300):  # 300 = lcm(6, 4, 50): every path is distinct
        index.add(f"ns.functions.area{number % 6}.team{number % 4}.f_{number % 50:03d}", number)
    for name in ("add", "sub", "addition"):
        index.add(f"ns.functions.math.{name}", 0)
    index.add("ns.functions.f_007", 0)  # directly under the root
    return index


@pytest.mark.parametrize(
    "pattern",
    [
        # last segment without wildcards: the short-name index gives the candidates
        "*.f_007",
        "*f_007",
        "ns.functions.*.f_007",
        "area1.*.f_007",
        "area?.team2.f_007",
        "*.team[13].f_007",
        "*.add",
        "*.nothing",
        "*.",
        "ns.functions.area3.team1.*.f_049",
        # last segment with wildcards: the literal-prefix scan
        "*.f_00?",
        "*.f_0[01]7",
        "area2.*",
        "*.add*",
        "*",
        "math.*",
    ],
)
def test_glob_results_equal_a_linear_fnmatch_over_every_path(pattern: str) -> None:
    index = make_grid_index()
    absolute = pattern if pattern.startswith("ns.") else f"ns.functions.{pattern}"
    expected = sorted(path for path in index if fnmatch.fnmatchcase(path, absolute))
    assert index.find_paths(pattern) == expected


def test_a_literal_last_segment_matches_only_paths_with_that_short_name(monkeypatch: pytest.MonkeyPatch) -> None:
    index = make_grid_index()
    matched: list[str] = []
    compile_glob = _namespace._compile_glob

    def counting_compile(pattern: str) -> Any:
        match = compile_glob(pattern)

        def counting_match(path: str) -> object:
            matched.append(path)
            return match(path)

        return counting_match

    monkeypatch.setattr(_namespace, "_compile_glob", counting_compile)
    found = index.find_paths("*.team3.f_007")
    assert found == [
        "ns.functions.area1.team3.f_007",
        "ns.functions.area3.team3.f_007",
        "ns.functions.area5.team3.f_007",
    ]
    # Only the entries named f_007 (6 in the grid, 1 under the root) were tried, not the other 297.
    assert matched, "the matcher must still check each candidate"
    assert all(path.rsplit(".", 1)[-1] == "f_007" for path in matched)
    assert sorted(matched) == index.paths_named("f_007")


def test_the_short_name_path_follows_additions_and_removals() -> None:
    index = make_grid_index()
    index.add("ns.functions.zeta.f_007", 1)
    index.add("ns.functions.alpha.f_007", 2)  # out of order: the sorted list is rebuilt
    found = index.find_paths("*.f_007")
    assert found == sorted(path for path in index if fnmatch.fnmatchcase(path, "ns.functions.*.f_007"))
    assert (found[0], found[-1]) == ("ns.functions.alpha.f_007", "ns.functions.zeta.f_007")
    index.remove("ns.functions.zeta.f_007")
    assert "ns.functions.zeta.f_007" not in index.find_paths("*.f_007")
