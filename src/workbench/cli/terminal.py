"""What the command line writes to a terminal: no control sequences from the project, and a
closed pipe that does not change the exit code.

Text from model cards, clip names and operator names reaches the terminal through ``print``; a
name holding ``ESC [ 2 J`` or a bidi override would otherwise be obeyed by the terminal. Every
write through :class:`SafeStream` shows such characters escaped (``\\x1b``), except tab, newline
and carriage return (the progress bar's own). And when the reader of a pipe goes away
(``workbench log verify … | head``), the rest of the output is dropped but the command runs to
its end, so a tampered log still exits 1, not 0.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from workbench.safe_text import shown


def terminal_text(text: str) -> str:
    """``text`` with the characters a terminal would obey shown escaped instead."""
    return shown(text, keep="\r")


class SafeStream:
    """A text stream that escapes control characters and survives a closed pipe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(terminal_text(text))
            except BrokenPipeError:
                self._close()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._close()

    def _close(self) -> None:
        """The reader is gone: send the rest (and the interpreter's last flush) nowhere."""
        self.broken = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` as :class:`SafeStream` for the length of a command."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
