"""Schema inference: documents -> field statistics -> pydantic v2 model (pure, no IO).

Two steps, as in pandera: :func:`analyze_documents` (or the streaming
:class:`SchemaAccumulator`, or the in-database :func:`schema_pipeline` +
:func:`stats_from_pipeline`) gives :class:`SchemaStats`; :func:`model_from_stats`
turns them into model classes. :func:`infer_model` does both. Exports of a model:
:func:`json_schema`, :func:`mongo_validator` and :func:`model_source`.

Example:
    >>> from xcatalog.inference import infer_model, model_source
    >>> Order = infer_model([{"_id": 1, "shipping": {"city": "Oslo"}}, {"_id": 2}], "Order")
    >>> Order.model_validate({"_id": 3}).shipping is None
    True
"""

from __future__ import annotations

from xcatalog.inference.bson_types import BsonDecimal, ObjectIdStr, type_name
from xcatalog.inference.exports import json_schema, model_source, mongo_validator
from xcatalog.inference.model_builder import infer_model, model_from_stats
from xcatalog.inference.pipeline import schema_pipeline, stats_from_pipeline
from xcatalog.inference.stats import FieldStats, SchemaAccumulator, SchemaStats, analyze_documents, wilson_interval

__all__ = [
    "BsonDecimal",
    "FieldStats",
    "ObjectIdStr",
    "SchemaAccumulator",
    "SchemaStats",
    "analyze_documents",
    "infer_model",
    "json_schema",
    "model_from_stats",
    "model_source",
    "mongo_validator",
    "schema_pipeline",
    "stats_from_pipeline",
    "type_name",
    "wilson_interval",
]
