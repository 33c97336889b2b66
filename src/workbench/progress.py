"""Progress reporting that doubles as the cancel signal.

Long work calls :meth:`Progress.update` (or :meth:`Progress.check`) at safe points. When the user
has asked to stop, that call raises :class:`~workbench.errors.Cancelled`, so cancellation needs no
extra plumbing in the code doing the work — it stops at the next safe point, and whatever was
committed before stays committed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from workbench.errors import Cancelled


class Progress:
    """Fraction done in [0, 1] plus a message; ``cancel()`` makes the next update raise."""

    def __init__(self, on_update: Callable[[float, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_update = on_update
        self.fraction = 0.0
        self.message = ""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if a cancel was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def update(self, fraction: float, message: str | None = None) -> None:
        self.check()
        self.fraction = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            self.message = message
        self._report()

    def _report(self) -> None:
        if self._on_update is not None:
            self._on_update(self.fraction, self.message)

    def checker(self) -> Progress:
        """A progress that reports nowhere but shares this one's cancel (for inner loops)."""
        child = Progress()
        child._cancel = self._cancel
        return child

    def sub(self, start: float, end: float) -> Progress:
        """A child progress mapping its [0, 1] onto [start, end] of this one; shares cancel."""
        parent = self

        def forward(fraction: float, message: str) -> None:
            parent.update(start + (end - start) * fraction, message)

        child = Progress(forward)
        child._cancel = self._cancel
        return child


class NullProgress(Progress):
    """Progress that reports nowhere but still honours cancel."""


class TerminalProgress(Progress):
    """A one-line progress bar on a terminal (stderr), redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        super().__init__()
        self._stream = stream if stream is not None else sys.stderr
        self._width = width
        self._last = 0.0
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())

    def _report(self) -> None:
        now = time.monotonic()
        if self.fraction < 1.0 and now - self._last < 0.1:
            return
        self._last = now
        filled = round(self.fraction * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        line = f"[{bar}] {self.fraction * 100:5.1f}% {self.message}"
        if self._tty:
            self._stream.write("\r" + line[:120].ljust(120))
            if self.fraction >= 1.0:
                self._stream.write("\n")
        elif self.fraction >= 1.0:
            self._stream.write(line + "\n")
        self._stream.flush()
