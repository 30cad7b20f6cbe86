"""ProfileView of a collection profiled on the real MongoDB wire-protocol test server."""

from __future__ import annotations

from typing import Any

import pytest

from xcatalog.profiling import Profile
from xcatalog.resources import MongoResource
from xcatalog.resources.profile import profile_collection
from xcatalog.widgets._tasks import ProgressCallback, TaskPanel
from xcatalog.widgets.profile_view import ProfileView

pytestmark = pytest.mark.mongodb


async def test_a_collection_profiled_in_a_task_panel_renders(mongo_uri: str, mongo_db_name: str, mongo_db: Any) -> None:
    mongo_db["orders"].insert_many(
        [
            {"total": float(index), "status": ["new", "paid"][index % 2], "address": {"city": "Lyon"}}
            for index in range(40)
        ]
    )
    resource = MongoResource(mongo_uri, mongo_db_name)
    panel = TaskPanel()

    async def work(progress: ProgressCallback) -> Profile:
        return await profile_collection(resource, "orders", mode="full", progress=progress)

    try:
        task = panel.start(work, label="Profiling orders")
        assert task is not None
        profile = await task
    finally:
        await resource.close()
    assert isinstance(profile, Profile), panel.error.value
    assert panel.progress.value == panel.progress.max
    view = ProfileView(profile)
    assert "orders" in view.header.value and "40 rows profiled" in view.header.value
    assert "<b>address.city</b>" in view.table.value
    assert {"total", "status"} <= set(view.pictured_fields())
