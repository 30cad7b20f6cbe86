"""The auto-refresh scheduler: one asyncio task per enrichment, with exponential backoff.

Tasks are created in the *running* event loop (the Jupyter kernel's loop in a
notebook), never with ``asyncio.run``. Each task sleeps, calls its refresh
coroutine, and publishes a :class:`RefreshStatus` after every attempt so the
enrichment can show the last error and the next attempt time. It never prints:
failures go to the status and to ``logging`` at INFO level (below the level
Python's last-resort handler writes to stderr).

Backoff: after ``k`` consecutive failures the next attempt waits
``min(interval * 2**k, max(max_backoff, interval))`` seconds; a success resets
the wait to ``interval``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from xcatalog.errors import EnrichmentError, redact

__all__ = ["RefreshScheduler", "RefreshStatus", "backoff_delay"]

logger = logging.getLogger(__name__)

RefreshCallable = Callable[[], Awaitable[object]]
StatusListener = Callable[["RefreshStatus"], None]
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]

# 2**60 intervals is far past any sensible cap; stop the exponent growing there.
_MAX_EXPONENT = 60


def backoff_delay(interval: float, failures: int, max_backoff: float) -> float:
    """Seconds to wait before the next attempt after ``failures`` consecutive failures.

    Args:
        interval: The normal refresh interval.
        failures: Consecutive failures so far (0 after a success).
        max_backoff: The longest wait; never shorter than ``interval``.

    Returns:
        ``interval`` for 0 failures, else ``min(interval * 2**failures, max(max_backoff, interval))``.

    Example:
        >>> [backoff_delay(10, k, 60) for k in range(5)]
        [10.0, 20.0, 40.0, 60.0, 60.0]
    """
    if failures <= 0:
        return float(interval)
    grown = float(interval) * 2.0 ** min(failures, _MAX_EXPONENT)
    return min(grown, max(float(max_backoff), float(interval)))


class RefreshStatus(BaseModel):
    """The state of one refresh task after its latest step.

    Attributes:
        key: What is refreshed (the model path).
        interval: Seconds between refreshes when all goes well.
        attempts: Refresh attempts so far.
        successes: Successful attempts so far.
        consecutive_failures: Failures since the last success.
        last_error: ``Type: message`` of the last failure (passwords redacted); ``None`` after a success.
        last_error_at: When it failed.
        last_success_at: When the last success finished.
        next_delay: Seconds until the next attempt.
        next_attempt_at: When the next attempt is due; ``None`` once stopped.
        is_running: Whether the task is alive.
    """

    model_config = ConfigDict(frozen=True)

    key: str
    interval: float
    attempts: int = 0
    successes: int = 0
    consecutive_failures: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_success_at: datetime | None = None
    next_delay: float | None = None
    next_attempt_at: datetime | None = None
    is_running: bool = True


class RefreshScheduler:
    """Runs one refresh task per key in the running event loop.

    Args:
        max_backoff: The longest wait after repeated failures (``[registry.enrichment] max_backoff``).
        attempt_timeout: Seconds one refresh may take before it counts as a failure (``None``: no limit).
        sleep: The sleep coroutine (tests pass a recording one).
        clock: Current UTC time (tests may pin it).

    Example:
        >>> scheduler = RefreshScheduler(max_backoff=3600)       # doctest: +SKIP
        >>> scheduler.start("ns.models.shop.Product", refresh, interval=300)
        >>> await scheduler.close()
    """

    def __init__(
        self,
        *,
        max_backoff: float = 3600.0,
        attempt_timeout: float | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.max_backoff = max_backoff
        self.attempt_timeout = attempt_timeout
        self._sleep = sleep
        self._clock = clock
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._statuses: dict[str, RefreshStatus] = {}
        # Replaced tasks are cancelled but may not have finished yet; close() waits for them too.
        self._retired: set[asyncio.Task[None]] = set()

    @property
    def keys(self) -> list[str]:
        """Keys with a live task, sorted."""
        return sorted(key for key, task in self._tasks.items() if not task.done())

    def is_running(self, key: str) -> bool:
        """Whether a live task refreshes ``key``."""
        task = self._tasks.get(key)
        return task is not None and not task.done()

    def status(self, key: str) -> RefreshStatus | None:
        """The latest status of ``key``'s task (kept after it stops), or ``None``."""
        return self._statuses.get(key)

    def task(self, key: str) -> asyncio.Task[None] | None:
        """The task refreshing ``key``, if any."""
        return self._tasks.get(key)

    def start(
        self,
        key: str,
        refresh: RefreshCallable,
        *,
        interval: float,
        on_status: StatusListener | None = None,
    ) -> asyncio.Task[None]:
        """Start refreshing ``key`` every ``interval`` seconds (replacing a task already running for it).

        The first refresh happens after one interval: the caller has just
        computed fresh statistics.

        Args:
            key: What is refreshed.
            refresh: The coroutine function doing one refresh; an exception is a failure.
            interval: Seconds between refreshes (> 0).
            on_status: Called with the new status after every step.

        Returns:
            The task.

        Raises:
            EnrichmentError: There is no running event loop, or ``interval`` is not positive.
        """
        if interval <= 0:
            raise EnrichmentError(f"Refresh interval for {key} must be positive seconds; got {interval!r}.")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise EnrichmentError(
                f"Cannot start auto-refresh for {key}: no event loop is running. Call it from async code "
                "(in Jupyter, top-level 'await' works), or pass auto_refresh=False."
            ) from None
        previous = self._tasks.pop(key, None)
        if previous is not None and not previous.done():
            previous.cancel()
            self._retired.add(previous)
            previous.add_done_callback(self._retired.discard)
        task = loop.create_task(self._run(key, refresh, interval, on_status), name=f"xcatalog-refresh:{key}")
        self._tasks[key] = task
        return task

    async def stop(self, key: str) -> bool:
        """Cancel ``key``'s task and wait until it has finished.

        Returns:
            Whether a live task was stopped.
        """
        task = self._tasks.pop(key, None)
        if task is None:
            return False
        was_live = not task.done()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return was_live

    async def close(self) -> None:
        """Cancel every task and wait until all have finished; no task is left pending."""
        tasks = [*self._tasks.values(), *self._retired]
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._retired.clear()

    def _publish(self, status: RefreshStatus, on_status: StatusListener | None) -> None:
        self._statuses[status.key] = status
        if on_status is None:
            return
        try:
            on_status(status)
        except Exception:  # a broken listener must not kill the refresh loop
            logger.info("Refresh status listener for %s failed", status.key, exc_info=True)

    async def _attempt(self, refresh: RefreshCallable) -> None:
        if self.attempt_timeout is None:
            await refresh()
        else:
            await asyncio.wait_for(refresh(), self.attempt_timeout)

    async def _run(self, key: str, refresh: RefreshCallable, interval: float, on_status: StatusListener | None) -> None:
        delay = interval
        status = RefreshStatus(
            key=key, interval=interval, next_delay=delay, next_attempt_at=self._clock() + timedelta(seconds=delay)
        )
        self._publish(status, on_status)
        try:
            while True:
                await self._sleep(delay)
                try:
                    await self._attempt(refresh)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    failures = status.consecutive_failures + 1
                    delay = backoff_delay(interval, failures, self.max_backoff)
                    now = self._clock()
                    error = redact(f"{type(exc).__name__}: {exc}")
                    status = status.model_copy(
                        update={
                            "attempts": status.attempts + 1,
                            "consecutive_failures": failures,
                            "last_error": error,
                            "last_error_at": now,
                            "next_delay": delay,
                            "next_attempt_at": now + timedelta(seconds=delay),
                        }
                    )
                    logger.info("Refresh of %s failed (%d in a row); retry in %.1f s: %s", key, failures, delay, error)
                else:
                    delay = interval
                    now = self._clock()
                    status = status.model_copy(
                        update={
                            "attempts": status.attempts + 1,
                            "successes": status.successes + 1,
                            "consecutive_failures": 0,
                            "last_error": None,
                            "last_success_at": now,
                            "next_delay": delay,
                            "next_attempt_at": now + timedelta(seconds=delay),
                        }
                    )
                self._publish(status, on_status)
        finally:
            self._publish(status.model_copy(update={"is_running": False, "next_attempt_at": None}), on_status)
