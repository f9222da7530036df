"""Progress on a terminal: the step being done and, for a large input, a bar of its bytes.

The core reports progress through the ``on_progress`` callback it is given (messages, and the
bytes of each file through the callback's ``read_bytes`` method). :class:`TerminalProgress` is
that callback for a terminal; without a terminal the commands pass none, and nothing is shown.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn

LARGE_INPUT = 4 * 1024 * 1024
"""Inputs from this size (4 MiB) get a bar of their bytes read; smaller ones read too fast
for one to be worth drawing."""

_MB = 1024 * 1024


class TerminalProgress:
    """A spinner with the current step; while a large file is read, a bar of its bytes read of
    its size, with the rate. It disappears when the work is done."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[amount]}"),
            console=console,
            transient=True,
        )
        self._task: TaskID = self._progress.add_task("working", total=None, amount="")
        self._started: dict[str, float] = {}

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def __call__(self, message: str) -> None:
        """A new step: its words, and no bar until a large file is read."""
        self._progress.update(self._task, description=message, total=None, amount="")

    def read_bytes(self, source: str, done: int, total: int) -> None:
        """``done`` of the ``total`` bytes of ``source`` are read."""
        if total < LARGE_INPUT:
            return
        now = time.monotonic()
        started = self._started.setdefault(source, now)
        first = started == now
        elapsed = now - started
        rate = f", {done / _MB / elapsed:,.1f} MB/s" if elapsed > 0 else ""
        self._progress.update(
            self._task,
            description=f"reading {source}",
            total=total,
            completed=done,
            amount=f"{done / _MB:,.1f}/{total / _MB:,.1f} MB{rate}",
        )
        if first or done >= total:
            self._progress.refresh()
