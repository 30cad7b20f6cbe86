"""Reference tables of the sample shop: countries, names, categories, weights (private, immutable).

Kept apart from :mod:`xcatalog.examples.shop` so the generator reads as logic,
not data. Every table is a tuple or a read-only mapping: nothing here can be
changed at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class Country(NamedTuple):
    """A country of the shop: its cities (unique to it), ZIP rule, phone prefix, currency and streets."""

    code: str
    weight: float
    cities: tuple[str, ...]
    zip_pattern: str
    zip_template: str  # 9 = digit, A = capital letter, anything else literal
    phone_code: str
    currency: str
    streets: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        0.26,
        ("New York", "Los Angeles", "Chicago", "Houston", "Seattle"),
        r"\d{5}",
        "99999",
        "1",
        "USD",
        ("Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Park Road"),
    ),
    Country(
        "GB",
        0.12,
        ("London", "Manchester", "Edinburgh", "Bristol"),
        r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}",
        "A99 9AA",
        "44",
        "GBP",
        ("High Street", "Station Road", "Church Lane", "Victoria Road"),
    ),
    Country(
        "DE",
        0.12,
        ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt"),
        r"\d{5}",
        "99999",
        "49",
        "EUR",
        ("Hauptstraße", "Schulstraße", "Gartenweg", "Bahnhofstraße"),
    ),
    Country(
        "FR",
        0.11,
        ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux"),
        r"\d{5}",
        "99999",
        "33",
        "EUR",
        ("Rue de la Paix", "Avenue Victor Hugo", "Rue du Moulin", "Boulevard Voltaire"),
    ),
    Country(
        "CA",
        0.08,
        ("Toronto", "Montreal", "Vancouver", "Calgary"),
        r"[A-Z]\d[A-Z] \d[A-Z]\d",
        "A9A 9A9",
        "1",
        "CAD",
        ("King Street", "Queen Street", "Yonge Street", "Rue Sainte-Catherine"),
    ),
    Country(
        "ES",
        0.07,
        ("Madrid", "Barcelona", "Valencia", "Seville"),
        r"\d{5}",
        "99999",
        "34",
        "EUR",
        ("Calle Mayor", "Gran Vía", "Calle del Sol", "Paseo del Prado"),
    ),
    Country(
        "IT",
        0.07,
        ("Rome", "Milan", "Naples", "Turin"),
        r"\d{5}",
        "99999",
        "39",
        "EUR",
        ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante"),
    ),
    Country(
        "NL",
        0.06,
        ("Amsterdam", "Rotterdam", "Utrecht", "The Hague"),
        r"\d{4} [A-Z]{2}",
        "9999 AA",
        "31",
        "EUR",
        ("Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsplein"),
    ),
    Country(
        "JP",
        0.06,
        ("Tokyo", "Osaka", "Kyoto", "Yokohama"),
        r"\d{3}-\d{4}",
        "999-9999",
        "81",
        "JPY",
        ("Chuo-dori", "Meiji-dori", "Omotesando", "Sakura-dori"),
    ),
    Country(
        "BR",
        0.05,
        ("São Paulo", "Rio de Janeiro", "Brasília", "Salvador"),
        r"\d{5}-\d{3}",
        "99999-999",
        "55",
        "BRL",
        ("Rua das Flores", "Avenida Paulista", "Rua Augusta", "Avenida Atlântica"),
    ),
)

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Felix",
    "Grace",
    "Hugo",
    "Isla",
    "Jack",
    "Kenji",
    "Lea",
    "Mateo",
    "Nina",
    "Oscar",
    "Paula",
    "Quentin",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Will",
    "Yuki",
    "Zoe",
    "Luca",
    "Mia",
    "Noah",
)
LAST_NAMES = (
    "Smith",
    "Garcia",
    "Muller",
    "Martin",
    "Rossi",
    "Tanaka",
    "Silva",
    "Brown",
    "Jansen",
    "Dubois",
    "Lopez",
    "Schmidt",
    "Bernard",
    "Ricci",
    "Sato",
    "Santos",
    "Wilson",
    "de Vries",
    "Moreau",
    "Fernandez",
    "Weber",
    "Bianchi",
    "Taylor",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "shop.example")

# (level, weight); the order is the documented order of the categories.
CATEGORIES: tuple[tuple[str, float], ...] = (
    ("Electronics", 0.20),
    ("Books", 0.15),
    ("Home & Garden", 0.15),
    ("Clothing", 0.15),
    ("Sports", 0.10),
    ("Toys", 0.10),
    ("Beauty", 0.08),
    ("Grocery", 0.07),
)
CATEGORY_TYPOS: tuple[tuple[str, str], ...] = (
    ("Electroncs", "Electronics"),
    ("Hom & Garden", "Home & Garden"),
    ("Clothng", "Clothing"),
    ("Sprots", "Sports"),
    ("Beuaty", "Beauty"),
)
PRODUCT_NOUNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Electronics": ("Headphones", "Charger", "Speaker", "Keyboard", "Monitor", "Camera"),
        "Books": ("Cookbook", "Novel", "Atlas", "Guide", "Anthology"),
        "Home & Garden": ("Planter", "Lamp", "Rug", "Hose", "Cushion", "Toolset"),
        "Clothing": ("Jacket", "Sweater", "Scarf", "Jeans", "T-Shirt"),
        "Sports": ("Yoga Mat", "Football", "Racket", "Water Bottle", "Helmet"),
        "Toys": ("Puzzle", "Robot Kit", "Plush Bear", "Board Game", "Kite"),
        "Beauty": ("Face Cream", "Shampoo", "Lip Balm", "Perfume"),
        "Grocery": ("Coffee Beans", "Olive Oil", "Green Tea", "Dark Chocolate", "Honey"),
    }
)
# Median price (lognormal mu) per category, so prices differ sensibly between categories.
PRICE_MEDIAN: Mapping[str, float] = MappingProxyType(
    {
        "Electronics": 80.0,
        "Books": 15.0,
        "Home & Garden": 35.0,
        "Clothing": 40.0,
        "Sports": 30.0,
        "Toys": 25.0,
        "Beauty": 18.0,
        "Grocery": 9.0,
    }
)
ADJECTIVES = ("Classic", "Compact", "Deluxe", "Eco", "Essential", "Premium", "Smart", "Ultra", "Vintage", "Wireless")
BRANDS = ("Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Vandelay")
TAGS = ("new", "sale", "bestseller", "eco", "gift", "limited", "bundle", "clearance")

TIERS: tuple[tuple[str, float], ...] = (("bronze", 0.50), ("silver", 0.30), ("gold", 0.15), ("platinum", 0.05))
STATUSES: tuple[tuple[str, float], ...] = (
    ("delivered", 0.60),
    ("shipped", 0.12),
    ("paid", 0.10),
    ("pending", 0.08),
    ("cancelled", 0.10),
)
SHIPPED_STATUSES = frozenset({"shipped", "delivered"})
PAYMENT_METHODS: tuple[tuple[str, float], ...] = (
    ("card", 0.55),
    ("paypal", 0.20),
    ("bank_transfer", 0.10),
    ("cash_on_delivery", 0.10),
    ("gift_card", 0.05),
)
COUPONS = ("WELCOME10", "SPRING15", "FREESHIP", "VIP20", "BLACKFRIDAY")
ITEM_COUNTS: tuple[tuple[int, float], ...] = ((1, 0.40), (2, 0.28), (3, 0.17), (4, 0.10), (5, 0.05))
QUANTITIES: tuple[tuple[int, float], ...] = ((1, 0.70), (2, 0.18), (3, 0.08), (4, 0.04))
RATINGS: tuple[tuple[int, float], ...] = ((1, 0.06), (2, 0.08), (3, 0.16), (4, 0.30), (5, 0.40))
REVIEW_TITLES: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {
        1: ("Very disappointed", "Broke after a week", "Do not buy"),
        2: ("Not great", "Below expectations", "Meh"),
        3: ("It's okay", "Does the job", "Average"),
        4: ("Good value", "Happy with it", "Works well"),
        5: ("Excellent!", "Love it", "Perfect gift", "Highly recommend"),
    }
)
REVIEW_OPENINGS = ("I bought this", "Ordered this", "Got this", "Picked this up")
REVIEW_PURPOSES = ("for my kitchen", "as a gift", "for work", "for my kids", "for travel", "to replace an old one")
REVIEW_VERDICTS: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {
        1: ("and it stopped working almost at once.", "and the quality is poor."),
        2: ("and it is smaller than it looks.", "but delivery took far too long."),
        3: ("and it is fine for the price.", "and it does what it says."),
        4: ("and it works well so far.", "and I would buy it again."),
        5: ("and it is fantastic.", "and it exceeded my expectations."),
    }
)
