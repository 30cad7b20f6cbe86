from __future__ import annotations

import datetime as dt
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bson
import pymongo
import pytest
from bson import Decimal128, ObjectId
from pymongo.errors import PyMongoError

from xcatalog.config import MongoSettings
from xcatalog.errors import AuthenticationFailed, CollectionNotFound, ResourceError, ResourceUnreachable
from xcatalog.resources.embedded import EmbeddedMongo, free_port
from xcatalog.resources.mongo import MongoResource

FAST = MongoSettings(server_selection_timeout_ms=3000, connect_timeout_ms=3000)

pytestmark = pytest.mark.mongodb


# -- connection and discovery -----------------------------------------------------------------------------------------


async def test_connect_validate_close(mongo_uri: str, mongo_db_name: str, seeded_db: Any) -> None:
    resource = MongoResource(mongo_uri, mongo_db_name, settings=FAST)
    assert resource.get_type() == "mongodb"
    assert resource.supports_pushdown is True
    assert resource.name == mongo_db_name
    assert await resource.validate_connection() is False
    async with resource:
        assert await resource.validate_connection() is True
        await resource.connect()  # idempotent
        assert resource.client is not None
    assert await resource.validate_connection() is False
    with pytest.raises(ResourceError, match="is not connected"):
        _ = resource.client
    await resource.close()  # idempotent


async def test_reads_connect_on_first_use(mongo_uri: str, mongo_db_name: str, seeded_db: Any) -> None:
    resource = MongoResource(mongo_uri, mongo_db_name, settings=FAST)
    try:
        assert await resource.count("people") == 3
    finally:
        await resource.close()


async def test_list_collections_hides_system_collections(shop: MongoResource) -> None:
    assert await shop.list_collections() == ["empty", "orders", "people"]


async def test_list_databases_hides_system_databases(shop: MongoResource) -> None:
    names = await shop.list_databases()
    assert shop.database_name in names
    assert not {"admin", "local", "config"} & set(names)
    assert names == sorted(names)


async def test_count_estimated_exact_and_filtered(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    assert await shop.count("orders") == len(orders)
    assert await shop.count("orders", exact=True) == len(orders)
    paid = sum(order["status"] == "paid" for order in orders)
    assert await shop.count("orders", filter={"status": "paid"}) == paid
    assert await shop.count("empty") == 0


async def test_sample_is_server_side_random_and_keeps_bson_types(shop: MongoResource) -> None:
    picked = await shop.sample("orders", 10)
    assert len(picked) == 10
    assert len({document["_id"] for document in picked}) == 10
    document = picked[0]
    assert isinstance(document["_id"], ObjectId)
    assert isinstance(document["total"], Decimal128)
    assert isinstance(document["placed_at"], dt.datetime)
    assert document["placed_at"].utcoffset() == dt.timedelta(0)
    assert len(await shop.sample("people", 50)) == 3
    assert await shop.sample("people", 0) == []


async def test_find_with_filter_projection_sort_skip_limit(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    found = await shop.find(
        "orders",
        {"status": "paid"},
        projection={"number": 1, "_id": 0},
        sort=[("number", -1)],
        skip=1,
        limit=3,
    )
    expected = sorted((order["number"] for order in orders if order["status"] == "paid"), reverse=True)[1:4]
    assert found == [{"number": number} for number in expected]
    assert await shop.find("people", {"name": "cy"}, projection=["name"]) == [
        {"_id": (await shop.find("people", {"name": "cy"}))[0]["_id"], "name": "cy"}
    ]
    assert len(await shop.find("orders")) == len(orders)
    assert [person["name"] for person in await shop.find("people", sort="name")] == ["ana", "bo", "cy"]


async def test_weird_keys_round_trip(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    document = (await shop.find("orders", {"number": 1}))[0]
    assert document == orders[1]
    assert {"first-name", "class", "ünïcode", "with space", "$ref"} <= set(document)


async def test_iter_batches_streams_everything(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    sizes = [len(batch) async for batch in shop.iter_batches("orders", batch_size=25)]
    assert sizes == [25, 25, len(orders) - 50]
    filtered = [doc async for batch in shop.iter_batches("orders", filter={"status": "open"}) for doc in batch]
    assert len(filtered) == sum(order["status"] == "open" for order in orders)


async def test_iter_batches_can_stop_early(shop: MongoResource) -> None:
    async for batch in shop.iter_batches("orders", batch_size=5):
        assert len(batch) == 5
        break
    assert await shop.validate_connection() is True


async def test_raw_batches_are_bson(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    decoded: list[dict[str, Any]] = []
    async for raw in shop.raw_batches("orders", batch_size=20):
        assert isinstance(raw, bytes)
        decoded.extend(bson.decode_all(raw))
    assert sorted(document["number"] for document in decoded) == [order["number"] for order in orders]


async def test_aggregate(shop: MongoResource, orders: list[dict[str, Any]]) -> None:
    rows = await shop.aggregate("orders", [{"$group": {"_id": "$status", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}])
    expected: dict[str, int] = {}
    for order in orders:
        expected[order["status"]] = expected.get(order["status"], 0) + 1
    assert {row["_id"]: row["n"] for row in rows} == expected


async def test_insert_many_returns_ids_and_leaves_input_alone(shop: MongoResource) -> None:
    documents: list[dict[str, Any]] = [{"name": "dee"}, {"name": "ed", "age": 5}]
    ids = await shop.insert_many("people", documents)
    assert len(ids) == 2 and all(isinstance(value, ObjectId) for value in ids)
    assert "_id" not in documents[0]
    assert await shop.count("people", exact=True) == 5
    assert await shop.insert_many("people", []) == []
    await shop.insert_many("fresh", [{"a": 1}])
    assert await shop.find("fresh", projection={"_id": 0}) == [{"a": 1}]


async def test_new_database_with_must_exist_false(mongo_uri: str, mongo_db_name: str, mongo_client: Any) -> None:
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST, must_exist=False) as resource:
        assert await resource.list_collections() == []
        await resource.insert_many("things", [{"a": 1}])
    assert mongo_db_name in mongo_client.list_database_names()


# -- errors ----------------------------------------------------------------------------------------------------------


async def test_missing_collection_lists_the_collections(shop: MongoResource) -> None:
    expected = r"No collection 'order' in the database .*Available: empty, orders, people"
    with pytest.raises(CollectionNotFound, match=expected):
        await shop.find("order")
    for call in (shop.count("order"), shop.sample("order", 3), shop.aggregate("order", []), shop.sample("order", 0)):
        with pytest.raises(CollectionNotFound) as caught:
            await call
        assert caught.value.available == ["empty", "orders", "people"]


async def test_missing_collection_in_iterators(shop: MongoResource) -> None:
    with pytest.raises(CollectionNotFound, match="'nope'"):
        async for _ in shop.iter_batches("nope"):
            pass
    with pytest.raises(CollectionNotFound, match="'nope'"):
        async for _ in shop.raw_batches("nope"):
            pass


async def test_missing_database_lists_the_databases(mongo_uri: str, mongo_db_name: str, seeded_db: Any) -> None:
    resource = MongoResource(mongo_uri, "no_such_db_here", settings=FAST)
    expected = rf"database 'no_such_db_here' does not exist .*{mongo_db_name}"
    with pytest.raises(CollectionNotFound, match=expected) as caught:
        await resource.connect()
    assert mongo_db_name in caught.value.available
    assert "admin" not in caught.value.available
    assert await resource.validate_connection() is False


@pytest.mark.parametrize("database", ["admin", "local", "config"])
async def test_system_databases_are_refused(mongo_uri: str, database: str) -> None:
    with pytest.raises(ResourceError, match=f"'{database}' is a MongoDB system database"):
        await MongoResource(mongo_uri, database, settings=FAST).connect()


def test_needs_a_database_name() -> None:
    with pytest.raises(ResourceError, match="needs a database name; got '' for mongodb://ana:\\*\\*\\*@h/"):
        MongoResource("mongodb://ana:pw@h/", "")


async def test_unreachable_server_fails_fast_and_redacts() -> None:
    port = free_port()
    resource = MongoResource(
        f"mongodb://ana:topsecret@127.0.0.1:{port}/",
        "shop",
        settings=MongoSettings(server_selection_timeout_ms=300, connect_timeout_ms=300),
    )
    started = time.monotonic()
    expected = rf"Cannot reach MongoDB at 127\.0\.0\.1:{port} .*Check the host"
    with pytest.raises(ResourceUnreachable, match=expected) as caught:
        await resource.connect()
    assert time.monotonic() - started < 2.0
    assert "topsecret" not in str(caught.value)
    assert "ana:***@" in str(caught.value)
    assert isinstance(caught.value, ConnectionError)
    assert "topsecret" not in repr(resource)


async def test_invalid_uri_is_a_resource_error() -> None:
    with pytest.raises(ResourceError, match="Invalid MongoDB configuration for http://ana:\\*\\*\\*@x"):
        await MongoResource("http://ana:pw@x/", "shop").connect()


async def test_other_server_errors_name_operation_and_collection(shop: MongoResource) -> None:
    with pytest.raises(ResourceError, match=r"MongoDB aggregate on '.*\.orders' at .* failed") as caught:
        await shop.aggregate("orders", [{"$noSuchStage": {}}])
    assert isinstance(caught.value.__cause__, PyMongoError)


# -- authentication (a second server started with --auth) ------------------------------------------------------------


def _wait_for_ping(uri: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the --auth server exited with code {process.returncode}")
        try:
            with pymongo.MongoClient[dict[str, Any]](uri, serverSelectionTimeoutMS=300) as client:
                client.admin.command("ping")
            return
        except PyMongoError:
            time.sleep(0.2)
    raise RuntimeError("the --auth server did not answer")


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with --auth and the user ``ana`` (password ``s3cret``, readWrite on ``shop``)."""
    data = tmp_path_factory.mktemp("auth-db")
    # Users are created on a plain server writing to a data folder, then the folder is served with --auth.
    with EmbeddedMongo(data_path=data) as plain, pymongo.MongoClient[dict[str, Any]](plain.uri) as client:
        client.admin.command("createUser", "ana", pwd="s3cret", roles=[{"role": "readWrite", "db": "shop"}])
        client.shop.orders.insert_one({"a": 1})
    port = free_port()
    command = [EmbeddedMongo.command_path(), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(data)]
    command += ["--standalone", "--auth", "--log-level", "WARNING"]
    log = Path(data) / "auth.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_ping(f"mongodb://127.0.0.1:{port}/", process)
        yield f"127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data, ignore_errors=True)


async def test_good_credentials_read(auth_server: str) -> None:
    uri = f"mongodb://ana:s3cret@{auth_server}/?authSource=admin"
    # readWrite on one database may not list databases: connect skips that check instead of failing.
    async with MongoResource(uri, "shop", settings=FAST) as resource:
        assert await resource.list_collections() == ["orders"]
        assert await resource.count("orders", exact=True) == 1


async def test_bad_password_is_authentication_failed(auth_server: str) -> None:
    resource = MongoResource(f"mongodb://ana:WRONGPASS@{auth_server}/?authSource=admin", "shop", settings=FAST)
    with pytest.raises(AuthenticationFailed, match=rf"MongoDB at {auth_server} refused user 'ana'") as caught:
        await resource.connect()
    assert "WRONGPASS" not in str(caught.value)
    assert "WRONGPASS" not in repr(resource)
    assert await resource.validate_connection() is False


async def test_missing_credentials_is_authentication_failed(auth_server: str) -> None:
    resource = MongoResource(f"mongodb://{auth_server}/", "shop", settings=FAST)
    with pytest.raises(AuthenticationFailed, match=r"does not allow an unauthenticated client .*Add user:password"):
        await resource.connect()


async def test_values_from_pydantic_models_are_stored_as_bson(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    import datetime as dt
    import enum
    import uuid
    from decimal import Decimal

    class Status(enum.Enum):
        OPEN = "open"

    record_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    resource = MongoResource(mongo_uri, mongo_db_name, must_exist=False)
    async with resource:
        await resource.insert_many(
            "typed",
            [
                {
                    "status": Status.OPEN,
                    "day": dt.date(2026, 1, 2),
                    "price": Decimal("9.99"),
                    "tags": {"a"},
                    "ref": record_id,
                }
            ],
        )
    stored = mongo_db["typed"].find_one({}, {"_id": 0})
    assert stored["status"] == "open"
    assert stored["day"] == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    assert stored["price"].to_decimal() == Decimal("9.99")
    assert stored["tags"] == ["a"]
    assert stored["ref"].as_uuid() == record_id
