"""Profiling: a pandas DataFrame or a list of documents -> a :class:`Profile` (pure, no IO).

A profile holds, per field, counts (values, absent keys, nulls, distinct values),
numeric / string / datetime / boolean statistics, categorical values with a
Good–Turing unseen share, a semantic type (email, URL, ...) with a sensitive
flag, and quality scores; per table, an overall quality score. The formulas and
the engine choice are in ``docs/profiling.md``.

Example:
    >>> import pandas as pd
    >>> from xcatalog.profiling import profile
    >>> result = profile(pd.DataFrame({"status": ["new", "paid", "paid", "new"] * 5}))
    >>> result.columns["status"].is_categorical, result.row_count
    (True, 20)

Collections are profiled by :func:`xcatalog.resources.profile.profile_collection`
(a sample in Python, or the whole collection inside MongoDB).
"""

from __future__ import annotations

from xcatalog.profiling.api import profile, profile_documents, profile_frame
from xcatalog.profiling.flatten import FlatDocuments, flatten_documents
from xcatalog.profiling.model import ColumnProfile, Histogram, Profile
from xcatalog.profiling.options import ProfileOptions

__all__ = [
    "ColumnProfile",
    "FlatDocuments",
    "Histogram",
    "Profile",
    "ProfileOptions",
    "flatten_documents",
    "profile",
    "profile_documents",
    "profile_frame",
]
