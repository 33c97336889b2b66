"""Docs crops of the temporal models (``python -m training.make_docs denoise-temporal
deblock-temporal``): what to look for is where video restoration goes wrong -- ghosts of a
moving object or of the other shot after a cut, seams where the neighbours stop being used
(the gates' edges, a clip's first frame), and flicker on a static shot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from training import common, eval_temporal, synth, synth_video
from training.data.build import encode_h264_roundtrip
from workbench.tools import temporal_align
from workbench.tools.noise_estimate import denoiser_input, estimate_noise_sigma

Row = list[tuple[str, np.ndarray]]


def _scene_clip(
    rng: np.random.Generator, img: np.ndarray, size: int, obj: bool
) -> list[np.ndarray]:
    frames = synth_video.pan_clip(rng, img, size, 7, 3.0)
    if obj:
        src = synth.PatchSource([img])
        synth_video.paste_object(rng, src, frames, size)
    return frames


def _crop(img: np.ndarray, box: tuple[int, int, int]) -> np.ndarray:
    y, x, s = box
    return img[y : y + s, x : x + s]


def denoise(held: dict[str, np.ndarray], out: Path, panel: Callable[..., None]) -> None:
    sess = common.ort_session(common.MODELS / "denoise-temporal.onnx")
    single = common.ort_session(common.MODELS / "denoise.onnx")
    rng = np.random.default_rng(8)

    def both(noisy: list[np.ndarray], t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        level = estimate_noise_sigma(noisy[t])
        x = temporal_align.temporal_input(noisy[t], eval_temporal.neighbours_of(noisy, t), 2,
                                          level)  # fmt: skip
        gates = x[:, :, -4:].mean(axis=2)
        one = common.run_hwc(single, denoiser_input(noisy[t]))
        return common.run_hwc(sess, x), one, np.repeat(gates[:, :, None], 3, axis=2)

    rows: list[Row] = []
    for key, box, sigma, obj, t in (
        ("lomiri-wine", (60, 60, 128), 25, False, 3),  # a pan
        ("lomiri-life", (40, 40, 176), 15, True, 3),  # a pan with an object crossing it
        ("lomiri-life", (40, 40, 176), 15, True, 0),  # the clip's first frame
    ):
        img = (held[key] * 255).astype(np.uint8)
        clean = _scene_clip(np.random.default_rng(hash(key) % 1000), img, 256, obj)
        noisy = eval_temporal.noisy_version(rng, clean, "white", sigma / 255)
        temporal, one, gates = both(noisy, t)
        label = f"s={sigma} frame {t}" + (" (first)" if t == 0 else "")
        rows.append([(f"noisy {label}", _crop(noisy[t], box)), ("single-frame", _crop(one, box)),
                     ("temporal", _crop(temporal, box)), ("gates (mean)", _crop(gates, box)),
                     ("clean", _crop(clean[t], box))])  # fmt: skip
    # a cut before frame 3: frames 0-2 are another photograph
    a = _scene_clip(rng, (held["skimage-camera"] * 255).astype(np.uint8), 256, False)
    b = _scene_clip(rng, (held["lomiri-wine"] * 255).astype(np.uint8), 256, False)
    clean = a[:3] + b[3:]
    noisy = eval_temporal.noisy_version(rng, clean, "white", 25 / 255)
    temporal, one, gates = both(noisy, 3)
    box = (60, 60, 128)
    rows.append([("noisy, first after a cut", _crop(noisy[3], box)), ("single-frame", _crop(one, box)),
                 ("temporal", _crop(temporal, box)), ("gates (mean)", _crop(gates, box)),
                 ("clean", _crop(clean[3], box))])  # fmt: skip
    panel(rows, 2, out / "denoise-temporal.png")
    flicker(held, out, panel, sess, single)


def flicker(
    held: dict[str, np.ndarray], out: Path, panel: Callable[..., None], sess: object, single: object
) -> None:
    """Frame-to-frame differences (x8) of the results on a static noisy shot."""
    rng = np.random.default_rng(9)
    img = (held["skimage-coffee"] * 255).astype(np.uint8)
    clean = [synth.quantise(f) for f in synth_video.pan_clip(rng, img, 256, 7, 0.0)]
    noisy = eval_temporal.noisy_version(rng, clean, "white", 25 / 255)
    outs_t, outs_s = [], []
    for t in (2, 3):
        level = estimate_noise_sigma(noisy[t])
        outs_t.append(eval_temporal.run_temporal(sess, noisy, t, level))
        outs_s.append(np.clip(common.run_hwc(single, denoiser_input(noisy[t])), 0, 1))
    box = (64, 64, 128)

    def diff(pair: list[np.ndarray]) -> np.ndarray:
        return _crop(np.clip(0.5 + 8 * (pair[1] - pair[0]), 0, 1), box)

    panel([[("noisy frame 3", _crop(noisy[3], box)), ("single: 3 - 2, x8", diff(outs_s)),
            ("temporal: 3 - 2, x8", diff(outs_t)), ("temporal frame 3", _crop(outs_t[1], box))]],
          2, out / "denoise-temporal-flicker.png")  # fmt: skip


def deblock(held: dict[str, np.ndarray], out: Path, panel: Callable[..., None]) -> None:
    sess = common.ort_session(common.MODELS / "deblock-temporal.onnx")
    single = common.ort_session(common.MODELS / "deblock.onnx")
    rows: list[Row] = []
    for key, box, obj in (
        ("lomiri-life", (64, 64, 128), False),
        ("skimage-coffee", (40, 40, 176), True),
    ):
        img = (held[key] * 255).astype(np.uint8)
        clean = _scene_clip(np.random.default_rng(35), img, 256, obj)
        u8 = [(np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8) for f in clean]
        dec = [d.astype(np.float32) / 255 for d in encode_h264_roundtrip(u8, 35)]
        t = 3
        temporal = eval_temporal.run_temporal(sess, dec, t, None)
        one = common.run_hwc(single, dec[t])
        rows.append([("H.264 CRF 35", _crop(dec[t], box)), ("single-frame", _crop(one, box)),
                     ("temporal", _crop(temporal, box)),
                     ("original", _crop(u8[t].astype(np.float32) / 255, box))])  # fmt: skip
    panel(rows, 2, out / "deblock-temporal.png")
