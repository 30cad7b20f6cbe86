"""The public entry points: :func:`profile`, :func:`profile_frame`, :func:`profile_documents`."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from xcatalog.config import Settings
from xcatalog.errors import ProfilingError
from xcatalog.profiling.engine import profile_columns
from xcatalog.profiling.flatten import flatten_documents, json_safe
from xcatalog.profiling.model import Profile
from xcatalog.profiling.options import ProfileOptions
from xcatalog.profiling.quality import table_quality

__all__ = ["profile", "profile_documents", "profile_frame"]


def profile(
    frame_or_documents: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    settings: Settings | None = None,
    **options: Any,
) -> Profile:
    """Profile a pandas DataFrame or a list of documents.

    Args:
        frame_or_documents: A DataFrame, or mappings (MongoDB documents, JSON
            records) which are flattened by dotted field path first.
        settings: Where option defaults come from (``[profiling]`` and
            ``[registry.enrichment] categorical_threshold``); default ``Settings()``.
        **options: Overrides, any field of :class:`~xcatalog.profiling.options.ProfileOptions`:
            ``categorical_threshold``, ``categorical_max_ratio``, ``sample_rows``,
            ``quantiles``, ``histograms``, ``histogram_bins``, ``approximate``,
            ``semantic_sample_size``, ``semantic_min_share``, ``seed``.

    Returns:
        The profile; ``profile.columns[name]`` holds each field.

    Raises:
        ProfilingError: The input is neither a DataFrame nor documents, or an option is invalid.

    Example:
        >>> import pandas as pd
        >>> result = profile(pd.DataFrame({"email": ["a@x.org", "b@x.org", None]}))
        >>> result.columns["email"].semantic_type, result.columns["email"].null_count
        ('email', 1)
    """
    if isinstance(frame_or_documents, pd.DataFrame):
        return profile_frame(frame_or_documents, settings=settings, **options)
    if isinstance(frame_or_documents, pd.Series):
        name = frame_or_documents.name if frame_or_documents.name is not None else "value"
        return profile_frame(frame_or_documents.to_frame(name=str(name)), settings=settings, **options)
    if isinstance(frame_or_documents, str | bytes | Mapping) or not isinstance(frame_or_documents, Iterable):
        raise ProfilingError(
            f"Cannot profile a {type(frame_or_documents).__name__}: pass a pandas DataFrame or a list of "
            "documents (dicts). For a polars frame use frame.to_pandas(); for one document wrap it in a list."
        )
    return profile_documents(frame_or_documents, settings=settings, **options)


def profile_frame(
    frame: pd.DataFrame,
    *,
    settings: Settings | None = None,
    source: str = "DataFrame",
    **options: Any,
) -> Profile:
    """Profile a pandas DataFrame (every column fully present: missing counts are 0, NaN/None/NaT are nulls).

    Args:
        frame: The data.
        settings: Option defaults (see :func:`profile`).
        source: Name recorded in the profile.
        **options: Option overrides (see :func:`profile`).

    Returns:
        The profile.

    Raises:
        ProfilingError: Repeated column names or an invalid option.
    """
    resolved = ProfileOptions.resolve(settings, **options)
    started = time.perf_counter()
    columns, scores = profile_columns(frame, resolved)
    samples: list[dict[str, Any]] = []
    if resolved.sample_rows and len(frame):
        picked = frame.sample(n=min(resolved.sample_rows, len(frame)), random_state=resolved.seed)
        samples = [
            {str(key): json_safe(value) for key, value in record.items()} for record in picked.to_dict(orient="records")
        ]
    return _build(columns, scores, resolved, len(frame), len(frame), source, "frame", samples, started)


def profile_documents(
    documents: Iterable[Mapping[str, Any]],
    *,
    settings: Settings | None = None,
    source: str = "documents",
    total_count: int | None = None,
    mode: Literal["documents", "sample", "full"] = "documents",
    **options: Any,
) -> Profile:
    """Profile documents, flattened by dotted field path (absent keys are *missing*, explicit nulls *null*).

    Args:
        documents: Mappings; BSON values are recognised by class name.
        settings: Option defaults (see :func:`profile`).
        source: Name recorded in the profile (``"shop.orders"``).
        total_count: Documents in the source when ``documents`` is a sample.
        mode: Recorded in the profile (``"sample"`` / ``"full"`` for a collection).
        **options: Option overrides (see :func:`profile`).

    Returns:
        The profile.

    Raises:
        ProfilingError: A document is not a mapping, or an option is invalid.
    """
    resolved = ProfileOptions.resolve(settings, **options)
    started = time.perf_counter()
    kept = list(documents)
    for position, document in enumerate(kept):
        if not isinstance(document, Mapping):
            raise ProfilingError(
                f"Document {position} is a {type(document).__name__}, not a mapping: profile() takes a DataFrame "
                "or a list of dicts."
            )
    flat = flatten_documents(kept)
    columns, scores = profile_columns(
        flat.frame, resolved, present_counts=flat.present_counts, type_counts=flat.type_counts
    )
    samples: list[dict[str, Any]] = []
    if resolved.sample_rows and kept:
        chooser = random.Random(resolved.seed)
        picked = sorted(chooser.sample(range(len(kept)), min(resolved.sample_rows, len(kept))))
        samples = [json_safe(dict(kept[index])) for index in picked]
    total = len(kept) if total_count is None else max(total_count, len(kept))
    return _build(columns, scores, resolved, len(kept), total, source, mode, samples, started)


def _build(
    columns: dict[str, Any],
    scores: list[Any],
    options: ProfileOptions,
    row_count: int,
    total_count: int,
    source: str,
    mode: Literal["frame", "documents", "sample", "full"],
    samples: list[dict[str, Any]],
    started: float,
) -> Profile:
    table = table_quality(scores)
    return Profile(
        row_count=row_count,
        total_count=total_count,
        source=source,
        mode=mode,
        engine="polars",
        approximate=options.approximate,
        categorical_threshold=options.categorical_threshold,
        categorical_max_ratio=options.categorical_max_ratio,
        columns=columns,
        samples=samples,
        quality=table.quality,
        completeness=table.completeness,
        validity=table.validity,
        consistency=table.consistency,
        seconds=time.perf_counter() - started,
    )
