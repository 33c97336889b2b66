"""ONNX Runtime sessions for image models: one cached session per model, built from checked bytes.

A session is made only from :attr:`CheckedModel.data` — the very bytes the catalogue checked and
hashed — never from a path, so what runs is what was checked and what the log names. Sessions are
cached per (model SHA-256, providers, threads): opening a model twice costs nothing, and a model
is loaded into accelerator memory once.

An :class:`Engine` is a cached session seen through a set of :class:`SessionOptions`. It knows the
model's image contract — inputs and their channel counts, output channels, scale — and records
which execution provider actually ran, because the disclosure log records it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from workbench.inference.errors import InferenceError, ModelInterfaceError, is_out_of_memory
from workbench.inference.interface import MAX_FIXED_SIDE, check_output_values
from workbench.inference.providers import (
    choose_providers,
    normalize_provider,
    onnxruntime_version,
)

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard, TensorSpec
    from workbench.catalog.catalog import CheckedModel

FloatArray = npt.NDArray[np.float32]

#: Side of the square tile run once to learn a model's scale and output channels.
PROBE_SIZE = 32


class SessionLike(Protocol):
    """The part of ``onnxruntime.InferenceSession`` the engine uses (tests pass fakes)."""

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any: ...

    def get_inputs(self) -> Any: ...

    def get_outputs(self) -> Any: ...

    def get_providers(self) -> Any: ...


@dataclass(frozen=True)
class SessionOptions:
    """How a model is run: providers and threads (the session), tiles and overlap (the frame).

    ``overlap`` is the number of input pixels two neighbouring tiles share. Inside it, the outer
    ``(overlap - feather) // 2`` pixels of each tile get weight 0 (a tile's edge pixels lack
    context) and the middle ``feather`` pixels ramp linearly from one tile to the other. Tiled
    output equals whole-frame output exactly when the model's receptive radius is at most
    ``(overlap - feather) // 2``; for deeper models the ramp hides what differs. The default
    feather of 4 (margin 6) came from measuring a random 10-layer net (receptive radius 10): a
    narrow ramp behind a wide margin gave the smallest seam error (max 0.0022, under one 8-bit
    step), because a tile's edge error decays fast with distance from the edge.

    There is no batch option: several tiles per run measured no faster than one at a time on a
    2-core CPU (0.98–1.00× for 128² and 256² tiles of a 6-layer, 32-channel model).

    ``tile_size`` is 2048 so that an HD or 2K frame runs whole: every tile computes its overlap
    and the frame's padded border again, which at 512 px was 23 % more model work on a 1080p
    frame (15 tiles) and at 1024 px 14 % (4 tiles); whole, nothing is computed twice. Measured
    on the 2-core development machine: the denoiser took 1.24× as long per 1080p frame at 1024
    and 1.86× at 512 as whole (busy machine, load 14; bench/bench_render.py). UHD frames are cut
    into four; a tile that runs out of memory halves the limit as before.
    """

    providers: tuple[str, ...] | None = None
    intra_op_threads: int = 0
    provider: str | None = None
    """One provider for everything (``--provider``); None: chosen among ``providers``
    (``inference.backends``)."""
    precision: str = "auto"
    """``auto`` (a variant where it measures faster and its card's figures allow), ``full``
    (the main file only) or a variant's name (``int8``)."""
    tile_size: int = 2048
    overlap: int = 16
    feather: int = 4
    min_tile_size: int = 64

    def __post_init__(self) -> None:
        if self.intra_op_threads < 0:
            raise InferenceError("intra_op_threads must be 0 (automatic) or more")
        if self.overlap < 0 or not 0 <= self.feather <= self.overlap:
            raise InferenceError("overlap must be >= 0 and feather between 0 and overlap")
        if self.min_tile_size <= 2 * self.overlap:
            raise InferenceError(
                f"min_tile_size ({self.min_tile_size}) must be more than twice the overlap "
                f"({self.overlap})"
            )
        if self.tile_size < self.min_tile_size:
            raise InferenceError(
                f"tile_size ({self.tile_size}) is below min_tile_size ({self.min_tile_size})"
            )

    @property
    def margin(self) -> int:
        """Pixels at a tile's shared edge that get weight 0 (they lack context)."""
        return (self.overlap - self.feather) // 2

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None) -> SessionOptions:
        """Read the ``"inference"`` section of the user's settings; bad values mean defaults."""
        if settings is None:
            from workbench.config import load_settings

            settings = load_settings()
        section = settings.get("inference")
        if not isinstance(section, Mapping):
            return cls()
        values: dict[str, Any] = {}
        providers = section.get("providers")
        if isinstance(providers, list) and all(isinstance(p, str) for p in providers):
            values["providers"] = tuple(providers)
        for key in ("intra_op_threads", "tile_size", "overlap", "feather", "min_tile_size"):
            value = section.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                values[key] = value
        precision = section.get("precision")
        if isinstance(precision, str) and precision.strip():
            values["precision"] = precision.strip()
        try:
            return cls(**values)
        except InferenceError:
            return cls()


@dataclass(frozen=True)
class TensorInfo:
    """One model input or output as the engine uses it."""

    name: str
    channels: int | None
    value_range: tuple[float, float] = (0.0, 1.0)
    float16: bool = False
    height: int | None = None
    width: int | None = None


def _dim(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _tensor_infos(nodes: Any, specs: Sequence[TensorSpec], what: str) -> tuple[TensorInfo, ...]:
    by_name = {spec.name: spec for spec in specs}
    names = [node.name for node in nodes]
    unknown = [name for name in by_name if name not in names]
    if unknown:
        raise ModelInterfaceError(
            f"the model card names {what} {unknown[0]!r}, but the model's {what}s are "
            f"{', '.join(names)}",
            hint="the card does not belong to this model file",
        )
    infos: list[TensorInfo] = []
    for node in nodes:
        shape = list(node.shape) if node.shape is not None else []
        if len(shape) != 4:
            raise ModelInterfaceError(
                f"model {what} {node.name!r} has rank {len(shape)}; image models use NCHW tensors"
            )
        channels = _dim(shape[1])
        spec = by_name.get(node.name)
        value_range = (0.0, 1.0)
        if spec is not None:
            if channels is not None and spec.channels != channels:
                raise ModelInterfaceError(
                    f"the model card says {what} {node.name!r} has {spec.channels} channels, "
                    f"the model says {channels}"
                )
            channels = spec.channels
            value_range = (float(spec.value_range[0]), float(spec.value_range[1]))
        infos.append(
            TensorInfo(
                name=node.name,
                channels=channels,
                value_range=value_range,
                float16="float16" in str(getattr(node, "type", "")),
                height=_dim(shape[2]),
                width=_dim(shape[3]),
            )
        )
    return tuple(infos)


class ModelSession:
    """A session plus what was learned about the model; shared by every Engine on that model."""

    def __init__(self, session: SessionLike, *, sha256: str, card: ModelCard | None) -> None:
        self.session = session
        self.sha256 = sha256
        self.card = card
        providers = list(session.get_providers())
        self.providers: tuple[str, ...] = tuple(str(p) for p in providers)
        self.provider: str = self.providers[0] if self.providers else "CPUExecutionProvider"
        #: Which file of its model these bytes are: None for the main one, else the card's
        #: variant whose SHA-256 they have (``int8``).
        self.variant: str | None = (
            next((v.name for v in (card.variants or ()) if v.sha256 == sha256), None)
            if card is not None and sha256 != card.sha256
            else None
        )
        self.inputs = _tensor_infos(session.get_inputs(), card.inputs if card else (), "input")
        self.outputs = _tensor_infos(session.get_outputs(), card.outputs if card else (), "output")
        if not self.inputs or not self.outputs:
            raise ModelInterfaceError("the model needs at least one input and one output")
        batch = session.get_inputs()[0].shape[0]
        self.dynamic_batch = _dim(batch) is None
        fixed = [(i.height, i.width) for i in self.inputs if i.height and i.width]
        self.fixed_size: tuple[int, int] | None = fixed[0] if fixed else None
        if self.fixed_size is not None and max(self.fixed_size) > MAX_FIXED_SIDE:
            height, width = self.fixed_size
            raise ModelInterfaceError(
                f"model {self.label} takes only a fixed {width}×{height} input; tiles larger "
                f"than {MAX_FIXED_SIDE}×{MAX_FIXED_SIDE} are refused",
                hint="re-export the model with a dynamic height and width",
            )
        self._lock = threading.Lock()
        self._probed: dict[tuple[int, ...], tuple[int, tuple[int, ...]]] = {}

    @property
    def label(self) -> str:
        """The model as the catalogue names it: its card's id, else its undisclosed id."""
        if self.card is not None:
            return str(self.card.id)
        return f"undisclosed-{self.sha256[:12]}" if self.sha256 else "(unnamed)"

    def split_channels(self, total: int) -> tuple[int, ...]:
        """How a caller's C-channel stack divides among the model's inputs, in input order."""
        known = [i.channels for i in self.inputs]
        missing = [k for k, c in enumerate(known) if c is None]
        fixed_sum = sum(c for c in known if c is not None)
        if len(missing) > 1:
            raise ModelInterfaceError(
                "the model has several inputs of unknown channel count; its card must give them"
            )
        if missing:
            rest = total - fixed_sum
            if rest < 1:
                raise ModelInterfaceError(
                    f"the frame stack has {total} channels, fewer than the model needs"
                )
            known[missing[0]] = rest
        counts = tuple(int(c) for c in known if c is not None)
        if sum(counts) != total:
            layout = " + ".join(f"{i.name}:{c}" for i, c in zip(self.inputs, counts, strict=True))
            raise ModelInterfaceError(
                f"the model takes {sum(counts)} channels ({layout}), the frame stack has {total}"
            )
        return counts

    def run_nchw(self, batch: FloatArray, counts: tuple[int, ...]) -> FloatArray:
        """Run an N×C×h×w stack (values in [0, 1]); returns N×C_out×sh×sw (values in [0, 1])."""
        feed: dict[str, Any] = {}
        start = 0
        for info, count in zip(self.inputs, counts, strict=True):
            part = batch[:, start : start + count]
            start += count
            lo, hi = info.value_range
            if (lo, hi) != (0.0, 1.0):
                part = part * np.float32(hi - lo) + np.float32(lo)
            part = np.ascontiguousarray(part, dtype=np.float16 if info.float16 else np.float32)
            feed[info.name] = part
        results = self.session.run(None, feed)
        parts: list[FloatArray] = []
        for info, result in zip(self.outputs, results, strict=True):
            array = np.asarray(result)
            if array.ndim != 4 or array.shape[0] != batch.shape[0]:
                raise ModelInterfaceError(
                    f"model output {info.name!r} has shape {array.shape}; expected N×C×H×W "
                    f"with N = {batch.shape[0]}"
                )
            out = array.astype(np.float32, copy=False)
            lo, hi = info.value_range
            if (lo, hi) != (0.0, 1.0):
                out = (out - np.float32(lo)) / np.float32(hi - lo)
            check_output_values(out, self.label)
            parts.append(out)
        shapes = {p.shape[2:] for p in parts}
        if len(shapes) != 1:
            raise ModelInterfaceError("the model's outputs differ in size; all must share a scale")
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)

    def probe(self, counts: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        """Scale and per-output channels, learned once by running one small tile."""
        with self._lock:
            cached = self._probed.get(counts)
            if cached is not None:
                return cached
            height, width = self.fixed_size or (PROBE_SIZE, PROBE_SIZE)
            probe = np.zeros((1, sum(counts), height, width), dtype=np.float32)
            try:
                raw = self.session.run(None, self._probe_feed(probe, counts))
            except Exception as exc:
                if is_out_of_memory(exc):
                    raise InferenceError(
                        f"out of memory running the model on a {height}×{width} tile",
                        hint="close other applications using the GPU, or choose the CPU provider",
                    ) from exc
                raise ModelInterfaceError(
                    f"the model failed on a {height}×{width} probe tile: {_first_line(exc)}"
                ) from exc
            shapes = [np.asarray(r).shape for r in raw]
            for shape in shapes:
                if len(shape) != 4:
                    raise ModelInterfaceError(f"a model output has shape {shape}; expected NCHW")
            out_h, out_w = shapes[0][2], shapes[0][3]
            scale = out_h // height
            if (
                scale < 1
                or out_h != scale * height
                or out_w != scale * width
                or any(s[2:] != shapes[0][2:] for s in shapes)
            ):
                raise ModelInterfaceError(
                    f"a {height}×{width} tile gives a {out_h}×{out_w} output; the engine runs "
                    "models whose output is the input size times a whole number"
                )
            if self.card is not None and self.card.scale != scale:
                raise ModelInterfaceError(
                    f"the model card says scale ×{self.card.scale}, the model gives ×{scale}",
                    hint="the card does not describe this model file",
                )
            channels = tuple(int(s[1]) for s in shapes)
            self._probed[counts] = (scale, channels)
            return scale, channels

    def _probe_feed(self, probe: FloatArray, counts: tuple[int, ...]) -> dict[str, Any]:
        feed: dict[str, Any] = {}
        start = 0
        for info, count in zip(self.inputs, counts, strict=True):
            part = probe[:, start : start + count]
            start += count
            feed[info.name] = np.ascontiguousarray(
                part, dtype=np.float16 if info.float16 else np.float32
            )
        return feed


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else exc.__class__.__name__


@dataclass
class Engine:
    """A cached model session seen through one set of options; what tools and renders run.

    ``tile_limit`` starts at ``options.tile_size`` and halves when a tile runs out of memory, so
    the next frames of a render start at a size that fits.
    """

    model: ModelSession
    options: SessionOptions = field(default_factory=SessionOptions)
    tile_limit: int = 0

    def __post_init__(self) -> None:
        if self.tile_limit <= 0:
            self.tile_limit = self.options.tile_size

    @classmethod
    def from_session(
        cls,
        session: SessionLike,
        *,
        sha256: str = "",
        card: ModelCard | None = None,
        options: SessionOptions | None = None,
    ) -> Engine:
        """An engine over any session-like object (uncached; tests use fakes)."""
        return cls(ModelSession(session, sha256=sha256, card=card), options or SessionOptions())

    def with_options(self, options: SessionOptions) -> Engine:
        """The same session, other tile settings (providers and threads stay the session's)."""
        return replace(self, options=options, tile_limit=options.tile_size)

    @property
    def session(self) -> SessionLike:
        return self.model.session

    @property
    def sha256(self) -> str:
        return self.model.sha256

    @property
    def provider(self) -> str:
        """The execution provider that runs this model (the first the session accepted)."""
        return self.model.provider

    @property
    def providers(self) -> tuple[str, ...]:
        return self.model.providers

    @property
    def variant(self) -> str | None:
        """The file of the model that runs: None for the main one, else the variant's name."""
        return self.model.variant

    @property
    def onnxruntime_version(self) -> str:
        return onnxruntime_version()

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.model.inputs)

    @property
    def input_channels(self) -> tuple[int | None, ...]:
        """Channels per input, in the order a caller stacks them (None: whatever is left)."""
        return tuple(i.channels for i in self.model.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.model.outputs)

    def scale(self, channels: int | None = None) -> int:
        """Output size / input size; probed once (``channels`` only for dynamic-channel models)."""
        return self.model.probe(self._counts(channels))[0]

    def output_channels(self, channels: int | None = None) -> tuple[int, ...]:
        """Channels per output; :func:`run_image` returns them stacked in this order."""
        return self.model.probe(self._counts(channels))[1]

    def _counts(self, channels: int | None) -> tuple[int, ...]:
        if channels is None:
            known = self.input_channels
            if any(c is None for c in known):
                raise ModelInterfaceError("this model's channel count is only known from a frame")
            channels = sum(c for c in known if c is not None)
        return self.model.split_channels(channels)


_SessionKey = tuple[str, tuple[str, ...], int]
_sessions: dict[_SessionKey, Any] = {}
_models: dict[tuple[_SessionKey, str], ModelSession] = {}
_cache_lock = threading.Lock()


def create_session(data: bytes, providers: Sequence[str], threads: int = 0) -> Any:
    """An ``onnxruntime.InferenceSession`` from model bytes (the only place one is made)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("sessions are made from checked model bytes, never from a path")
    import onnxruntime

    so = onnxruntime.SessionOptions()
    so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    so.inter_op_num_threads = 1
    if threads > 0:
        so.intra_op_num_threads = threads
    so.log_severity_level = 3
    try:
        return onnxruntime.InferenceSession(bytes(data), sess_options=so, providers=list(providers))
    except Exception as exc:
        raise InferenceError(
            f"ONNX Runtime cannot open the model: {_first_line(exc)}",
            hint="the model may need a newer onnxruntime, or use an operator it lacks",
        ) from exc


def get_model_session(model: CheckedModel, options: SessionOptions | None = None) -> ModelSession:
    """The cached :class:`ModelSession` for (model, providers, threads).

    The ONNX Runtime session is shared by (SHA-256, providers, threads); what the card says about
    it is kept per card, so a second card for the same bytes is checked against the model too.
    Providers that start with OpenVINO's (:data:`~workbench.inference.providers.OPENVINO`)
    get OpenVINO's runtime instead of an ONNX Runtime session.
    """
    from workbench.inference.openvino_runtime import create_openvino_session
    from workbench.inference.providers import OPENVINO

    options = options or SessionOptions()
    first = options.providers[0] if options.providers else None
    openvino = first is not None and normalize_provider(first) == OPENVINO
    providers = (OPENVINO,) if openvino else choose_providers(options.providers)
    key = (model.sha256, providers, options.intra_op_threads)
    card = model.card
    card_key = card.digest() if card is not None else ""
    with _cache_lock:
        cached = _models.get((key, card_key))
        if cached is None:
            session = _sessions.get(key)
            if session is None:
                if openvino:
                    session = create_openvino_session(model.data, options.intra_op_threads)
                else:
                    session = create_session(model.data, providers, options.intra_op_threads)
                _sessions[key] = session
            cached = ModelSession(session, sha256=model.sha256, card=card)
            _models[(key, card_key)] = cached
        return cached


def get_engine(model: CheckedModel, options: SessionOptions | None = None) -> Engine:
    """An :class:`Engine` for a checked model; its session is shared through the cache."""
    options = options or SessionOptions()
    return Engine(get_model_session(model, options), options)


def get_session(model: CheckedModel, options: SessionOptions | None = None) -> Any:
    """The cached ``onnxruntime.InferenceSession`` itself (same object for the same model)."""
    return get_model_session(model, options).session


def clear_cache() -> None:
    """Drop every cached session (frees accelerator memory; the next use reloads)."""
    with _cache_lock:
        _models.clear()
        _sessions.clear()
