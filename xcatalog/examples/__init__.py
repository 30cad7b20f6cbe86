"""Sample data for the demo, the notebooks and the tests: a seeded shop with known quality problems.

:func:`generate_shop` is pure (no IO); :func:`load_shop` writes it to MongoDB,
:func:`frames` turns it into pandas DataFrames and :func:`write_files` into
JSON-lines, CSV and Parquet files.
"""

from __future__ import annotations

from xcatalog.examples.load import frames, load_shop, write_files
from xcatalog.examples.shop import (
    BASE_COUNTS,
    COLLECTIONS,
    DEFAULT_SEED,
    ExpectedProblem,
    ProblemKind,
    ProblemRates,
    ShopDataset,
    ShopTruth,
    generate_shop,
)

__all__ = [
    "BASE_COUNTS",
    "COLLECTIONS",
    "DEFAULT_SEED",
    "ExpectedProblem",
    "ProblemKind",
    "ProblemRates",
    "ShopDataset",
    "ShopTruth",
    "frames",
    "generate_shop",
    "load_shop",
    "write_files",
]
