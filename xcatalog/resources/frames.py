"""A resource over pandas DataFrames: one collection per frame.

Rows become plain dicts of Python values so that inference sees the same kinds
of values as from MongoDB: numpy scalars become ``int``/``float``/``bool``,
``Timestamp`` becomes ``datetime``, arrays become lists. **A missing cell
(NaN, None, NaT, pd.NA) is the value ``None``, and its key is kept**: a frame
has the same columns in every row, so a field is always present and sometimes
null. A named index is turned into columns; an unnamed one is dropped.

Example:
    >>> import pandas as pd
    >>> resource = FrameResource({"orders": pd.DataFrame({"id": [1, 2], "total": [9.5, None]})})
    >>> await resource.find("orders", {"id": 2})  # doctest: +SKIP
    [{'id': 2, 'total': None}]
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from xcatalog.errors import ResourceError
from xcatalog.resources._memory import InMemoryResource

__all__ = ["FrameResource", "frame_to_records", "to_python_value"]


def to_python_value(value: Any) -> Any:
    """Convert one pandas/numpy/pyarrow cell to a plain Python value (missing -> ``None``)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, np.ndarray):
        return [to_python_value(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return to_python_value(value.item())
    if isinstance(value, Mapping):
        return {str(key): to_python_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_python_value(item) for item in value]
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Turn a DataFrame into documents (see the module docstring for the conversions).

    Raises:
        ResourceError: The frame has duplicate column names (a document cannot).
    """
    if any(level is not None for level in frame.index.names):
        frame = frame.reset_index()
    columns = [str(column) for column in frame.columns]
    if len(set(columns)) != len(columns):
        duplicates = sorted({column for column in columns if columns.count(column) > 1})
        raise ResourceError(
            f"The frame has duplicate column names {duplicates}; documents need unique keys. Rename them first."
        )
    return [
        {column: to_python_value(value) for column, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


class FrameResource(InMemoryResource):
    """Collections backed by pandas DataFrames.

    Args:
        frames: ``{collection name: DataFrame}``; the mapping is copied, the
            frames are not.
        name: The resource name.
        seed: Seed for :meth:`sample`, for repeatable samples.

    Raises:
        ResourceError: A value is not a DataFrame or a name is not a string.
    """

    resource_type = "frames"

    def __init__(self, frames: Mapping[str, pd.DataFrame], name: str = "frames", *, seed: int | None = None) -> None:
        super().__init__(name, seed=seed)
        for key, frame in frames.items():
            if not isinstance(key, str) or not key:
                raise ResourceError(f"Frame names must be non-empty strings; got {key!r}.")
            if not isinstance(frame, pd.DataFrame):
                raise ResourceError(
                    f"The frame '{key}' is a {type(frame).__name__}, not a pandas DataFrame. "
                    "Convert it first (polars: frame.to_pandas())."
                )
        self._frames: dict[str, pd.DataFrame] = dict(frames)

    def __repr__(self) -> str:
        return f"FrameResource(name={self.name!r}, frames={sorted(self._frames)!r})"

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The current frames (including rows added by :meth:`insert_many`)."""
        return dict(self._frames)

    def _collection_names(self) -> list[str]:
        return list(self._frames)

    def _load(self, collection: str) -> list[dict[str, Any]]:
        return frame_to_records(self._frames[collection])

    async def insert_many(
        self, collection: str, documents: Sequence[Mapping[str, Any]], *, object_id_fields: Collection[str] = ()
    ) -> list[Any]:
        """Append rows to a frame (a new frame for a new collection).

        Returns:
            The index labels of the new rows.
        """
        if not documents:
            return []
        added = pd.DataFrame.from_records([dict(document) for document in documents])
        existing = self._frames.get(collection)
        if existing is None or existing.empty:
            combined = added
        else:
            start = len(existing)
            added.index = pd.RangeIndex(start, start + len(added))
            combined = pd.concat([existing, added], ignore_index=not isinstance(existing.index, pd.RangeIndex))
        self._frames[collection] = combined
        self._cache.pop(collection, None)
        return list(combined.index[-len(added) :])
