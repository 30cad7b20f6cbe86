from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from xcatalog.enrichment.refresh import RefreshScheduler, RefreshStatus, backoff_delay
from xcatalog.errors import EnrichmentError

PINNED = datetime(2030, 1, 1, tzinfo=UTC)


class ScriptedRefresh:
    """A fake refresh coroutine: fails or succeeds as scripted, then signals it ran out of script."""

    def __init__(self, script: list[Exception | None]) -> None:
        self.script = list(script)
        self.calls = 0
        self.exhausted = asyncio.Event()

    async def __call__(self) -> None:
        self.calls += 1
        if not self.script:
            self.exhausted.set()
            await asyncio.Event().wait()  # park until cancelled
        outcome = self.script.pop(0)
        if outcome is not None:
            raise outcome


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("interval", "failures", "cap", "expected"),
    [(10, 0, 60, 10), (10, 1, 60, 20), (10, 2, 60, 40), (10, 3, 60, 60), (10, 50, 60, 60), (100, 3, 60, 100)],
)
def test_backoff_delay(interval: float, failures: int, cap: float, expected: float) -> None:
    assert backoff_delay(interval, failures, cap) == expected


def test_backoff_delay_does_not_overflow_for_many_failures() -> None:
    assert backoff_delay(300, 10_000, 3600) == 3600


async def test_failures_back_off_exponentially_then_a_success_resets() -> None:
    sleep = RecordingSleep()
    statuses: list[RefreshStatus] = []
    scheduler = RefreshScheduler(max_backoff=60, sleep=sleep, clock=lambda: PINNED)
    refresh = ScriptedRefresh([ConnectionError("db down"), ConnectionError("db down"), ConnectionError("still"), None])
    scheduler.start("m", refresh, interval=10, on_status=statuses.append)
    await asyncio.wait_for(refresh.exhausted.wait(), 5)

    assert sleep.delays == [10, 20, 40, 60, 10]
    # status after the third failure
    third = statuses[3]
    assert third.consecutive_failures == 3
    assert third.last_error == "ConnectionError: still"
    assert third.last_error_at == PINNED
    assert third.next_attempt_at == PINNED + timedelta(seconds=60)
    # status after the success
    latest = scheduler.status("m")
    assert latest is not None
    assert latest.consecutive_failures == 0
    assert latest.last_error is None
    assert latest.attempts == 4
    assert latest.successes == 1
    assert latest.next_attempt_at == PINNED + timedelta(seconds=10)
    assert latest.is_running

    assert await scheduler.stop("m") is True
    stopped = scheduler.status("m")
    assert stopped is not None
    assert not stopped.is_running
    assert stopped.next_attempt_at is None
    assert statuses[-1] == stopped
    assert not scheduler.is_running("m")


async def test_error_messages_are_redacted() -> None:
    sleep = RecordingSleep()
    scheduler = RefreshScheduler(sleep=sleep)
    refresh = ScriptedRefresh([ConnectionError("cannot reach mongodb://ann:s3cret@db:27017")])
    scheduler.start("m", refresh, interval=1)
    await asyncio.wait_for(refresh.exhausted.wait(), 5)
    status = scheduler.status("m")
    assert status is not None
    assert status.last_error == "ConnectionError: cannot reach mongodb://ann:***@db:27017"
    await scheduler.close()


async def test_close_cancels_every_task_and_leaves_none_pending() -> None:
    scheduler = RefreshScheduler()
    refreshes = {key: ScriptedRefresh([]) for key in ("a", "b", "c")}
    tasks = [scheduler.start(key, refresh, interval=3600) for key, refresh in refreshes.items()]
    # replacing a task retires the old one; close() must still wait for it
    tasks.append(scheduler.start("a", ScriptedRefresh([]), interval=3600))
    assert scheduler.keys == ["a", "b", "c"]
    await scheduler.close()
    assert all(task.done() for task in tasks)
    assert all(task.cancelled() for task in tasks)
    assert scheduler.keys == []
    pending = [task for task in asyncio.all_tasks() if task.get_name().startswith("xcatalog-refresh")]
    assert pending == []
    assert all(refresh.calls == 0 for refresh in refreshes.values())


async def test_stop_unknown_key_is_false() -> None:
    assert await RefreshScheduler().stop("nothing") is False


async def test_attempt_timeout_counts_as_a_failure() -> None:
    sleep = RecordingSleep()
    scheduler = RefreshScheduler(sleep=sleep, attempt_timeout=0.01, max_backoff=100)
    refresh = ScriptedRefresh([])  # parks forever on the first call
    scheduler.start("m", refresh, interval=5)
    await asyncio.wait_for(refresh.exhausted.wait(), 5)
    for _ in range(100):
        status = scheduler.status("m")
        if status is not None and status.consecutive_failures:
            break
        await asyncio.sleep(0.01)
    assert status is not None
    assert status.last_error is not None
    assert status.last_error.startswith("TimeoutError")
    assert status.next_delay == 10
    await scheduler.close()


async def test_listener_errors_do_not_stop_the_loop() -> None:
    sleep = RecordingSleep()

    def broken(status: RefreshStatus) -> None:
        raise RuntimeError("listener bug")

    scheduler = RefreshScheduler(sleep=sleep)
    refresh = ScriptedRefresh([None, None])
    scheduler.start("m", refresh, interval=1, on_status=broken)
    await asyncio.wait_for(refresh.exhausted.wait(), 5)
    assert refresh.calls == 3
    await scheduler.close()


@pytest.mark.parametrize("interval", [0, -1])
async def test_interval_must_be_positive(interval: float) -> None:
    with pytest.raises(EnrichmentError, match="must be positive"):
        RefreshScheduler().start("m", ScriptedRefresh([]), interval=interval)


def test_start_without_running_loop_says_what_to_do() -> None:
    with pytest.raises(EnrichmentError, match="no event loop is running"):
        RefreshScheduler().start("m", ScriptedRefresh([]), interval=1)
