"""Run a coroutine from a widget callback without freezing the notebook.

A widget callback runs on the kernel's thread, inside the kernel's running
event loop. :class:`TaskPanel` schedules the work there as an
:class:`asyncio.Task` (never ``asyncio.run``, never ``nest_asyncio``: both
would block or re-enter the loop that serves the notebook) and shows it: a
progress bar, a cancel button, a status line, and an error panel that receives
the message of any failure. Nothing is printed.

Example:
    >>> panel = TaskPanel()                                   # doctest: +SKIP
    >>> async def work(progress):
    ...     for done in range(1, 4):
    ...         progress(done, 3, f"step {done}")
    ...         await asyncio.sleep(0.1)
    ...     return "ok"
    >>> task = panel.start(work, label="Counting")            # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import ipywidgets as widgets

from xcatalog.errors import XCatalogError, redact

__all__ = ["NoRunningLoop", "ProgressCallback", "TaskPanel", "describe_error", "error_html", "run_in_panel"]

T = TypeVar("T")

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, message)``: what the scheduled work calls to move the bar."""

_ERROR_STYLE = "color:#b00020;white-space:pre-wrap"


class NoRunningLoop(XCatalogError, RuntimeError):
    """A widget tried to start work where no event loop is running (outside a notebook or coroutine)."""


def describe_error(error: BaseException) -> str:
    """A one-line, password-free description of an error for a panel.

    xcatalog errors already say what failed and what to do next, so their
    message is shown as is; other errors are prefixed with their type, and a
    chained cause is appended because it often holds the real reason.
    """
    text = str(error) if isinstance(error, XCatalogError) else f"{type(error).__name__}: {error}"
    cause = error.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text += f" (caused by {type(cause).__name__}: {cause})"
    return redact(text)


def error_html(message: str) -> str:
    """``message`` escaped, in the red style of an error panel."""
    return f'<div style="{_ERROR_STYLE}">{html.escape(message)}</div>'


class TaskPanel(widgets.VBox):  # type: ignore[misc]
    """A progress bar, a cancel button, a status line and an error panel for one running task at a time.

    Args:
        show_progress: Show the bar and the cancel button while a task runs.

    Attributes:
        progress: The bar (``value`` out of ``max``).
        cancel_button: Cancels the running task.
        status: One line: what runs, what finished, what was cancelled.
        error: The error panel (an ``HTML`` widget, empty when all is well).
        task: The last task started, or ``None``.
    """

    def __init__(self, *, show_progress: bool = True) -> None:
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.cancel_button = widgets.Button(description="Cancel", icon="stop", button_style="warning")
        self.cancel_button.on_click(lambda _button: self.cancel())
        self.status = widgets.HTML(value="")
        self.error = widgets.HTML(value="")
        self.task: asyncio.Task[Any] | None = None
        self._show_progress = show_progress
        self._bar_row = widgets.HBox([self.progress, self.cancel_button])
        self._bar_row.layout.display = "none"
        super().__init__([self._bar_row, self.status, self.error])

    @property
    def is_running(self) -> bool:
        """Whether the last task is still running."""
        return self.task is not None and not self.task.done()

    def start(
        self,
        work: Callable[[ProgressCallback], Awaitable[T]],
        *,
        label: str = "Working",
    ) -> asyncio.Task[T | None] | None:
        """Schedule ``work(progress)`` on the running loop and show its progress.

        A task already running is cancelled first: the newest request wins
        (a second click on "Submit" replaces the first).

        Args:
            work: A coroutine function; it receives ``progress(done, total, message)``.
            label: What the status line says while it runs.

        Returns:
            The task (its result is ``work``'s result, or ``None`` when it failed:
            the failure is in :attr:`error`), or ``None`` when no loop is running,
            in which case :attr:`error` says so.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.show_error(
                NoRunningLoop(
                    f"Cannot start {label.lower()!r}: no event loop is running here. Widgets start their work on "
                    "the notebook kernel's loop; use them in Jupyter, or from inside a coroutine."
                )
            )
            return None
        if self.is_running and self.task is not None:
            self.task.cancel()
        task = loop.create_task(self._guarded(work, label))
        self.task = task
        return task

    def cancel(self) -> bool:
        """Cancel the running task; returns whether there was one to cancel."""
        if self.task is None or self.task.done():
            return False
        return self.task.cancel()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Move the progress bar (what ``work`` receives as ``progress``)."""
        self.progress.max = max(total, 1)
        self.progress.value = min(max(done, 0), self.progress.max)
        if message:
            self.status.value = html.escape(message)

    def show_error(self, error: BaseException | str) -> None:
        """Put a failure in the error panel."""
        message = error if isinstance(error, str) else describe_error(error)
        self.error.value = error_html(message)

    def clear(self) -> None:
        """Empty the status line and the error panel."""
        self.status.value = ""
        self.error.value = ""

    async def _guarded(self, work: Callable[[ProgressCallback], Awaitable[T]], label: str) -> T | None:
        # Everything the user sees is updated inside the task, so whoever awaits it sees the final state.
        self.clear()
        self.status.value = f"{html.escape(label)}…"
        self.progress.value = 0
        self.progress.bar_style = "info"
        if self._show_progress:
            self._bar_row.layout.display = "flex"
        try:
            result = await work(self.report)
        except asyncio.CancelledError:
            self.status.value = f"{html.escape(label)}: cancelled."
            self.progress.bar_style = "warning"
            raise
        except Exception as exc:  # any failure of the work belongs in the panel, not in a traceback dump
            self.status.value = f"{html.escape(label)}: failed."
            self.progress.bar_style = "danger"
            self.show_error(exc)
            return None
        finally:
            self._bar_row.layout.display = "none"
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self.status.value = f"{html.escape(label)}: done."
        return result


def run_in_panel(panel: TaskPanel, work: Callable[[], Awaitable[T]], *, label: str) -> asyncio.Task[T | None] | None:
    """Start a coroutine function that takes no progress callback (the bar only shows start and end)."""

    async def adapted(_progress: ProgressCallback) -> T:
        return await work()

    return panel.start(adapted, label=label)
