"""Profiling options: settings defaults plus per-call overrides, validated once."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from xcatalog.config import Settings
from xcatalog.errors import ProfilingError, format_choices

__all__ = ["ProfileOptions"]


@dataclass(frozen=True)
class ProfileOptions:
    """What a profile computes.

    Defaults come from :class:`~xcatalog.config.Settings` (``[profiling]`` and
    ``[registry.enrichment] categorical_threshold``); the last three have no setting.

    Attributes:
        categorical_threshold: Most distinct values a categorical field may have.
        categorical_max_ratio: Largest distinct/non-null ratio of a categorical field.
        sample_rows: Example rows kept in the profile.
        quantiles: Compute p5/p25/p50/p75/p95 (a sort per numeric column).
        histograms: Compute equal-width histograms of numeric columns.
        histogram_bins: Bins per histogram.
        approximate: Estimate distinct counts (HyperLogLog) instead of counting them exactly.
        semantic_sample_size: Most string values examined per field for its semantic type.
        semantic_min_share: Least share of matching values for a semantic type to be reported.
        seed: Seed of every random sample the profiler takes (results are reproducible).
    """

    categorical_threshold: int = 100
    categorical_max_ratio: float = 0.5
    sample_rows: int = 10
    quantiles: bool = True
    histograms: bool = True
    histogram_bins: int = 20
    approximate: bool = False
    semantic_sample_size: int = 10_000
    semantic_min_share: float = 0.5
    seed: int = 0

    @classmethod
    def resolve(cls, settings: Settings | None = None, **overrides: Any) -> ProfileOptions:
        """Build options from settings and keyword overrides.

        Args:
            settings: Where the defaults come from; ``None`` uses ``Settings()`` defaults.
            **overrides: Any attribute of this class.

        Returns:
            The options.

        Raises:
            ProfilingError: An override is unknown or out of range.
        """
        settings = settings or Settings()
        profiling = settings.profiling
        base = cls(
            categorical_threshold=settings.registry.enrichment.categorical_threshold,
            categorical_max_ratio=profiling.categorical_max_ratio,
            sample_rows=profiling.sample_rows,
            quantiles=profiling.quantiles,
            histograms=profiling.histograms,
            histogram_bins=profiling.histogram_bins,
            approximate=profiling.approximate,
        )
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ProfilingError(
                f"Unknown profiling option(s): {', '.join(unknown)}. Valid options: {format_choices(known, limit=20)}."
            )
        options = replace(base, **overrides)
        options._check()
        return options

    def _check(self) -> None:
        problems = []
        if self.categorical_threshold < 1:
            problems.append(f"categorical_threshold={self.categorical_threshold} must be >= 1")
        if not 0 < self.categorical_max_ratio <= 1:
            problems.append(f"categorical_max_ratio={self.categorical_max_ratio} must be in (0, 1]")
        if self.sample_rows < 0:
            problems.append(f"sample_rows={self.sample_rows} must be >= 0")
        if self.histogram_bins < 1:
            problems.append(f"histogram_bins={self.histogram_bins} must be >= 1")
        if self.semantic_sample_size < 1:
            problems.append(f"semantic_sample_size={self.semantic_sample_size} must be >= 1")
        if not 0 < self.semantic_min_share <= 1:
            problems.append(f"semantic_min_share={self.semantic_min_share} must be in (0, 1]")
        if problems:
            raise ProfilingError("Invalid profiling options: " + "; ".join(problems) + ".")
