""":func:`safe_probe` for many files at once: one child process reads them all.

A conform scans folders of camera originals before it can match a cut to them; starting a child
per file (as ``safe_probe`` does, for its time limit and to survive a decoder that crashes)
costs about a third of a second each. Here one child probes the files in turn (with the same
first-and-last-frame decode check) and sends each result as it is ready; a file that takes
longer than ``timeout`` or crashes the child is reported as such, and a fresh child carries on
with the files after it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.media.errors import BrokenMediaError, MediaError, MediaTimeoutError
from workbench.media.info import MediaInfo


def _child(conn: Any, paths: list[str], decode_check: bool) -> None:
    from workbench.media.probe import probe
    from workbench.media.reader import open_reader

    try:
        for path in paths:
            try:
                info = probe(path)
                if decode_check:
                    with open_reader(path, info=info) as reader:
                        reader.read(0)
                        if len(reader) > 1:
                            reader.read(len(reader) - 1)
                conn.send(("ok", path, info))
            except MediaError as exc:
                conn.send(("error", path, type(exc).__name__, exc.message, exc.hint))
            except Exception as exc:  # a decoder failure: report it, go on with the next
                conn.send(("error", path, "BrokenMediaError", f"reading failed: {exc}", None))
    finally:
        conn.close()


def _error(message: tuple[Any, ...]) -> MediaError:
    from workbench.media import errors as media_errors

    _tag, _path, cls_name, text, hint = message
    cls = getattr(media_errors, cls_name, BrokenMediaError)
    if not (isinstance(cls, type) and issubclass(cls, MediaError)):
        cls = BrokenMediaError
    error: MediaError = cls(text, hint=hint)
    return error


def safe_probe_many(
    paths: Sequence[str | os.PathLike[str]],
    *,
    timeout: float = 30.0,
    decode_check: bool = True,
) -> dict[str, MediaInfo | MediaError]:
    """Each path's :class:`MediaInfo`, or the :class:`MediaError` that refused it."""
    todo = [os.fspath(p) for p in paths]
    results: dict[str, MediaInfo | MediaError] = {}
    ctx = multiprocessing.get_context("spawn")
    while todo:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, list(todo), decode_check), daemon=True)
        proc.start()
        child.close()
        try:
            while todo:
                current = todo[0]
                if not parent.poll(timeout):
                    results[current] = MediaTimeoutError(
                        f"reading {Path(current).name} took longer than {timeout:g} s and "
                        "was stopped",
                        hint="the file is probably damaged; re-export it from its source",
                    )
                    todo.pop(0)
                    break
                try:
                    message = parent.recv()
                except EOFError:
                    results[current] = BrokenMediaError(
                        f"the decoder crashed while reading {Path(current).name}",
                        hint="the file is damaged or uses a feature the decoder cannot handle",
                    )
                    todo.pop(0)
                    break
                path = message[1]
                results[path] = message[2] if message[0] == "ok" else _error(message)
                todo.remove(path)
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
    return results


__all__ = ["safe_probe_many"]
