"""Data sources: MongoDB (pymongo's async client), data files and pandas DataFrames.

This is the only package that imports pymongo. Every source implements
:class:`Resource`; :class:`XInspector` turns a collection of any of them into
field statistics and a pydantic model through :mod:`xcatalog.inference`.
"""

from __future__ import annotations

from xcatalog.resources.base import Resource
from xcatalog.resources.embedded import EmbeddedMongo
from xcatalog.resources.factory import ResourceFactory
from xcatalog.resources.files import FileResource
from xcatalog.resources.frames import FrameResource
from xcatalog.resources.inspector import InspectionResult, XInspector, model_name_for, to_json_friendly
from xcatalog.resources.mongo import MongoResource

__all__ = [
    "EmbeddedMongo",
    "FileResource",
    "FrameResource",
    "InspectionResult",
    "MongoResource",
    "Resource",
    "ResourceFactory",
    "XInspector",
    "model_name_for",
    "to_json_friendly",
]
