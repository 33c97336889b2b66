"""The readers run time-limited: a hung child is killed and reported, never waited on."""

from __future__ import annotations

import shutil

import pytest

from workbench.qc import QcTimeoutError, QcToolMissingError, runner

pytestmark = pytest.mark.skipif(shutil.which("sleep") is None, reason="needs sleep(1)")


def test_a_quick_read_past_its_limit_is_stopped() -> None:
    with pytest.raises(QcTimeoutError, match=r"took longer than 0\.2 s"):
        runner.run(["sleep", "5"], timeout=0.2, what="sleeping")


def test_a_streamed_read_past_its_limit_is_stopped() -> None:
    seen: list[str] = []
    with pytest.raises(QcTimeoutError):
        runner.stream(["sleep", "5"], seen.append, timeout=0.2, what="sleeping")


def test_lines_are_handed_over_and_the_other_stream_kept() -> None:
    seen: list[str] = []
    done = runner.stream(
        ["sh", "-c", "echo one; echo two; echo oops >&2"], seen.append, timeout=10, what="echo"
    )
    assert seen == ["one", "two"] and done.stderr.strip() == "oops" and done.returncode == 0


def test_an_unknown_executable_is_a_missing_tool() -> None:
    with pytest.raises(QcToolMissingError):
        runner.executable("no-such-reader-anywhere")
