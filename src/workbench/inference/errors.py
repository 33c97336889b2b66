"""Errors raised while running a model on frames."""

from __future__ import annotations

from workbench.errors import ModelError, WorkbenchError


class InferenceError(WorkbenchError):
    """A model could not be run on a frame (no memory even for the smallest tile, bad shapes)."""

    exit_code = 6


class ModelInterfaceError(InferenceError):
    """The model's inputs or outputs do not fit the image-model contract (NCHW, integer scale)."""


class ModelOutputError(InferenceError, ModelError):
    """A model gave values no picture has: NaN, infinity, or magnitudes far beyond its range.

    Such output would otherwise render as black frames (NaN) or clip silently (Inf, 1e30) while
    the log records a normal edit, so it is refused. The engine sees the tile, not the frame:
    the tool run that knows the frame adds it with :meth:`at_frame`.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        model: str = "",
        problem: str = "",
        frame: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.model = model
        self.problem = problem
        self.frame = frame

    @classmethod
    def refusing(cls, model: str, problem: str, frame: int | None = None) -> ModelOutputError:
        where = "" if frame is None else f" on frame {frame}"
        return cls(
            f"model {model} gave {problem}{where}; output that is not a picture is refused",
            hint="the model file may be broken or unsuited to this footage; choose another "
            "model, or ask its author",
            model=model,
            problem=problem,
            frame=frame,
        )

    def at_frame(self, frame: int) -> ModelOutputError:
        """The same refusal, naming the frame it happened on."""
        return self.refusing(self.model, self.problem, frame)


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
