"""A seeded sample "shop" dataset with deliberate, known data-quality problems.

:func:`generate_shop` builds four collections — ``users``, ``products``,
``orders`` and ``reviews`` (5,000 / 1,000 / 30,000 / 14,000 documents at
``scale=1``, 50,000 in all) — as plain Python documents, the way they would
come out of MongoDB: nested addresses, arrays of order items, categorical
fields, emails, phone numbers, timezone-aware datetimes, booleans.

The generator is pure and deterministic: the same ``seed`` and ``scale`` give
byte-identical documents in every process (each part draws from its own
``random.Random`` seeded with a string, which Python hashes with SHA-512, so
``PYTHONHASHSEED`` does not matter). :meth:`ShopDataset.fingerprint` is a
SHA-256 of the canonical JSON of every document, for checking that.

**Ids are strings.** ``_id``, ``user_id`` and ``product_id`` are 24-hex
strings built like a BSON ObjectId (4 bytes of the document's creation time, 5
bytes fixed per collection, a 3-byte counter), so the generator needs no
driver and the JSON-lines, CSV and Parquet files hold the same values.
:func:`xcatalog.examples.load.load_shop` converts them to real ``ObjectId``
values when it writes to MongoDB (``object_ids=True``).

**Deliberate problems** are placed on exactly ``round(rate * total)`` documents
(at least one when the rate is positive and the collection is not empty), and
:attr:`ShopDataset.truth` records each one with its exact count, so a test can
check that a profile finds them:

========================  ==========================  ========================================
collection.field          kind                        default
========================  ==========================  ========================================
users.phone               missing (absent key)        10%
users.birth_year          null                        5%
users.email               duplicate                   0.5% of users copy another user's email
users.address.zip         invalid_format              2% break the country's ZIP pattern
products.price            mixed_type                  4% strings like ``"19.99"`` (10% ints)
products.category         typo                        2% (``'Electroncs'``, ``'Hom & Garden'``…)
products.description      missing                     15%
products.brand            null                        7%
orders.payment_method     null                        3%
orders.coupon_code        missing                     85% (an optional field)
orders.shipping_address   invalid_format (zip)        inherited from the ordering user
reviews.title             missing                     12%
reviews.body              null                        6%
========================  ==========================  ========================================

Cities always belong to their country (``address.city`` given
``address.country``), so co-occurrence suggestions have something to find.
``orders.shipped_at`` is null by design for orders not shipped yet (pending,
paid, cancelled); that is recorded in the truth too, with kind ``null``.

Example:
    >>> shop = generate_shop(scale=0.01, seed=7)
    >>> shop.counts()
    {'users': 50, 'products': 10, 'orders': 300, 'reviews': 140}
    >>> [problem.count for problem in shop.expected_problems("products", kind="typo")]
    [1]
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from xcatalog.errors import ValidationFailed
from xcatalog.examples import _shop_tables as tables

__all__ = [
    "BASE_COUNTS",
    "COLLECTIONS",
    "DEFAULT_SEED",
    "ExpectedProblem",
    "ProblemKind",
    "ProblemRates",
    "ShopDataset",
    "ShopTruth",
    "generate_shop",
]

#: The seed used when none is given (the demo and the notebooks rely on it).
DEFAULT_SEED = 20240601

#: The collections, in the order they are generated and loaded.
COLLECTIONS: tuple[str, ...] = ("users", "products", "orders", "reviews")

#: Documents per collection at ``scale=1.0``.
BASE_COUNTS: Mapping[str, int] = MappingProxyType(
    {"users": 5_000, "products": 1_000, "orders": 30_000, "reviews": 14_000}
)

ProblemKind = Literal["missing", "null", "mixed_type", "typo", "invalid_format", "duplicate"]

Document = dict[str, Any]

_UTC = dt.UTC
_USERS_START = dt.datetime(2021, 1, 1, tzinfo=_UTC)
_USERS_END = dt.datetime(2024, 6, 30, tzinfo=_UTC)
_ORDERS_START = dt.datetime(2021, 2, 1, tzinfo=_UTC)
_END = dt.datetime(2025, 6, 30, tzinfo=_UTC)


class _Weighted(NamedTuple):
    """A weighted choice table with precomputed cumulative weights (``random.choices`` is slow to set up)."""

    values: tuple[Any, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[Any, float]]) -> _Weighted:
        return cls(tuple(value for value, _ in pairs), tuple(accumulate(weight for _, weight in pairs)))

    def pick(self, rng: random.Random) -> Any:
        total = self.cumulative[-1]
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * total, 0, len(self.values) - 1)]


# -- public results ---------------------------------------------------------------------------------------------------


class ProblemRates(BaseModel):
    """The share of documents that get each deliberate problem.

    Every rate is a fraction in ``[0, 1]`` of the collection's documents; the
    generator damages exactly ``round(rate * total)`` of them (at least one
    when the rate is positive). Set a rate to ``0`` for clean data.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    users_missing_phone: float = Field(0.10, ge=0, le=1, description="users.phone absent")
    users_null_birth_year: float = Field(0.05, ge=0, le=1, description="users.birth_year is null")
    users_duplicate_email: float = Field(0.005, ge=0, le=0.5, description="users that copy another user's email")
    users_invalid_zip: float = Field(0.02, ge=0, le=1, description="users.address.zip breaks the country pattern")
    products_string_price: float = Field(0.04, ge=0, le=1, description='products.price stored as text ("19.99")')
    products_int_price: float = Field(
        0.10, ge=0, le=1, description="products.price stored as a whole int (not a problem)"
    )
    products_category_typo: float = Field(0.02, ge=0, le=1, description="products.category misspelt")
    products_missing_description: float = Field(0.15, ge=0, le=1, description="products.description absent")
    products_null_brand: float = Field(0.07, ge=0, le=1, description="products.brand is null")
    orders_null_payment_method: float = Field(0.03, ge=0, le=1, description="orders.payment_method is null")
    orders_missing_coupon_code: float = Field(0.85, ge=0, le=1, description="orders.coupon_code absent (optional)")
    reviews_missing_title: float = Field(0.12, ge=0, le=1, description="reviews.title absent")
    reviews_null_body: float = Field(0.06, ge=0, le=1, description="reviews.body is null")


class ExpectedProblem(BaseModel):
    """One deliberate problem and exactly how many documents carry it.

    Attributes:
        collection: The collection, e.g. ``"users"``.
        field: The dotted field path, e.g. ``"address.zip"``.
        kind: ``missing`` (absent key), ``null``, ``mixed_type``, ``typo``,
            ``invalid_format`` or ``duplicate``.
        count: Documents that carry the problem.
        total: Documents in the collection.
        declared_rate: The rate that was asked for (``count`` is its rounding).
        description: What was done, in words.
        details: Kind-specific facts: ``type_counts`` for mixed types,
            ``typo_counts`` and ``corrections`` for typos, ``patterns`` for
            invalid formats, ``distinct`` for duplicates.
    """

    model_config = ConfigDict(frozen=True)

    collection: str
    field: str
    kind: ProblemKind
    count: int
    total: int
    declared_rate: float
    description: str
    details: dict[str, Any] = Field(default_factory=dict)

    @property
    def rate(self) -> float:
        """The actual share of documents with the problem (``count / total``; 0 for an empty collection)."""
        return self.count / self.total if self.total else 0.0


class ShopTruth(BaseModel):
    """Everything known by construction about a generated shop.

    Attributes:
        seed: The seed it was generated with.
        scale: The scale it was generated with.
        counts: Documents per collection.
        rates: The problem rates that were asked for.
        problems: Every deliberate problem with its exact count.
        categories: The valid levels of each categorical field
            (``"products.category"`` → levels, in a fixed documented order).
        corrections: Each category typo and the level it misspells.
        cities_by_country: The cities each country code may have; a city
            belongs to one country only.
        zip_patterns: The full-match regular expression of a valid ZIP per country.
        semantic_types: Fields that hold a recognisable kind of string
            (``"users.email"`` → ``"email"``).
    """

    model_config = ConfigDict(frozen=True)

    seed: int
    scale: float
    counts: dict[str, int]
    rates: ProblemRates
    problems: list[ExpectedProblem]
    categories: dict[str, list[str]]
    corrections: dict[str, str]
    cities_by_country: dict[str, list[str]]
    zip_patterns: dict[str, str]
    semantic_types: dict[str, str]

    def problems_for(
        self, collection: str | None = None, *, kind: ProblemKind | None = None, field: str | None = None
    ) -> list[ExpectedProblem]:
        """The problems matching every filter given (all of them with no filter), in declaration order."""
        return [
            problem
            for problem in self.problems
            if (collection is None or problem.collection == collection)
            and (kind is None or problem.kind == kind)
            and (field is None or problem.field == field)
        ]


@dataclass(frozen=True)
class ShopDataset:
    """The generated documents and the truth about them.

    Attributes:
        collections: ``{"users": [...], "products": [...], "orders": [...], "reviews": [...]}``.
        truth: Counts, valid levels and every deliberate problem.
    """

    collections: Mapping[str, list[Document]]
    truth: ShopTruth = field(repr=False)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(documents)}" for name, documents in self.collections.items())
        return f"ShopDataset(seed={self.truth.seed}, scale={self.truth.scale}, {sizes})"

    def __iter__(self) -> Iterator[tuple[str, list[Document]]]:
        """Iterate over ``(collection, documents)`` pairs in load order."""
        return iter(self.collections.items())

    @property
    def users(self) -> list[Document]:
        """The ``users`` documents."""
        return self.collections["users"]

    @property
    def products(self) -> list[Document]:
        """The ``products`` documents."""
        return self.collections["products"]

    @property
    def orders(self) -> list[Document]:
        """The ``orders`` documents."""
        return self.collections["orders"]

    @property
    def reviews(self) -> list[Document]:
        """The ``reviews`` documents."""
        return self.collections["reviews"]

    def counts(self) -> dict[str, int]:
        """Documents per collection, in load order."""
        return {name: len(documents) for name, documents in self.collections.items()}

    def expected_problems(
        self, collection: str | None = None, *, kind: ProblemKind | None = None, field: str | None = None
    ) -> list[ExpectedProblem]:
        """The deliberate problems matching the filters (see :meth:`ShopTruth.problems_for`)."""
        return self.truth.problems_for(collection, kind=kind, field=field)

    def fingerprint(self) -> str:
        """A SHA-256 of the canonical JSON of every document: equal fingerprints mean byte-identical data."""
        digest = hashlib.sha256()
        for name, documents in self.collections.items():
            digest.update(name.encode())
            for document in documents:
                digest.update(json.dumps(document, sort_keys=True, default=_canonical, ensure_ascii=False).encode())
                digest.update(b"\n")
        return digest.hexdigest()


def _canonical(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of the shop dataset's value types")


# -- helpers ----------------------------------------------------------------------------------------------------------


def _rng(seed: int, part: str) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random, so every part gets an independent,
    # process-independent stream, and changing one part does not shift the others.
    return random.Random(f"xcatalog-shop:{seed}:{part}")


def _damaged_count(rate: float, total: int) -> int:
    if rate <= 0 or total == 0:
        return 0
    return min(total, max(1, round(rate * total)))


def _pick_indices(rng: random.Random, total: int, rate: float) -> set[int]:
    return set(rng.sample(range(total), _damaged_count(rate, total)))


def _object_id(moment: dt.datetime, machine: int, counter: int) -> str:
    # The layout of a BSON ObjectId: 4-byte seconds since the epoch, 5 fixed bytes, 3-byte counter.
    return f"{int(moment.timestamp()):08x}{machine:010x}{counter & 0xFFFFFF:06x}"


def _sorted_moments(rng: random.Random, count: int, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    span = int((end - start).total_seconds())
    offsets = sorted(rng.randrange(span) for _ in range(count))
    return [start + dt.timedelta(seconds=offset) for offset in offsets]


def _fill_template(rng: random.Random, template: str) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return "".join(
        str(rng.randrange(10)) if char == "9" else rng.choice(letters) if char == "A" else char for char in template
    )


def _invalid_zip(rng: random.Random, valid: str) -> str:
    # Each form is impossible for every country's pattern, so the damage is certain, not probable.
    form = rng.randrange(4)
    if form == 0:
        return valid[:-1]  # truncated
    if form == 1:
        return "N/A"
    if form == 2:
        return valid + "0"  # one character too many
    return ""


def _phone(rng: random.Random, country: tables.Country) -> str:
    return f"+{country.phone_code} {rng.randrange(200, 1000)} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"


def _price(rng: random.Random, category: str) -> float:
    raw = rng.lognormvariate(math.log(tables.PRICE_MEDIAN[category]), 0.6)
    return round(max(1.0, float(round(raw))) - 0.01, 2)


# -- collections ------------------------------------------------------------------------------------------------------


def _make_users(seed: int, total: int, rates: ProblemRates) -> tuple[list[Document], dict[str, Any]]:
    rng = _rng(seed, "users")
    countries = _Weighted.of([(country, country.weight) for country in tables.COUNTRIES])
    tiers = _Weighted.of(tables.TIERS)
    created = _sorted_moments(rng, total, _USERS_START, _USERS_END)
    machine = rng.getrandbits(40)
    users: list[Document] = []
    for index in range(total):
        country: tables.Country = countries.pick(rng)
        first, last = rng.choice(tables.FIRST_NAMES), rng.choice(tables.LAST_NAMES)
        local = f"{first}.{last}".lower().replace(" ", "")
        last_login = created[index] + dt.timedelta(seconds=rng.randrange(int((_END - created[index]).total_seconds())))
        users.append(
            {
                "_id": _object_id(created[index], machine, index),
                "name": f"{first} {last}",
                # The index keeps every honest email unique; duplicates are added on purpose below.
                "email": f"{local}{index + 1}@{rng.choice(tables.EMAIL_DOMAINS)}",
                "phone": _phone(rng, country),
                "birth_year": rng.randrange(1950, 2006),
                "address": {
                    "street": f"{rng.randrange(1, 200)} {rng.choice(country.streets)}",
                    "city": rng.choice(country.cities),
                    "zip": _fill_template(rng, country.zip_template),
                    "country": country.code,
                },
                "tier": tiers.pick(rng),
                "is_active": rng.random() < 0.9,
                "marketing_opt_in": rng.random() < 0.4,
                "created_at": created[index],
                "last_login": last_login,
            }
        )

    damage = _rng(seed, "users-problems")
    for index in _pick_indices(damage, total, rates.users_missing_phone):
        del users[index]["phone"]
    for index in _pick_indices(damage, total, rates.users_null_birth_year):
        users[index]["birth_year"] = None
    invalid_zip = sorted(_pick_indices(damage, total, rates.users_invalid_zip))
    for index in invalid_zip:
        address = users[index]["address"]
        address["zip"] = _invalid_zip(damage, address["zip"])
    # A duplicate copies the email of an earlier user that is not itself a copy, so the number of
    # documents whose email was seen before is exactly the number of copies.
    copies = sorted(_pick_indices(damage, total - 1, rates.users_duplicate_email) if total > 1 else set())
    copies = [index + 1 for index in copies]  # never the first user: a copy needs an earlier original
    copy_set = set(copies)
    for index in copies:
        original = damage.randrange(index)
        while original in copy_set:  # user 0 is never a copy, so this ends
            original = damage.randrange(index)
        users[index]["email"] = users[original]["email"]
    facts = {"invalid_zip_users": set(invalid_zip), "duplicate_emails": len(copies)}
    return users, facts


def _make_products(seed: int, total: int, rates: ProblemRates) -> tuple[list[Document], dict[str, Any]]:
    rng = _rng(seed, "products")
    categories = _Weighted.of(tables.CATEGORIES)
    created = _sorted_moments(rng, total, _USERS_START, _USERS_END)
    machine = rng.getrandbits(40)
    products: list[Document] = []
    for index in range(total):
        category: str = categories.pick(rng)
        noun = rng.choice(tables.PRODUCT_NOUNS[category])
        adjective = rng.choice(tables.ADJECTIVES)
        products.append(
            {
                "_id": _object_id(created[index], machine, index),
                "sku": f"SKU-{index + 1:06d}",
                "name": f"{adjective} {noun}",
                "category": category,
                "brand": rng.choice(tables.BRANDS),
                "price": _price(rng, category),
                "stock": 0 if rng.random() < 0.08 else rng.randrange(1, 500),
                "is_active": rng.random() < 0.95,
                "tags": rng.sample(tables.TAGS, rng.randrange(4)),
                "dimensions": {
                    "weight_kg": round(rng.uniform(0.05, 12.0), 2),
                    "width_cm": rng.randrange(2, 120),
                    "height_cm": rng.randrange(2, 120),
                },
                "description": f"{adjective} {noun.lower()} from our {category.lower()} range.",
                "created_at": created[index],
            }
        )
    # Orders need the true numeric price even where the stored one is damaged.
    numeric_prices = [float(product["price"]) for product in products]

    damage = _rng(seed, "products-problems")
    for index in _pick_indices(damage, total, rates.products_missing_description):
        del products[index]["description"]
    for index in _pick_indices(damage, total, rates.products_null_brand):
        products[index]["brand"] = None
    # Ints and strings are disjoint sets of products, so the type counts are exact.
    shuffled = list(range(total))
    damage.shuffle(shuffled)
    string_count = _damaged_count(rates.products_string_price, total)
    int_count = min(total - string_count, _damaged_count(rates.products_int_price, total))
    for index in shuffled[:string_count]:
        products[index]["price"] = f"{products[index]['price']:.2f}"
    for index in shuffled[string_count : string_count + int_count]:
        whole = round(numeric_prices[index])
        products[index]["price"] = max(1, whole)
        numeric_prices[index] = float(products[index]["price"])
    typo_counts: dict[str, int] = {}
    for position, index in enumerate(sorted(_pick_indices(damage, total, rates.products_category_typo))):
        # Cycle through the typos so every misspelling appears once before any repeats.
        typo, _correct = tables.CATEGORY_TYPOS[position % len(tables.CATEGORY_TYPOS)]
        products[index]["category"] = typo
        typo_counts[typo] = typo_counts.get(typo, 0) + 1
    facts = {
        "numeric_prices": numeric_prices,
        "type_counts": {"float": total - string_count - int_count, "int": int_count, "str": string_count},
        "typo_counts": typo_counts,
    }
    return products, facts


def _make_orders(
    seed: int, total: int, rates: ProblemRates, users: list[Document], products: list[Document], prices: list[float]
) -> list[Document]:
    rng = _rng(seed, "orders")
    statuses, payments = _Weighted.of(tables.STATUSES), _Weighted.of(tables.PAYMENT_METHODS)
    item_counts, quantities = _Weighted.of(tables.ITEM_COUNTS), _Weighted.of(tables.QUANTITIES)
    currencies = {country.code: country.currency for country in tables.COUNTRIES}
    user_times = [user["created_at"] for user in users]
    created = _sorted_moments(rng, total, _ORDERS_START, _END)
    machine = rng.getrandbits(40)
    orders: list[Document] = []
    for index in range(total):
        moment = created[index]
        # Only users who exist by then may order; early users order more (a long tail, as in real shops).
        eligible = max(1, bisect.bisect_right(user_times, moment))
        user = users[int(eligible * rng.random() ** 1.6)]
        moment = max(moment, user["created_at"])
        chosen = rng.sample(range(len(products)), min(len(products), item_counts.pick(rng)))
        items = [
            {"sku": products[position]["sku"], "quantity": quantities.pick(rng), "unit_price": prices[position]}
            for position in chosen
        ]
        status: str = statuses.pick(rng)
        shipped_at = moment + dt.timedelta(hours=rng.randrange(6, 120)) if status in tables.SHIPPED_STATUSES else None
        order: Document = {
            "_id": _object_id(moment, machine, index),
            "order_number": f"ORD-{index + 1:07d}",
            "user_id": user["_id"],
            "status": status,
            "payment_method": payments.pick(rng),
            "items": items,
            "total": round(sum(item["quantity"] * item["unit_price"] for item in items), 2),
            "currency": currencies[user["address"]["country"]],
            "shipping_address": dict(user["address"]),
            "is_gift": rng.random() < 0.08,
            "coupon_code": rng.choice(tables.COUPONS),
            "created_at": moment,
            "shipped_at": shipped_at,
        }
        orders.append(order)

    damage = _rng(seed, "orders-problems")
    for index in _pick_indices(damage, total, rates.orders_null_payment_method):
        orders[index]["payment_method"] = None
    for index in _pick_indices(damage, total, rates.orders_missing_coupon_code):
        del orders[index]["coupon_code"]
    return orders


def _make_reviews(
    seed: int, total: int, rates: ProblemRates, users: list[Document], products: list[Document], orders: list[Document]
) -> list[Document]:
    rng = _rng(seed, "reviews")
    ratings = _Weighted.of(tables.RATINGS)
    product_by_sku = {product["sku"]: product for product in products}
    machine = rng.getrandbits(40)
    reviews: list[Document] = []
    for index in range(total):
        rating: int = ratings.pick(rng)
        if orders and rng.random() < 0.9:
            # Most reviews come from a real purchase: same user, a product of the order, after the order.
            order = rng.choice(orders)
            product = product_by_sku[rng.choice(order["items"])["sku"]]
            user_id, verified = order["user_id"], True
            moment = min(_END, order["created_at"] + dt.timedelta(hours=rng.randrange(24, 24 * 60)))
        else:
            product, user_id, verified = rng.choice(products), rng.choice(users)["_id"], False
            moment = _ORDERS_START + dt.timedelta(seconds=rng.randrange(int((_END - _ORDERS_START).total_seconds())))
        opening, purpose = rng.choice(tables.REVIEW_OPENINGS), rng.choice(tables.REVIEW_PURPOSES)
        body = f"{opening} {purpose} {rng.choice(tables.REVIEW_VERDICTS[rating])}"
        reviews.append(
            {
                "_id": _object_id(moment, machine, index),
                "product_id": product["_id"],
                "user_id": user_id,
                "rating": rating,
                "title": rng.choice(tables.REVIEW_TITLES[rating]),
                "body": body,
                "verified_purchase": verified,
                "helpful_votes": int(rng.expovariate(0.5)),
                "created_at": moment,
            }
        )

    damage = _rng(seed, "reviews-problems")
    for index in _pick_indices(damage, total, rates.reviews_missing_title):
        del reviews[index]["title"]
    for index in _pick_indices(damage, total, rates.reviews_null_body):
        reviews[index]["body"] = None
    return reviews


# -- truth ------------------------------------------------------------------------------------------------------------


def _problem(
    collection: str,
    field: str,
    kind: ProblemKind,
    count: int,
    total: int,
    rate: float,
    description: str,
    **details: Any,
) -> ExpectedProblem:
    return ExpectedProblem(
        collection=collection,
        field=field,
        kind=kind,
        count=count,
        total=total,
        declared_rate=rate,
        description=description,
        details=details,
    )


def _build_truth(
    seed: int,
    scale: float,
    rates: ProblemRates,
    collections: Mapping[str, list[Document]],
    user_facts: Mapping[str, Any],
    product_facts: Mapping[str, Any],
) -> ShopTruth:
    counts = {name: len(documents) for name, documents in collections.items()}
    users, products, orders, reviews = (counts[name] for name in COLLECTIONS)
    zip_patterns = {country.code: country.zip_pattern for country in tables.COUNTRIES}
    invalid_users: set[int] = user_facts["invalid_zip_users"]
    invalid_user_ids = {collections["users"][index]["_id"] for index in invalid_users}
    # Orders copy the ordering user's address, so their bad ZIPs are exactly the orders of damaged users.
    orders_invalid_zip = sum(1 for order in collections["orders"] if order["user_id"] in invalid_user_ids)
    not_shipped = sum(1 for order in collections["orders"] if order["shipped_at"] is None)
    corrections = dict(tables.CATEGORY_TYPOS)
    duplicates = user_facts["duplicate_emails"]
    problems = [
        _problem("users", "phone", "missing", _damaged_count(rates.users_missing_phone, users), users,
                 rates.users_missing_phone, "The phone key is absent."),
        _problem("users", "birth_year", "null", _damaged_count(rates.users_null_birth_year, users), users,
                 rates.users_null_birth_year, "birth_year is null."),
        _problem("users", "email", "duplicate", duplicates, users, rates.users_duplicate_email,
                 "Users whose email repeats an earlier user's email.", distinct=users - duplicates),
        _problem("users", "address.zip", "invalid_format", len(invalid_users), users, rates.users_invalid_zip,
                 "The ZIP does not match the pattern of the address's country.", patterns=zip_patterns),
        _problem("products", "price", "mixed_type", product_facts["type_counts"]["str"], products,
                 rates.products_string_price, 'Prices stored as text such as "19.99" among numbers.',
                 type_counts=product_facts["type_counts"]),
        _problem("products", "category", "typo", sum(product_facts["typo_counts"].values()), products,
                 rates.products_category_typo, "Misspelt categories such as 'Electroncs'.",
                 typo_counts=product_facts["typo_counts"], corrections=corrections),
        _problem("products", "description", "missing", _damaged_count(rates.products_missing_description, products),
                 products, rates.products_missing_description, "The description key is absent."),
        _problem("products", "brand", "null", _damaged_count(rates.products_null_brand, products), products,
                 rates.products_null_brand, "brand is null."),
        _problem("orders", "payment_method", "null", _damaged_count(rates.orders_null_payment_method, orders), orders,
                 rates.orders_null_payment_method, "payment_method is null."),
        _problem("orders", "coupon_code", "missing", _damaged_count(rates.orders_missing_coupon_code, orders), orders,
                 rates.orders_missing_coupon_code, "coupon_code is absent (an optional field, rarely filled)."),
        _problem("orders", "shipping_address.zip", "invalid_format", orders_invalid_zip, orders,
                 rates.users_invalid_zip, "Orders of users with an invalid ZIP (the address is copied).",
                 patterns=zip_patterns),
        _problem("orders", "shipped_at", "null", not_shipped, orders, not_shipped / orders if orders else 0.0,
                 "shipped_at is null for orders not shipped yet (by design, not damage)."),
        _problem("reviews", "title", "missing", _damaged_count(rates.reviews_missing_title, reviews), reviews,
                 rates.reviews_missing_title, "The title key is absent."),
        _problem("reviews", "body", "null", _damaged_count(rates.reviews_null_body, reviews), reviews,
                 rates.reviews_null_body, "body is null."),
    ]  # fmt: skip
    return ShopTruth(
        seed=seed,
        scale=scale,
        counts=counts,
        rates=rates,
        problems=problems,
        categories={
            "products.category": [level for level, _ in tables.CATEGORIES],
            "orders.status": [level for level, _ in tables.STATUSES],
            "orders.payment_method": [level for level, _ in tables.PAYMENT_METHODS],
            "orders.currency": sorted({country.currency for country in tables.COUNTRIES}),
            "orders.coupon_code": list(tables.COUPONS),
            "users.tier": [level for level, _ in tables.TIERS],
            "users.address.country": [country.code for country in tables.COUNTRIES],
        },
        corrections=corrections,
        cities_by_country={country.code: list(country.cities) for country in tables.COUNTRIES},
        zip_patterns=zip_patterns,
        semantic_types={"users.email": "email", "users.phone": "phone"},
    )


# -- entry point ------------------------------------------------------------------------------------------------------


def generate_shop(scale: float = 1.0, seed: int = DEFAULT_SEED, *, rates: ProblemRates | None = None) -> ShopDataset:
    """Generate the shop dataset.

    Args:
        scale: Multiplies :data:`BASE_COUNTS` (``0.05`` gives 2,500 documents);
            every collection keeps at least one document.
        seed: The seed; the same seed and scale give byte-identical documents.
        rates: The share of documents given each deliberate problem; default
            :class:`ProblemRates()`.

    Returns:
        The documents of the four collections and their :class:`ShopTruth`.

    Raises:
        ValidationFailed: ``scale`` is not a positive finite number.

    Example:
        >>> generate_shop(scale=0.01).counts()["orders"]
        300
    """
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValidationFailed(
            f"scale must be a positive number such as 1.0 or 0.05; got {scale!r}.",
            errors=[
                {"loc": ("scale",), "msg": "must be a positive finite number", "type": "value_error", "input": scale}
            ],
        )
    rates = rates or ProblemRates()
    sizes = {name: max(1, round(base * scale)) for name, base in BASE_COUNTS.items()}
    users, user_facts = _make_users(seed, sizes["users"], rates)
    products, product_facts = _make_products(seed, sizes["products"], rates)
    orders = _make_orders(seed, sizes["orders"], rates, users, products, product_facts["numeric_prices"])
    reviews = _make_reviews(seed, sizes["reviews"], rates, users, products, orders)
    collections = {"users": users, "products": products, "orders": orders, "reviews": reviews}
    truth = _build_truth(seed, float(scale), rates, collections, user_facts, product_facts)
    return ShopDataset(collections=MappingProxyType(collections), truth=truth)
