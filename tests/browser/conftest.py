"""Fixtures of the real-browser tests: a seeded shop database, Voila serving the notebook, Debian's chromium.

Voila runs ``main_flows.ipynb`` in a kernel of its own, so the test database
reaches the notebook through the environment of the Voila process
(``XCATALOG_TEST_MONGO_URI`` and ``BROWSER_TEST_DB``). Chromium is driven by
playwright's sync API from the executable Debian installs; ``playwright
install`` is never run. Without ``/usr/bin/chromium`` the tests are skipped
with that reason (CI installs it, so a skip there is a bug).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from xcatalog.resources.embedded import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NOTEBOOK = Path(__file__).with_name("main_flows.ipynb")
SCREENSHOTS = Path(__file__).with_name("screenshots")
#: Voila's own start; the kernel starts when the page is first loaded.
VOILA_START_TIMEOUT = 60.0
#: Every wait of playwright (kernel start and notebook run on 2 shared cores included), in milliseconds.
PAGE_TIMEOUT_MS = 45_000
DEFAULT_EXPECT_TIMEOUT_MS = 5_000

CATEGORIES = ["Electronics", "Books", "Clothing", "Garden", "Toys"]
PLACES = [("FR", "Paris"), ("FR", "Lyon"), ("DE", "Berlin"), ("DE", "Munich"), ("ES", "Madrid")]
# Three common brands, one rarer, four seen once: 4 singletons in 60 values is an unseen share of 6.7%,
# above the 5% of a closed set, so ``brand`` is an open set (a new value is a warning, not an error).
BRANDS = ["Acme"] * 20 + ["Globex"] * 18 + ["Initech"] * 15 + ["Umbrella"] * 3 + ["Hooli", "Stark", "Vandelay", "Wayne"]


def shop_products() -> list[dict[str, Any]]:
    """60 products: closed sets ``category``, ``country``, ``city`` (city follows country), open set ``brand``."""
    return [
        {
            "name": f"item {index}",
            # Blocks of five products share a category and cover every place: category and city are independent.
            "category": CATEGORIES[(index // len(PLACES)) % len(CATEGORIES)],
            "brand": BRANDS[index],
            "country": PLACES[index % len(PLACES)][0],
            "city": PLACES[index % len(PLACES)][1],
            "price": 1.5 + index,
        }
        for index in range(len(BRANDS))
    ]


@dataclass(frozen=True)
class VoilaServer:
    """A running Voila: the page's URL and the file that holds its output (for failure messages)."""

    url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        """The last lines Voila and its kernel wrote."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def chromium_executable() -> Path:
    """Debian's chromium, or a skip that says it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package (apt-get install chromium).")
    return CHROMIUM


@pytest.fixture
def shop_database(mongo_db: Any, mongo_db_name: str) -> str:
    """The name of a fresh database holding only the ``products`` collection."""
    mongo_db["products"].insert_many(shop_products())
    return mongo_db_name


def _stop(process: subprocess.Popen[bytes]) -> None:
    # Voila was started in a session of its own: its process group holds Voila and the kernels it started.
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + VOILA_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"Voila exited with code {process.returncode} before answering. Its output:\n{tail}")
        try:
            # A path that runs no notebook: any HTTP answer (404 included) means the server is up.
            with urllib.request.urlopen(f"{url}favicon.ico", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"Voila did not answer at {url} within {VOILA_START_TIMEOUT:.0f} s; see {log_path}.")


@pytest.fixture
def voila_server(mongo_uri: str, shop_database: str, tmp_path: Path) -> Iterator[VoilaServer]:
    """Voila serving ``main_flows.ipynb`` on 127.0.0.1 against the seeded database; stopped afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = tmp_path / "voila.log"
    environment = {**os.environ, "XCATALOG_TEST_MONGO_URI": mongo_uri, "BROWSER_TEST_DB": shop_database}
    command = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True
        )
    try:
        _wait_until_answering(process, url, log_path)
        yield VoilaServer(url=url, log_path=log_path)
    finally:
        _stop(process)


@pytest.fixture
def browser(chromium_executable: Path) -> Iterator[Browser]:
    """Headless chromium, without sandbox or background networking."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, voila_server: VoilaServer) -> Iterator[Page]:
    """A page of the rendered notebook (not yet waited on: the test waits for what it needs)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    # ``expect`` keeps its timeout in playwright's module (5 s by default): lengthen it for this test only.
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    try:
        opened = context.new_page()
        opened.goto(voila_server.url, timeout=PAGE_TIMEOUT_MS)
        yield opened
    finally:
        expect.set_options(timeout=DEFAULT_EXPECT_TIMEOUT_MS)
        context.close()


@pytest.fixture
def screenshots() -> Path:
    """``tests/browser/screenshots/`` (git-ignored), created when missing."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
