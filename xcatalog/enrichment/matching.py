"""Finding the registered model that describes a collection, by field overlap. Pure.

The rule (the seed's "80% rule", made deterministic):

* the *overlap* of a model is the share of the model's own top-level fields
  (by their original names, i.e. aliases) that occur among the collection's
  top-level fields — extra fields in the collection do not count against it;
* a model matches when its overlap is at least ``match_threshold``
  (``[registry.enrichment] match_threshold``, default ``0.8``);
* among matching models the highest overlap wins, then the one with more
  matched fields (a two-field model that happens to fit is weaker evidence
  than a twelve-field one), then the path in alphabetical order;
* models without fields are never candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from xcatalog.enrichment.model import ModelMatch

__all__ = ["rank_models", "top_level_fields"]


def top_level_fields(paths: Iterable[str]) -> set[str]:
    """The top-level field names of inspector paths (``address.city`` -> ``address``, ``items[].sku`` -> ``items``)."""
    return {path.split(".", 1)[0].removesuffix("[]") for path in paths if path}


def rank_models(collection_fields: Iterable[str], models: Mapping[str, Iterable[str]]) -> list[ModelMatch]:
    """Score every model against a collection's fields, best first.

    Args:
        collection_fields: Top-level field names present in the collection.
        models: Model path -> its top-level field names.

    Returns:
        One :class:`ModelMatch` per model with at least one field, ordered by
        overlap, then matched field count (both descending), then path.
    """
    present = set(collection_fields)
    scored: list[ModelMatch] = []
    for path, fields in models.items():
        wanted = set(fields)
        if not wanted:
            continue
        matched = sorted(wanted & present)
        overlap = len(matched) / len(wanted)
        scored.append(ModelMatch(model=path, overlap=overlap, matched=matched, missing=sorted(wanted - present)))
    scored.sort(key=lambda match: (-match.overlap, -len(match.matched), match.model))
    return scored
