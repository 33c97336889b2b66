"""How fast each backend runs each model on this machine, measured once and remembered.

The file is ``backend-profile.json`` in the cache folder. An entry is keyed by the model's main
SHA-256 and the tile side it was measured at, and holds the machine it was measured on (CPU,
core count, ONNX Runtime and OpenVINO versions): a profile copied to another machine, or kept
across an upgrade, is measured again rather than trusted. The load average at the time is kept
too, because a busy machine measures slowly (the ratios, not the seconds, decide).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.inference.engine import SessionOptions

if TYPE_CHECKING:
    from workbench.catalog.catalog import CheckedModel
    from workbench.inference.backends import Backend

PROFILE_NAME = "backend-profile.json"
#: Timed runs per backend (after one warm-up each), alternating the backends.
REPEATS = 3
#: The tile side measured: at most this (an upscaler's whole-frame tile would take minutes to
#: time, and the ratios between backends hardly depend on the side).
MEASURE_SIDE = 512


def profile_path() -> Path:
    from workbench.config import user_cache_dir

    return user_cache_dir() / PROFILE_NAME


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """What a measurement holds for: CPU, cores, runtime versions."""
    from workbench.inference.openvino_runtime import openvino_version
    from workbench.inference.providers import onnxruntime_version

    return (
        f"{_cpu_name()}; {os.cpu_count()} cores; {platform.system()}; "
        f"onnxruntime {onnxruntime_version()}; openvino {openvino_version() or '-'}"
    )


def _key(model: CheckedModel, tile: int) -> str:
    main = model.card.sha256 if model.card is not None else model.sha256
    return f"{main}:{tile}"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(profile_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered(model: CheckedModel, tile: int) -> dict[str, float]:
    """Seconds per backend label measured for this model here, or nothing."""
    entry = _read().get(_key(model, tile))
    if not isinstance(entry, dict) or entry.get("machine") != machine():
        return {}
    seconds = entry.get("seconds")
    if not isinstance(seconds, dict):
        return {}
    return {str(k): float(v) for k, v in seconds.items() if isinstance(v, int | float) and v > 0}


def remember(model: CheckedModel, tile: int, seconds: dict[str, float]) -> None:
    from workbench.fsutil import write_atomic

    data = _read()
    try:
        load = round(os.getloadavg()[0], 2)
    except OSError:
        load = None
    data[_key(model, tile)] = {
        "model": model.card.id if model.card is not None else model.sha256[:12],
        "machine": machine(),
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load": load,
        "seconds": {k: round(v, 5) for k, v in sorted(seconds.items())},
    }
    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def _tile_input(engine: Any, tile: int) -> tuple[np.ndarray, tuple[int, ...]]:
    model = engine.model
    channels = sum(c for c in engine.input_channels if c is not None)
    counts = model.split_channels(channels)
    height, width = model.fixed_size or (tile, tile)
    x = np.random.default_rng(0).random((1, sum(counts), height, width), dtype=np.float32)
    return x, counts


def time_backends(
    model: CheckedModel, backends: Sequence[Backend], options: SessionOptions
) -> dict[str, float]:
    """Best-of seconds per backend for one tile of ``options.tile_size``, alternating them."""
    from workbench.inference.backends import open_backend

    engines = [open_backend(model, b, options) for b in backends]
    x, counts = _tile_input(engines[0], measure_side(options))
    for engine in engines:
        engine.model.run_nchw(x, counts)  # warm-up: first runs allocate and compile
    best = [float("inf")] * len(engines)
    for _ in range(REPEATS):
        for k, engine in enumerate(engines):
            start = time.perf_counter()
            engine.model.run_nchw(x, counts)
            best[k] = min(best[k], time.perf_counter() - start)
    return {b.label: t for b, t in zip(backends, best, strict=True)}


def measure(
    model: CheckedModel, backends: Sequence[Backend], options: SessionOptions
) -> dict[str, float]:
    """Measure, remember and return the seconds of ``backends`` (with any remembered before)."""
    side = measure_side(options)
    seconds = dict(remembered(model, side))
    seconds.update(time_backends(model, backends, options))
    remember(model, side, seconds)
    return seconds


def measure_side(options: SessionOptions) -> int:
    """The tile side the backends are timed at for these options."""
    return min(options.tile_size, MEASURE_SIDE)


__all__ = ["PROFILE_NAME", "machine", "measure", "profile_path", "remember", "remembered"]
