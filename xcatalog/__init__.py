"""xcatalog: turn a Jupyter notebook into a data catalog.

Point it at a MongoDB database or a pile of files, infer pydantic models from
the documents, profile the data, and register models, functions and types in a
namespaced registry with permissions, an audit trail and versions.
"""

from __future__ import annotations

from xcatalog.config import Settings, load_settings
from xcatalog.errors import XCatalogError

__version__ = "0.1.0"

__all__ = sorted(
    [
        "Settings",
        "XCatalogError",
        "__version__",
        "load_settings",
    ]
)
