from __future__ import annotations

import asyncio

import pytest

from xcatalog.errors import FunctionFailed, ValidationFailed
from xcatalog.widgets._tasks import ProgressCallback, TaskPanel, describe_error, run_in_panel


async def test_start_runs_the_work_on_the_running_loop_and_moves_the_bar() -> None:
    panel = TaskPanel()
    seen: list[tuple[int, int]] = []

    async def work(progress: ProgressCallback) -> str:
        for done in range(1, 4):
            progress(done, 3, f"step {done}")
            seen.append((panel.progress.value, panel.progress.max))
            await asyncio.sleep(0)
        return "finished"

    task = panel.start(work, label="Counting")
    assert task is not None
    assert panel.is_running
    assert await task == "finished"
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert "Counting: done." in panel.status.value
    assert panel.error.value == ""
    assert panel.progress.bar_style == "success"
    assert not panel.is_running


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ValueError("bad <value>"), "ValueError: bad &lt;value&gt;"),
        (ValidationFailed("The record is not valid: name missing."), "The record is not valid: name missing."),
        (RuntimeError("mongodb://ana:s3cret@db:27017 refused"), "mongodb://ana:***@db:27017 refused"),
    ],
)
async def test_a_failure_goes_to_the_error_panel_not_to_the_awaiter(error: Exception, shown: str) -> None:
    panel = TaskPanel()

    async def work(progress: ProgressCallback) -> None:
        raise error

    task = panel.start(work, label="Loading")
    assert task is not None
    assert await task is None
    assert shown in panel.error.value
    assert "s3cret" not in panel.error.value
    assert "Loading: failed." in panel.status.value
    assert panel.progress.bar_style == "danger"


async def test_cancel_button_cancels_the_running_task() -> None:
    panel = TaskPanel()
    started = asyncio.Event()

    async def work(progress: ProgressCallback) -> None:
        started.set()
        await asyncio.sleep(60)

    task = panel.start(work, label="Waiting")
    assert task is not None
    await started.wait()
    panel.cancel_button.click()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "Waiting: cancelled." in panel.status.value
    assert panel.cancel() is False  # nothing left to cancel


async def test_a_new_start_replaces_the_running_task() -> None:
    panel = TaskPanel()

    async def slow(progress: ProgressCallback) -> str:
        await asyncio.sleep(60)
        return "slow"

    async def fast(progress: ProgressCallback) -> str:
        return "fast"

    first = panel.start(slow, label="Slow")
    second = panel.start(fast, label="Fast")
    assert first is not None and second is not None
    assert await second == "fast"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert panel.task is second


def test_start_without_a_running_loop_explains_instead_of_blocking() -> None:
    panel = TaskPanel()
    called: list[bool] = []

    async def work(progress: ProgressCallback) -> None:
        called.append(True)

    assert panel.start(work, label="Loading") is None
    assert "no event loop is running" in panel.error.value
    assert called == []


async def test_run_in_panel_adapts_a_plain_coroutine_function() -> None:
    panel = TaskPanel()

    async def work() -> int:
        return 42

    task = run_in_panel(panel, work, label="Answer")
    assert task is not None
    assert await task == 42


def test_describe_error_appends_the_chained_cause() -> None:
    try:
        try:
            raise ZeroDivisionError("division by zero")
        except ZeroDivisionError as cause:
            raise FunctionFailed("ns.functions.math.div raised ZeroDivisionError.") from cause
    except FunctionFailed as error:
        text = describe_error(error)
    assert text.startswith("ns.functions.math.div raised")
    assert "caused by ZeroDivisionError: division by zero" in text
