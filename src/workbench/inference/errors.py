"""Errors raised while running a model on frames."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class InferenceError(WorkbenchError):
    """A model could not be run on a frame (no memory even for the smallest tile, bad shapes)."""

    exit_code = 6


class ModelInterfaceError(InferenceError):
    """The model's inputs or outputs do not fit the image-model contract (NCHW, integer scale)."""
