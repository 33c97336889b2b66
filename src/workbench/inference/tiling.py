"""Running an image model over a frame of any size: tiles, overlap, feathering, OOM, cancel.

The frame is cut into tiles that share ``overlap`` pixels with their neighbours. Each tile is
read from the frame as if the frame were reflect-padded by ``overlap`` on every side (the padding
is never materialised; tiles gather through reflected indices), so border pixels see context.
Outputs are blended with separable linear ramps, and because the weights are separable, the weight
normaliser is two 1-D vectors: memory is the output frame plus a few tiles, whatever the frame size.

How much the tiles share is the model's business: a model that looks ``r`` pixels around each
pixel (its card's ``receptive_radius``) gets an overlap of ``2 r + feather``, so the zero-weight
margin of every tile is at least ``r`` wide and no weighted pixel lacks context.

When a tile runs out of memory the tile limit halves, and that tile — and every later one — is
itself tiled at the smaller size, so work already done on the frame is kept. Cancel is checked
before every model run, so it lands between tiles.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from workbench.errors import WorkbenchError
from workbench.inference.engine import Engine, FloatArray
from workbench.inference.errors import InferenceError, ModelInterfaceError, is_out_of_memory
from workbench.progress import Progress


def reflect_indices(start: int, stop: int, length: int) -> npt.NDArray[np.intp]:
    """Indices ``start..stop`` into an axis of ``length``, reflected at both ends (no repeat)."""
    idx = np.arange(start, stop, dtype=np.intp)
    if length == 1:
        return np.zeros_like(idx)
    period = 2 * (length - 1)
    idx = np.mod(idx, period)
    return np.where(idx >= length, period - idx, idx)


def gather(frame: FloatArray, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
    """A box of the (virtually reflect-padded) H×W×C frame, as a contiguous 1×C×h×w tile."""
    height, width = frame.shape[:2]
    cy0, cy1 = max(y0, 0), min(y1, height)
    cx0, cx1 = max(x0, 0), min(x1, width)
    pad_y, pad_x = (cy0 - y0, y1 - cy1), (cx0 - x0, x1 - cx1)
    inside = frame[cy0:cy1, cx0:cx1].transpose(2, 0, 1)
    if pad_y == (0, 0) and pad_x == (0, 0):
        tile = np.ascontiguousarray(inside)
    elif max(pad_y) < cy1 - cy0 and max(pad_x) < cx1 - cx0:
        # The padded sides lie on frame edges, and one reflection reaches far enough.
        tile = np.ascontiguousarray(np.pad(inside, ((0, 0), pad_y, pad_x), mode="reflect"))
    else:  # a frame smaller than the padding: reflect back and forth
        rows = reflect_indices(y0, y1, height)
        cols = reflect_indices(x0, x1, width)
        tile = np.ascontiguousarray(frame[rows[:, None], cols[None, :]].transpose(2, 0, 1))
    result: FloatArray = tile[None]
    return result


def plan_axis(start: int, stop: int, tile: int, overlap: int, fixed: bool = False) -> list[int]:
    """Start positions of equal tiles covering ``[start, stop)`` with at least ``overlap`` shared.

    Tiles are all ``tile_length(...)`` long; spreading them evenly keeps every tile the same size
    (so they could share a batch) instead of leaving a sliver at the end.
    """
    length = stop - start
    size = tile_length(length, tile, overlap, fixed)
    if length <= size:
        return [start]
    count = math.ceil((length - overlap) / (tile - overlap))
    span = length - size
    return [start + (i * span) // (count - 1) for i in range(count)]


def tile_length(length: int, tile: int, overlap: int, fixed: bool = False) -> int:
    """The tile length :func:`plan_axis` uses: the smallest that needs no more tiles."""
    if fixed or length <= tile:
        return tile if fixed else length
    count = math.ceil((length - overlap) / (tile - overlap))
    return min(tile, math.ceil((length - overlap) / count) + overlap)


def ramp(length: int, lead: bool, trail: bool, overlap: int, margin: int) -> FloatArray:
    """1-D weights of one tile: 0 on the outer ``margin``, a linear ramp, then 1.

    ``lead``/``trail`` say whether a neighbour shares the start/end of the tile. The ramps of two
    tiles sharing exactly ``overlap`` pixels add up to 1 everywhere in the overlap.
    """
    weights = np.ones(length, dtype=np.float32)
    if overlap <= 0:
        return weights
    d = np.arange(length, dtype=np.float32)
    denom = np.float32(overlap - 2 * margin + 1)
    if lead:
        weights = np.minimum(weights, np.clip((d + 1 - margin) / denom, 0.0, 1.0))
    if trail:
        weights = np.minimum(weights, np.clip((length - d - margin) / denom, 0.0, 1.0))
    return weights.astype(np.float32)


class _FrameRun:
    """One frame through one engine: the state that survives a tile-size change."""

    def __init__(
        self, engine: Engine, frame: FloatArray, progress: Progress | None, align: int = 1
    ) -> None:
        self.engine = engine
        self.align = max(1, int(align))
        self.model = engine.model
        self.frame = frame
        self.height, self.width, channels = frame.shape
        self.counts = self.model.split_channels(channels)
        self.scale, out_channels = self.model.probe(self.counts)
        self.out_channels = sum(out_channels)
        self.progress = progress
        options = engine.options
        self.overlap = options.overlap
        self.margin = options.margin
        self.min_tile = options.min_tile_size
        self.fixed = self.model.fixed_size
        self.runs = 0

    # -- gathering and running ---------------------------------------------------------------

    def gather(self, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
        return gather(self.frame, y0, y1, x0, x1)

    def run_tile(self, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
        if self.progress is not None:
            self.progress.check()
        batch = self.gather(y0, y1, x0, x1)
        out = self.model.run_nchw(batch, self.counts)
        self.runs += 1
        expected = (1, self.out_channels, (y1 - y0) * self.scale, (x1 - x0) * self.scale)
        if out.shape != expected:
            raise ModelInterfaceError(
                f"a {y1 - y0}×{x1 - x0} tile gave output {out.shape[2]}×{out.shape[3]}; "
                f"expected {expected[2]}×{expected[3]}",
                hint="the model may need tile sizes that are a multiple of some number",
            )
        view: FloatArray = out[0].transpose(1, 2, 0)  # the caller's weighting makes the copy
        return view

    def block(self, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
        """Output for a box, in one run if it fits, else tiled; halves the tile on OOM."""
        size = max(y1 - y0, x1 - x0)
        if self.fixed is not None or size <= self.engine.tile_limit:
            try:
                return self.run_tile(y0, y1, x0, x1)
            except Exception as exc:
                if not is_out_of_memory(exc):
                    if isinstance(exc, WorkbenchError):  # Cancelled, a model contract error
                        raise
                    raise InferenceError(
                        f"the model failed on a {y1 - y0}×{x1 - x0} tile: {_first_line(exc)}"
                    ) from exc
                self.shrink(size, exc)
        return self.tiled(y0, y1, x0, x1)

    def shrink(self, size: int, exc: BaseException) -> None:
        smaller = self.engine.tile_limit // 2
        while smaller >= size:  # the failed tile may be smaller than the limit
            smaller //= 2
        if self.fixed is not None or smaller < self.min_tile:
            what = f"{size}×{size}" if self.fixed is None else "its fixed-size"
            raise InferenceError(
                f"out of memory running the model even on a {what} tile ({_first_line(exc)})",
                hint="close other applications using the GPU, or choose the CPU provider",
            ) from exc
        self.engine.tile_limit = smaller

    # -- tiling --------------------------------------------------------------------------------

    def tiled(self, y0: int, y1: int, x0: int, x1: int, report: bool = False) -> FloatArray:
        """Output for a box, tiled at the current limit with ``overlap`` context all round."""
        pad = self.overlap
        limit = self.engine.tile_limit
        fixed_h, fixed_w = self.fixed or (limit, limit)
        fixed = self.fixed is not None
        a = 1 if fixed else self.align
        if a > 1:
            # Space-to-depth models see a frame in a×a cells: every tile starts on the cell grid
            # and spans whole cells, so each pixel lands in the same cell as in a whole-frame run.
            pad = math.ceil(pad / a) * a
            fixed_h = fixed_w = max(limit // a, pad // a + 1) * a
        # Beyond the frame's own edge a tile needs only ``margin`` reflected pixels of context
        # (what an inner tile edge has, and what a whole-frame run gets); inside the frame (a
        # box tiled again after running out of memory) the full overlap of real pixels.
        edge = math.ceil(self.margin / a) * a
        ey0 = y0 - (edge if y0 <= 0 else pad)
        ey1 = y1 + (edge if y1 >= self.height else pad)
        ex0 = x0 - (edge if x0 <= 0 else pad)
        ex1 = x1 + (edge if x1 >= self.width else pad)
        th = a * tile_length((ey1 - ey0) // a, fixed_h // a, pad // a, fixed)
        tw = a * tile_length((ex1 - ex0) // a, fixed_w // a, pad // a, fixed)
        rows = [ey0 + a * r for r in plan_axis(0, (ey1 - ey0) // a, fixed_h // a, pad // a, fixed)]
        cols = [ex0 + a * c for c in plan_axis(0, (ex1 - ex0) // a, fixed_w // a, pad // a, fixed)]
        s = self.scale
        out = np.zeros(((y1 - y0) * s, (x1 - x0) * s, self.out_channels), dtype=np.float32)
        wy = [self._weights(i, len(rows), th) for i in range(len(rows))]
        wx = [self._weights(j, len(cols), tw) for j in range(len(cols))]
        # The blend weights are separable, so their sum is too: normalise each tile's 1-D ramps
        # by the summed ramps up front, and no frame-sized weight buffer or final pass is needed.
        acc_y = np.zeros((y1 - y0) * s, dtype=np.float32)
        acc_x = np.zeros((x1 - x0) * s, dtype=np.float32)
        row_spans = [_clip(r, th, y0, y1, s) for r in rows]
        col_spans = [_clip(c, tw, x0, x1, s) for c in cols]
        for (lo, hi, tlo, thi), w in zip(row_spans, wy, strict=True):
            acc_y[lo:hi] += w[tlo:thi]
        for (lo, hi, tlo, thi), w in zip(col_spans, wx, strict=True):
            acc_x[lo:hi] += w[tlo:thi]
        norm_y = [
            w[tlo:thi] / acc_y[lo:hi] for (lo, hi, tlo, thi), w in zip(row_spans, wy, strict=True)
        ]
        norm_x = [
            w[tlo:thi] / acc_x[lo:hi] for (lo, hi, tlo, thi), w in zip(col_spans, wx, strict=True)
        ]
        total = len(rows) * len(cols)
        done = 0
        for r, (ylo, yhi, tylo, tyhi), row_w in zip(rows, row_spans, norm_y, strict=True):
            for c, (xlo, xhi, txlo, txhi), col_w in zip(cols, col_spans, norm_x, strict=True):
                if yhi > ylo and xhi > xlo:
                    tile = self.block(r, r + th, c, c + tw)
                    weighted = tile[tylo:tyhi, txlo:txhi] * row_w[:, None, None]
                    weighted *= col_w[None, :, None]
                    out[ylo:yhi, xlo:xhi] += weighted
                done += 1
                if report and self.progress is not None:
                    self.progress.update(done / total)
        return out

    def whole_frame(self) -> FloatArray | None:
        """The frame in one model run, when it fits one tile with its border context; else None.

        The border gets ``margin`` reflected pixels (the context an inner tile edge has, at
        least the model's receptive radius) rather than the full overlap: with no neighbour
        tile to blend with, the overlap's ramp has nothing to do, and at 1080p the full overlap
        was 9 % more model work for the same pixels. Nothing is weighted or accumulated.
        """
        m = math.ceil(self.margin / self.align) * self.align
        if self.fixed is not None or max(self.height, self.width) + 2 * m > self.engine.tile_limit:
            return None
        tile = self.block(-m, self.height + m, -m, self.width + m)
        s = self.scale
        out: FloatArray = np.ascontiguousarray(
            tile[m * s : (m + self.height) * s, m * s : (m + self.width) * s]
        )
        if self.progress is not None:
            self.progress.update(1.0)
        return out

    def _weights(self, index: int, count: int, length: int) -> FloatArray:
        s = self.scale
        return ramp(length * s, index > 0, index < count - 1, self.overlap * s, self.margin * s)


def _clip(start: int, length: int, lo: int, hi: int, s: int) -> tuple[int, int, int, int]:
    """Where tile ``[start, start+length)`` lands in box ``[lo, hi)``, at output scale ``s``."""
    a = max(start, lo)
    b = min(start + length, hi)
    return (a - lo) * s, (b - lo) * s, (a - start) * s, (b - start) * s


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else exc.__class__.__name__


def overlap_for(receptive_radius: int, feather: int) -> int:
    """The overlap whose zero-weight margin, ``(overlap - feather) // 2``, is the radius."""
    return 2 * receptive_radius + feather


def card_receptive_radius(engine: Engine) -> int | None:
    """What the card of the engine's model says of its receptive radius (None: nothing)."""
    card = getattr(getattr(engine, "model", None), "card", None)
    radius = getattr(card, "receptive_radius", None)
    return radius if isinstance(radius, int) else None


def with_receptive_radius(engine: Engine, receptive_radius: int) -> Engine:
    """``engine`` with tiles that overlap enough for a model looking ``receptive_radius`` px
    around each pixel; never less than its own options' overlap. The tile sizes grow with the
    overlap, so a tile still holds more than its borders."""
    options = engine.options
    overlap = overlap_for(receptive_radius, options.feather)
    if options.overlap >= overlap:
        return engine
    margin = overlap - options.feather
    return engine.with_options(
        replace(
            options,
            overlap=overlap,
            min_tile_size=max(options.min_tile_size, 2 * overlap + 2),
            tile_size=max(options.tile_size, 2 * overlap + 2 + margin),
        )
    )


def run_image(
    engine: Engine,
    inputs: FloatArray,
    *,
    progress: Progress | None = None,
    align: int = 1,
    receptive_radius: int | None = None,
) -> FloatArray:
    """Run an image model over an H×W×C float32 stack; returns sH×sW×C_out float32.

    ``inputs`` stacks, in the model's input order, the channels of every input: an RGB frame
    (C = 3), RGB plus a noise-level plane (C = 4, whether the model takes one 4-channel input or
    an image and a 1-channel map), three frames for a temporal model (C = 9). Values are in
    [0, 1]; a card's ``value_range`` is applied on the way in and undone on the way out. Outputs
    are stacked in output order (see :meth:`Engine.output_channels`) and are not clipped.

    ``progress`` is updated after each tile and checked before each model run, so a cancel raises
    :class:`~workbench.errors.Cancelled` between tiles.

    ``align`` (for models that work in cells, like space-to-depth by 2): every tile starts on a
    multiple of it and spans a multiple of it, so tiling gives what one whole-frame run gives
    and any tile size works. The frame's sides must then be multiples of ``align`` (pad first).

    ``receptive_radius`` (px): how far the model looks, as the caller resolved it (a tool takes
    its model card's, else its own default); None takes the card's. The tiles then overlap by at
    least ``2 × radius + feather`` (:func:`with_receptive_radius`); with neither, by the options'.
    """
    radius = receptive_radius if receptive_radius is not None else card_receptive_radius(engine)
    if radius is not None:
        engine = with_receptive_radius(engine, radius)
    frame = np.asarray(inputs)
    if frame.ndim == 2:
        frame = frame[:, :, None]
    if frame.ndim != 3 or frame.shape[0] < 1 or frame.shape[1] < 1 or frame.shape[2] < 1:
        raise InferenceError(f"a frame must be H×W×C; got shape {frame.shape}")
    if frame.dtype != np.float32:
        frame = frame.astype(np.float32)
    if align > 1 and (frame.shape[0] % align or frame.shape[1] % align):
        raise InferenceError(
            f"a {frame.shape[1]}×{frame.shape[0]} frame cannot be tiled in cells of {align}",
            hint="pad the frame to a multiple first (workbench.tools.base.pad_to_multiple)",
        )
    run = _FrameRun(engine, frame, progress, align)
    whole = run.whole_frame()
    if whole is not None:
        return whole
    out = run.tiled(0, run.height, 0, run.width, report=True)
    return out
