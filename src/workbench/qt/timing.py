"""How long the GUI thread spends in its handlers (refresh, commands, panel updates).

The event loop is only as responsive as its slowest handler. Handlers marked ``@timed`` record
their wall time here, so a stall can be pinned on the handler that caused it (the
responsiveness test prints the slowest ones) instead of guessed at.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
KEEP = 200


class Timings:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: defaultdict[str, deque[float]] = defaultdict(lambda: deque(maxlen=KEEP))

    def add(self, label: str, seconds: float) -> None:
        with self._lock:
            self._samples[label].append(seconds)

    def slowest(self, count: int = 8) -> list[tuple[str, float, int]]:
        """``(label, longest seconds, calls kept)``, longest first."""
        with self._lock:
            rows = [(k, max(v), len(v)) for k, v in self._samples.items() if v]
        return sorted(rows, key=lambda row: -row[1])[:count]

    def report(self, count: int = 8) -> str:
        return "\n".join(
            f"  {label}: longest {seconds * 1000:.1f} ms ({calls} calls)"
            for label, seconds, calls in self.slowest(count)
        )

    def clear(self) -> None:
        with self._lock:
            self._samples.clear()


GUI_TIMINGS = Timings()


def timed(label: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record each call's wall time under ``label`` in :data:`GUI_TIMINGS`."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                GUI_TIMINGS.add(label, time.perf_counter() - start)

        return inner

    return wrap
