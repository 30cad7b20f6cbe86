"""Shared fixtures: a real MongoDB wire-protocol server and fresh registries.

The database tests talk to a real server over TCP through pymongo. When
``XCATALOG_TEST_MONGO_URI`` is set (``.ci/run`` starts one server for the whole
run), that server is used; otherwise the session starts an in-memory embedded
server on a free port and stops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from xcatalog.resources.embedded import EmbeddedMongo


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    """URI of a running MongoDB-compatible server for this test session."""
    given = os.environ.get("XCATALOG_TEST_MONGO_URI")
    if given:
        yield given
        return
    server = EmbeddedMongo().start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def mongo_client(mongo_uri: str) -> Iterator[object]:
    """A synchronous pymongo client (for seeding test data)."""
    import pymongo

    with pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=5000, tz_aware=True) as client:
        yield client


@pytest.fixture
def mongo_db_name(mongo_client: object) -> Iterator[str]:
    """A database name unique to the test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield name
    mongo_client.drop_database(name)  # type: ignore[attr-defined]


@pytest.fixture
def mongo_db(mongo_client: object, mongo_db_name: str) -> object:
    """The pymongo ``Database`` for :func:`mongo_db_name` (sync, for seeding)."""
    return mongo_client[mongo_db_name]  # type: ignore[index]
