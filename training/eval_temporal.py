"""Held-out evaluation of the temporal models against the single-frame models and the best
tuned classical temporal filter.

Clips: plain pans (up to 4 px/frame each way, seeded) over the four held-out photographs,
rendered as the training clips are (``training.synth_video.pan_clip``), ``FRAMES`` frames each;
the middle frame is scored (it has both neighbours on each side), and the middle three for
flicker. The models run as the
tools run them: the level estimated automatically on the frame (denoise), the neighbours
aligned and gated by ``workbench.tools.temporal_align``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from training import common, synth_video
from training.data.build import encode_h264_roundtrip
from training.synth import F32, quantise
from workbench.tools import temporal_align
from workbench.tools.noise_estimate import denoiser_input, estimate_noise_sigma

FRAMES = 7
SCORED = (3,)
STEADY = (2, 3, 4)  # the frames whose differences measure flicker
RADIUS = 2
NLM_FACTORS = (0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def pans(size: int, per_image: int, seed: int, static: bool = False) -> list[list[np.ndarray]]:
    """Held-out clips (lists of float32 frames)."""
    rng = np.random.default_rng(seed)
    out = []
    for _id, img in common.load_split("heldout"):
        for _ in range(per_image):
            out.append(synth_video.pan_clip(rng, img, size, FRAMES, 0.0 if static else 4.0))
    return out


def neighbours_of(frames: list[np.ndarray], t: int) -> dict[int, np.ndarray]:
    return {k: frames[t + k] for k in temporal_align.offsets(RADIUS) if 0 <= t + k < len(frames)}


def run_temporal(
    sess: Any, frames: list[np.ndarray], t: int, level: float | None, have: bool = True
) -> np.ndarray:
    """The temporal model on frame ``t`` as its tool runs it: the denoiser with ``level``, the
    deblocker (``level`` None) with its own consistency floor."""
    nb = neighbours_of(frames, t) if have else {}
    floor = temporal_align.ERROR_FLOOR if level is not None else temporal_align.DEBLOCK_ERROR_FLOOR
    x = temporal_align.temporal_input(frames[t], nb, RADIUS, level, floor)
    return np.clip(common.run_hwc(sess, x), 0, 1)


def nlm_multi(frames: list[np.ndarray], t: int, h: float) -> np.ndarray:
    """OpenCV's fastNlMeansDenoisingColoredMulti over the 5 frames around ``t``."""
    u8 = [(np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8) for f in frames[t - 2 : t + 3]]
    out = cv2.fastNlMeansDenoisingColoredMulti(u8, 2, 5, None, h, h, 7, 21)
    return out.astype(F32) / 255.0


def noisy_version(
    rng: np.random.Generator, clean: list[np.ndarray], kind: str, sigma: float
) -> list[np.ndarray]:
    nk = synth_video.NoiseKind(kind, sigma, share=0.6, blur=0.8, chroma=0.25)
    return synth_video.noisy_clip(rng, clean, nk)[0]


def flicker(outs: list[np.ndarray], clean: list[np.ndarray]) -> float:
    """Mean absolute frame-to-frame difference of ``outs`` less that of the clean frames
    (8-bit steps)."""
    d = [np.mean(np.abs(b - a)) for a, b in itertools.pairwise(outs)]
    c = [np.mean(np.abs(b - a)) for a, b in itertools.pairwise(clean)]
    return float(255 * (np.mean(d) - np.mean(c)))


def evaluate_denoise(sess: Any, single: Any, quick: bool, log: Callable[[str], None]) -> dict:
    """Figures for the card (see the module docstring); ``single``: the single-frame model."""
    size, per = (128, 1) if quick else (256, 3)
    clips = pans(size, per, 2027)
    res: dict[str, float] = {}
    conds = [
        ("white", 15, 1.0),
        ("white", 25, 1.0),
        ("sensor", 20, 1.0),
        ("grain", 20, 1.0),
        ("grain", 20, 2.5),
    ]
    for kind, s, amount in conds:
        rng = np.random.default_rng(1000 + s)
        tm, sm, nm, im, tall = [], [], [], [], []
        for clean in clips:
            noisy = noisy_version(rng, clean, kind, s / 255)
            for t in SCORED:
                level = estimate_noise_sigma(noisy[t]) * amount
                out = run_temporal(sess, noisy, t, level)
                tm.append(common.psnr(out, clean[t]))
                tall.append(common.psnr(run_temporal(sess, noisy, t, level, False), clean[t]))
                one = common.run_hwc(single, denoiser_input(noisy[t], strength=amount))
                sm.append(common.psnr(np.clip(one, 0, 1), clean[t]))
                im.append(common.psnr(noisy[t], clean[t]))
                nm.append(
                    max(
                        common.psnr(nlm_multi(noisy, t, max(1.0, f * s)), clean[t])
                        for f in NLM_FACTORS
                    )
                )
        key = f"{kind}{s}" + (f"_amount{amount:g}" if amount != 1.0 else "")
        res[f"{key}_temporal"], res[f"{key}_single"] = float(np.mean(tm)), float(np.mean(sm))
        res[f"{key}_nlm_multi"], res[f"{key}_input"] = float(np.mean(nm)), float(np.mean(im))
        res[f"{key}_temporal_no_neighbours"] = float(np.mean(tall))
        log(
            f"  {key}: temporal {np.mean(tm):.2f}  single {np.mean(sm):.2f}  nlm-multi "
            f"{np.mean(nm):.2f}  input {np.mean(im):.2f}  temporal w/o neighbours {np.mean(tall):.2f}"
        )
    res.update(_static(sess, single, size, quick, log))
    res.update(_cuts(sess, size, log))
    return res


def _cuts(sess: Any, size: int, log: Callable[[str], None]) -> dict[str, float]:
    """Each held-out photograph cut to the next (sigma 15 and 25): the first two frames after
    the cut and the last two before it, with all four neighbours given, against the same
    model given only the neighbours of its own shot. Anything of the other shot that passes
    the gates shows as a difference."""
    from workbench.tools.noise_estimate import estimate_noise_sigma as estimate

    held = [img for _id, img in common.load_split("heldout")]
    rng = np.random.default_rng(31)
    close, share = [], []
    for i, a in enumerate(held):
        b = held[(i + 1) % len(held)]
        for s in (15, 25):
            first = synth_video.pan_clip(rng, a, size, FRAMES, 3.0)
            second = synth_video.pan_clip(rng, b, size, FRAMES, 3.0)
            noisy = noisy_version(rng, first[:3] + second[3:], "white", s / 255)
            for t in (1, 2, 3, 4):
                level = estimate(noisy[t])
                full = run_temporal(sess, noisy, t, level)
                own = {k: f for k, f in neighbours_of(noisy, t).items() if (t + k >= 3) == (t >= 3)}
                x = temporal_align.temporal_input(noisy[t], own, RADIUS, level)
                alone = np.clip(common.run_hwc(sess, x), 0, 1)
                close.append(common.psnr(full, alone))
                share.append(float((np.abs(full - alone).max(axis=2) > 4 / 255).mean()))
    res = {"cut_psnr_min": float(np.min(close)), "cut_share_max": float(np.max(share))}
    log(
        f"  cuts: result vs own-shot-only result PSNR min {np.min(close):.1f} dB; pixels off "
        f"by more than 4/255 at most {100 * np.max(share):.2f} %"
    )
    return res


def _static(sess: Any, single: Any, size: int, quick: bool, log: Callable[[str], None]) -> dict:
    """Flicker on a static noisy shot (sigma 25) and PSNR against the input on a static clean
    one."""
    res: dict[str, float] = {}
    statics = pans(size, 1, 2028, static=True)
    rng = np.random.default_rng(25)
    ft, fs, fn, keep = [], [], [], []
    for clean in statics:
        clean = [quantise(f) for f in clean]
        noisy = noisy_version(rng, clean, "white", 25 / 255)
        outs_t, outs_s, outs_n = [], [], []
        h = _best_nlm_h(noisy, clean, 25)
        for t in STEADY:
            outs_t.append(run_temporal(sess, noisy, t, estimate_noise_sigma(noisy[t])))
            outs_s.append(np.clip(common.run_hwc(single, denoiser_input(noisy[t])), 0, 1))
            outs_n.append(nlm_multi(noisy, t, h))
            out = run_temporal(sess, clean, t, estimate_noise_sigma(clean[t]))
            keep.append(common.psnr(out, clean[t]))
        cl = [clean[t] for t in STEADY]
        ft.append(flicker(outs_t, cl))
        fs.append(flicker(outs_s, cl))
        fn.append(flicker(outs_n, cl))
    res["flicker_temporal"], res["flicker_single"] = float(np.mean(ft)), float(np.mean(fs))
    res["flicker_nlm_multi"], res["static_clean_psnr"] = float(np.mean(fn)), float(np.mean(keep))
    log(
        f"  static sigma 25 flicker (8-bit steps): temporal {np.mean(ft):.3f}  single "
        f"{np.mean(fs):.3f}  nlm-multi {np.mean(fn):.3f}; clean static: {np.mean(keep):.2f} dB"
    )
    return res


def _best_nlm_h(noisy: list[np.ndarray], clean: list[np.ndarray], s: float) -> float:
    t = SCORED[0]
    scores = {f: common.psnr(nlm_multi(noisy, t, f * s), clean[t]) for f in NLM_FACTORS}
    return max(scores, key=lambda f: scores[f]) * s


def evaluate_deblock(sess: Any, single: Any, quick: bool, log: Callable[[str], None]) -> dict:
    """H.264 CRF 35 (and 30, 40) on held-out pans: PSNR of the temporal model, the
    single-frame deblocker and the decoded input against the clean frames."""
    size, per = (128, 1) if quick else (256, 3)
    clips = pans(size, per, 2029)
    res: dict[str, float] = {}
    for crf in (30, 35, 40):
        tm, sm, im = [], [], []
        for clean in clips:
            u8 = [(np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8) for f in clean]
            dec = [d.astype(F32) / 255.0 for d in encode_h264_roundtrip(u8, crf)]
            ref = [u.astype(F32) / 255.0 for u in u8]
            for t in SCORED:
                tm.append(common.psnr(run_temporal(sess, dec, t, None), ref[t]))
                sm.append(common.psnr(np.clip(common.run_hwc(single, dec[t]), 0, 1), ref[t]))
                im.append(common.psnr(dec[t], ref[t]))
        res[f"crf{crf}_temporal"], res[f"crf{crf}_single"] = float(np.mean(tm)), float(np.mean(sm))
        res[f"crf{crf}_input"] = float(np.mean(im))
        log(
            f"  H.264 CRF {crf}: temporal {np.mean(tm):.2f}  single {np.mean(sm):.2f}  "
            f"input {np.mean(im):.2f}"
        )
    return res
