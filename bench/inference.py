"""Benchmark: xcatalog schema inference vs genson and pymongo-schema on the same documents.

Run from the repository root::

    python bench/inference.py                    # 100k and 1M documents
    python bench/inference.py --sizes 100000     # shorter
    python bench/inference.py --repeat 3         # best of 3 passes (steadier on a busy machine)

The synthetic documents are seeded (identical in every run): 20 top-level
fields (str, int, float, bool, null, an int/str mixed ``code`` field, a list of
tags, a list of ints, an ``address`` sub-document with a nested ``geo``, an
``items`` array of 1-3 sub-documents), each field but ``_id`` missing from 30%
of the documents. They are JSON-like, so genson accepts them.

Documents are generated in batches of ``--batch`` and every contender consumes
the same batch in turn, so memory stays bounded and no copy of all documents is
made; generation is not timed. The order of the contenders rotates from batch
to batch. Contenders:

* ``xcatalog`` -- ``SchemaAccumulator.add_many`` per batch, then ``result()``;
* ``xcatalog raw BSON`` -- the batch is ``bson.encode``d beforehand (untimed) and
  the timing covers ``bson.decode_all`` + ``add_many``, as a cursor's raw batches
  would be consumed; also with the garbage collector paused around each batch;
* ``naive walk`` -- a plain recursive walk counting (path, type), for reference;
* ``genson`` -- ``SchemaBuilder.add_object`` per document, then ``to_schema()``;
* ``pymongo-schema`` -- the body of ``extract_collection_schema`` (its
  ``add_document_to_object_schema`` per document, then ``post_process_schema``)
  without the collection: the same work on the same in-memory documents.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time
from collections.abc import Callable, Iterator
from typing import Any

import bson
import genson
from pymongo_schema import extract as pymongo_schema_extract

from xcatalog.inference import SchemaAccumulator, model_from_stats

STATUSES = ["new", "paid", "shipped", "delivered", "cancelled", "returned"]
CITIES = ["Oslo", "Lyon", "Porto", "Kyoto", "Lima", "Accra", "Perth", "Quito"]
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]


def make_batch(start: int, size: int, seed: int) -> list[dict[str, Any]]:
    """The documents ``start .. start + size`` of the seeded synthetic collection."""
    rng = random.Random(seed * 1_000_003 + start)
    rand, randint, choice = rng.random, rng.randint, rng.choice
    documents = []
    for number in range(start, start + size):
        candidate: dict[str, Any] = {
            "name": f"{choice(WORDS)} {choice(WORDS)}",
            "email": f"user{number}@example.org",
            "age": randint(18, 90),
            "score": rand() * 100,
            "active": rand() < 0.5,
            "status": choice(STATUSES),
            "code": randint(0, 9999) if rand() < 0.6 else f"C-{randint(0, 9999)}",
            "created": f"2024-{randint(1, 12):02d}-{randint(1, 28):02d}T10:00:00Z",
            "tags": [choice(WORDS) for _ in range(randint(0, 4))],
            "ratings": [randint(1, 5) for _ in range(randint(0, 5))],
            "address": {
                "street": f"{randint(1, 200)} {choice(WORDS)} street",
                "city": choice(CITIES),
                "zip": f"{randint(10000, 99999)}",
                "geo": {"lat": rand() * 180 - 90, "lon": rand() * 360 - 180},
            },
            "items": [
                {"sku": f"SKU-{randint(0, 999)}", "qty": randint(1, 9), "price": round(rand() * 500, 2)}
                for _ in range(randint(1, 3))
            ],
            "notes": choice(WORDS) if rand() < 0.5 else None,
            "discount": rand() * 0.3,
            "priority": randint(1, 5),
            "channel": choice(["web", "app", "store"]),
            "gift": rand() < 0.1,
            "currency": choice(["EUR", "USD", "NOK"]),
            "referrer": None if rand() < 0.5 else f"ref{randint(0, 99)}",
        }
        document: dict[str, Any] = {"_id": number}
        for key, value in candidate.items():
            if rand() >= 0.3:  # 30% missing keys
                if key == "address":
                    value = {sub_key: sub_value for sub_key, sub_value in value.items() if rand() >= 0.3}
                document[key] = value
        documents.append(document)
    return documents


def batches(total: int, batch_size: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, total, batch_size):
        yield make_batch(start, min(batch_size, total - start), seed)


def naive_walk(documents: list[dict[str, Any]], counts: dict[tuple[str, str], int]) -> None:
    def walk(value: Any, path: str) -> None:
        name = type(value).__name__
        counts[(path, name)] = counts.get((path, name), 0) + 1
        if isinstance(value, dict):
            for key, member in value.items():
                walk(member, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for element in value:
                walk(element, path + "[]")

    for document in documents:
        walk(document, "")


class Contender:
    def __init__(self, name: str, consume: Callable[[list[dict[str, Any]]], None], finish: Callable[[], Any]) -> None:
        self.name = name
        self.consume = consume
        self.finish = finish
        self.seconds = 0.0

    def run_batch(self, documents: list[dict[str, Any]]) -> None:
        started = time.perf_counter()
        self.consume(documents)
        self.seconds += time.perf_counter() - started

    def run_finish(self) -> Any:
        started = time.perf_counter()
        result = self.finish()
        self.seconds += time.perf_counter() - started
        return result


class RawBsonContender(Contender):
    """Times decode_all + add_many on a batch encoded (untimed) beforehand."""

    def __init__(self, name: str, pause_gc: bool) -> None:
        self.accumulator = SchemaAccumulator()
        self.pause_gc = pause_gc
        super().__init__(name, self.accumulator.add_many, self.accumulator.result)

    def run_batch(self, documents: list[dict[str, Any]]) -> None:
        raw = b"".join(bson.encode(document) for document in documents)
        started = time.perf_counter()
        if self.pause_gc:
            gc.disable()
        try:
            self.accumulator.add_many(bson.decode_all(raw))
        finally:
            if self.pause_gc:
                gc.enable()
        self.seconds += time.perf_counter() - started


def make_contenders() -> list[Contender]:
    accumulator = SchemaAccumulator()
    walk_counts: dict[tuple[str, str], int] = {}
    builder = genson.SchemaBuilder()
    pymongo_schema: dict[str, Any] = {"count": 0, "object": pymongo_schema_extract.init_empty_object_schema()}

    def genson_consume(documents: list[dict[str, Any]]) -> None:
        add = builder.add_object
        for document in documents:
            add(document)

    def pymongo_schema_consume(documents: list[dict[str, Any]]) -> None:
        add = pymongo_schema_extract.add_document_to_object_schema
        target = pymongo_schema["object"]
        for document in documents:
            add(document, target)
        pymongo_schema["count"] += len(documents)

    def pymongo_schema_finish() -> Any:
        pymongo_schema_extract.post_process_schema(pymongo_schema)
        return pymongo_schema_extract.recursive_default_to_regular_dict(pymongo_schema)

    return [
        Contender("xcatalog", accumulator.add_many, accumulator.result),
        RawBsonContender("xcatalog raw BSON (decode+analyze)", pause_gc=False),
        RawBsonContender("xcatalog raw BSON, gc paused", pause_gc=True),
        Contender("naive recursive walk", lambda documents: naive_walk(documents, walk_counts), lambda: walk_counts),
        Contender("genson", genson_consume, builder.to_schema),
        Contender("pymongo-schema", pymongo_schema_consume, pymongo_schema_finish),
    ]


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(size: int, batch_size: int, seed: int) -> tuple[dict[str, float], Any]:
    contenders = make_contenders()
    for index, documents in enumerate(batches(size, batch_size, seed)):
        # Rotate who goes first so that no contender always meets cold caches.
        shift = index % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            contender.run_batch(documents)
    results = {contender.name: contender.run_finish() for contender in contenders}
    return {contender.name: contender.seconds for contender in contenders}, results["xcatalog"]


def run(size: int, batch_size: int, seed: int, repeat: int) -> None:
    best: dict[str, float] = {}
    for _ in range(repeat):
        seconds, stats = run_once(size, batch_size, seed)
        for name, value in seconds.items():
            best[name] = min(best.get(name, value), value)
    started = time.perf_counter()
    model_from_stats(stats, "Order")
    model_seconds = time.perf_counter() - started
    genson_rate = size / best["genson"]
    pymongo_schema_rate = size / best["pymongo-schema"]
    passes = f"best of {repeat} passes" if repeat > 1 else "one pass"
    print(f"\n{size:,} documents, {passes} ({len(stats.fields)} paths; max RSS so far {max_rss_mb():,.0f} MB)")
    print(f"{'contender':<38}{'seconds':>9}{'docs/s':>12}{'x genson':>10}{'x pymongo-schema':>18}")
    for name, value in best.items():
        rate = size / value
        print(f"{name:<38}{value:>9.2f}{rate:>12,.0f}{rate / genson_rate:>10.2f}{rate / pymongo_schema_rate:>18.2f}")
    print(f"model_from_stats on the result: {model_seconds * 1000:.1f} ms")
    xcatalog_rate = size / best["xcatalog"]
    verdict = "met" if xcatalog_rate >= 3 * genson_rate and xcatalog_rate >= 1.5 * pymongo_schema_rate else "NOT met"
    print(f"target (>= 3x genson and >= 1.5x pymongo-schema): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=10_000, help="documents per batch")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="passes per size; the best pass of each contender counts")
    arguments = parser.parse_args()
    for size in arguments.sizes:
        run(size, arguments.batch, arguments.seed, arguments.repeat)


if __name__ == "__main__":
    main()
