from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from xcatalog.errors import ResourceError
from xcatalog.resources.base import Resource
from xcatalog.resources.frames import FrameResource


class _Minimal(Resource):
    """The least a resource must implement; everything else comes from the base."""

    name = "minimal"
    resource_type = "minimal"

    def __init__(self) -> None:
        self.events: list[str] = []

    async def connect(self) -> None:
        self.events.append("connect")

    async def close(self) -> None:
        self.events.append("close")

    async def validate_connection(self) -> bool:
        return self.events[-1:] == ["connect"]

    async def list_collections(self) -> list[str]:
        return []

    async def count(self, collection: str, *, exact: bool = False, filter: Mapping[str, Any] | None = None) -> int:
        return 0

    async def sample(self, collection: str, n: int) -> list[dict[str, Any]]:
        return []

    async def find(
        self, collection: str, filter: Mapping[str, Any] | None = None, **options: Any
    ) -> list[dict[str, Any]]:
        return []

    async def iter_batches(
        self, collection: str, *, batch_size: int = 1000, filter: Mapping[str, Any] | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        batches: list[list[dict[str, Any]]] = []
        for batch in batches:
            yield batch

    async def insert_many(
        self, collection: str, documents: Sequence[Mapping[str, Any]], *, object_id_fields: Any = ()
    ) -> list[Any]:
        return []


def test_resource_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Resource()  # type: ignore[abstract]


async def test_async_context_manager_connects_and_closes() -> None:
    resource = _Minimal()
    async with resource as opened:
        assert opened is resource
        assert await resource.validate_connection()
    assert resource.events == ["connect", "close"]


async def test_close_runs_when_the_block_raises() -> None:
    resource = _Minimal()
    with pytest.raises(RuntimeError, match="boom"):
        async with resource:
            raise RuntimeError("boom")
    assert resource.events == ["connect", "close"]


async def test_defaults() -> None:
    resource = _Minimal()
    assert resource.get_type() == "minimal"
    assert resource.supports_pushdown is False
    with pytest.raises(ResourceError, match=r"'things' of the minimal resource 'minimal': pipeline pushdown needs"):
        await resource.aggregate("things", [{"$match": {}}])


async def test_inspector_delegation() -> None:
    frame = pd.DataFrame({"name": ["a", "b", "c"], "score": [1, 2, None]})
    resource = FrameResource({"players": frame})
    result = await resource.inspect("players", sample_size=2, name="Player")
    assert result.model_name == "Player"
    assert result.sample_size == 2
    assert result.total_count == 3
    schema = await resource.get_schema("players")
    assert set(schema["properties"]) == {"name", "score"}
    assert await resource.get_preview("players", limit=2) == [{"name": "a", "score": 1.0}, {"name": "b", "score": 2.0}]
