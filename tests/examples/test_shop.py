"""The sample shop: deterministic, the declared sizes, and exactly the declared problems."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest

from xcatalog.errors import ValidationFailed
from xcatalog.examples.shop import (
    BASE_COUNTS,
    COLLECTIONS,
    DEFAULT_SEED,
    ExpectedProblem,
    ProblemRates,
    ShopDataset,
    ShopTruth,
    generate_shop,
)

_MISSING = object()
_HEX24 = re.compile(r"[0-9a-f]{24}")


@pytest.fixture(scope="module")
def shop() -> ShopDataset:
    return generate_shop(scale=0.2, seed=11)


@pytest.fixture(scope="module")
def clean_shop() -> ShopDataset:
    no_damage = {name: 0.0 for name in ProblemRates.model_fields}
    return generate_shop(scale=0.05, seed=11, rates=ProblemRates(**no_damage))


def value_at(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def observed_count(shop: ShopDataset, problem: ExpectedProblem) -> int:
    """Count a problem in the documents without using anything the generator recorded about them."""
    documents = shop.collections[problem.collection]
    values = [value_at(document, problem.field) for document in documents]
    if problem.kind == "missing":
        return sum(value is _MISSING for value in values)
    if problem.kind == "null":
        return sum(value is None for value in values)
    if problem.kind == "duplicate":
        return len(values) - len(set(values))
    if problem.kind == "mixed_type":
        return sum(isinstance(value, str) for value in values)
    if problem.kind == "typo":
        valid = shop.truth.categories[f"{problem.collection}.{problem.field}"]
        return sum(value not in valid for value in values)
    if problem.kind == "invalid_format":
        address = problem.field.rsplit(".", 1)[0]
        return sum(
            re.fullmatch(shop.truth.zip_patterns[value_at(document, f"{address}.country")], value) is None
            for document, value in zip(documents, values, strict=True)
        )
    raise AssertionError(f"no independent check for {problem.kind}")


# -- determinism ------------------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_documents() -> None:
    first, second = generate_shop(scale=0.03, seed=5), generate_shop(scale=0.03, seed=5)
    assert first.fingerprint() == second.fingerprint()
    assert dict(first.collections) == dict(second.collections)
    assert first.truth == second.truth


def test_different_seeds_give_different_documents() -> None:
    assert generate_shop(scale=0.03, seed=5).fingerprint() != generate_shop(scale=0.03, seed=6).fingerprint()


def test_documents_do_not_depend_on_the_hash_seed() -> None:
    code = "from xcatalog.examples.shop import generate_shop; print(generate_shop(scale=0.02, seed=3).fingerprint())"
    prints = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert prints == {generate_shop(scale=0.02, seed=3).fingerprint()}


def test_fingerprint_sees_a_changed_value() -> None:
    shop = generate_shop(scale=0.01, seed=5)
    before = shop.fingerprint()
    shop.users[0]["tier"] = "diamond"
    assert shop.fingerprint() != before


# -- sizes ------------------------------------------------------------------------------------------------------------


def test_default_scale_has_fifty_thousand_documents() -> None:
    shop = generate_shop()
    assert shop.counts() == dict(BASE_COUNTS)
    assert sum(shop.counts().values()) == 50_000
    assert shop.truth.seed == DEFAULT_SEED


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        (0.05, {"users": 250, "products": 50, "orders": 1500, "reviews": 700}),
        (0.01, {"users": 50, "products": 10, "orders": 300, "reviews": 140}),
        (0.0001, {"users": 1, "products": 1, "orders": 3, "reviews": 1}),
    ],
)
def test_scale_sets_the_counts(scale: float, expected: dict[str, int]) -> None:
    shop = generate_shop(scale=scale)
    assert shop.counts() == expected
    assert shop.truth.counts == expected
    assert list(shop.collections) == list(COLLECTIONS)


@pytest.mark.parametrize("scale", [0, -1.0, math.nan, math.inf, "1"])
def test_bad_scale_is_refused(scale: Any) -> None:
    with pytest.raises(ValidationFailed, match="scale must be a positive number") as caught:
        generate_shop(scale=scale)
    assert caught.value.errors[0]["loc"] == ("scale",)


# -- the deliberate problems ------------------------------------------------------------------------------------------


def test_every_declared_problem_is_in_the_data_exactly(shop: ShopDataset) -> None:
    assert len(shop.truth.problems) >= 10
    for problem in shop.truth.problems:
        assert observed_count(shop, problem) == problem.count, f"{problem.collection}.{problem.field} {problem.kind}"
        assert problem.total == len(shop.collections[problem.collection])


@pytest.mark.parametrize(
    ("collection", "field", "kind", "rate_field"),
    [
        ("users", "phone", "missing", "users_missing_phone"),
        ("users", "birth_year", "null", "users_null_birth_year"),
        ("users", "email", "duplicate", "users_duplicate_email"),
        ("users", "address.zip", "invalid_format", "users_invalid_zip"),
        ("products", "price", "mixed_type", "products_string_price"),
        ("products", "category", "typo", "products_category_typo"),
        ("products", "description", "missing", "products_missing_description"),
        ("products", "brand", "null", "products_null_brand"),
        ("orders", "payment_method", "null", "orders_null_payment_method"),
        ("orders", "coupon_code", "missing", "orders_missing_coupon_code"),
        ("reviews", "title", "missing", "reviews_missing_title"),
        ("reviews", "body", "null", "reviews_null_body"),
    ],
)
def test_damage_rates_are_the_declared_ones(
    shop: ShopDataset, collection: str, field: str, kind: str, rate_field: str
) -> None:
    [problem] = shop.expected_problems(collection, kind=kind, field=field)  # type: ignore[arg-type]
    declared = getattr(shop.truth.rates, rate_field)
    assert problem.declared_rate == declared
    assert problem.count == round(declared * problem.total)
    assert abs(problem.rate - declared) <= 1 / problem.total
    assert observed_count(shop, problem) == problem.count


def test_clean_rates_give_clean_data(clean_shop: ShopDataset) -> None:
    for problem in clean_shop.truth.problems:
        if problem.field == "shipped_at":
            continue  # null by design for unshipped orders, not damage
        assert problem.count == 0, problem
        assert observed_count(clean_shop, problem) == 0, problem


@pytest.mark.parametrize("rate", [0.001, 0.3])
def test_a_positive_rate_damages_at_least_one_document(rate: float) -> None:
    shop = generate_shop(scale=0.01, seed=2, rates=ProblemRates(products_category_typo=rate))
    [typo] = shop.expected_problems("products", kind="typo")
    assert typo.count == max(1, round(rate * 10))
    assert observed_count(shop, typo) == typo.count


def test_price_mixes_floats_ints_and_numeric_strings(shop: ShopDataset) -> None:
    [problem] = shop.expected_problems("products", kind="mixed_type")
    types = Counter(type(product["price"]).__name__ for product in shop.products)
    assert dict(types) == problem.details["type_counts"]
    assert types["str"] > 0 and types["int"] > 0 and types["float"] > types["int"]
    for product in shop.products:
        assert float(product["price"]) > 0
        if isinstance(product["price"], str):
            assert re.fullmatch(r"\d+\.\d{2}", product["price"])


def test_typos_are_near_misses_of_real_categories(shop: ShopDataset) -> None:
    [problem] = shop.expected_problems("products", kind="typo")
    valid = shop.truth.categories["products.category"]
    seen = Counter(product["category"] for product in shop.products if product["category"] not in valid)
    assert dict(seen) == problem.details["typo_counts"]
    assert {"Electroncs": "Electronics", "Hom & Garden": "Home & Garden"}.items() <= shop.truth.corrections.items()
    for typo, correct in shop.truth.corrections.items():
        assert correct in valid and typo not in valid
        # one dropped or swapped letter: the suggestion code must be able to find it
        assert abs(len(typo) - len(correct)) <= 1 and Counter(typo) - Counter(correct) == Counter()
    assert len(valid) == 8


def test_duplicate_emails_copy_earlier_users(shop: ShopDataset) -> None:
    [problem] = shop.expected_problems("users", kind="duplicate")
    emails = Counter(user["email"] for user in shop.users)
    assert len(emails) == problem.details["distinct"] == len(shop.users) - problem.count
    assert sum(count - 1 for count in emails.values()) == problem.count > 0
    assert all(re.fullmatch(r"[a-z.]+\d+@[a-z.]+", email) for email in emails)


def test_order_zips_are_bad_exactly_for_users_with_bad_zips(shop: ShopDataset) -> None:
    patterns = shop.truth.zip_patterns
    bad_users = {
        user["_id"]
        for user in shop.users
        if not re.fullmatch(patterns[user["address"]["country"]], user["address"]["zip"])
    }
    [problem] = shop.expected_problems("orders", kind="invalid_format")
    assert problem.count == sum(order["user_id"] in bad_users for order in shop.orders) > 0


def test_truth_round_trips_through_json(shop: ShopDataset) -> None:
    assert ShopTruth.model_validate_json(shop.truth.model_dump_json()) == shop.truth


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"collection": "users"}, 4),
        ({"kind": "missing"}, 4),
        ({"collection": "orders", "kind": "null"}, 2),
        ({"field": "address.zip"}, 1),
        ({"collection": "nowhere"}, 0),
    ],
)
def test_expected_problems_filters(shop: ShopDataset, filters: dict[str, Any], expected: int) -> None:
    found = shop.expected_problems(**filters)
    assert len(found) == expected
    for problem in found:
        for key, value in filters.items():
            assert getattr(problem, key) == value


# -- shapes -----------------------------------------------------------------------------------------------------------


def test_ids_look_like_object_ids_and_carry_the_creation_time(shop: ShopDataset) -> None:
    for name, documents in shop:
        ids = [document["_id"] for document in documents]
        assert len(set(ids)) == len(ids), name
        for document in documents:
            assert _HEX24.fullmatch(document["_id"])
            seconds = int(document["_id"][:8], 16)
            assert seconds == int(document["created_at"].timestamp())


def test_nested_addresses_and_order_items(shop: ShopDataset) -> None:
    prices = {product["sku"]: float(product["price"]) for product in shop.products}
    for user in shop.users:
        assert set(user["address"]) == {"street", "city", "zip", "country"}
    for order in shop.orders:
        assert 1 <= len(order["items"]) <= 5
        assert len({item["sku"] for item in order["items"]}) == len(order["items"])
        for item in order["items"]:
            assert set(item) == {"sku", "quantity", "unit_price"}
            assert isinstance(item["quantity"], int) and item["quantity"] >= 1
            assert item["unit_price"] == prices[item["sku"]]
        assert order["total"] == pytest.approx(sum(item["quantity"] * item["unit_price"] for item in order["items"]))
        assert order["shipping_address"] is not None and set(order["shipping_address"]) == {
            "street",
            "city",
            "zip",
            "country",
        }


def test_references_point_at_existing_documents(shop: ShopDataset) -> None:
    users = {user["_id"]: user for user in shop.users}
    products = {product["_id"] for product in shop.products}
    bought: set[tuple[str, str]] = set()
    sku_to_id = {product["sku"]: product["_id"] for product in shop.products}
    for order in shop.orders:
        user = users[order["user_id"]]
        assert order["shipping_address"] == user["address"]
        assert order["created_at"] >= user["created_at"]
        bought.update((order["user_id"], sku_to_id[item["sku"]]) for item in order["items"])
    for review in shop.reviews:
        assert review["user_id"] in users and review["product_id"] in products
        if review["verified_purchase"]:
            assert (review["user_id"], review["product_id"]) in bought
    assert 0.8 < sum(review["verified_purchase"] for review in shop.reviews) / len(shop.reviews) < 0.97


def test_cities_belong_to_their_country(shop: ShopDataset) -> None:
    cities = shop.truth.cities_by_country
    owners = Counter(city for country_cities in cities.values() for city in country_cities)
    assert max(owners.values()) == 1, "a city must identify its country for co-occurrence suggestions"
    pairs = Counter((user["address"]["country"], user["address"]["city"]) for user in shop.users)
    for country, city in pairs:
        assert city in cities[country]
    assert {country for country, _ in pairs} == set(cities)
    assert len(cities) == 10


@pytest.mark.parametrize(
    ("field", "levels"),
    [
        ("orders.status", 5),
        ("orders.payment_method", 5),
        ("users.tier", 4),
        ("users.address.country", 10),
    ],
)
def test_categorical_fields_use_only_their_levels(shop: ShopDataset, field: str, levels: int) -> None:
    collection, path = field.split(".", 1)
    valid = shop.truth.categories[field]
    seen = Counter(value_at(document, path) for document in shop.collections[collection])
    seen.pop(None, None)  # nulls are a separate, declared problem
    assert set(seen) == set(valid)
    assert len(valid) == levels


def test_value_types(shop: ShopDataset) -> None:
    user, order, review = shop.users[0], shop.orders[0], shop.reviews[0]
    for moment in (user["created_at"], user["last_login"], order["created_at"], review["created_at"]):
        assert isinstance(moment, dt.datetime) and moment.utcoffset() == dt.timedelta(0)
        assert moment.microsecond == 0  # MongoDB keeps milliseconds: whole seconds round-trip exactly
    assert all(isinstance(user["is_active"], bool) for user in shop.users)
    assert all(re.fullmatch(r"\+\d{1,2} \d{3} \d{3} \d{4}", user["phone"]) for user in shop.users if "phone" in user)
    assert all(isinstance(product["tags"], list) for product in shop.products)
    assert all(1 <= review["rating"] <= 5 for review in shop.reviews)
    shipped = {"shipped", "delivered"}
    assert all((order["shipped_at"] is not None) == (order["status"] in shipped) for order in shop.orders)


def test_repr_is_short(shop: ShopDataset) -> None:
    assert repr(shop) == "ShopDataset(seed=11, scale=0.2, users=1000, products=200, orders=6000, reviews=2800)"
