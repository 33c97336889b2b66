"""Errors raised while running a model on frames."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class InferenceError(WorkbenchError):
    """A model could not be run on a frame (no memory even for the smallest tile, bad shapes)."""

    exit_code = 6


class ModelInterfaceError(InferenceError):
    """The model's inputs or outputs do not fit the image-model contract (NCHW, integer scale)."""


_OOM_MARKERS = (
    "bad allocation",
    "bad_alloc",
    "failed to allocate",
    "out of memory",
    "outofmemory",
    "cudaerrormemoryallocation",
    "cuda_error_out_of_memory",
    "e_outofmemory",
)


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether an exception from a session run means "this tile did not fit in memory"."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return any(marker in text for marker in _OOM_MARKERS)
