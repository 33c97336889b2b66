from __future__ import annotations

import io

import pytest

from workbench.errors import Cancelled, WorkbenchError
from workbench.progress import Progress, TerminalProgress


def test_progress_reports_and_cancel_raises() -> None:
    seen: list[tuple[float, str]] = []
    progress = Progress(lambda f, m: seen.append((f, m)))
    progress.update(0.5, "half")
    child = progress.sub(0.5, 1.0)
    child.update(0.5, "three quarters")
    assert seen == [(0.5, "half"), (0.75, "three quarters")]
    progress.cancel()
    with pytest.raises(Cancelled):
        child.check()
    with pytest.raises(Cancelled):
        progress.update(0.9)
    assert issubclass(Cancelled, WorkbenchError)


def test_terminal_progress_writes_a_bar() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress.update(1.0, "done")
    assert "100.0% done" in stream.getvalue()
