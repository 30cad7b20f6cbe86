"""The embedded MongoDB-compatible database used by the demo, the notebooks and the tests.

It is SecantusDB (a GPL-2.0 server speaking the MongoDB wire protocol), run as
a separate process and reached over TCP like any MongoDB: xcatalog never
imports it. Install it with ``pip install "xcatalog[demo]"``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from xcatalog.errors import ResourceError, ResourceUnreachable

__all__ = ["EmbeddedMongo", "free_port"]

SERVER_COMMAND = "secantusd-py"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedMongo:
    """Start, wait for, and stop a local SecantusDB server.

    Args:
        port: TCP port; ``0`` picks a free one.
        data_path: Folder that keeps the data across restarts; ``None`` keeps
            it in memory (gone when the server stops).
        host: Address to listen on (loopback by default).
        log_path: Where the server's output goes; default a temporary file.

    Example:
        >>> with EmbeddedMongo() as server:          # doctest: +SKIP
        ...     print(server.uri)
        mongodb://127.0.0.1:40123/
    """

    def __init__(
        self,
        port: int = 0,
        data_path: str | os.PathLike[str] | None = None,
        *,
        host: str = "127.0.0.1",
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.data_path = Path(data_path) if data_path is not None else None
        self.log_path = (
            Path(log_path) if log_path is not None else Path(tempfile.gettempdir()) / f"xcatalog-db-{self.port}.log"
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        """The connection string of the server."""
        return f"mongodb://{self.host}:{self.port}/"

    @property
    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @staticmethod
    def command_path() -> str:
        """The server executable.

        Raises:
            ResourceError: SecantusDB is not installed; the message says how to install it.
        """
        found = shutil.which(SERVER_COMMAND) or shutil.which(SERVER_COMMAND, path=str(Path(sys.executable).parent))
        if found is None:
            raise ResourceError(
                f"The embedded database server '{SERVER_COMMAND}' is not installed. "
                'Install it with: pip install "xcatalog[demo]" (or pip install "SecantusDB==0.7.0b3").'
            )
        return found

    def start(self, timeout: float = 30.0) -> EmbeddedMongo:
        """Start the server and wait until it answers a ping.

        Args:
            timeout: Seconds to wait for the first ping.

        Returns:
            ``self``.

        Raises:
            ResourceError: The server is not installed, or exited at start
                (the message quotes the end of its log).
            ResourceUnreachable: It did not answer within ``timeout``.
        """
        if self.is_running:
            return self
        storage = ":memory:"
        if self.data_path is not None:
            self.data_path.mkdir(parents=True, exist_ok=True)
            storage = str(self.data_path)
        command = [
            self.command_path(),
            "--host", self.host,
            "--port", str(self.port),
            "--storage-path", storage,
            "--standalone",
            "--log-level", "WARNING",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import pymongo
        from pymongo.errors import PyMongoError

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise ResourceError(
                    f"The embedded database exited at start (code {self._process.returncode}) on port {self.port}. "
                    f"Its log ({self.log_path}) ends with: {self._log_tail()!r}. "
                    "If the port is taken, choose another; if the data folder is locked, stop the other server."
                )
            try:
                client: pymongo.MongoClient[dict[str, object]]
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=300) as client:
                    client.admin.command("ping")
                return
            except PyMongoError:
                time.sleep(0.2)
        self.stop()
        raise ResourceUnreachable(
            f"The embedded database on {self.host}:{self.port} did not answer within {timeout:.0f} s. "
            f"See its log at {self.log_path}."
        )

    def _log_tail(self, size: int = 400) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:].strip()
        except OSError:
            return ""

    def detach(self) -> int:
        """Leave the server running after this object is gone (``xcatalog db start``).

        Returns:
            The server's process id, to stop it later with SIGTERM.

        Raises:
            ResourceError: The server is not running.
        """
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            raise ResourceError("The embedded database is not running; start() it before detach().")
        # Popen warns when it is collected while its child runs; a detached server is meant to.
        process.returncode = 0
        return process.pid

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> EmbeddedMongo:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
