"""Benchmark: HTTP requests per second of the API beside the in-process call rate.

Run from the repository root (needs the api extra)::

    python bench/api.py                          # 2,000 requests per operation, 4 client threads
    python bench/api.py --requests 500 --concurrency 2

What is measured, for two read operations:

* ``get-model``: ``GET /api/registry/models/Product`` against the in-process work
  the route does (``models.require_access(...)`` plus building the ``ModelInfo``);
* ``suggestions``: ``GET /api/enrichment/models/Product/suggestions/category?prefix=b``
  against ``EnrichedRegistry.suggestions(...)`` for the same model, field and prefix.

The server is uvicorn on 127.0.0.1 (a free port, loopback only), in a thread
of this process; the load generator is ``--concurrency`` threads, each with its
own keep-alive ``httpx.Client``, sending ``--requests`` requests per operation
in total (bounded: never more). The model is enriched from an in-memory frame,
so no database is involved and the figures isolate the HTTP layer. The ratio
column is in-process calls/s over HTTP requests/s: what HTTP, JSON and the
API key check cost per call. Benchmarks print; they never assert.

With 2 shared cores the client threads and the server compete for the same
CPU (and the GIL): figures are a floor, not a capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pandas as pd
import uvicorn
from pydantic import BaseModel, Field

from xcatalog.api import create_app
from xcatalog.api.routes_registry import model_info
from xcatalog.config import Settings
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource
from xcatalog.resources.embedded import free_port

KEY = "bench-key-0123456789abcdef"
ROLE = "analyst"
CATEGORIES = ["books", "beauty", "bikes", "games", "garden", "music", "toys"]


class Product(BaseModel):
    """A product."""

    sku: str
    name: str
    price: float = Field(ge=0)
    category: str


def build_registry(rows: int) -> XRegistry:
    registry = XRegistry(Settings.model_validate({"registry": {"enrichment": {"auto_refresh": False}}}))
    registry.models.register(Product, namespace="shop")
    frame = pd.DataFrame(
        {
            "sku": [f"P{index:05d}" for index in range(rows)],
            "name": [f"Item {index}" for index in range(rows)],
            "price": [float(index % 97) for index in range(rows)],
            "category": [CATEGORIES[index % len(CATEGORIES)] for index in range(rows)],
        }
    )
    enriched = registry.get_enriched()
    asyncio.run(enriched.enrich_from_resource(FrameResource({"products": frame}), "Product", collection="products"))
    return registry


def in_process_rate(call: Callable[[], Any], calls: int) -> float:
    call()  # warm caches the way the server's first request does
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - started)


def http_rate(base_url: str, path: str, requests: int, concurrency: int) -> tuple[float, float, float, int]:
    """Requests/s, median and 95th-percentile latency (ms), and the number of non-200 answers."""
    shares = [requests // concurrency + (1 if worker < requests % concurrency else 0) for worker in range(concurrency)]
    headers = {"X-API-Key": KEY}

    def worker(count: int) -> tuple[list[float], int]:
        latencies: list[float] = []
        failures = 0
        with httpx.Client(base_url=base_url, headers=headers, timeout=30.0) as client:
            client.get(path)  # open the keep-alive connection outside the clock
            for _ in range(count):
                started = time.perf_counter()
                response = client.get(path)
                latencies.append(time.perf_counter() - started)
                failures += response.status_code != 200
        return latencies, failures

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(worker, shares))
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for part, _ in results for latency in part)
    failures = sum(failed for _, failed in results)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    return requests / elapsed, statistics.median(latencies) * 1000, p95 * 1000, failures


class BackgroundServer:
    """uvicorn on 127.0.0.1 in a daemon thread, stopped on exit."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, name="bench-uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise SystemExit("uvicorn did not start within 30 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000, help="HTTP requests per operation (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default %(default)s)")
    parser.add_argument("--calls", type=int, default=20000, help="in-process calls per operation (default %(default)s)")
    parser.add_argument("--rows", type=int, default=2000, help="rows of the enriched frame (default %(default)s)")
    args = parser.parse_args(argv)
    requests = max(args.requests, 1)
    concurrency = max(1, min(args.concurrency, requests))

    registry = build_registry(args.rows)
    enriched = registry.get_enriched()
    operations: dict[str, tuple[str, Callable[[], Any]]] = {
        "get-model": (
            "/api/registry/models/Product",
            lambda: model_info(registry.models.require_access("Product", "read", ROLE)),
        ),
        "suggestions": (
            "/api/enrichment/models/Product/suggestions/category?prefix=b",
            lambda: enriched.suggestions("Product", "category", prefix="b", role=ROLE),
        ),
    }
    app = create_app(registry, api_keys={KEY: ROLE})

    print(f"xcatalog API benchmark — Python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    print(
        f"{requests:,} HTTP requests per operation over {concurrency} keep-alive client threads; "
        f"{args.calls:,} in-process calls; model enriched from a frame of {args.rows:,} rows"
    )
    print()
    header = (
        f"{'operation':<12} {'in-process/s':>13} {'HTTP req/s':>11} {'ratio':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'non-200':>8}"
    )
    print(header)
    print("-" * len(header))
    with BackgroundServer(app) as server:
        for name, (path, call) in operations.items():
            local = in_process_rate(call, args.calls)
            rate, p50, p95, failures = http_rate(server.url, path, requests, concurrency)
            print(
                f"{name:<12} {local:>13,.0f} {rate:>11,.0f} {local / rate:>6.0f}x {p50:>8.2f} {p95:>8.2f} {failures:>8}"
            )
    print()
    print("ratio = in-process calls/s / HTTP requests/s (the cost of HTTP, JSON and key checks per call)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
