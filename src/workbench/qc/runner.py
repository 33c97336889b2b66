"""Running the independent readers: located on PATH, time-limited, output read as it comes.

Two of the passes (every packet of the picture stream, a full decode) are as long as the file, so
their output is consumed line by line and only what the report needs is kept: memory stays
bounded whatever the clip length. Every child gets a time limit and is killed when it runs over,
so a hostile or damaged file cannot hang QC.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.qc.errors import QcTimeoutError, QcToolMissingError

#: Time limit for the quick reads (headers, first frame, MediaInfo).
PROBE_TIMEOUT = 120.0


def _background() -> None:
    """The readers run at low priority: a QC beside an editing session never starves it."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)


def executable(name: str) -> str:
    """The full path of ``name`` on PATH, or :class:`QcToolMissingError` naming its package."""
    found = shutil.which(name)
    if found is None:
        raise QcToolMissingError(name)
    return found


@dataclass(frozen=True)
class Finished:
    """What a child left behind: exit status, and its stdout/stderr where they were kept."""

    returncode: int
    stdout: str
    stderr: str


def run(args: Sequence[str], *, timeout: float, what: str) -> Finished:
    """Run a reader whose whole output is small (JSON of the headers, a first frame)."""
    cmd = [executable(args[0]), *args[1:]]
    try:
        done = subprocess.run(
            cmd,
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            preexec_fn=_background,
        )
    except subprocess.TimeoutExpired as exc:
        raise QcTimeoutError(
            f"{what} took longer than {timeout:g} s and was stopped",
            hint="the file may be damaged; give a longer time limit if it is just very long",
        ) from exc
    return Finished(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def stream(
    args: Sequence[str],
    on_line: Callable[[str], None],
    *,
    timeout: float,
    what: str,
    lines_from: str = "stdout",
) -> Finished:
    """Run a long reader, handing each line of ``lines_from`` ("stdout" or "stderr") to
    ``on_line`` as it arrives; the other stream goes to a temporary file (kept in the result),
    so neither pipe can fill up and stall the child."""
    cmd = [executable(args[0]), *args[1:]]
    with tempfile.TemporaryFile() as other:
        if lines_from == "stdout":
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=other,
                preexec_fn=_background,
            )
            pipe = proc.stdout
        else:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=other,
                stderr=subprocess.PIPE,
                preexec_fn=_background,
            )
            pipe = proc.stderr
        assert pipe is not None
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            for raw in pipe:
                on_line(raw.decode("utf-8", "replace").rstrip("\r\n"))
            returncode = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            pipe.close()
        if killed.is_set():
            raise QcTimeoutError(
                f"{what} took longer than {timeout:g} s and was stopped",
                hint="the file may be damaged; give a longer time limit if it is just very long",
            )
        other.seek(0)
        kept = other.read().decode("utf-8", "replace")
    if lines_from == "stdout":
        return Finished(returncode, "", kept)
    return Finished(returncode, kept, "")
