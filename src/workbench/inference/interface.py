"""What a model must declare and give: checked when an edit is applied, and on every tile.

:func:`check_model_interface` compares a checked model's declared input and output shapes (and
its card) with what the tool will feed it and read back, when the edit is applied: a channel
count the tool cannot stack, a fixed tile too large to run or too small to tile with, a batch
the tiler never makes. Without it such a model passes the catalogue's checks, is logged as an
edit, and fails only at render — as an internal error or a media error far from its cause.

:func:`check_output_values` looks at every tile a model returns. NaN would render as black
frames and Inf or 1e30 would clip silently, each logged and signed as a normal edit; two
reductions over the tile (min and max, NaN propagating through both) cost next to nothing
beside the model run itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from workbench.inference.errors import ModelInterfaceError, ModelOutputError

if TYPE_CHECKING:
    from workbench.catalog.card import TensorSpec
    from workbench.catalog.catalog import CheckedModel

#: The largest magnitude an image model's output may have, in [0, 1] units (after the card's
#: value range is undone). Pictures live near 0..1; 1e4 leaves room for any overshoot while
#: catching the float overflow of a broken model.
OUTPUT_LIMIT = 1e4

#: The largest fixed input side accepted. A fixed-size model runs whole tiles of its size
#: whatever the tile setting, so its side bounds memory (invariant: memory is bounded by tile
#: size): 2048² × 3 float32 is 48 MiB per input tile before the model's own activations.
MAX_FIXED_SIDE = 2048

_Shape = tuple[int | str | None, ...]


def check_output_values(out: npt.NDArray[np.float32], model: str) -> None:
    """Refuse a tile whose values no picture has (NaN, ±Inf, or beyond :data:`OUTPUT_LIMIT`)."""
    if out.size == 0:
        return
    lo, hi = float(out.min()), float(out.max())
    if lo >= -OUTPUT_LIMIT and hi <= OUTPUT_LIMIT:  # False for NaN, which min/max propagate
        return
    if bool(np.isnan(out).any()):
        problem = "NaN (not-a-number) values"
    elif bool(np.isinf(out).any()):
        problem = "infinite values"
    else:
        peak = max(abs(lo), abs(hi))
        problem = f"values of magnitude {peak:.3g} (a picture's lie near 0 to 1)"
    raise ModelOutputError.refusing(model, problem)


@dataclass(frozen=True)
class ToolFeed:
    """What a tool gives a model and reads back; the model's declared shapes must allow it.

    ``in_channels`` / ``out_channels`` are the channels the tool stacks into the model and
    reads from it (None: the tool does not say, so only the model's own declarations count).
    ``overlap`` is the number of input pixels two neighbouring tiles share.
    """

    tool: str
    in_channels: int | None = None
    out_channels: int | None = None
    scale: int = 1
    size_multiple: int = 1
    overlap: int = 0
    max_side: int = MAX_FIXED_SIDE


def check_model_interface(model: CheckedModel, feed: ToolFeed) -> None:
    """Refuse a model the tool cannot run through the tiler, before any edit is written.

    Raises :class:`ModelInterfaceError` (exit 6) naming the model, the tool and what differs.
    """
    label = f"model {model.entry.id}"
    card = model.card
    inputs, outputs = model.facts.inputs, model.facts.outputs
    _check_channels(label, feed, "input", inputs, card.inputs if card else (), feed.in_channels)
    _check_channels(label, feed, "output", outputs, card.outputs if card else (), feed.out_channels)
    for name, shape in inputs:
        if isinstance(shape[0], int) and shape[0] > 1:
            raise ModelInterfaceError(
                f"{label} takes input {name!r} in batches of exactly {shape[0]}; the tiler "
                "runs one tile at a time",
                hint="re-export the model with a batch dimension of 1 or a dynamic one",
            )
    fixed = _fixed_input_size(label, inputs)
    if fixed is not None:
        _check_fixed_size(label, feed, fixed)
    _check_output_sizes(label, feed, fixed, outputs)


def _check_channels(
    label: str,
    feed: ToolFeed,
    what: str,
    tensors: Sequence[tuple[str, _Shape]],
    specs: Sequence[TensorSpec],
    wanted: int | None,
) -> None:
    """The channels the model's inputs (or outputs) declare, against what the tool stacks."""
    if wanted is None or not tensors:
        return
    by_name = {spec.name: spec.channels for spec in specs}
    known: list[int] = []
    unknown = 0
    for name, shape in tensors:
        declared = shape[1] if len(shape) == 4 else None
        channels = declared if isinstance(declared, int) and declared > 0 else by_name.get(name)
        if channels is None:
            unknown += 1
        else:
            known.append(channels)
    total = sum(known)
    if (unknown == 0 and total != wanted) or (unknown > 0 and total + unknown > wanted):
        says = f"{total}" if unknown == 0 else f"at least {total + unknown}"
        verb = "stacks" if what == "input" else "reads back"
        raise ModelInterfaceError(
            f"{label} {'takes' if what == 'input' else 'gives'} {says} {what} channels; "
            f"the {feed.tool} tool {verb} {wanted}",
            hint=f"this model was not made for {feed.tool}; pick a model whose card lists "
            f"{wanted} {what} channels",
        )


def _fixed_input_size(label: str, inputs: Sequence[tuple[str, _Shape]]) -> tuple[int, int] | None:
    """The (height, width) every input is fixed at, or None for a model of any size."""
    sizes: set[tuple[int, int]] = set()
    for name, shape in inputs:
        height, width = shape[2], shape[3]
        fixed_h = isinstance(height, int) and height > 0
        fixed_w = isinstance(width, int) and width > 0
        if fixed_h != fixed_w:
            raise ModelInterfaceError(
                f"{label} fixes the {'height' if fixed_h else 'width'} of input {name!r} but "
                "not the other side; the tiler needs both fixed or neither",
                hint="re-export the model with a dynamic height and width",
            )
        if isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0:
            sizes.add((height, width))
    if len(sizes) > 1:
        raise ModelInterfaceError(f"{label} has inputs of different fixed sizes")
    return next(iter(sizes)) if sizes else None


def _check_fixed_size(label: str, feed: ToolFeed, size: tuple[int, int]) -> None:
    height, width = size
    if max(height, width) > feed.max_side:
        raise ModelInterfaceError(
            f"{label} takes only a fixed {width}×{height} input; tiles larger than "
            f"{feed.max_side}×{feed.max_side} are refused (one such tile would not fit in "
            "memory beside a frame)",
            hint="re-export the model with a dynamic height and width",
        )
    if min(height, width) <= 2 * feed.overlap:
        raise ModelInterfaceError(
            f"{label} takes only a fixed {width}×{height} input, but the {feed.tool} tool's "
            f"tiles share {feed.overlap} px with each neighbour: a tile would be all overlap",
            hint="use a model with a dynamic input size, or a fixed size of more than "
            f"{2 * feed.overlap} px",
        )
    multiple = max(1, feed.size_multiple)
    if height % multiple or width % multiple:
        raise ModelInterfaceError(
            f"{label} takes only a fixed {width}×{height} input, but {feed.tool} needs tile "
            f"sides that are multiples of {multiple}",
        )


def _check_output_sizes(
    label: str,
    feed: ToolFeed,
    fixed: tuple[int, int] | None,
    outputs: Sequence[tuple[str, _Shape]],
) -> None:
    """Declared output sides must be the input's times the tool's scale."""
    for name, shape in outputs:
        if not shape:
            continue  # the model does not declare the output's shape; the probe will see it
        if len(shape) != 4:
            raise ModelInterfaceError(
                f"{label} output {name!r} has rank {len(shape)}; image models give NCHW tensors"
            )
        for side, dim in (("height", shape[2]), ("width", shape[3])):
            if not isinstance(dim, int) or dim <= 0:
                continue
            expected = None if fixed is None else fixed[0 if side == "height" else 1] * feed.scale
            if dim != expected:
                what = (
                    "whatever the input's size"
                    if expected is None
                    else f"for a fixed {fixed[1] if fixed else 0}×{fixed[0] if fixed else 0} "
                    f"input, not {expected} (×{feed.scale})"
                )
                raise ModelInterfaceError(
                    f"{label} output {name!r} has a fixed {side} of {dim} {what}",
                    hint="the model's output must be its input's size times the tool's scale",
                )
